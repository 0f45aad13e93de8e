/*
 * synth_internal.h - what the files of the synthetic template set share
 * (src/templates/synth*.c): the generator state, random numbers, random
 * fields, the writers and the small geometric helpers.
 *
 * Each set has its own file (synth_pysm2.c, synth_hires.c,
 * synth_realization.c, synth_extragalactic.c) with one entry point called by
 * the driver, sky_synth_templates in synth.c.
 */
#ifndef SKY_TEMPLATES_SYNTH_INTERNAL_H
#define SKY_TEMPLATES_SYNTH_INTERNAL_H

#include <libsharp/sharp.h>
#include <math.h>
#include <stdint.h>

#include <chealpix.h>

#include "core/error.h"
#include "synth.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* fields are made at up to this nside and upgraded beyond */
enum { GEN_NSIDE_MAX = 512 };

/* ---------------------------------------------------------------------- */
/* random numbers: xoshiro256** seeded by splitmix64 from the seed hashed
 * with a stream name; Gaussians by the polar method                       */

typedef struct rng {
    uint64_t s[4];
    int has_spare;
    double spare;
} rng;

void synth_rng_init(rng *r, uint64_t seed, const char *stream);
double synth_rng_uniform(rng *r); /* in (-1, 1) */
double synth_rng_gauss(rng *r);

/* Counter-based randomness for per-pixel detail, so that files of any nside
 * are filled in parallel chunks: a key from the seed and a stream name,
 * then a uniform in [0, 1) or a Gaussian for each index. */
uint64_t synth_stream_key(uint64_t seed, const char *stream);

static inline uint64_t synth_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline double synth_hash_u01(uint64_t key, uint64_t i)
{
    return (synth_mix(key + 0x9e3779b97f4a7c15ULL * (2 * i + 1)) >> 11) * 0x1.0p-53;
}

