/*
 * sky_eval.h - what the pipeline (src/pipeline) asks of a sky beyond the
 * public API: components that apply a channel's beam themselves (PySM's
 * includes_smoothing, model.h's `smoothing` hook).
 *
 * A smoothed channel is made in three steps: the sky evaluated without those
 * components (sky_emission_channels_smoothed with smoothed[c] = 1), that map
 * smoothed by the pipeline (sky_smooth_map), then each such component's own
 * smoothed map, times the channel's unit factor and scale, added
 * (sky_add_self_smoothed). An unsmoothed channel evaluates them as any
 * other component, or fails with their reason when they need a beam.
 */
#ifndef SKY_SKY_EVAL_H
#define SKY_SKY_EVAL_H

#include "parallel/region.h"
#include "skymodel.h"

/* The pixels an evaluation computes at a time for every channel (sky.c): a
 * thread's unit of work, and the most a model's emission() is asked for at
 * once (and emission_shared(), whose results for all channels of a block a
 * thread keeps). */
#define SKY_EVAL_BLOCK 4096

/* Above this many bytes of output, an evaluation's maps are written with
 * non-temporal stores (core/stream.h): the last-level cache of this
 * project's reference machine (32 MiB). Output that fits, as the CLI sizes
 * its chunks to (sky_channels_chunk: 24 MB), is stored as usual and is
 * still in the cache when the caller reads it. */
#define SKY_STREAM_BYTES (32.0 * 1024 * 1024)

/* sky_emission_channels_strided, channel c leaving out the self-smoothing
 * components when smoothed[c] is 1 (smoothed may be NULL: none). */
int sky_emission_channels_smoothed(const sky_sky *sky, int nchan, const sky_band *bands,
                                   const char *const *units, const int *smoothed,
                                   int64_t first, int64_t count, double *const *out,
                                   int64_t stride, sky_error *err);

/* sky_bands_prepare, channel c leaving out the self-smoothing components
 * when smoothed[c] is 1 (smoothed may be NULL: none). */
int sky_bands_prepare_smoothed(const sky_sky *sky, int nchan, const sky_band *bands,
                               const char *const *units, const int *smoothed, sky_bands **out,
                               sky_error *err);

/* Component i's SKY_SMOOTHING_* mode (model.h); `why` (may be NULL) receives
 * the reason a required beam is needed. */
int sky_component_smoothing(const sky_sky *sky, int i, sky_error *why);
/* How many components apply the beam themselves. */
int sky_self_smoothing_count(const sky_sky *sky);
/* How many components the sky has. */
int sky_component_total(const sky_sky *sky);

/* Adds to the smoothed map `r` (the rest of the sky after sky_smooth_map with
 * options `o`) each self-smoothing component's own smoothed emission over
 * `band`, converted to `unit` and multiplied by `scale`. */
int sky_add_self_smoothed(const sky_sky *sky, const sky_band *band, const char *unit,
                          double scale, const sky_smooth_opts *o, sky_smoothed *r,
                          sky_error *err);
/* The same under MPI: r->hp holds the pixels of `out_part` (a region at
 * r->nside; NULL: the whole sky), r->car the CAR map on the process that
 * has it (NULL elsewhere). Components without emission_smoothed_part are
 * refused on a part. */
int sky_add_self_smoothed_part(const sky_sky *sky, const sky_band *band, const char *unit,
                               double scale, const sky_smooth_opts *o,
                               const sky_region *out_part, sky_smoothed *r, sky_error *err);

#endif
