/*
 * synth.h - a synthetic template set in PySM's layout, so that every preset
 * runs on a machine without the PySM data (`skymodel templates`).
 */
#ifndef SKY_TEMPLATES_SYNTH_H
#define SKY_TEMPLATES_SYNTH_H

#include <stdint.h>

#include "skymodel.h"

/* Which files: the PySM 2 set (pysm_2/...: d0-d8, s0-s3, f1, a1, a2, c1,
 * c2) and the high-resolution presets' per-nside files (dust_gnilc/...,
 * synch/...: d9, d10, s4, s5, s7), named with this nside, with d12's layers
 * and d11's and s6's alm, spectra and Galactic-plane maps (.../raw/). */
enum {
    SKY_SYNTH_PYSM2 = 1,
    SKY_SYNTH_GNILC = 2,       /* d9, d10 */
    SKY_SYNTH_SYNCH = 4,       /* s4, s5, s7 */
    SKY_SYNTH_MKD = 8,         /* d12 */
    SKY_SYNTH_REALIZATION = 16, /* d11, s6 */
    SKY_SYNTH_HIRES = 30,
    SKY_SYNTH_ALL = 31
};

/*
 * Writes under `dir` (created if missing) the template files of `sets`, at
 * their PySM relative paths, as HEALPix maps at `nside` and text tables,
 * generated deterministically from `seed`. Files are written to temporary
 * names and renamed into place. Existing files are replaced only with
 * `overwrite`. `log` (may be NULL) receives one line per file written.
 */
int sky_synth_templates(const char *dir, int nside, uint64_t seed, int overwrite, int sets,
                        void (*log)(void *ctx, const char *line), void *log_ctx, sky_error *err);

#endif
