/*
 * skymodel.h - the public C API of skymodel, the Python Sky Model (PySM 3) in C.
 *
 * A sky is a list of emission components (Galactic dust, synchrotron, free-free,
 * AME, CMB ...) built from PySM preset names ("d1", "s1") or from component
 * descriptions (a model class plus its parameters). Creating a sky reads its
 * templates once; evaluating it integrates every component over a bandpass and
 * returns a HEALPix I, Q, U map in the unit asked for, with PySM 3.4.5's
 * arithmetic.
 *
 *     sky_config *cfg = sky_config_new();
 *     sky_config_add_preset(cfg, "d1", &err);
 *     sky_options opt; sky_options_init(&opt); opt.nside = 64;
 *     sky_sky *sky; sky_create(cfg, &opt, &sky, &err);
 *     double f = 100.0;
 *     sky_band band = { 1, &f, NULL };
 *     double *iqu = malloc(3 * sky_npix(sky) * sizeof *iqu);
 *     sky_emission(sky, &band, "uK_CMB", iqu, &err);
 *
 * Conventions:
 * - Every function that can fail returns an int status (SKY_OK = 0 or one of
 *   enum sky_status) and, when `err` is not NULL, fills it with a one-line
 *   message naming the file, option or value at fault and what was expected.
 *   The library never prints, exits or aborts.
 * - Frequencies are in GHz. Maps are HEALPix RING, stored as three contiguous
 *   blocks (I, then Q, then U), each of npix doubles.
 * - Objects are opaque; `*_free(NULL)` is a no-op.
 * - A created sky is read-only: sky_emission may be called from several threads
 *   at once. Pixel loops inside use OpenMP.
 */
#ifndef SKYMODEL_H
#define SKYMODEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(SKY_BUILDING_LIBRARY) && defined(__GNUC__)
#define SKY_API __attribute__((visibility("default")))
#else
#define SKY_API
#endif

#define SKY_VERSION_STRING "0.1.0"
#define SKY_PYSM_VERSION "3.4.5" /* the PySM release whose numbers skymodel reproduces */

/** Status codes. The CLI maps SKY_EINVAL/ENOTFOUND/EFORMAT to exit status 2. */
enum sky_status {
    SKY_OK = 0,
    SKY_EINVAL,    /* a bad argument, option or parameter value */
    SKY_ENOTFOUND, /* a file (template, bandpass) that does not exist */
    SKY_EFORMAT,   /* a file that exists but is not what was expected */
    SKY_EIO,       /* reading or writing failed */
    SKY_ENOMEM,    /* out of memory */
    SKY_EINTERNAL  /* a bug: please report it */
};

/** A failure: its status and a one-line message. */
typedef struct sky_error {
    int code;
    char msg[1024];
} sky_error;

/** Library version, e.g. "0.1.0". */
SKY_API const char *sky_version(void);

/* ------------------------------------------------------------------------ */
/* Configuration: which components make the sky                             */
/* ------------------------------------------------------------------------ */

typedef struct sky_config sky_config;

/** An empty configuration. Returns NULL when out of memory. */
SKY_API sky_config *sky_config_new(void);
SKY_API void sky_config_free(sky_config *cfg);

/**
 * Adds the components of a PySM preset ("d1", "s1", "a1", ...). Presets with
 * several sub-components (d4, a1, a2) are added as one group, evaluated and
 * summed as PySM sums them. SKY_EINVAL for an unknown name (the message lists
 * the valid ones).
 */
SKY_API int sky_config_add_preset(sky_config *cfg, const char *name, sky_error *err);

/**
 * Starts a new component of model class `model_class` (a PySM class name such
 * as "ModifiedBlackBody" or "PowerLaw") labelled `label`. With `group` = 0 it
 * starts a new group; with `group` = 1 it joins the group of the previous
 * component (as the sub-tables of one PySM config entry do). Its index is
 * stored in `*index`. Parameters are then set with sky_config_set_*.
 */
SKY_API int sky_config_add_component(sky_config *cfg, const char *label, const char *model_class,
                                     int group, int *index, sky_error *err);

/** Sets a string parameter (a template path, a unit, a quantity like "353 GHz"). */
SKY_API int sky_config_set_string(sky_config *cfg, int index, const char *key, const char *value,
                                  sky_error *err);
/** Sets a numeric parameter (a constant spectral index, a temperature ...). */
SKY_API int sky_config_set_number(sky_config *cfg, int index, const char *key, double value,
                                  sky_error *err);
/** Sets a boolean parameter (has_polarization ...). */
SKY_API int sky_config_set_bool(sky_config *cfg, int index, const char *key, int value,
                                sky_error *err);

/**
 * Adds every component a TOML file describes, as PySM's
 * Sky(component_config=...) does, in the dialect of PySM's presets.cfg: each
 * top-level table with a `class` is a component labelled by the table's
 * name, its other keys the parameters ("545 GHz", "pysm_2/dust_t_new.fits",
 * 1.54, true); a table without one groups its sub-tables ([d4.comp1],
 * [d4.comp2]) as one nested sky. All of the file or nothing is added; errors
 * name file:line.
 */
SKY_API int sky_config_add_file(sky_config *cfg, const char *path, sky_error *err);

/** Number of components in the configuration. */
SKY_API int sky_config_count(const sky_config *cfg);

/** Number of presets known, and the name and one-line description of the i-th. */
SKY_API int sky_preset_count(void);
SKY_API const char *sky_preset_name(int i);
SKY_API const char *sky_preset_description(int i);

