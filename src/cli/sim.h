/*
 * sim.h - what `skymodel sim` shares between its two modes: one band
 * (cmd_sim.c) and an instrument of several channels (sim_instrument.c).
 */
#ifndef SKY_CLI_SIM_H
#define SKY_CLI_SIM_H

#include "options.h"
#include "parallel/region.h"
#include "sht/smooth.h"
#include "skymodel.h"

double cli_peak_rss_mb(void);

/* -v: how the bands are integrated (sky_fast_sed), one line on stderr. */
void cli_report_sed(const sky_sky *sky, int nchan, const sky_band *bands, int exact);

/* Builds the sky at nside of the presets `presets` (NULL: --preset's) and
 * the --config files of `p`, with its data, seed and verbosity options; on
 * failure all three are NULL. `prov` (may be NULL) receives the provenance
 * of the sky: PRESETS, CONFIGn (each --config file), what sky_prov_add_sky
 * writes (versions, components, seeds), DTYPE. */
int cli_build_sky(const cli_parsed *p, const char *presets, int nside, long long seed,
                  int verbose, sky_config **cfg, sky_sky **sky, sky_prov **prov, sky_error *err);
/* The same for part `part` of `nparts` (sky_options.part), whatever the
 * processes. */
int cli_build_sky_part(const cli_parsed *p, const char *presets, int nside, long long seed,
                       int verbose, int part, int nparts, sky_config **cfg, sky_sky **sky,
                       sky_prov **prov, sky_error *err);

/* The channel every map of the command line starts from (sky_channel_init,
 * then --unit, --dtype and --scale); the band and smoothing are the
 * caller's. SKY_EINVAL for a bad --scale. */
int cli_base_channel(const cli_parsed *p, sky_channel *ch, sky_error *err);

/* Where one band's map goes: fill with designated initializers (cmd_sim.c's
 * sim_target), never positionally. */
typedef struct cli_sim_target {
    sky_channel ch;                         /* what the map is (band, unit, dtype, smoothing) */
    const char *presets;                    /* what the sky is made of, for messages */
    const char *out, *car;                  /* out: NULL for a CAR map alone; car: NULL
                                               unless a CAR map is asked for */
    int overwrite;
    const char *bandpass;                   /* the band's file, for the header, or NULL */
} cli_sim_target;

/* `skymodel sim` of one band under mpirun (sim_parts.c): each process builds
 * and evaluates its part of the sky, the transforms (smooth != NULL) are
 * distributed (t->ch.smooth), rank 0 writes the file. Every process calls it; all return
 * the same status. */
int cli_sim_parts(const cli_parsed *p, int nside, long long seed, int verbose,
                  const cli_sim_target *t, sky_error *err);

/* `skymodel sim --parts K` of one band, unsmoothed, in one process: the sky
 * built, evaluated and written part after part (templates read for one
 * part at a time), so that peak memory is about 1/K of a whole-sky run. */
int cli_sim_in_parts(const cli_parsed *p, int nside, long long seed, int verbose,
                     const cli_sim_target *t, int nparts, sky_error *err);

/* Smooths this process's part `map` (ncomp blocks, destroyed) with the other
 * processes and writes the file (rank 0), and the CAR map when o asks. */
int cli_smooth_part_and_write(double *map, int nside, int ncomp,
                              const sky_smooth_opts *o, const char *beam_file,
                              const char *out_path, const char *car_path,
                              const char *const *units, const sky_prov *prov, int dtype,
                              int overwrite, int verbose, sky_error *err);

/* --no-compress, --compress-tol and --basis-out checked (instrument: 1 with
 * --instrument); nothing is read or written. */
int cli_compress_checks(const cli_parsed *p, int instrument, sky_error *err);

/* `skymodel sim --instrument FILE`: options parsed, nside and seed checked. */
int cli_sim_instrument(const cli_parsed *p, const char *file, int nside, long long seed,
                       int verbose, sky_error *err);

#endif
