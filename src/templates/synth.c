/*
 * synth.c - a synthetic template set in PySM's layout (`skymodel templates`):
 * the driver and the machinery the sets share (synth_internal.h).
 *
 * Every file the built-in presets read is written under DIR/pysm_2 with
 * PySM's name, column names and units, so that all presets run on a machine
 * without the PySM data. Nothing here is sky data: the maps are seeded
 * Gaussian random fields with physically plausible shapes:
 *
 * - a field g is drawn as spherical-harmonic coefficients with a power-law
 *   spectrum C_l ~ (l + 1)^-slope, turned into a map by libsharp and scaled
 *   to zero mean and unit variance; fields are made at up to nside 512 and
 *   upgraded (pixel copies) beyond, which keeps generation fast at any nside;
 * - intensities are log-normal fields times a Galactic profile
 *   1 + A exp(-|sin b| / h), so positive with a bright plane;
 * - polarisation is a fraction of 5-25 % of the intensity scaled to the
 *   polarisation reference frequency, along a smoothly varying angle;
 * - spectral parameters scatter around PySM's values (dust beta 1.54,
 *   T 20 K; synchrotron index -3; AME peak 30 GHz);
 * - the CMB map is a Gaussian T, E, B realisation of the analytic spectra
 *   also written as camb_lenspotentialCls.dat;
 * - tables (spinning-dust emissivity, HD17-like grain tables, delensing
 *   factors) are smooth analytic curves in PySM's column layouts.
 *
 * Each file draws from its own random stream (the seed hashed with the
 * file's name), so a file does not depend on which others are made.
 * Randomness is xoshiro256** seeded by splitmix64, Gaussians by the polar
 * method: the same (nside, seed) gives the same files on any machine.
 */
#define _POSIX_C_SOURCE 200809L
#include "synth_internal.h"

#include <complex.h>
#include <errno.h>
#include <libsharp/sharp_almhelpers.h>
#include <libsharp/sharp_geomhelpers.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/constants.h"
#include "core/cmplx.h"
#include "healpix/healpix.h"
#include "io/fits_map.h"

#undef I /* complex.h's imaginary unit */

/* ---------------------------------------------------------------------- */
/* random numbers                                                          */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void synth_rng_init(rng *r, uint64_t seed, const char *stream)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a of the stream name */
    for (const char *c = stream; *c; c++)
        h = (h ^ (unsigned char)*c) * 1099511628211ULL;
    uint64_t x = seed ^ h;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
    r->has_spare = 0;
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s, result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t synth_stream_key(uint64_t seed, const char *stream)
{
    rng r;
    synth_rng_init(&r, seed, stream);
    return r.s[0];
}

double synth_rng_uniform(rng *r) /* in (-1, 1) */
{
    return ((rng_next(r) >> 11) * 0x1.0p-53) * 2.0 - 1.0;
}