/* ------------------------------------------------------------------------ */
/* The sky                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct sky_sky sky_sky;

/** Options for sky_create. Always start from sky_options_init(). */
typedef struct sky_options {
    int nside;                     /* output HEALPix nside: a power of two, 1..8192 */
    const char *const *data_dirs;  /* folders searched for templates, in order, before
                                      $SKYMODEL_DATA and $PYSM_LOCAL_DATA; NULL-terminated,
                                      or NULL for none */
    const char *cache_dir;         /* downloaded templates; NULL: $SKYMODEL_CACHE,
                                      $XDG_CACHE_HOME/skymodel or ~/.cache/skymodel */
    const char *data_url;          /* NULL: $SKYMODEL_DATA_URL or PySM's data server */
    int offline;                   /* never download (also $SKYMODEL_OFFLINE=1) */
    int64_t seed;                  /* SKY_SEED_PRESET (default): every stochastic component
                                      uses its preset's seed (c1 cmb_seed, d5/d7 seed) and d6
                                      draws from numpy's global generator as np.random.seed(0)
                                      leaves it; 0..2^32-1: this seed replaces all of them */
    int part, nparts;              /* hold and evaluate only part `part` (0 .. nparts - 1) of
                                      the sky: a band of rings and its mirror (see
                                      sky_part_ranges), one MPI rank's share; templates are
                                      read for it alone. nparts 0 or 1: the whole sky */
    int verbose;                   /* 0 quiet, 1 progress, 2 timings (to the log callback) */
    void (*log)(void *ctx, const char *line); /* receives progress lines; NULL: none */
    void *log_ctx;
    int exact_sed;                 /* 1: every band sample evaluated exactly; 0 (default):
                                      bands of many samples integrated through tabulated
                                      spectra where a model has them (sky_fast_sed) */
} sky_options;

#define SKY_SEED_PRESET (-1)

SKY_API void sky_options_init(sky_options *opt);

/**
 * Builds a sky: validates every component's parameters, reads and unit-converts
 * its templates and brings them to the resolution needed (degrading averages in
 * double precision, as PySM does; templates coarser than `nside` are kept at
 * their own resolution and expanded on output, which gives the same map).
 * On failure *sky is NULL and nothing is leaked.
 */
SKY_API int sky_create(const sky_config *cfg, const sky_options *opt, sky_sky **sky,
                       sky_error *err);
SKY_API void sky_free(sky_sky *sky);

SKY_API int sky_nside(const sky_sky *sky);
SKY_API int64_t sky_npix(const sky_sky *sky);

/**
 * The RING pixel ranges a sky holds, [first[i], first[i] + count[i]) for i
 * below the return value (0 to 2; one range, the whole sky, unless it was
 * created for a part). sky_emission_range and sky_emission_channels accept
 * any range within one of them.
 */
SKY_API int sky_part_ranges(const sky_sky *sky, int64_t first[2], int64_t count[2]);

/**
 * The random seeds the sky uses, for the record (the CLI writes them to the
 * output header): `count` of them; the i-th belongs to component `*label`,
 * parameter `*key` ("cmb_seed", "seed", or "numpy_global_seed" for d6).
 */
SKY_API int sky_seed_count(const sky_sky *sky);
SKY_API int sky_seed_at(const sky_sky *sky, int i, const char **label, const char **key,
                        uint32_t *value);

/**
 * A bandpass: `n` frequencies in GHz, strictly increasing, and their weights in
 * power units (Jy/sr), or `weight` = NULL for a top-hat (PySM's weights=None).
 * n = 1 is a single frequency.
 */
typedef struct sky_band {
    int n;
    const double *freq_ghz;
    const double *weight;
} sky_band;

/**
 * Frequencies the models accept, in GHz: 1 MHz to 30 THz (docs/models.md says
 * why). Outside, a frequency is refused with SKY_EINVAL; a value that looks
 * like Hz or MHz gets that hint.
 */
#define SKY_FREQ_MIN_GHZ 1e-3
#define SKY_FREQ_MAX_GHZ 3e4

/** Checks a band: frequencies positive, within the range above, strictly
 * increasing; weights finite, >= 0, not all zero. SKY_EINVAL with a message
 * naming the bad value otherwise. */
SKY_API int sky_band_check(const sky_band *band, sky_error *err);

/** Checks one frequency in GHz as sky_band_check does; the message starts with
 * the value ("1e+11: frequencies are in GHz (did you give Hz? ...)"), for the
 * caller to prefix with where it came from. */
SKY_API int sky_freq_check(double freq_ghz, sky_error *err);

/**
 * Reads a bandpass text file: two columns, frequency in GHz and weight;
 * '#' starts a comment. On success *freq_ghz and *weight are malloc'ed arrays
 * of *n values that the caller frees.
 */
SKY_API int sky_band_read(const char *path, double **freq_ghz, double **weight, int *n,
                          sky_error *err);

/* ------------------------------------------------------------------------ */
/* Bandpass sampling (PySM 3.4.4's bandpass_sampler)                         */
/* ------------------------------------------------------------------------ */

/** A bandpass made by sky_bandpass_sample: n frequencies (GHz) and weights
 * normalised to unit area, with their centroid and bandwidth (GHz). */
typedef struct sky_band_sample {
    int n;
    double *freq_ghz, *weight;
    double centroid, bandwidth;
} sky_band_sample;

#define SKY_BANDPASS_MAX_COUNT 100000
#define SKY_BANDPASS_MAX_BOOTSTRAP 10000

/**
 * Centroid (first moment) and bandwidth (standard deviation) in GHz of a
 * bandpass with weights, as PySM's compute_moments: trapezoid integrals of
 * the weights normalised to unit area.
 */
SKY_API int sky_bandpass_moments(const sky_band *band, double *centroid, double *bandwidth,
                                 sky_error *err);

/**
 * `count` bandpasses resampled from `band` as PySM's resample_bandpass does
 * (docs/instrument.md, "Sampling bandpasses"): the band as a density over
 * frequency; `bootstrap_size` draws from its inverse CDF (numpy's
 * default_rng(seed), bit for bit) choose a Gaussian kernel width by
 * leave-one-out likelihood (*kernel_sigma, GHz, may be NULL); then each
 * bandpass is the kernel density of a new set of draws on bootstrap_size
 * frequencies spanning the input's range. out[0 .. count) are filled (free
 * them with sky_band_samples_free). SKY_EINVAL for a band sky_band_check
 * refuses, fewer than 2 frequencies, no weights, a zero area, a count or
 * size out of range.
 */
