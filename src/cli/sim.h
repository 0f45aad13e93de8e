/*
 * sim.h - what `skymodel sim` shares between its two modes: one band
 * (cmd_sim.c) and an instrument of several channels (sim_instrument.c).
 */
#ifndef SKY_CLI_SIM_H
#define SKY_CLI_SIM_H

#include "options.h"
#include "skymodel.h"

double cli_peak_rss_mb(void);

/* Builds the sky of `presets` at nside with the data, seed and verbosity
 * options of `p`; on failure both are NULL. */
int cli_build_sky(const cli_parsed *p, const char *presets, int nside, long long seed,
                  int verbose, sky_config **cfg, sky_sky **sky, sky_error *err);

/* Header cards of an output map: creator, presets, channel (may be NULL),
 * band and the seeds used. `ptr` is NULL-terminated. */
enum { CLI_MAX_CARDS = 24 };
typedef struct cli_cards {
    char text[CLI_MAX_CARDS][80];
    const char *ptr[CLI_MAX_CARDS + 1];
} cli_cards;

void cli_make_cards(cli_cards *c, const sky_sky *sky, const char *presets, const char *channel,
                    const double *freq, int nfreq);

/* `skymodel sim --instrument FILE`: options parsed, nside and seed checked. */
int cli_sim_instrument(const cli_parsed *p, const char *file, int nside, long long seed,
                       int verbose, sky_error *err);

#endif
