/*
 * synth.h - a synthetic template set in PySM's layout, so that every preset
 * runs on a machine without the PySM data (`skymodel templates`).
 */
#ifndef SKY_TEMPLATES_SYNTH_H
#define SKY_TEMPLATES_SYNTH_H

#include <stdint.h>

#include "skymodel.h"

/*
 * Writes under `dir` (created if missing) every template file the built-in
 * presets read, at their PySM relative paths (dir/pysm_2/...), as HEALPix
 * maps at `nside` and text tables, generated deterministically from `seed`.
 * Files are written to temporary names and renamed into place. Existing files
 * are replaced only with `overwrite`. `log` (may be NULL) receives one line
 * per file written.
 */
int sky_synth_templates(const char *dir, int nside, uint64_t seed, int overwrite,
                        void (*log)(void *ctx, const char *line), void *log_ctx, sky_error *err);

#endif