SKY_API int sky_bandpass_sample(const sky_band *band, int count, int bootstrap_size,
                                uint64_t seed, sky_band_sample *out, double *kernel_sigma,
                                sky_error *err);
SKY_API void sky_band_samples_free(sky_band_sample *s, int count);
/**
 * Writes `count` bandpasses to folder `dir` (which must exist): <stem>_<k>.txt
 * for k = 0 .. count-1 (two columns, GHz and weight, after '#' lines with
 * `header` (may be NULL), the centroid and the bandwidth) and
 * instrument.json naming them as channels <stem>_<k> (docs/instrument.md),
 * all through temporary names: all files or none. Existing files are
 * refused unless `overwrite`.
 */
SKY_API int sky_band_samples_write(const char *dir, const char *stem, const sky_band_sample *s,
                                   int count, const char *header, int overwrite,
                                   sky_error *err);
/** A seed from the system's entropy (getrandom), for runs not given one. */
SKY_API uint64_t sky_random_seed(void);

/**
 * Checks a unit string: K_RJ, K_CMB, Jy/sr (also "Jy / sr"), with an SI prefix
 * (uK_RJ, mK_CMB, MJy/sr ...). SKY_EINVAL with the list of valid forms otherwise.
 */
SKY_API int sky_unit_check(const char *unit, sky_error *err);

/**
 * Evaluates the sky over `band` in `unit` into `iqu` (3 * sky_npix doubles,
 * caller-allocated: I, then Q, then U). Unpolarised skies give Q = U = 0.
 * Thread-safe for a given sky.
 */
SKY_API int sky_emission(const sky_sky *sky, const sky_band *band, const char *unit,
                         double *iqu, sky_error *err);

/**
 * Same as sky_emission for the RING pixels [first, first + count) only: `iqu`
 * holds 3 * count doubles (I, Q, U blocks of `count`). Gives exactly the values
 * of the full-sky evaluation at those pixels.
 */
SKY_API int sky_emission_range(const sky_sky *sky, const sky_band *band, const char *unit,
                               int64_t first, int64_t count, double *iqu, sky_error *err);

/**
 * Several channels in one pass over the pixels: channel c integrates over
 * bands[c] in units[c] into out[c] (3 * count doubles: I, Q, U blocks of
 * `count`) for the RING pixels [first, first + count). Each channel's map is
 * exactly sky_emission_range's for its band and unit (random draws, such as
 * d6's, start from the sky's seed for every channel); the templates of a
 * block of pixels are read once for all channels.
 */
SKY_API int sky_emission_channels(const sky_sky *sky, int nchan, const sky_band *bands,
                                  const char *const *units, int64_t first, int64_t count,
                                  double *const *out, sky_error *err);

/**
 * sky_emission_channels writing each channel's Stokes rows `stride` (>= count)
 * doubles apart: out[c][s * stride + k] is Stokes s of pixel first + k. A
 * shell evaluating a full map in pieces (to stay responsive between them)
 * writes each piece in place: out[c] = map + (first - map's first pixel),
 * stride = the map's pixel count.
 */
SKY_API int sky_emission_channels_strided(const sky_sky *sky, int nchan, const sky_band *bands,
                                          const char *const *units, int64_t first,
                                          int64_t count, double *const *out, int64_t stride,
                                          sky_error *err);

/**
 * Bands prepared once for evaluations over many pixel ranges: what a band
 * needs besides the pixels (integration coefficients, unit factor, each
 * component's band data such as the fast path's tables, sky_fast_sed) is
 * computed by sky_bands_prepare, then sky_bands_emission evaluates any range
 * as sky_emission_channels_strided does, with the same results. A shell
 * evaluating a map in chunks prepares its bands once. The sky must outlive
 * the prepared bands; several threads may evaluate the same prepared bands.
 */
typedef struct sky_bands sky_bands;
SKY_API int sky_bands_prepare(const sky_sky *sky, int nchan, const sky_band *bands,
                              const char *const *units, sky_bands **out, sky_error *err);
SKY_API int sky_bands_emission(const sky_bands *prepared, int64_t first, int64_t count,
                               double *const *out, int64_t stride, sky_error *err);
SKY_API void sky_bands_free(sky_bands *prepared);

/**
 * Whether sky_emission's values for `band` in `unit` are float32 numbers
 * (*f32 = 1) or float64 ones (0), as PySM 3.4.5's array would be typed: the
 * sum takes the type of its first component (float32 for SpDustPol, a CMBMap
 * over a band), and a float32 sum stays float32 when multiplied by a scalar
 * unit factor (a band, or K_RJ output). Shells returning typed arrays (the
 * Python module) use it to give PySM's dtype; the values are already rounded.
 */
SKY_API int sky_emission_f32(const sky_sky *sky, const sky_band *band, const char *unit,
                             int *f32, sky_error *err);

/**
 * PySM's bandpass_unit_conversion: the factor turning a map integrated over
 * `band` in `input_unit` into `output_unit` (units as sky_unit_check accepts).
 * One frequency: the plain conversion at that frequency; a band: the ratio of
 * the weighted integrals of each unit's Jy/sr equivalent.
 */
SKY_API int sky_bandpass_unit_conversion(const sky_band *band, const char *input_unit,
                                         const char *output_unit, double *factor,
                                         sky_error *err);

/* ------------------------------------------------------------------------ */
/* Maps on disk                                                             */
/* ------------------------------------------------------------------------ */

enum sky_dtype { SKY_FLOAT32 = 0, SKY_FLOAT64 = 1 };

/** Options for sky_write_map. */
typedef struct sky_map_header {
    const char *unit;     /* TUNITn of every column, e.g. "uK_CMB" */
    const char *coordsys; /* "G", "C" or "E" */
    int dtype;            /* enum sky_dtype */
    int overwrite;        /* 0: refuse to replace an existing file */
    const char *const *cards; /* extra header cards "KEY = value / comment", NULL-terminated, or NULL */
    const struct sky_prov *prov; /* provenance cards written after them, or NULL */
} sky_map_header;