double synth_rng_gauss(rng *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u, v, s;
    do {
        u = synth_rng_uniform(r);
        v = synth_rng_uniform(r);
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double f = sqrt(-2.0 * log(s) / s);
    r->spare = v * f;
    r->has_spare = 1;
    return u * f;
}

/* ---------------------------------------------------------------------- */
/* random fields                                                           */

/* Synthesises spin-0 (n = 1) or spin-2 (n = 2, E and B) maps at gen_nside
 * from alm with variance cl[k](l), then upgrades to nside. */
int synth_maps(gen *g, int n, cl_fn *cl, void **ctx, rng *r, double **out, sky_error *err)
{
    const ptrdiff_t nalm = sharp_alm_count(g->alm);
    double complex *alm[2] = {NULL, NULL};
    double *map[2] = {NULL, NULL};
    int rc = SKY_OK;
    for (int k = 0; k < n; k++) {
        alm[k] = calloc((size_t)nalm, sizeof **alm);
        map[k] = malloc((size_t)g->gen_npix * sizeof **map);
        if (!alm[k] || !map[k]) {
            rc = sky_nomem(err, "a random field");
            goto done;
        }
    }
    for (int k = 0; k < n; k++)
        for (int m = 0; m <= g->lmax; m++)
            for (int l = m; l <= g->lmax; l++) {
                double sigma = sqrt(cl[k](l, ctx[k]));
                double re = synth_rng_gauss(r), im = m ? synth_rng_gauss(r) : 0.0;
                if (m)
                    sigma *= 0.70710678118654752440;
                alm[k][sharp_alm_index(g->alm, l, m)] = sigma * CMPLX(re, im);
            }
    sharp_execute(SHARP_ALM2MAP, n == 2 ? 2 : 0, alm, map, g->geom, g->alm, SHARP_DP, NULL, NULL);
    for (int k = 0; k < n; k++) {
        if (g->gen_nside == g->nside || g->keep_low) {
            out[k] = map[k];
            map[k] = NULL;
            continue;
        }
        out[k] = malloc((size_t)g->npix * sizeof **out);
        if (!out[k]) {
            for (int j = 0; j < k; j++)
                free(out[j]);
            rc = sky_nomem(err, "a random field");
            goto done;
        }
#pragma omp parallel for schedule(static)
        for (int64_t p = 0; p < g->npix; p++)
            out[k][p] = map[k][sky_hpx_parent_ring(g->nside, p, g->gen_nside)];
    }
done:
    for (int k = 0; k < 2; k++) {
        free(alm[k]);
        free(map[k]);
    }
    return rc;
}

static double cl_power(int l, void *ctx)
{
    return l == 0 ? 0.0 : pow(l + 1.0, -*(double *)ctx);
}

/* A zero-mean, unit-variance field with C_l ~ (l+1)^-slope. */
int synth_unit_field(gen *g, const char *stream, double slope, double **out, sky_error *err)
{
    rng r;
    synth_rng_init(&r, g->seed, stream);
    cl_fn f = cl_power;
    void *ctx = &slope;
    int rc = synth_maps(g, 1, &f, &ctx, &r, out, err);
    if (rc)
        return rc;
    const int64_t n = field_npix(g);
    double *m = *out, s = 0, s2 = 0;
    for (int64_t p = 0; p < n; p++) {
        s += m[p];
        s2 += m[p] * m[p];
    }
    double mean = s / n, sd = sqrt(fmax(s2 / n - mean * mean, 1e-300));
    for (int64_t p = 0; p < n; p++)
        m[p] = (m[p] - mean) / sd;
    return SKY_OK;
}

/* ---------------------------------------------------------------------- */
/* output                                                                  */

/* One more file written: counted, and logged when asked. Returns rc. */
int synth_wrote(gen *g, const char *path, int rc)
{
    if (!rc) {
        g->nfiles++;
        if (g->log)
            g->log(g->log_ctx, path);
    }
    return rc;
}

int synth_write_stream(gen *g, const char *name, int ncols, const char *const *names,
                       const char *const *units, fill_fn *fill, const void *ctx,
                       sky_error *err)
{
    enum { CHUNK = 1 << 20 };
    char path[4096], seedcard[80];
    snprintf(path, sizeof path, "%s/%s/%s", g->dir, g->subdir, name);
    snprintf(seedcard, sizeof seedcard, "GENSEED = %llu / seed of skymodel templates",
             (unsigned long long)g->seed);
    const char *cards[] = {"SYNTHET = T / synthetic PySM-layout template, not sky data",
                           seedcard, NULL};
    sky_fits_columns cols = {g->nside, ncols, names, units, NULL, SKY_FLOAT32, "G",
                             g->overwrite, cards};
    const int64_t chunk = g->npix < CHUNK ? g->npix : CHUNK;
    double *buf = malloc((size_t)(ncols * chunk) * sizeof *buf);
    sky_fits_writer *w = NULL;
    int rc = buf ? sky_fits_writer_open(path, &cols, &w, err) : sky_nomem(err, "a template");
    for (int64_t a = 0; a < g->npix && !rc; a += chunk) {
        const int64_t n = g->npix - a < chunk ? g->npix - a : chunk;
#pragma omp parallel for schedule(static)
        for (int64_t k = 0; k < n; k++) {
            const int64_t p = a + k;
            const int64_t q = g->gen_nside == g->nside ? p
                                                       : sky_hpx_parent_ring(g->nside, p, g->gen_nside);
            double v[SKY_FITS_MAX_COLUMNS];
            fill(g, ctx, p, q, v);
            for (int c = 0; c < ncols; c++)
                buf[c * n + k] = v[c];
        }
        rc = sky_fits_writer_write(w, a, n, buf, err);
    }
    free(buf);
    return synth_wrote(g, path, sky_fits_writer_close(w, rc, err));
}

/* maps held whole: ncols blocks of npix values */
typedef struct held_maps {
    const double *data;
    int ncols;
} held_maps;

static void fill_held(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    (void)q;
    const held_maps *h = ctx;
    for (int c = 0; c < h->ncols; c++)
        v[c] = h->data[c * g->npix + p];
}

int synth_write_maps(gen *g, const char *name, int ncols, const char *const *names,
                     const char *const *units, const double *data, sky_error *err)
{
    const held_maps h = {data, ncols};
    return synth_write_stream(g, name, ncols, names, units, fill_held, &h, err);
}

int synth_write_map1(gen *g, const char *name, const char *col, const char *unit,
                     const double *data, sky_error *err)
{
    const char *names[] = {col}, *units[] = {unit};
    return synth_write_maps(g, name, 1, names, units, data, err);
}


/* Writes rows x cols numbers with `fmt` per value, through a temporary file. */
int synth_write_table(gen *g, const char *name, const char *header, int rows, int cols,
                      const double *v, const char *fmt, sky_error *err)
{
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/pysm_2/%s", g->dir, name);
    struct stat st;
    if (!g->overwrite && stat(path, &st) == 0)
        return sky_fail(err, SKY_EINVAL, "%s: file exists: use --force to overwrite it", path);
    snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        return sky_fail(err, SKY_EIO, "%s: cannot create: %s", path, strerror(errno));
    }
    if (header)
        fprintf(f, "%s\n", header);
    for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
            if (j)
                fputc(' ', f);
            fprintf(f, fmt, v[(size_t)i * cols + j]);
        }
        fputc('\n', f);
    }
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        unlink(tmp);
        return sky_fail(err, SKY_EIO, "%s: write failed: %s", path, strerror(errno));
    }
    return synth_wrote(g, path, SKY_OK);
}

