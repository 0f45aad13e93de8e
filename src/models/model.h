/*
 * model.h - what an emission model is, and what it may call while it loads.
 *
 * A model family (PySM class) is a `sky_model_type`: a name, a summary, the
 * list of parameters it reads, the size of its state and its functions.
 * Adding a family:
 *
 * 1. One new file src/models/NAME.c (CMake builds every file of the folder:
 *    re-run the build, nothing to list; the whole library is compiled with
 *    -ffp-contract=off, so the fast kernels of core/vmath.h give the same
 *    bits on every CPU with nothing to add). It holds the state struct, its
 *    `static const sky_param_spec` list (the SKY_SPEC_* shorthands below,
 *    ending in SKY_SPEC_END: unknown keys, wrong types and missing required
 *    keys are refused with it before init runs), init, emission, and ends
 *    with the type, by designated initializers (fields left out are NULL):
 *
 *        const sky_model_type sky_model_NAME = {
 *            .name = "PySMClassName",
 *            .summary = "one line for `skymodel info`",
 *            .params = NAME_params,
 *            .state_size = sizeof(struct NAME),
 *            .init = NAME_init,
 *            .emission = NAME_emission,
 *        };
 *
 * 2. One line SKY_MODEL(NAME) in registry.c's list: that declares the type
 *    and registers it, so `class = "PySMClassName"` in a --config file finds
 *    it and plain `skymodel info` lists it with its summary.
 *
 * 3. A test of the model on a few hand-written pixels against a hand
 *    computation: tests/model_fixture.h writes nside-1 templates, builds the
 *    one component and evaluates it (tests/test_model_fixture.c, PowerLaw).
 *
 * The functions:
 * - init() reads the component's parameters and loads its templates through
 *   the loader; it is the only place that can fail. Templates come back as
 *   RING maps in the unit asked for, all at the component's evaluation nside
 *   (the loader harmonises them after init: see component.c).
 * - emission() writes the component's band-integrated emission in uK_RJ for
 *   pixels [first, first + count) of that nside into i, q, u (each `count`
 *   long). It cannot fail and allocates nothing; it is called concurrently on
 *   disjoint pixel blocks. Where PySM's result array is float32, emission()
 *   rounds as PySM does and f32_output() says so for that band.
 * - prepare() (optional) computes what depends on the band but not on the
 *   pixel, before the pixel loop, e.g. d6's random decorrelation factors;
 *   emission() then receives it as `bdata`.
 * - free() releases what init allocated beyond loader-owned maps and tables
 *   (NULL when there is nothing).
 * - files() lists the templates when the parameters do not name them (see
 *   below; NULL when every template is a parameter ending in .fits etc.).
 * - check() refuses values the parameter list cannot (ranges, names), so
 *   that a bad value is reported before any template is looked for.
 */
#ifndef SKY_MODELS_MODEL_H
#define SKY_MODELS_MODEL_H

#include <complex.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/error.h"
#include "healpix/healpix.h"
#include "io/text_table.h"
#include "params.h"
#include "random/numpy_rng.h"
#include "spectra/bandpass.h"

typedef struct sky_component sky_loader;

