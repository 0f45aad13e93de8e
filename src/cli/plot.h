/*
 * plot.h - the picture options `skymodel plot` and `skymodel sim --plot`
 * share (cmd_plot.c).
 */
#ifndef SKY_CLI_PLOT_H
#define SKY_CLI_PLOT_H

#include "options.h"

typedef struct cli_plot {
    const char *field; /* "I", "Q", "U", "P" or "all" */
    double vmin, vmax; /* NAN: the map's range */
    int norm, width, graticule;
    char coord; /* 0: the map's frame */
    const char *title;
} cli_plot;

/* Reads --field, --min, --max, --norm, --title, --coord, --graticule, --width. */
int cli_plot_args(const cli_parsed *p, cli_plot *a, sky_error *err);
/* Draws HEALPix file `fits` into `png`. */
int cli_plot_file(const char *fits, const char *png, const cli_plot *a, int overwrite,
                  sky_error *err);

#endif