/* ---------------------------------------------------------------------- */
/* the files                                                               */

/* MBB scaling of a dust intensity from 545 to 353 GHz (K_RJ), for Q/U. */
double synth_mbb_545_to_353(double beta, double t)
{
    const double x = SKY_H_PLANCK * 1e9 / (SKY_K_BOLTZMANN * t);
    const double b353 = pow(353.0, 3) / expm1(353.0 * x), b545 = pow(545.0, 3) / expm1(545.0 * x);
    return pow(353.0 / 545.0, beta - 2.0) * b353 / b545;
}

int synth_make_pol(gen *g, const char *stream, double fmin, double fmax, pol *out,
                   sky_error *err)
{
    char name[64];
    int rc;
    snprintf(name, sizeof name, "%s/frac", stream);
    if ((rc = synth_unit_field(g, name, 2.5, &out->frac, err)))
        return rc;
    snprintf(name, sizeof name, "%s/angle", stream);
    if ((rc = synth_unit_field(g, name, 3.0, &out->angle, err))) {
        free(out->frac);
        return rc;
    }
    for (int64_t p = 0; p < field_npix(g); p++) {
        out->frac[p] = fmin + (fmax - fmin) / (1.0 + exp(-1.5 * out->frac[p]));
        out->angle[p] = 0.8 * M_PI * out->angle[p];
    }
    return SKY_OK;
}

/* Files written next go to dir/subdir, made if missing. */
int synth_use_subdir(gen *g, const char *subdir, sky_error *err)
{
    char path[4200];
    g->subdir = subdir;
    snprintf(path, sizeof path, "%s/%s", g->dir, subdir);
    return synth_mkdir_p(path, err);
}

/* Analytic CMB-like spectra, as D_l = l(l+1)C_l/2pi [uK^2] (CAMB layout). */
void synth_cmb_dl(int l, double *tt, double *ee, double *bb, double *te, double *pp)
{
    const double x = l;
    const double damp = exp(-pow(x / 1800.0, 1.6));
    *tt = (1000.0 * pow(x / 10.0 + 1.0, -0.1) + 4700.0 * exp(-pow((x - 220.0) / 110.0, 2)) +
           2300.0 * exp(-pow((x - 540.0) / 110.0, 2)) + 2400.0 * exp(-pow((x - 810.0) / 120.0, 2)) +
           1200.0 * exp(-pow((x - 1120.0) / 130.0, 2))) * damp + 1e-3;
    *ee = (0.08 + 40.0 * pow(x / 1000.0, 1.5) * (1.0 + 0.6 * sin(x / 70.0))) * damp + 1e-4;
    *bb = 1.5e-5 * pow(x / 2.0, 0.4) + 0.08 * (x / 1000.0) * exp(-pow(x / 2000.0, 2));
    *te = 0.5 * sqrt(*tt * *ee) * sin(x / 90.0);
    *pp = 8e-8 * pow(1.0 + x / 60.0, -1.5);
}