typedef struct sky_model_type {
    const char *name;    /* PySM class name */
    const char *summary; /* one line for `skymodel info` */
    /* the parameters init() reads (a SKY_SPEC_END-terminated list, checked
     * before init runs: unknown keys, types, required keys) */
    const sky_param_spec *params;
    size_t state_size;
    int (*init)(void *state, sky_params *ps, sky_loader *ld, sky_error *err);
    int (*f32_output)(const void *state, const sky_bandq *band);
    /* Optional: 0 when the component's Q and U are 0 in every band (no
     * polarised templates): the sky then leaves them out of its sums where
     * adding 0 changes nothing (sums in float64). Absent: polarised. */
    int (*polarized)(const void *state);
    /* Optional: per-evaluation data drawn or derived once for the band
     * (random numbers from `rng`, seeded for the evaluation), `nbdata`
     * doubles written to `bdata`; NULL for models that need none. */
    int (*band_data_len)(const void *state, const sky_bandq *band);
    int (*prepare)(const void *state, const sky_bandq *band, sky_np_rng *rng, double *bdata,
                   sky_error *err);
    void (*emission)(const void *state, const sky_bandq *band, const double *bdata,
                     int64_t first, int64_t count, double *i, double *q, double *u);
    void (*free)(void *state);
    /* Optional, for models that build their file names from parameters
     * (rather than naming the files in them): calls fn(path, ctx) for each
     * template a component with parameters `ps` reads at sky nside `nside`,
     * or at any nside when `nside` is 0, and returns fn's first non-zero
     * result; what `skymodel fetch`, `info` and --offline go by. */
    int (*files)(const sky_params *ps, int nside, int (*fn)(const char *path, void *ctx),
                 void *ctx);
    /* Optional: checks of the values that `params` cannot express (a range,
     * a list of names, a combination), run with it before any file is read;
     * the message starts with the key, *bad is the index in ps of the value
     * at fault (as sky_params_check). */
    int (*check)(const sky_params *ps, int *bad, sky_error *err);
    /* Optional: called once the templates are at the evaluation nside on the
     * part (after init and the loader's harmonisation), for what derives from
     * the final maps, e.g. the parameter ranges of the fast path's tables. */
    void (*after_load)(void *state);
    /* Optional: 1 when this component integrates bands with bq.fast through
     * tabulated spectra (its band_data_len and prepare then build them). */
    int (*fast_sed)(const void *state);
    /* Optional, the fast path over many channels (spectra/sed_lanes.h):
     * once every channel of an evaluation is prepared, shared() receives
     * their band data (bdata[c], NULL where there is none) and returns what
     * the channels share (NULL: nothing), freed by free_shared() after the
     * evaluation. emission_shared() is then called instead of emission() for
     * channel c of that evaluation, and gives the same values. */
    void *(*shared)(const void *state, int nchan, const double *const *bdata);
    void (*free_shared)(void *shared);
    void (*emission_shared)(const void *state, void *shared, int c, const sky_bandq *band,
                            const double *bdata, int64_t first, int64_t count, double *i,
                            double *q, double *u);
    /* Optional: channel c's values added onto i, q and u (i[k] = i[k] + the
     * value that emission_shared, or emission when `shared` is NULL, would
     * write; q and u left as they are when the component is unpolarised),
     * for a sky that would add them so in float64 next: one pass over its
     * sums instead of rows written and read back. Returns nonzero, having
     * changed nothing, where it has no such path (the sky then evaluates the
     * component as usual). */
    int (*emission_add)(const void *state, void *shared, int c, const sky_bandq *band,
                        const double *bdata, int64_t first, int64_t count, double *i, double *q,
                        double *u);
    /* Optional: a line on what shared() made (for -v), into buf; 0 when
     * there is nothing to say. */
    int (*describe_shared)(const void *shared, char *buf, size_t size);
    /* Optional, for models that read their templates only when a band needs
     * them (PySM's InterpolatingComponent: the grid maps bracketing the
     * band): acquire() is called for each channel of an evaluation before
     * its pixel loop (after prepare), reads through the loader what `band`
     * needs and keeps it in the state for emission(); release() is called
     * with the same band once the evaluation is over. Calls come in pairs,
     * possibly for several channels (and evaluations) at once: the model
     * counts its users and serialises its own updates (interp_grid.h). */
    int (*acquire)(void *state, const sky_bandq *band, sky_loader *ld, sky_error *err);
    void (*release)(void *state, const sky_bandq *band);
    /*
     * Optional (PySM's includes_smoothing): whether the component applies a
     * channel's beam itself instead of being smoothed by the pipeline.
     * SKY_SMOOTHING_NONE (or no function): smoothed with the rest of the sky.
     * SKY_SMOOTHING_OWN: evaluated by emission() when the channel has no
     * smoothing, and by emission_smoothed() when it has (the rest of the sky
     * is summed and smoothed without it, then its map is added).
     * SKY_SMOOTHING_REQUIRED: the same, but it cannot be evaluated without
     * a beam (rg3: maps carrying a beam that must be divided out); `why`
     * receives the one-line reason.
     */
    int (*smoothing)(const void *state, sky_error *why);
    /* Its emission for `band` (prepared, bdata from prepare(), acquired)
     * in uK_RJ with the smoothing `o` applied by itself: the HEALPix map at
     * o's output nside into `out` (3 x npix, whole sky; NULL when not
     * wanted) and the CAR map into `car` (3 x ny x nx; NULL when not
     * wanted). `nside` is the sky's. Whole sky only (not a part). */
    int (*emission_smoothed)(const void *state, const sky_bandq *band, const double *bdata,
                             int nside, const sky_smooth_opts *o, double *out, double *car,
                             sky_error *err);
    /* Optional: the same for one process's part of the sky under MPI: `out`
     * holds the pixels of `out_part` (a region at o's output nside, back to
     * back as sky_region_index places them), `car` the whole CAR map on the
     * process that makes it (NULL elsewhere). A component with it runs
     * smoothed under mpirun; without it, only in one process. */
    int (*emission_smoothed_part)(const void *state, const sky_bandq *band, const double *bdata,
                                  int nside, const sky_smooth_opts *o,
                                  const sky_region *out_part, double *out, double *car,
                                  sky_error *err);
} sky_model_type;