/**
 * Writes a HEALPix RING map as healpy.write_map does (binary table, columns
 * I_STOKES, Q_STOKES, U_STOKES for nmaps = 3, or I_STOKES alone for 1), to a
 * temporary name in the same folder, renamed into place when complete.
 */
SKY_API int sky_write_map(const char *path, int nside, int nmaps, const double *maps,
                          const sky_map_header *hdr, sky_error *err);

/* ------------------------------------------------------------------------ */
/* Beams, rotations and transforms (PySM's apply_smoothing_and_coord_transform) */
/* ------------------------------------------------------------------------ */

/* A transform plan for one (nside, lmax): libsharp's geometry and alm layout,
 * built once and reused by every call. alm are complex, stored as (re, im)
 * pairs of doubles in healpy's order (index m (2 lmax + 1 - m) / 2 + l); maps
 * are RING. ncomp 1 is I (spin 0); 3 is I, Q, U <-> T, E, B. */
typedef struct sky_sht sky_sht;

SKY_API int sky_plan_create(int nside, int lmax, sky_sht **plan, sky_error *err);
SKY_API void sky_plan_free(sky_sht *plan);
/* Number of complex alm per component. */
SKY_API int64_t sky_plan_nalm(const sky_sht *plan);
/* healpy.map2alm(iter=0) and alm2map (no pixel window). */
SKY_API void sky_map2alm(const sky_sht *plan, int ncomp, const double *map, double *alm);
SKY_API void sky_alm2map(const sky_sht *plan, int ncomp, const double *alm, double *map);
/* healpy.map2alm_lsq with PySM's settings (scipy LSQR, atol = btol = tol). */
SKY_API int sky_map2alm_lsq(const sky_sht *plan, int ncomp, const double *map, int maxiter,
                            double tol, double *alm, int *iterations, double *residual,
                            sky_error *err);
/* healpy Rotator(coord=(from, to)).rotate_alm, in place; from/to among 'G', 'C', 'E'.
 * The alm are those of real fields: the imaginary part of a_l0 (zero for a
 * real map) is taken as zero. Extra memory O(lmax) per thread. */
SKY_API int sky_rotate_alm_coord(int lmax, int ncomp, double *alm, char from, char to,
                                 sky_error *err);

/* Smoothing options: start from sky_smooth_opts_init. */
typedef struct sky_smooth_opts {
    double fwhm_rad;       /* Gaussian beam FWHM in radians; 0 for none */
    const double *beam;    /* or a beam window: beam_ncols (1: all of T,E,B; 3: T,E,B)
                              columns of beam_len values, column-major; NULL for none */
    int beam_ncols, beam_len;
    int lmax;              /* < 0: PySM's default (2.5 nside, 1.5 nside if nside_out < nside) */
    int lsq_maxiter;       /* least-squares iterations (PySM default 10); 0: plain map2alm */
    int nside_out;         /* 0: the input nside */
    char rot_from, rot_to; /* coordinate change of the alm ('G', 'C', 'E'); 0: none */
    double car_res_rad;    /* > 0: also a CAR map (pixell fejer1 geometry) at this resolution */
    double lsq_tol;        /* least-squares atol = btol; 0: PySM's 1e-7 (compressed channel
                              groups converge their basis maps further, docs/smoothing.md) */
} sky_smooth_opts;

SKY_API void sky_smooth_opts_init(sky_smooth_opts *o);

typedef struct sky_smooth_report {
    int lmax;
    const char *method; /* "map2alm_lsq", "map2alm iter=0", "map2alm iter=3" */
    int iterations;
    double residual;
} sky_smooth_report;

/* PySM's apply_smoothing_and_coord_transform: ncomp (1 or 3) maps at nside ->
 * `out` (ncomp x 12 nside_out^2, or NULL) and, with car_res_rad > 0, `car`
 * (ncomp x ny x nx, ny = pi / res rows from the south, nx = 2 pi / res
 * columns of decreasing RA). `rep` (may be NULL) tells what was done. */
SKY_API int sky_smooth(const double *map, int nside, int ncomp, const sky_smooth_opts *o,
                       double *out, double *car, sky_smooth_report *rep, sky_error *err);

/* ------------------------------------------------------------------------ */
/* Channels: the pipeline of a simulation (skymodel sim, the Python module)  */
/* ------------------------------------------------------------------------ */

/*
 * A channel is one output map: a band evaluated in a unit, then (optionally)
 * smoothed, rotated and brought to another nside, and written in a dtype.
 * Every block of a channel's map that the functions below compute passes
 * through one step (the channel's block step) before it is returned,
 * smoothed or written: the shells (the CLI, the Python module) evaluate
 * channels only through them, so that they make the same maps.
 */
typedef struct sky_channel {
    sky_band band;                 /* the bandpass */
    const char *unit;              /* output unit (sky_unit_check); NULL: "uK_RJ" */
    double scale;                  /* every value multiplied by this (sky_channel_init: 1);
                                      0 is refused, so that a channel not from
                                      sky_channel_init cannot give an all-zero map */
    const sky_smooth_opts *smooth; /* beam, rotation, lmax, output nside, CAR map;
                                      NULL: none (the map as evaluated) */
    int dtype;                     /* enum sky_dtype of the file written */
    /* Called for every computed block, in the block step, after the library's
     * own changes: `index` is the channel's place in the list evaluated, the
     * block is `count` pixels from RING pixel `first`, I at iqu, Q at
     * iqu + stride, U at iqu + 2 stride. A non-zero return (with `err`
     * filled) stops the evaluation with that status (e.g. a shell's
     * interruption). NULL: none. */
    int (*block_hook)(void *ctx, int index, int64_t first, int64_t count, double *iqu,
                      int64_t stride, sky_error *err);
    void *block_ctx;
} sky_channel;