static inline double synth_hash_gauss(uint64_t key, uint64_t i)
{
    const double u = ((synth_mix(key + 0x9e3779b97f4a7c15ULL * (2 * i + 1)) >> 11) + 0.5) *
                     0x1.0p-53;
    const double v = (synth_mix(key + 0x9e3779b97f4a7c15ULL * (2 * i + 2)) >> 11) * 0x1.0p-53;
    return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* ---------------------------------------------------------------------- */
/* the generator                                                           */

typedef struct gen {
    const char *dir;
    const char *subdir; /* of dir, where synth_write_maps puts files */
    int nside, gen_nside, lmax, overwrite;
    uint64_t seed;
    int64_t npix, gen_npix;
    int keep_low; /* fields stay at gen_nside (looked up by parent pixel) */
    sharp_geom_info *geom;
    sharp_alm_info *alm;
    void (*log)(void *, const char *);
    void *log_ctx;
    int nfiles;
    int list; /* log the files' paths and nsides, write nothing */
} gen;

/* Spectrum of one stream's fields: cl[l] for l = 0..lmax. */
typedef double (*cl_fn)(int l, void *ctx);

/* Sets the nside-dependent members of g (nside, gen_nside, lmax, npix,
 * gen_npix, the libsharp geometry and alm layout); release frees them. */
void synth_gen_setup(gen *g, int nside);
void synth_gen_release(gen *g);

/* Synthesises spin-0 (n = 1) or spin-2 (n = 2, E and B) maps at gen_nside
 * from alm with variance cl[k](l), then upgrades to nside (unless keep_low). */
int synth_maps(gen *g, int n, cl_fn *cl, void **ctx, rng *r, double **out, sky_error *err);

/* A zero-mean, unit-variance field with C_l ~ (l+1)^-slope. */
int synth_unit_field(gen *g, const char *stream, double slope, double **out, sky_error *err);

/* The number of values of a field: gen_npix when fields stay low. */
static inline int64_t field_npix(const gen *g)
{
    return g->keep_low ? g->gen_npix : g->npix;
}

/* ---------------------------------------------------------------------- */
/* output                                                                  */

/* A file of `ncols` float32 columns written in chunks of pixels, each value
 * from fill(g, ctx, p, q, v): p the pixel, q its parent at gen_nside (where
 * fields made with keep_low are looked up), v the ncols values. Memory does
 * not grow with nside. */
typedef void fill_fn(const gen *g, const void *ctx, int64_t p, int64_t q, double *v);

/* One more file written: counted, and logged when asked. Returns rc. */
int synth_wrote(gen *g, const char *path, int rc);

/* Writes dir/subdir/name from fill, in chunks (see fill_fn). */
int synth_write_stream(gen *g, const char *name, int ncols, const char *const *names,
                       const char *const *units, fill_fn *fill, const void *ctx, sky_error *err);

/* Writes maps held whole: ncols blocks of npix values. */
int synth_write_maps(gen *g, const char *name, int ncols, const char *const *names,
                     const char *const *units, const double *data, sky_error *err);
int synth_write_map1(gen *g, const char *name, const char *col, const char *unit,
                     const double *data, sky_error *err);

/* Writes dir/pysm_2/name: rows x cols numbers with `fmt` per value, through
 * a temporary file. */
int synth_write_table(gen *g, const char *name, const char *header, int rows, int cols,
                      const double *v, const char *fmt, sky_error *err);

/* Makes a folder and its parents. */
int synth_mkdir_p(const char *path, sky_error *err);

/* Files written next go to dir/subdir, made if missing. */
int synth_use_subdir(gen *g, const char *subdir, sky_error *err);

/* ---------------------------------------------------------------------- */
/* shapes                                                                  */

static inline double clamp(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* |sin b| of pixel p of the output map */
static inline double lat_sin(const gen *g, int64_t p)
{
    double theta, phi;
    pix2ang_ring64(g->nside, p, &theta, &phi);
    return fabs(cos(theta));
}

/* Galactic plane profile: 1 + amp exp(-|sin b| / width). */
static inline double plane(const gen *g, int64_t p, double amp, double width)
{
    return 1.0 + amp * exp(-lat_sin(g, p) / width);
}

/* MBB scaling of a dust intensity from 545 to 353 GHz (K_RJ), for Q/U. */
double synth_mbb_545_to_353(double beta, double t);

typedef struct pol {
    double *frac, *angle; /* fraction in [fmin, fmax], angle in rad */
} pol;

/* A polarisation fraction in [fmin, fmax] and angle, from two fields. */
int synth_make_pol(gen *g, const char *stream, double fmin, double fmax, pol *out,
                   sky_error *err);

/* Analytic CMB-like spectra, as D_l = l(l+1)C_l/2pi [uK^2] (CAMB layout). */
void synth_cmb_dl(int l, double *tt, double *ee, double *bb, double *te, double *pp);

typedef struct cmb_ctx {
    int which; /* 0 TT, 1 EE, 2 BB */
} cmb_ctx;

/* C_l of the CMB spectrum ((cmb_ctx *)ctx)->which, 0 below l = 2 */
double synth_cl_cmb(int l, void *ctx);

/* ---------------------------------------------------------------------- */
/* the sets                                                                */

/* pysm_2/: d0-d8, s0-s3, f1, a1, a2, c1, c2 (maps and tables) */
int synth_pysm2_files(gen *g, sky_error *err);

/* dust_gnilc/, synch/, mkd_dust/: the groups of `which` among
 * SKY_SYNTH_GNILC, SKY_SYNTH_SYNCH, SKY_SYNTH_MKD */
int synth_hires_files(gen *g, int which, sky_error *err);

/* dust_gnilc/raw/, synch/raw/: d11's and s6's alm, spectra and plane maps */
int synth_realization_files(gen *g, sky_error *err);

/* websky/, agora/, halfdome/, co/: the files of the extragalactic bits of
 * `which`, at g's nside or, with `real`, each at the nside of PySM's file
 * (g then set up at nside GEN_NSIDE_MAX) */
int synth_extragalactic_files(gen *g, int which, int real, sky_error *err);

/* websky/0.4/radio_catalog/...h5: rg2's catalogue, small or, with `real`,
 * of the real catalogue's size */
int synth_catalog_file(gen *g, int real, sky_error *err);
/* websky/0.4/{cib,radio}/, websky/0.4/radio_catalog/background/: the
 * frequency grids of cib1, rg1 and rg3 among `which` (as above for `real`) */
int synth_interp_files(gen *g, int which, int real, sky_error *err);

#endif
