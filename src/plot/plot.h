/*
 * plot.h - pictures of HEALPix maps as healpy.mollview draws them: the
 * Mollweide projection of the whole sky, longitude 0 at the centre and
 * increasing to the left, a colour bar labelled with the unit, a title; one
 * panel per map, stacked, in one PNG (cairo).
 */
#ifndef SKY_PLOT_PLOT_H
#define SKY_PLOT_PLOT_H

#include <stddef.h>

#include "healpix/healpix.h"
#include "io/fits_car.h"
#include "skymodel.h"

enum sky_plot_norm { SKY_NORM_LINEAR, SKY_NORM_LOG, SKY_NORM_HIST };
enum sky_plot_cmap { SKY_CMAP_PLANCK, SKY_CMAP_DIVERGING };

typedef struct sky_plot_panel {
    const sky_hmap *map;      /* a HEALPix map, or NULL for: */
    const sky_car_map *car;   /* a CAR map, its component car_comp, sampled */
    int car_comp;
    const char *title;
    const char *unit;
    int cmap;          /* enum sky_plot_cmap */
    double vmin, vmax; /* NAN: the map's own range (symmetric about 0 for diverging maps) */
} sky_plot_panel;

typedef struct sky_plot_opts {
    int width;     /* pixels (default 800, healpy's xsize) */
    int norm;      /* enum sky_plot_norm */
    int graticule; /* meridians every 60 deg, parallels every 30 deg */
    char coord_from, coord_to; /* the map's frame and the one drawn ('G', 'C', 'E'); 0: as is */
} sky_plot_opts;

/* The title as drawn across a panel `width` pixels wide: the font size
 * (at most `size`, at least half of it or 8 pixels) at which `title` fits in 96 % of
 * the width, with the text written to out (of outlen bytes); when even the
 * smallest size is too wide, the middle of the text is replaced by "..." so
 * that it fits. *drawn (may be NULL) receives the width of the text drawn.
 * Text that is not UTF-8 is drawn with '?' for its bad bytes. */
double sky_plot_fit_title(const char *title, double width, double size, char *out,
                          size_t outlen, double *drawn);

/* Writes the panels to a PNG (temporary name, renamed into place). */
int sky_plot_png(const char *path, int npanel, const sky_plot_panel *panels,
                 const sky_plot_opts *o, int overwrite, sky_error *err);

/* The Mollweide projection (healpy's): direction (colatitude, longitude) to
 * plane coordinates x in [-2, 2] (east to the left), y in [-1, 1]; and back
 * (0 outside the ellipse). */
void sky_mollweide_forward(double theta, double phi, double *x, double *y);
int sky_mollweide_inverse(double x, double y, double *theta, double *phi);

#endif