/** Defaults: no band, unit "uK_RJ", scale 1, no smoothing, SKY_FLOAT32, no hook. */
SKY_API void sky_channel_init(sky_channel *ch);

/**
 * The `nchan` channels over the RING pixels [first, first + count) in one pass
 * (sky_emission_channels), each block then through its channel's block step:
 * out[c] holds 3 * count doubles (I, Q, U blocks of `count`).
 */
SKY_API int sky_channels_range(const sky_sky *sky, int nchan, const sky_channel *chans,
                               int64_t first, int64_t count, double *const *out,
                               sky_error *err);

/**
 * The same written in place into larger maps: out[c] + k * stride receives
 * the I, Q, U values of the range (k = 0, 1, 2), e.g. a chunk of a whole map
 * with stride = its pixel count, as a shell evaluating in pieces does.
 */
SKY_API int sky_channels_range_strided(const sky_sky *sky, int nchan, const sky_channel *chans,
                                       int64_t first, int64_t count, double *const *out,
                                       int64_t stride, sky_error *err);
/**
 * 1 when `band` is integrated through tabulated spectra (the fast path of
 * parametric models: modified black bodies, power laws and their
 * realisations; docs/models.md) rather than sample by sample: a band of at
 * least 3 samples on a sky of nside 128 or more, unless the sky was made with
 * sky_options.exact_sed. Tables agree with the exact sums to about 1e-9.
 */
SKY_API int sky_fast_sed(const sky_sky *sky, const sky_band *band);
/** How many components of the sky have the fast path; their labels,
 * comma-separated, into names (size bytes, may be truncated). */
SKY_API int sky_fast_sed_components(const sky_sky *sky, char *names, size_t size);

/**
 * The channels' bands prepared once (sky_bands_prepare) for
 * sky_channels_range_prepared over many ranges, as sky_channels_write and
 * sky_channels_evaluate do; free with sky_bands_free.
 */
SKY_API int sky_channels_prepare(const sky_sky *sky, int nchan, const sky_channel *chans,
                                 sky_bands **out, sky_error *err);
/** sky_channels_range_strided with bands from sky_channels_prepare of the same channels. */
SKY_API int sky_channels_range_prepared(const sky_bands *prepared, int nchan,
                                        const sky_channel *chans, int64_t first, int64_t count,
                                        double *const *out, int64_t stride, sky_error *err);
/** Number of pixels a sky holds: sky_npix, or its part's (sky_part_ranges). */
SKY_API int64_t sky_held_npix(const sky_sky *sky);

/**
 * The channels over every pixel the sky holds (sky_channels_range over its
 * ranges): out[c] holds 3 * sky_held_npix doubles, I, Q and U blocks, each
 * with the ranges back to back (a part's band of rings, then its mirror).
 * The channels' smoothing is not applied.
 */
SKY_API int sky_channels_evaluate(const sky_sky *sky, int nchan, const sky_channel *chans,
                                  double *const *out, sky_error *err);

/**
 * The channels' final maps in memory, as the CLI writes them: evaluated over
 * every pixel the sky holds (sky_channels_evaluate), then each channel with
 * `smooth` smoothed, rotated and brought to its output nside (sky_smooth;
 * its CAR map is not made). maps[c] receives a malloc'ed array of 3 x npix
 * doubles (npix: 12 nside_out^2, or sky_held_npix unsmoothed) that the
 * caller frees; all NULL on failure. Smoothing needs a whole sky.
 */
SKY_API int sky_channels_maps(const sky_sky *sky, int nchan, const sky_channel *chans,
                              double **maps, sky_error *err);

/**
 * Writes the unsmoothed channels' maps (HEALPix RING at the sky's nside,
 * columns I_STOKES, Q_STOKES, U_STOKES in the channel's unit and dtype,
 * COORDSYS G) to paths[c] with the cards of provs[c] (may be NULL), each
 * through a temporary name: a whole sky in one pass over the pixels, in
 * chunks streamed to the files (memory does not grow with nside); a part of
 * the sky (under mpirun, every process calling with its part) in batches of
 * whole maps, written by rank 0 from the parts. All maps or none: on
 * failure those already written are removed. `emission_seconds` (may be
 * NULL) receives the time spent evaluating, for a whole sky.
 */
SKY_API int sky_channels_write(const sky_sky *sky, int nchan, const sky_channel *chans,
                               const char *const *paths, const struct sky_prov *const *provs,
                               int overwrite, double *emission_seconds, sky_error *err);
/** The pixels sky_channels_write evaluates at a time for `nchan` channels of a
 * sky of `npix` pixels: about 24 MB of double I, Q, U over all of them (they
 * stay in the cache from the evaluation to the writing), but at least two
 * of the evaluation's 4096-pixel blocks per thread, at most 2^21, in whole
 * 1024-pixel rows. */
SKY_API int64_t sky_channels_chunk(int64_t npix, int nchan);

/** A map after sky_smooth_map: the HEALPix result and the CAR map. */
typedef struct sky_smoothed {
    int nside_in;             /* the map smoothed */
    int nside, ncomp, ny, nx; /* the HEALPix output; CAR shape, or 0 */
    double *hp, *car;         /* hp: NULL without a HEALPix output; the input map itself
                                 (the caller's) unless `own`; car: NULL without a CAR map */
    int own;                  /* hp was allocated here (sky_smoothed_free frees it) */
    sky_smooth_report rep;
} sky_smoothed;

/**
 * Smooths `map` (ncomp 1 or 3 maps at nside; used as scratch) as `o` says:
 * a HEALPix result unless `healpix` is 0 (written over `map` when the
 * output nside is the input's) and the CAR map `o` asks for. Touches
 * nothing shared: maps may be smoothed side by side, one per thread.
 */
SKY_API int sky_smooth_map(double *map, int nside, int ncomp, const sky_smooth_opts *o,
                           int healpix, sky_smoothed *r, sky_error *err);