enum { SKY_SMOOTHING_NONE = 0, SKY_SMOOTHING_OWN = 1, SKY_SMOOTHING_REQUIRED = 2 };

/* A quantity that is either one constant or a value per pixel. */
typedef struct sky_field {
    const sky_hmap *map; /* NULL for a constant */
    double value;
} sky_field;

static inline double sky_field_at(const sky_field *f, int64_t p)
{
    return f->map ? sky_hmap_at(f->map, p) : f->value;
}

/* The range of a field's finite values over the pixels held (a constant:
 * itself); *lo > *hi when there is none. */
static inline void sky_field_range(const sky_field *f, double *lo, double *hi)
{
    double l = INFINITY, u = -INFINITY;
    if (!f->map) {
        l = u = f->value;
    } else {
        for (int64_t i = 0; i < f->map->nheld; i++) {
            const double v = f->map->f ? (double)f->map->f[i] : f->map->d[i];
            if (isfinite(v)) {
                l = v < l ? v : l;
                u = v > u ? v : u;
            }
        }
    }
    *lo = l;
    *hi = u;
}

/* Pixels [first, first + n) of a map, as doubles, into out (for the
 * vectorised per-block loops of the models). */
static inline void sky_hmap_load(const sky_hmap *m, int64_t first, int64_t n, double *out)
{
    const int64_t i = sky_hmap_index(m, first); /* a block never spans two segments */
    if (m->f)
        for (int64_t k = 0; k < n; k++)
            out[k] = (double)m->f[i + k];
    else
        memcpy(out, m->d + i, (size_t)n * sizeof *out);
}

/* out[k] += pixel first + k of the map times f, for k < n: a template times
 * a constant scaling added onto a sum (sky_model_type's emission_add), the
 * products of sky_hmap_load's values. */
static inline void sky_hmap_add_scaled(const sky_hmap *m, int64_t first, int64_t n, double f,
                                       double *out)
{
    const int64_t i = sky_hmap_index(m, first); /* a block never spans two segments */
    if (m->f)
        for (int64_t k = 0; k < n; k++)
            out[k] += (double)m->f[i + k] * f;
    else
        for (int64_t k = 0; k < n; k++)
            out[k] += m->d[i + k] * f;
}

/* The same for a field (a constant fills out). */
static inline void sky_field_load(const sky_field *f, int64_t first, int64_t n, double *out)
{
    if (f->map) {
        sky_hmap_load(f->map, first, n, out);
        return;
    }
    for (int64_t k = 0; k < n; k++)
        out[k] = f->value;
}

/*
 * Loads columns `fields` of template `path` (a PySM relative path) into maps
 * in unit `target`. The file's values are taken to be in `label` when it is
 * not NULL (PySM's unit_* parameters override the file) and in its TUNIT
 * otherwise, then scaled to `target` (prefixes only, no equivalencies, as
 * astropy's `<<=`); with `target` NULL the values are kept as they are.
 * Maps stay in the file's precision; the loader owns them.
 */
enum { SKY_MAX_FIELDS = 4 }; /* columns read by one call */

