/*
 * interp_grid.h - the engine of PySM's InterpolatingComponent, shared by
 * interpolating.c (InterpolatingComponent, rg3), websky_cib.c (WebSkyCIB,
 * cib1) and websky_radio.c (WebSkyRadioGalaxies, rg1).
 *
 * A grid is a list of frequencies, each with a map file. As PySM 3.4.5:
 * - one frequency within np.isclose (rtol 1e-5, atol 1e-8) of a grid point:
 *   that grid map, in the file's precision;
 * - a band (or one frequency) reaching below the first or above the last
 *   grid frequency: zeros (with a one-line warning in the sky's log, once
 *   per component and side, where PySM warns);
 * - otherwise, per sample nu, x = np.interp(nu, grid range, 0..n-1),
 *   k = int(x), r = x - k, (1 - r) M_k + r M_{k+1} in double from the maps
 *   rounded to float32 (PySM's cache), integrated with the trapezoid steps.
 * Each grid map is read in `input_units` (overriding TUNIT), brought to the
 * sky nside (ud_grade) and converted to uK_RJ at its own frequency; with
 * the SPT correction (cib1) it is then multiplied by
 * sqrt(1 + 0.84 / (1 + exp((nu - 227) / 75))). Files with three or more
 * columns are I, Q, U; others are I only (Q = U = 0).
 *
 * Maps are read lazily: an evaluation acquires, for each channel, the grid
 * maps PySM's get_relevant_frequencies picks for its band (the points
 * bracketing it), for the sky's part only, and releases them when it is
 * over; maps shared by channels or concurrent evaluations are read once.
 * Released maps stay read for the next evaluation (a map written in chunks
 * evaluates the same band once per chunk) until an evaluation that does not
 * need them frees them, or the sky is freed: at most the maps of the bands
 * being evaluated, plus those of the last one, are held. All files of a grid
 * must have one nside.
 */
#ifndef SKY_MODELS_INTERP_GRID_H
#define SKY_MODELS_INTERP_GRID_H

#include <pthread.h>

#include "model.h"

typedef struct sky_interp_map {
    sky_hmap m[3];
    int nm;    /* columns read: 3 (I, Q, U) or 1 (I) */
    int users; /* channels using it (read at the first; idle at 0, see above) */
} sky_interp_map;

typedef struct sky_interp_grid {
    int n;
    double *freq; /* GHz, strictly increasing */
    char **path;  /* each map's file (PySM relative path, {nside} unexpanded) */
    char input_units[64];
    int spt; /* PySM's SPT CIB correction on each grid map */
    /* read per band */
    pthread_mutex_t lock;
    int locked_init;
    sky_interp_map *maps;
    int file_nside; /* of the first file read (0 before): every file must have it */
    int first_read; /* its index */
    int warned;     /* 1: below the grid said, 2: above */
} sky_interp_grid;

/* A grid of n points (freq and path to be filled by the caller). */
int sky_interp_grid_alloc(sky_interp_grid *g, int n, sky_error *err);
/* Sets point k's path (printf-style); -1 when it does not fit. */
int sky_interp_grid_set_path(sky_interp_grid *g, int k, const char *fmt, ...) SKY_PRINTF(3, 4);
void sky_interp_grid_free(sky_interp_grid *g);
/* Checks that the frequencies are positive and strictly increasing. */
int sky_interp_grid_check(const sky_interp_grid *g, const char *owner, sky_error *err);

/* A list of numbers ("[1.0, 18.7, 24.5]", a TOML array's text, blanks, line
 * ends and comments allowed; or one number) into out: the count, or -1 when
 * it is not such a list of at most `max`. */
int sky_interp_parse_numbers(const char *s, double *out, int max);

/* The model hooks (sky_model_type) of a state that starts with its
 * sky_interp_grid: every model on the engine uses them as they are. */
void sky_interp_free(void *state);
int sky_interp_band_data_len(const void *state, const sky_bandq *band);
int sky_interp_prepare(const void *state, const sky_bandq *band, sky_np_rng *rng, double *bdata,
                       sky_error *err);
int sky_interp_acquire(void *state, const sky_bandq *band, sky_loader *ld, sky_error *err);
void sky_interp_release(void *state, const sky_bandq *band);
int sky_interp_f32(const void *state, const sky_bandq *band);
void sky_interp_emission(const void *state, const sky_bandq *band, const double *bdata,
                         int64_t first, int64_t count, double *i, double *q, double *u);
#define SKY_INTERP_GRID_HOOKS                                                                  \
    .f32_output = sky_interp_f32, .band_data_len = sky_interp_band_data_len,                   \
    .prepare = sky_interp_prepare, .emission = sky_interp_emission, .free = sky_interp_free,   \
    .acquire = sky_interp_acquire, .release = sky_interp_release

/* The WebSky grids (cib1, rg1): PySM's 46 frequencies, files
 * [local_folder/]websky/{version}/{kind}/{kind}_{f:06.1f}.fits. */
int sky_websky_grid_init(sky_interp_grid *g, sky_params *ps, const char *kind,
                         const char *default_units, int default_spt, sky_error *err);
int sky_websky_grid_files(const sky_params *ps, const char *kind,
                          int (*fn)(const char *path, void *ctx), void *ctx);
int sky_websky_grid_check(const sky_params *ps, int *bad, sky_error *err);
#define SKY_WEBSKY_GRID_PARAMS                                                                   \
    SKY_SPEC("websky_version", SKY_WANT_STRING | SKY_WANT_NUMBER, 0),                           \
        SKY_SPEC_UNIT("input_units"), SKY_SPEC("interpolation_kind", SKY_WANT_STRING, 0),       \
        SKY_SPEC_BOOL("apply_SPT_correction"), SKY_SPEC_PATH("local_folder", 0)

/* "linear", the one kind PySM implements (it takes any word as linear). */
int sky_interp_kind_check(const sky_params *ps, int *bad, sky_error *err);

#endif