/**
 * A smoothed channel's map (ch->smooth set) as the pipeline makes it:
 * `map` is the channel evaluated through sky_channels_evaluate, which
 * leaves out the components that apply the beam themselves (PySM's
 * includes_smoothing: rg3's maps carry a beam that is divided out); it is
 * smoothed as sky_smooth_map does, then each of those components adds its
 * own smoothed map (in the channel's unit, times its scale). Without such
 * components it is sky_smooth_map. Whole sky only.
 */
SKY_API int sky_channel_smooth_map(const sky_sky *sky, const sky_channel *ch, double *map,
                                   int healpix, sky_smoothed *r, sky_error *err);
SKY_API void sky_smoothed_free(sky_smoothed *r);

/**
 * Under mpirun (every process calls it): smooths the map each process holds
 * the part of (the part sky_create gives its rank at `nside`: the I, Q, U
 * blocks of its ranges back to back, as sky_channels_evaluate gives), the
 * alm summed over the processes (the last bits differ from a serial run).
 * r->hp: this process's part of the result at the output nside (`map`
 * itself when that is `nside`; none unless `healpix`); r->car: the CAR map,
 * on rank 0 only (r->ny, r->nx on every rank). In one process (no mpirun,
 * or one rank) it is sky_smooth_map.
 */
SKY_API int sky_smooth_map_parts(double *map, int nside, int ncomp, const sky_smooth_opts *o,
                                 int healpix, sky_smoothed *r, sky_error *err);
/** The same for a channel of `sky` (ch->smooth set), its part evaluated by
 * sky_channels_evaluate: sky_smooth_map_parts, then the components that
 * apply the beam themselves (includes_smoothing, e.g. rg2's painted sources)
 * add their own map of each process's part, as sky_channel_smooth_map does
 * in one process (which it is there). Every process calls it. */
SKY_API int sky_channel_smooth_map_parts(const sky_sky *sky, const sky_channel *ch, double *map,
                                         int healpix, sky_smoothed *r, sky_error *err);
/** Writes what sky_smooth_map_parts made as sky_write_smoothed does, rank 0
 * writing the HEALPix map from the processes' parts (NPROCS in its cards)
 * and the CAR map. Every process calls it; all return the same status. In
 * one process it is sky_write_smoothed. */
SKY_API int sky_write_smoothed_parts(const sky_smoothed *r, const sky_smooth_opts *o,
                                     const char *beam_file, const char *out,
                                     const char *car_path, const char *const *units,
                                     const struct sky_prov *prov, int dtype, int overwrite,
                                     sky_error *err);

/**
 * Writes a smoothed map: the HEALPix result to `out` (unless NULL) and the
 * CAR map to `car_path` (when made), with `units` (one per component) and
 * the cards of `prov` plus the smoothing's (sky_prov_smoothed, sky_prov_car;
 * `beam_file` names the beam window, or NULL). All outputs or none.
 */
SKY_API int sky_write_smoothed(const sky_smoothed *r, const sky_smooth_opts *o,
                               const char *beam_file, const char *out, const char *car_path,
                               const char *const *units, const struct sky_prov *prov,
                               int dtype, int overwrite, sky_error *err);

/* ------------------------------------------------------------------------ */
/* Compressed channel groups                                                 */
/* ------------------------------------------------------------------------ */

/*
 * Channels smoothed the same way (a group: detectors of one band sharing a
 * beam) are nearly linearly dependent: a few basis maps reproduce them all.
 * sky_channels_compress evaluates the group in two streamed passes, finds K
 * basis maps per block of the smoothing (I; Q and U) such that every
 * channel's map is reproduced within `tol` of its RMS (the largest
 * difference, measured), and smooths the basis maps once; each channel's
 * smoothed map is then sky_compressed_channel. docs/smoothing.md.
 */

/** 1 when a and b smooth alike: the same beam (FWHM, or beam window values),
 * lmax, least-squares settings, rotation, output nside and CAR resolution. */
SKY_API int sky_smooth_opts_equal(const sky_smooth_opts *a, const sky_smooth_opts *b);
/** The groups of channels smoothed alike: group[c] is the first channel of
 * channel c's group (channels in order), -1 for a channel without smoothing
 * (opts[c] NULL). Returns the number of groups. */
SKY_API int sky_smooth_groups(int nchan, const sky_smooth_opts *const *opts, int *group);

/* The low-rank core: n channels' Gram matrix (their sums of products over
 * nsamp samples) -> with `normalise`, the channels divided by their RMS
 * (rms; else 1); the eigenvalues (descending) and eigenvectors (columns of
 * vec, row-major n x n) of their Gram matrix, and the first K whose
 * estimated RMS residual of every channel is at most `target`. kmax: the
 * directions the Gram matrix resolves (eigenvalues above 1e-15 of the
 * largest: about 1e-8 in singular values). */
typedef struct sky_lowrank {
    int n, k, kmax;
    double nsamp;
    double *rms, *val, *vec;
} sky_lowrank;

SKY_API int sky_lowrank_from_gram(int n, const double *gram, double nsamp, int normalise,
                                  double target, sky_lowrank *lr, sky_error *err);
/** The largest estimated RMS residual of a channel (over its RMS) with k basis maps. */
SKY_API double sky_lowrank_estimate(const sky_lowrank *lr, int k);
/** The smallest k' >= k (at most kmax) whose estimate is at most target. */
SKY_API int sky_lowrank_next(const sky_lowrank *lr, int k, double target);
SKY_API void sky_lowrank_free(sky_lowrank *lr);

typedef struct sky_compressed {
    int nchan;
    double tol;
    int k_i, k_p;          /* basis maps of I and of (Q, U) */
    int nbasis;            /* max(k_i, k_p): the IQU maps smoothed */
    double *coef_i;        /* nchan x k_i: channel c's I = sum_k coef_i[c k_i + k] I of basis k */
    double *coef_p;        /* nchan x k_p: its Q, U from the basis maps' Q, U */
    sky_smoothed *basis;   /* the nbasis smoothed basis maps (RMS 1 before smoothing) */
    double worst_i, worst_p; /* the largest reconstruction error over a channel's RMS */
    int passes;            /* second passes made (K grown after a failed check) */
    double evaluate_seconds, passes_seconds, smooth_seconds;
    /* not NULL: not compressed (why); smooth the channels one by one */
    const char *fallback;
    double **maps;         /* internal: the basis maps' storage */
    int nmaps;
} sky_compressed;