int sky_load_maps(sky_loader *ld, const char *path, int nfields, const int *fields,
                  const char *label, const char *target, const sky_hmap **out, sky_error *err);

/* The same, as PySM's read_map(..., nside=nside): the columns brought to
 * exactly `nside` (ud_grade), into maps the caller owns (sky_hmap_free) and
 * that the loader does not harmonise, for inputs a model uses at their own
 * resolution. */
int sky_load_maps_at(sky_loader *ld, const char *path, int nfields, const int *fields,
                     const char *label, const char *target, int nside, sky_hmap *out,
                     sky_error *err);

/* The same for this process's part only: the columns read for the part
 * (sky_region_at at the file's nside), brought to `nside` and cut to the
 * part at that nside, so that at the sky nside a map lines up pixel for pixel
 * with sky_loader_new_part_map's. */
int sky_load_part_maps_at(sky_loader *ld, const char *path, int nfields, const int *fields,
                          const char *label, const char *target, int nside, sky_hmap *out,
                          sky_error *err);

/* Parameter `key` as a constant (a number) or a template (a path string). */
int sky_load_field(sky_loader *ld, sky_params *ps, const char *key, const char *label,
                   const char *target, sky_field *out, sky_error *err);
/* The same for layer `layer` (1-based) of a model in layers: "{layer}" in
 * the path replaced by it; a number is the same for every layer. */
int sky_load_field_layer(sky_loader *ld, sky_params *ps, const char *key, int layer,
                         const char *label, const char *target, sky_field *out, sky_error *err);

/* Amplitude templates in uK_RJ as PySM's ModifiedBlackBody and PowerLaw read
 * them: parameters map_I, map_Q, map_U, unit_I/Q/U, freq_ref_I, freq_ref_P
 * and has_polarization (default true); with polarisation and no map_Q,
 * map_I is an IQU file. Unpolarised: q = u = NULL. */
typedef struct sky_iqu_templates {
    const sky_hmap *i, *q, *u;
    double freq_ref_i, freq_ref_p; /* GHz; freq_ref_p is 0 when unpolarised */
} sky_iqu_templates;

int sky_load_iqu_templates(sky_loader *ld, sky_params *ps, sky_iqu_templates *out,
                           sky_error *err);

/* Shorthands for a model's list of parameters (params.h, sky_param_spec):
 * what sky_load_iqu_templates reads, and entries of each kind. */
#define SKY_SPEC(key, want, required) {key, want, required, NULL, NULL}
#define SKY_SPEC_PATH(key, required) SKY_SPEC(key, SKY_WANT_STRING, required)
#define SKY_SPEC_FIELD(key) SKY_SPEC(key, SKY_WANT_STRING | SKY_WANT_NUMBER, 1)
#define SKY_SPEC_FREQ(key, required) SKY_SPEC(key, SKY_WANT_FREQ, required)
#define SKY_SPEC_UNIT(key) SKY_SPEC(key, SKY_WANT_UNIT, 0)
#define SKY_SPEC_NUMBER(key, required) SKY_SPEC(key, SKY_WANT_NUMBER, required)
#define SKY_SPEC_BOOL(key) SKY_SPEC(key, SKY_WANT_BOOL, 0)
#define SKY_SPEC_END {NULL, 0, 0, NULL, NULL}
#define SKY_SPEC_IQU_TEMPLATES                                                                   \
    SKY_SPEC_PATH("map_I", 1), SKY_SPEC_PATH("map_Q", 0), SKY_SPEC_PATH("map_U", 0),           \
        SKY_SPEC_UNIT("unit_I"), SKY_SPEC_UNIT("unit_Q"), SKY_SPEC_UNIT("unit_U"),             \
        SKY_SPEC_BOOL("has_polarization"), SKY_SPEC_FREQ("freq_ref_I", 1),                     \
        SKY_SPEC_FREQ("freq_ref_P", 0)
/* beta and T of a modified black body, constants or maps (sky_load_field) */
#define SKY_SPEC_MBB_FIELDS                                                                      \
    SKY_SPEC_FIELD("map_mbb_index"),                                                             \
        {"map_mbb_temperature", SKY_WANT_STRING | SKY_WANT_NUMBER, 1, "unit_mbb_temperature",   \
         "K"},                                                                                   \
        SKY_SPEC_UNIT("unit_mbb_temperature")

