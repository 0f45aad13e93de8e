/*
 * rebuild.h - how an instrument's smoothed channels are evaluated: all in
 * one pass, every map held while the others are smoothed, or one at a time
 * with the sky freed during each channel's transforms and built again for
 * the next (the same options and seed give the same sky, so the same bits).
 */
#ifndef SKY_PIPELINE_REBUILD_H
#define SKY_PIPELINE_REBUILD_H

#include "skymodel.h"

/* The environment variable that forces the choice: "always", "never" or
 * "auto" (the default), for tests and benchmarks. */
#define SKY_REBUILD_ENV "SKYMODEL_SKY_REBUILD"

/* What SKY_REBUILD_ENV's value `value` (may be NULL) asks: *mode = 1
 * always, 0 never, -1 auto (NULL, empty or "auto": sky_rebuild_choice
 * decides). SKY_EINVAL for anything else. */
int sky_rebuild_mode(const char *value, int *mode, sky_error *err);

/* *rebuild = 1 when the nchan channels (o[k] their smoothing at nside,
 * ncomp components) are best evaluated one at a time with the sky built
 * again for each. Mode 1 or 0 (sky_rebuild_mode) decides (always needs two
 * channels or more); mode -1: two channels or more, and building the sky
 * took build_seconds, less than a fifth of the estimated transforms of the
 * cheapest channel on `threads` threads (sky_smooth_seconds; a sky built
 * again, its files in the page cache, takes about 60 % of the first
 * build), so that the rebuilds cost a few percent of the time while the
 * peak memory falls by the sky and by the maps that would wait (nside 512,
 * the paper benchmark: 0.3-0.4 s a rebuild against 5-11 s of transforms a
 * channel, 502 -> 270 MB). */
int sky_rebuild_choice(int mode, double build_seconds, int nside, int ncomp, int nchan,
                       const sky_smooth_opts *o, int threads);

#endif