/**
 * Compresses the `nchan` channels (all ch->smooth equal, sky_smooth_opts_equal)
 * and smooths the basis (sky_smooth_map_parts: under mpirun every process
 * calls it, with its part of the sky). The components that smooth
 * themselves are left out, as for sky_channel_smooth_map, and added by
 * sky_compressed_channel. When the basis would save nothing (as many basis
 * maps as channels, or the tolerance out of the Gram matrix's reach),
 * cm->fallback says why and nothing is held. tol: a positive number.
 */
SKY_API int sky_channels_compress(const sky_sky *sky, int nchan, const sky_channel *chans,
                                  double tol, sky_compressed *cm, sky_error *err);
/** Channel c's smoothed map (as sky_channel_smooth_map(_parts) gives it,
 * within the tolerance): allocated in r (sky_smoothed_free). Under mpirun
 * every process calls it (r: its part, the CAR map on rank 0). */
SKY_API int sky_compressed_channel(const sky_sky *sky, const sky_compressed *cm,
                                   const sky_channel *ch, int c, sky_smoothed *r,
                                   sky_error *err);
/** The smoothed maps of channels c0 .. c0 + nc - 1, whose sky_channel are
 * chans[0 .. nc), in r[0 .. nc): the basis read once for all of them
 * (sky_compressed_batch channels at a time keep it in cache). Each r[j] is
 * either zeroed or one this function filled before (for this group): its
 * maps are then reused, not allocated again. On failure r is freed. */
SKY_API int sky_compressed_channels(const sky_sky *sky, const sky_compressed *cm,
                                    const sky_channel *chans, int c0, int nc, sky_smoothed *r,
                                    sky_error *err);
/** How many channels sky_compressed_channels should make at once: 1 to 8,
 * their maps together half the basis maps' memory at most. */
SKY_API int sky_compressed_batch(const sky_compressed *cm);
SKY_API void sky_compressed_free(sky_compressed *cm);
/**
 * Writes the group's smoothed basis (docs/instrument.md, --basis-out): map k
 * to DIR/STEM_basis<k>.fits (and STEM_basis<k>_car.fits with a CAR map),
 * dimensionless, as sky_write_smoothed(_parts) writes, with the cards of
 * `prov` and CMPRGRP, CMPRNI, CMPRNP, CMPRK; and the coefficients of the
 * channels (names[c], units[c]) to DIR/STEM.json. All files or none; the
 * paths written are returned (the caller frees each and the list). Under
 * mpirun every process calls it.
 */
SKY_API int sky_compressed_write_basis(const sky_compressed *cm, const sky_smooth_opts *o,
                                       const char *beam_file, const char *dir,
                                       const char *stem, const char *const *names,
                                       const char *const *units, const struct sky_prov *prov,
                                       int dtype, int overwrite, char ***written,
                                       int *nwritten, sky_error *err);

/* ------------------------------------------------------------------------ */
/* Instruments: channels read from an instrument file                       */
/* ------------------------------------------------------------------------ */

/*
 * An instrument file (docs/instrument.md) is a JSON object with the sky and
 * the channels to simulate it for, in the format of the PySM 3 paper's
 * benchmark:
 *
 *   { "sky": ["a1", "d1", "s1", "f1"],          presets (optional)
 *     "output_unit": "uK_RJ",                    (optional)
 *     "description": "...",                      (ignored)
 *     "channels": [
 *       { "name": "ch1",                         its maps are <name>.fits
 *         "band_low_GHz": 25.0, "band_high_GHz": 35.0, "npoints": 10,
 *                                                numpy.linspace, top-hat; or
 *         "freqs_ghz": [...], "weights": [...],  weights optional; or
 *         "bandpass_file": "ch1.txt",            GHz and weight columns
 *         "center_GHz": 30.0,                    (ignored)
 *         "fwhm_arcmin": 30.0,                   Gaussian beam (optional)
 *         "beam_window": "bl.txt",               or a beam window (optional)
 *         "unit": "K_CMB" },                     (optional)
 *       ... ] }
 *
 * Relative file names are taken from the instrument file's folder. Unknown
 * keys are errors, so that a misspelt option cannot be silently ignored.
 * Both shells read instruments here: `skymodel sim --instrument` and the
 * Python module's Instrument.
 */

/* A channel name is a file name of at most this many bytes, and the bands of
 * all channels together hold at most SKY_INSTRUMENT_MAX_SAMPLES frequencies,
 * which bounds the memory the bands and the spectra evaluated over them take
 * (a few hundred bytes a frequency). */
#define SKY_CHANNEL_NAME_MAX 200
#define SKY_INSTRUMENT_MAX_SAMPLES 1000000

typedef struct sky_instrument_channel {
    char *name;
    int nfreq;
    double *freq, *weight; /* GHz; weight NULL: top-hat */
    char *unit;            /* NULL: the instrument's, or the caller's default */
    double fwhm_arcmin;    /* 0: none */
    char *beam_window;     /* its path (from the instrument's folder), NULL: none */
    char *bandpass_file;   /* the band's file, NULL when the band is given inline */
} sky_instrument_channel;

typedef struct sky_instrument {
    char *presets; /* "a1,d1,s1,f1", or NULL when the file has no "sky" */
    char *unit;    /* output_unit, or NULL */
    int nchan;
    sky_instrument_channel *chan;
} sky_instrument;

/** Reads instrument file `path`; on failure `ins` holds nothing to free. */
SKY_API int sky_instrument_read(const char *path, sky_instrument *ins, sky_error *err);
SKY_API void sky_instrument_free(sky_instrument *ins);