/*
 * The component's random seed, parameter `key` (an integer 0..2^32-1; when
 * absent, `fallback`, or an error if `fallback` < 0). A seed given to the
 * whole sky (sky_options.seed, `--seed`) replaces it. The value is recorded
 * for the output header.
 */
int sky_load_seed(sky_loader *ld, sky_params *ps, const char *key, int64_t fallback,
                  uint32_t *seed, sky_error *err);

/*
 * A list of n seeds, parameter `key` (PySM's `seeds = [a, b, c]`; a list of
 * another length is an error). A seed given to the whole sky replaces them by
 * seed, seed + 1, ... When both are absent the seeds are drawn from the
 * operating system, as PySM's seeds = None draws them, the same on every
 * process; they are recorded for the output header either way.
 */
int sky_load_seeds(sky_loader *ld, sky_params *ps, const char *key, int n, uint32_t *seeds,
                   sky_error *err);

/* Declares that the model draws from numpy's global generator in prepare()
 * (as PySM's d6 does inside get_emission); records the sky's seed for it. */
void sky_loader_global_rng(sky_loader *ld);

/* The nside the sky is evaluated at (models that synthesise their maps, such
 * as the lensed CMB, make them at this resolution). Maps a model makes with
 * sky_loader_new_map or reads with sky_load_maps_at cover the whole sky; when
 * the sky is one process's part, the loader keeps only that part of the maps
 * it owns once init returns. */
int sky_loader_nside(const sky_loader *ld);

/* A new map of `nside` (float64 unless `f32`), values unset, owned by the loader. */
int sky_loader_new_map(sky_loader *ld, int nside, int f32, sky_hmap **out, sky_error *err);

/* The pixels of the sky this process evaluates (the whole sky, or one
 * process's part: sky_options.part), at the sky nside. */
const sky_region *sky_loader_part(const sky_loader *ld);
/* A new map holding only those pixels, at the sky nside (stored back to back,
 * as sky_sht_create_rings lays out maps). */
int sky_loader_new_part_map(sky_loader *ld, int f32, sky_hmap **out, sky_error *err);

/* An alm file (PySM's read_alm: extensions 1..nhdu, see fits_alm.h) into a
 * malloc'ed array the caller frees, converted from the file's unit to
 * `target` at freq_ghz (astropy's .to() under cmb_equivalencies); with
 * `target` NULL the values are kept as they are. */
int sky_load_alm(sky_loader *ld, const char *path, int nhdu, const char *target, double freq_ghz,
                 double complex **alm, int *lmax, sky_error *err);

/* A spectra file (PySM's read_cl) into a malloc'ed ncols x nl array the
 * caller frees, converted from the file's squared unit to target^2. */
int sky_load_cl(sky_loader *ld, const char *path, const char *target, double **cl, int *ncols,
                long *nl, sky_error *err);

/* A text table (numpy.loadtxt layout) owned by the loader. */
int sky_load_table(sky_loader *ld, const char *path, const sky_table **out, sky_error *err);

/* The shape of template `path` (a PySM relative path, {nside} filled as
 * sky_load_maps fills it) without reading it: its columns and nside, and
 * the file found (into file[n]) for messages. */
int sky_loader_map_shape(sky_loader *ld, const char *path, int *ncols, int *nside, char *file,
                         size_t n, sky_error *err);
/* The component's templates nside (available_nside's closest to the sky's,
 * as PySM's templates_nside), 0 without available_nside. */
int sky_loader_templates_nside(const sky_loader *ld);
/* The component's label, for messages. */
const char *sky_loader_label(const sky_loader *ld);

/* A warning during an evaluation (a band outside a model's range), one line
 * to the sky's log (sky_options.log) unless the sky is quiet. */
void sky_loader_warn(sky_loader *ld, const char *fmt, ...) SKY_PRINTF(2, 3);

/* The model registry (registry.c). */
const sky_model_type *sky_model_find(const char *name);
int sky_model_count(void);
const sky_model_type *sky_model_at(int i);

#endif