double synth_cl_cmb(int l, void *ctx)
{
    if (l < 2)
        return 0.0;
    double tt, ee, bb, te, pp;
    synth_cmb_dl(l, &tt, &ee, &bb, &te, &pp);
    double d = ((cmb_ctx *)ctx)->which == 0 ? tt : ((cmb_ctx *)ctx)->which == 1 ? ee : bb;
    return d * 2.0 * M_PI / (l * (l + 1.0));
}

int synth_mkdir_p(const char *path, sky_error *err)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *c = buf + 1;; c++) {
        if (*c == '/' || *c == '\0') {
            char save = *c;
            *c = '\0';
            struct stat st;
            if (stat(buf, &st) != 0) {
                if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                    return sky_fail(err, SKY_EIO, "%s: cannot create folder: %s", buf,
                                    strerror(errno));
            } else if (!S_ISDIR(st.st_mode)) {
                return sky_fail(err, SKY_EINVAL, "%s: exists and is not a folder", buf);
            }
            *c = save;
            if (!save)
                break;
        }
    }
    return SKY_OK;
}

void synth_gen_setup(gen *g, int nside)
{
    g->nside = nside;
    g->gen_nside = nside < GEN_NSIDE_MAX ? nside : GEN_NSIDE_MAX;
    g->lmax = 2 * g->gen_nside < 8 ? 8 : 2 * g->gen_nside;
    g->npix = sky_hpx_npix(nside);
    g->gen_npix = sky_hpx_npix(g->gen_nside);
    g->keep_low = 0;
    sharp_make_healpix_geom_info(g->gen_nside, 1, &g->geom);
    sharp_make_triangular_alm_info(g->lmax, g->lmax, 1, &g->alm);
}

void synth_gen_release(gen *g)
{
    sharp_destroy_geom_info(g->geom);
    sharp_destroy_alm_info(g->alm);
    g->geom = NULL;
    g->alm = NULL;
}

int sky_synth_templates(const char *dir, int nside, uint64_t seed, int overwrite, int sets,
                        void (*log)(void *ctx, const char *line), void *log_ctx, sky_error *err)
{
    const int real = nside == SKY_SYNTH_REAL_NSIDE, list = (sets & SKY_SYNTH_LIST) != 0;
    sets &= ~SKY_SYNTH_LIST;
    if (list && (sets & ~SKY_SYNTH_REAL_SETS))
        return sky_fail(err, SKY_EINVAL, "templates: a listing only for the extragalactic sets");
    if (real && (sets & ~SKY_SYNTH_REAL_SETS))
        return sky_fail(err, SKY_EINVAL, "templates at PySM's nsides: only for the extragalactic "
                        "sets (websky, agora, halfdome, co and their presets)");
    if (!real && !sky_hpx_nside_ok(nside))
        return sky_fail(err, SKY_EINVAL, "nside %d: expected a power of two from 1 to 8192",
                        nside);
    if (!dir || !*dir)
        return sky_fail(err, SKY_EINVAL, "templates: expected an output folder");
    char sub[4096];
    snprintf(sub, sizeof sub, (sets & SKY_SYNTH_PYSM2) ? "%s/pysm_2" : "%s", dir);
    int rc = list ? SKY_OK : synth_mkdir_p(sub, err);
    if (rc)
        return rc;
    gen g = {0};
    g.dir = dir;
    g.subdir = "pysm_2";
    g.seed = seed;
    g.overwrite = overwrite;
    g.log = log;
    g.log_ctx = log_ctx;
    g.list = list;
    synth_gen_setup(&g, real ? GEN_NSIDE_MAX : nside);
    if (sets & SKY_SYNTH_PYSM2)
        rc = synth_pysm2_files(&g, err);
    if (!rc && (sets & (SKY_SYNTH_GNILC | SKY_SYNTH_SYNCH | SKY_SYNTH_MKD)))
        rc = synth_hires_files(&g, sets, err);
    if (!rc && (sets & SKY_SYNTH_REALIZATION))
        rc = synth_realization_files(&g, err);
    if (!rc && (sets & SKY_SYNTH_EXTRAGALACTIC))
        rc = synth_extragalactic_files(&g, sets, real, err);
    if (!rc && (sets & SKY_SYNTH_GRIDS))
        rc = synth_interp_files(&g, sets, real, err);
    if (!rc && (sets & SKY_SYNTH_RG2))
        rc = synth_catalog_file(&g, real, err);
    synth_gen_release(&g);
    return rc;
}