/**
 * A beam window file: text (one column, T, E and B alike, or three: T, E,
 * B) or a FITS table (its first three columns, or one), every value finite.
 * *bl receives ncols columns of nrows values each, one after the other
 * (malloc'ed, the caller frees), as sky_smooth_opts.beam takes them.
 */
SKY_API int sky_beam_window_read(const char *path, double **bl, int *ncols, int *nrows,
                                 sky_error *err);

/* ------------------------------------------------------------------------ */
/* Provenance: the header cards that say how a map was made                 */
/* ------------------------------------------------------------------------ */

/*
 * An ordered list of FITS header cards: keyword = value / comment, HISTORY
 * and COMMENT lines. Keywords are 1 to 8 characters of A-Z, 0-9, '-', '_';
 * setting a keyword again replaces its value where it stands. Strings longer
 * than one card are written with cfitsio's long-string convention (CONTINUE
 * cards), HISTORY and COMMENT text over as many cards as it needs. The map
 * writers (sky_write_map, the CAR and distributed writers) write the list
 * after their own structural keywords (which a list cannot override).
 * A failed allocation is remembered and reported by the writer, so that the
 * sky_prov_set_* calls of a list may be made without checking each.
 */
typedef struct sky_prov sky_prov;

SKY_API sky_prov *sky_prov_new(void);
SKY_API void sky_prov_free(sky_prov *p);
/** A copy, or NULL when out of memory. */
SKY_API sky_prov *sky_prov_copy(const sky_prov *p);
SKY_API int sky_prov_set_string(sky_prov *p, const char *key, const char *value,
                                const char *comment);
SKY_API int sky_prov_set_int(sky_prov *p, const char *key, long long value, const char *comment);
/** A real (written so that FITS reads it as one; a non-finite value as a string). */
SKY_API int sky_prov_set_real(sky_prov *p, const char *key, double value, const char *comment);
SKY_API int sky_prov_set_bool(sky_prov *p, const char *key, int value, const char *comment);
/** Removes keyword `key` (after sky_prov_begin_step, into a HISTORY line). */
SKY_API int sky_prov_remove(sky_prov *p, const char *key);
SKY_API int sky_prov_history(sky_prov *p, const char *text);
SKY_API int sky_prov_comment(sky_prov *p, const char *text);
/**
 * From now on, a keyword set again whose value changes leaves its previous
 * card as a HISTORY line "<step>: was KEY = value / comment" (sky_prov_read_map
 * then a step such as smoothing: the input's cards are kept, replaced values
 * are not lost).
 */
SKY_API void sky_prov_begin_step(sky_prov *p, const char *step);
/** SKY_ENOMEM when an earlier call ran out of memory, SKY_EINVAL for a bad keyword. */
SKY_API int sky_prov_status(const sky_prov *p, sky_error *err);

/** Number of cards, and the i-th: keyword ("HISTORY"/"COMMENT" for text
 * lines), value as text (strings unquoted; NULL for text lines, whose text is
 * in *comment) and comment ("" for none). */
SKY_API int sky_prov_count(const sky_prov *p);
SKY_API int sky_prov_at(const sky_prov *p, int i, const char **key, const char **value,
                        const char **comment);
/** The value of keyword `key`, or NULL. */
SKY_API const char *sky_prov_get(const sky_prov *p, const char *key);

/**
 * What the library knows of a sky: CREATOR, SKYMVER and PYSMVER (versions),
 * POLCCONV = 'COSMO' (PySM and healpy's convention), SKYNSIDE, NCOMPS and
 * COMPn = 'label: ModelClass' for each component of `cfg`, SEEDn for each
 * seed the sky used (sky may be NULL).
 */
SKY_API int sky_prov_add_sky(sky_prov *p, const sky_config *cfg, const sky_sky *sky);
/**
 * A band: FREQMIN, FREQMAX, NFREQ; FREQ for one frequency; with
 * `bandpass_file`, BANDPASS (its name); else FREQS and, with weights,
 * WEIGHTS (comma-separated, %.10g).
 */
SKY_API int sky_prov_add_band(sky_prov *p, const sky_band *band, const char *bandpass_file);

/**
 * A smoothing (sky_smooth) of a map at nside_in with options `o` as reported
 * by `rep`: NSIDEIN; FWHM [arcmin] or BEAMWIN (`beam_file`, may be NULL) and
 * BEAMCOLS; LMAX; MAP2ALM (the method); for least squares LSQITER (the
 * maximum), LSQTOL, LSQNITER and LSQRESID; ROTATE = 'G:C' with a rotation.
 * Cards of an earlier smoothing that this one does not set again (the other
 * kind of beam, the least-squares cards) are removed.
 */
SKY_API int sky_prov_add_smoothing(sky_prov *p, const sky_smooth_opts *o, const char *beam_file,
                                   int nside_in, const sky_smooth_report *rep);
/**
 * The cards of a smoothed map: a copy of `base` with the smoothing's
 * (sky_prov_add_smoothing); `mpi_procs` > 1 adds NPROCS (the order of the
 * alm sums changes the last bits), else an NPROCS of `base` is removed.
 * NULL when out of memory.
 */
SKY_API sky_prov *sky_prov_smoothed(const sky_prov *base, const sky_smooth_opts *o,
                                    const char *beam_file, int nside_in,
                                    const sky_smooth_report *rep, int mpi_procs);
/** The cards of its CAR map: a copy of `smoothed` with CARRES. NULL when out of memory. */
SKY_API sky_prov *sky_prov_car(const sky_prov *smoothed, const sky_smooth_opts *o);
/**
 * The cards of the map header (first extension) of a FITS file that are
 * not structural (table layout, HEALPix geometry, ordering, coordinates,
 * units: what a map writer sets itself), in order, appended to `p`.
 */
SKY_API int sky_prov_read_map(sky_prov *p, const char *path, sky_error *err);

#ifdef __cplusplus
}
#endif
#endif /* SKYMODEL_H */
