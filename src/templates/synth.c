/*
 * synth.c - a synthetic template set in PySM's layout (`skymodel templates`).
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
#include "synth.h"

#include <complex.h>
#include <errno.h>
#include <libsharp/sharp.h>
#include <libsharp/sharp_almhelpers.h>
#include <libsharp/sharp_geomhelpers.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chealpix.h>

#include "core/constants.h"
#include "core/cmplx.h"
#include "core/error.h"
#include "healpix/healpix.h"
#include "io/fits_alm.h"
#include "io/fits_map.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#undef I /* complex.h's imaginary unit: "I" names intensity maps here */

enum { GEN_NSIDE_MAX = 512 };

/* ---------------------------------------------------------------------- */
/* random numbers                                                          */

typedef struct rng {
    uint64_t s[4];
    int has_spare;
    double spare;
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void rng_init(rng *r, uint64_t seed, const char *stream)
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

static double rng_uniform(rng *r) /* in (-1, 1) */
{
    return ((rng_next(r) >> 11) * 0x1.0p-53) * 2.0 - 1.0;
}

static double rng_gauss(rng *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u, v, s;
    do {
        u = rng_uniform(r);
        v = rng_uniform(r);
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double f = sqrt(-2.0 * log(s) / s);
    r->spare = v * f;
    r->has_spare = 1;
    return u * f;
}

/* ---------------------------------------------------------------------- */
/* random fields                                                           */

typedef struct gen {
    const char *dir;
    const char *subdir; /* of dir, where write_maps puts files */
    int nside, gen_nside, lmax, overwrite;
    uint64_t seed;
    int64_t npix, gen_npix;
    int keep_low; /* fields stay at gen_nside (looked up by parent pixel) */
    sharp_geom_info *geom;
    sharp_alm_info *alm;
    void (*log)(void *, const char *);
    void *log_ctx;
    int nfiles;
} gen;

/* Spectrum of one stream's fields: cl[l] for l = 0..lmax. */
typedef double (*cl_fn)(int l, void *ctx);

/* Synthesises spin-0 (n = 1) or spin-2 (n = 2, E and B) maps at gen_nside
 * from alm with variance cl[k](l), then upgrades to nside. */
static int synth_maps(gen *g, int n, cl_fn *cl, void **ctx, rng *r, double **out, sky_error *err)
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
                double re = rng_gauss(r), im = m ? rng_gauss(r) : 0.0;
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

/* The number of values of a field: gen_npix when fields stay low. */
static int64_t field_npix(const gen *g)
{
    return g->keep_low ? g->gen_npix : g->npix;
}

/* A zero-mean, unit-variance field with C_l ~ (l+1)^-slope. */
static int unit_field(gen *g, const char *stream, double slope, double **out, sky_error *err)
{
    rng r;
    rng_init(&r, g->seed, stream);
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

/* A file of `ncols` float32 columns written in chunks of pixels, each value
 * from fill(g, ctx, p, q, v): p the pixel, q its parent at gen_nside (where
 * fields made with keep_low are looked up), v the ncols values. Memory does
 * not grow with nside. */
typedef void fill_fn(const gen *g, const void *ctx, int64_t p, int64_t q, double *v);

/* One more file written: counted, and logged when asked. Returns rc. */
static int wrote(gen *g, const char *path, int rc)
{
    if (!rc) {
        g->nfiles++;
        if (g->log)
            g->log(g->log_ctx, path);
    }
    return rc;
}

static int write_stream(gen *g, const char *name, int ncols, const char *const *names,
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
    return wrote(g, path, sky_fits_writer_close(w, rc, err));
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

static int write_maps(gen *g, const char *name, int ncols, const char *const *names,
                      const char *const *units, const double *data, sky_error *err)
{
    const held_maps h = {data, ncols};
    return write_stream(g, name, ncols, names, units, fill_held, &h, err);
}

static int write_map1(gen *g, const char *name, const char *col, const char *unit,
                      const double *data, sky_error *err)
{
    const char *names[] = {col}, *units[] = {unit};
    return write_maps(g, name, 1, names, units, data, err);
}


/* Writes rows x cols numbers with `fmt` per value, through a temporary file. */
static int write_table(gen *g, const char *name, const char *header, int rows, int cols,
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
    return wrote(g, path, SKY_OK);
}

/* ---------------------------------------------------------------------- */
/* the files                                                               */

static double clamp(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* |sin b| of pixel p of the output map */
static double lat_sin(const gen *g, int64_t p)
{
    double theta, phi;
    pix2ang_ring64(g->nside, p, &theta, &phi);
    return fabs(cos(theta));
}

/* Galactic plane profile: 1 + amp exp(-|sin b| / width). */
static double plane(const gen *g, int64_t p, double amp, double width)
{
    return 1.0 + amp * exp(-lat_sin(g, p) / width);
}

/* MBB scaling of a dust intensity from 545 to 353 GHz (K_RJ), for Q/U. */
static double mbb_545_to_353(double beta, double t)
{
    const double x = SKY_H_PLANCK * 1e9 / (SKY_K_BOLTZMANN * t);
    const double b353 = pow(353.0, 3) / expm1(353.0 * x), b545 = pow(545.0, 3) / expm1(545.0 * x);
    return pow(353.0 / 545.0, beta - 2.0) * b353 / b545;
}

typedef struct pol {
    double *frac, *angle; /* fraction in [fmin, fmax], angle in rad */
} pol;

static int make_pol(gen *g, const char *stream, double fmin, double fmax, pol *out,
                    sky_error *err)
{
    char name[64];
    int rc;
    snprintf(name, sizeof name, "%s/frac", stream);
    if ((rc = unit_field(g, name, 2.5, &out->frac, err)))
        return rc;
    snprintf(name, sizeof name, "%s/angle", stream);
    if ((rc = unit_field(g, name, 3.0, &out->angle, err))) {
        free(out->frac);
        return rc;
    }
    for (int64_t p = 0; p < field_npix(g); p++) {
        out->frac[p] = fmin + (fmax - fmin) / (1.0 + exp(-1.5 * out->frac[p]));
        out->angle[p] = 0.8 * M_PI * out->angle[p];
    }
    return SKY_OK;
}

static int dust_files(gen *g, sky_error *err)
{
    const int64_t n = g->npix;
    double *gi = NULL, *gb = NULL, *gt = NULL, *gb2 = NULL, *gb3 = NULL, *buf = NULL;
    pol pl = {NULL, NULL};
    int rc;
    if ((rc = unit_field(g, "dust/I", 2.2, &gi, err)) ||
        (rc = unit_field(g, "dust/beta", 2.5, &gb, err)) ||
        (rc = unit_field(g, "dust/temp", 2.5, &gt, err)) ||
        (rc = unit_field(g, "dust/beta_std0p2", 2.4, &gb2, err)) ||
        (rc = unit_field(g, "dust/beta_std0p3", 2.4, &gb3, err)) ||
        (rc = make_pol(g, "dust/pol", 0.03, 0.22, &pl, err)))
        goto done;
    if (!(buf = malloc((size_t)9 * n * sizeof *buf))) {
        rc = sky_nomem(err, "dust templates");
        goto done;
    }
    double *I = buf, *Q = buf + n, *U = buf + 2 * n, *B = buf + 3 * n, *T = buf + 4 * n;
    for (int64_t p = 0; p < n; p++) {
        I[p] = 70.0 * exp(0.7 * gi[p]) * plane(g, p, 40.0, 0.12);
        B[p] = clamp(1.54 + 0.08 * gb[p], 1.2, 1.9);
        T[p] = clamp(20.0 + 1.8 * gt[p], 14.0, 27.0);
        double p353 = pl.frac[p] * I[p] * mbb_545_to_353(B[p], T[p]);
        Q[p] = p353 * cos(2.0 * pl.angle[p]);
        U[p] = p353 * sin(2.0 * pl.angle[p]);
    }
    if ((rc = write_map1(g, "dust_t_new.fits", "I_STOKES", "uK_RJ", I, err)) ||
        (rc = write_map1(g, "dust_q_new.fits", "Q_STOKES", "uK_RJ", Q, err)) ||
        (rc = write_map1(g, "dust_u_new.fits", "U_STOKES", "uK_RJ", U, err)) ||
        (rc = write_map1(g, "dust_beta.fits", "BETA", "", B, err)) ||
        (rc = write_map1(g, "dust_temp.fits", "TEMPERATURE_DUST", "K", T, err)))
        goto done;
    double *B2 = buf + 5 * n, *B3 = buf + 6 * n;
    for (int64_t p = 0; p < n; p++) {
        B2[p] = 1.59 + 0.2 * gb2[p];
        B3[p] = 1.59 + 0.3 * gb3[p];
    }
    if ((rc = write_map1(g, "beta_mean1p59_std0p2.fits", "BETA", "", B2, err)) ||
        (rc = write_map1(g, "beta_mean1p59_std0p3.fits", "BETA", "", B3, err)))
        goto done;

    /* d4: two components sharing the dust morphology, 35 % and 65 % of it */
    static const struct {
        const char *tag;
        double share, beta, dbeta, temp, dtemp;
    } comps[2] = {{"1", 0.35, 1.63, 0.05, 9.75, 0.5}, {"2", 0.65, 2.82, 0.05, 15.7, 0.8}};
    for (int c = 0; c < 2 && !rc; c++) {
        double *Ic = buf + 5 * n, *Qc = buf + 6 * n, *Uc = buf + 7 * n, *Bc = buf + 8 * n;
        for (int64_t p = 0; p < n; p++) {
            Ic[p] = comps[c].share * I[p];
            Qc[p] = comps[c].share * Q[p];
            Uc[p] = comps[c].share * U[p];
            Bc[p] = comps[c].beta + comps[c].dbeta * (c ? gb2[p] : gb3[p]);
        }
        char f[5][64];
        snprintf(f[0], 64, "dust2comp_I%s_ns512_545.fits", comps[c].tag);
        snprintf(f[1], 64, "dust2comp_Q%s_ns512_353.fits", comps[c].tag);
        snprintf(f[2], 64, "dust2comp_U%s_ns512_353.fits", comps[c].tag);
        snprintf(f[3], 64, "dust2comp_beta%s_ns512.fits", comps[c].tag);
        snprintf(f[4], 64, "dust2comp_temp%s_ns512.fits", comps[c].tag);
        if ((rc = write_map1(g, f[0], "I_STOKES", "uK_RJ", Ic, err)) ||
            (rc = write_map1(g, f[1], "Q_STOKES", "uK_RJ", Qc, err)) ||
            (rc = write_map1(g, f[2], "U_STOKES", "uK_RJ", Uc, err)) ||
            (rc = write_map1(g, f[3], "BETA", "", Bc, err)))
            break;
        for (int64_t p = 0; p < n; p++)
            Bc[p] = comps[c].temp + comps[c].dtemp * (c ? gt[p] : -gt[p]);
        rc = write_map1(g, f[4], "TEMPERATURE_DUST", "K", Bc, err);
    }
    if (rc)
        goto done;

    /* Commander-like products (d5/d7 draw uval from T, beta and their RMS) */
    double *com = malloc((size_t)9 * n * sizeof *com);
    if (!com) {
        rc = sky_nomem(err, "dust templates");
        goto done;
    }
    for (int64_t p = 0; p < n; p++) {
        com[p] = I[p];
        com[n + p] = I[p] * (1.0 + 0.01 * gb2[p]);
        com[2 * n + p] = 5.0 + 0.02 * I[p];
        com[3 * n + p] = T[p];
        com[4 * n + p] = T[p] + 0.1 * gb3[p];
        com[5 * n + p] = 0.5 + 2.0 / (1.0 + exp(-gb2[p]));
        com[6 * n + p] = B[p];
        com[7 * n + p] = B[p] + 0.01 * gb3[p];
        com[8 * n + p] = 0.02 + 0.15 / (1.0 + exp(-gb3[p]));
    }
    static const char *cn[] = {"I_ML",     "I_MEAN",  "I_RMS",     "TEMP_ML", "TEMP_MEAN",
                               "TEMP_RMS", "BETA_ML", "BETA_MEAN", "BETA_RMS"};
    static const char *cu[] = {"uK_RJ", "uK_RJ", "uK_RJ", "K", "K", "K", "", "", ""};
    rc = write_maps(g, "COM_CompMap_dust-commander_0256_R2.00.fits", 9, cn, cu, com, err);
    free(com);
done:
    free(gi);
    free(gb);
    free(gt);
    free(gb2);
    free(gb3);
    free(pl.frac);
    free(pl.angle);
    free(buf);
    return rc;
}

static int synch_files(gen *g, sky_error *err)
{
    const int64_t n = g->npix;
    double *gi = NULL, *gb = NULL, *buf = NULL;
    pol pl = {NULL, NULL};
    int rc;
    if ((rc = unit_field(g, "synch/I", 2.6, &gi, err)) ||
        (rc = unit_field(g, "synch/beta", 2.8, &gb, err)) ||
        (rc = make_pol(g, "synch/pol", 0.05, 0.3, &pl, err)))
        goto done;
    if (!(buf = malloc((size_t)5 * n * sizeof *buf))) {
        rc = sky_nomem(err, "synchrotron templates");
        goto done;
    }
    double *I = buf, *Q = buf + n, *U = buf + 2 * n, *B = buf + 3 * n, *L = buf + 4 * n;
    for (int64_t p = 0; p < n; p++) {
        I[p] = 1.6e7 * exp(0.35 * gi[p]) * plane(g, p, 2.5, 0.2);
        B[p] = clamp(-3.0 + 0.1 * gb[p], -3.4, -2.6);
        L[p] = -2.95 - 0.4 * lat_sin(g, p);
        double p23 = pl.frac[p] * I[p] * pow(23.0 / 0.408, B[p]);
        Q[p] = p23 * cos(2.0 * pl.angle[p]);
        U[p] = p23 * sin(2.0 * pl.angle[p]);
    }
    if ((rc = write_map1(g, "synch_t_new.fits", "I_STOKES", "uK_RJ", I, err)) ||
        (rc = write_map1(g, "synch_q_new.fits", "Q_STOKES", "uK_RJ", Q, err)) ||
        (rc = write_map1(g, "synch_u_new.fits", "U_STOKES", "uK_RJ", U, err)) ||
        (rc = write_map1(g, "synch_beta.fits", "BETA", "", B, err)) ||
        (rc = write_map1(g, "beta_latvar.fits", "BETA", "", L, err)))
        goto done;
done:
    free(gi);
    free(gb);
    free(pl.frac);
    free(pl.angle);
    free(buf);
    return rc;
}

static int mkdir_p(const char *path, sky_error *err);

/* Files written next go to dir/subdir, made if missing. */
static int use_subdir(gen *g, const char *subdir, sky_error *err)
{
    char path[4200];
    g->subdir = subdir;
    snprintf(path, sizeof path, "%s/%s", g->dir, subdir);
    return mkdir_p(path, err);
}

/* The fields of the high-resolution files, at gen_nside (keep_low): each
 * file's pixel p takes them at its parent q, so that files of any nside are
 * written in chunks. */
typedef struct hires {
    double *gi, *gb, *gt, *si, *sb, *sc;
    pol dp, sp;
    int layer; /* d12's layer, 1-6 */
} hires;

static double dust_beta(const hires *h, int64_t q)
{
    return clamp(1.54 + 0.08 * h->gb[q], 1.2, 1.9);
}

static double dust_temp(const hires *h, int64_t q)
{
    return clamp(20.0 + 1.8 * h->gt[q], 14.0, 27.0);
}

static double synch_beta(const hires *h, int64_t q)
{
    return clamp(-3.0 + 0.1 * h->sb[q], -3.4, -2.6);
}

/* I, Q, U from an intensity and a polarisation fraction and angle */
static void iqu_of(double i, const pol *pp, int64_t q, double dangle, double *v)
{
    v[0] = i;
    v[1] = pp->frac[q] * i * cos(2.0 * pp->angle[q] + dangle);
    v[2] = pp->frac[q] * i * sin(2.0 * pp->angle[q] + dangle);
}

static void fill_dust_iqu(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    const hires *h = ctx;
    const double i = 70.0 * exp(0.7 * h->gi[q]) * plane(g, p, 40.0, 0.12) *
                     mbb_545_to_353(dust_beta(h, q), dust_temp(h, q));
    iqu_of(i, &h->dp, q, 0.0, v);
}

static void fill_dust_beta(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    (void)g, (void)p;
    v[0] = dust_beta(ctx, q);
}

static void fill_dust_temp(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    (void)g, (void)p;
    v[0] = dust_temp(ctx, q);
}

static void fill_synch_iqu(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    const hires *h = ctx;
    const double i = 1.6e7 * exp(0.35 * h->si[q]) * plane(g, p, 2.5, 0.2) *
                     pow(23.0 / 0.408, synch_beta(h, q));
    iqu_of(i, &h->sp, q, 0.0, v);
}

static void fill_synch_beta(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    (void)g, (void)p;
    v[0] = synch_beta(ctx, q);
}

static void fill_synch_curvature(const gen *g, const void *ctx, int64_t p, int64_t q,
                                 double *v)
{
    (void)g, (void)p;
    v[0] = clamp(-0.052 + 0.02 * ((const hires *)ctx)->sc[q], -0.15, 0.05);
}

/* d12's layers: the dust intensity shared out with more weight near the
 * plane for the nearer layers, each with its own index and temperature, in
 * MJy/sr at 353 GHz */
static void fill_layer_iqu(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    const hires *h = ctx;
    const double to_mjy = 353e9 * 353e9 * 2 * SKY_K_BOLTZMANN / (SKY_C_LIGHT * SKY_C_LIGHT) *
                          1e-6 /* uK */ * 1e26 /* Jy */ * 1e-6 /* MJy */;
    const double sb = lat_sin(g, p), l = h->layer;
    const double share = (0.5 + 0.1 * l * sb) / (3.0 + 2.1 * sb);
    const double i353 = 70.0 * exp(0.7 * h->gi[q]) * plane(g, p, 40.0, 0.12) *
                        mbb_545_to_353(1.54, 20.0) * share;
    iqu_of(i353 * to_mjy, &h->dp, q, 0.1 * l, v);
}

static void fill_layer_beta(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    (void)g, (void)p;
    const hires *h = ctx;
    v[0] = clamp(1.5 + 0.05 * (h->layer - 3) + 0.08 * h->gb[q], 1.1, 2.0);
}

static void fill_layer_temp(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    (void)g, (void)p;
    const hires *h = ctx;
    v[0] = clamp(15.0 + 1.5 * h->layer + 1.5 * h->gt[q], 10.0, 30.0);
}

/* The high-resolution presets' maps, named with this nside as PySM names
 * its per-nside templates: dust I, Q, U at 353 GHz with beta and T maps
 * (dust_gnilc/: d9, d10), synchrotron I, Q, U at 23 GHz with index and
 * curvature maps (synch/: s4, s5, s7), and d12's six layers
 * (mkd_dust/2048/, PySM's names whatever this nside); the same kind of
 * fields as the PySM 2 set. `which` selects groups (SKY_SYNTH_GNILC...). */
static int hires_files(gen *g, int which, sky_error *err)
{
    hires h;
    memset(&h, 0, sizeof h);
    char name[256];
    static const char *iqu[] = {"I_STOKES", "Q_STOKES", "U_STOKES"};
    static const char *uk[] = {"uK_RJ", "uK_RJ", "uK_RJ"};
    static const char *mj[] = {"MJy/sr", "MJy/sr", "MJy/sr"};
    static const char *beta[] = {"BETA"}, *temp[] = {"TEMP"}, *curv[] = {"CURVATURE"};
    static const char *none[] = {""}, *kelvin[] = {"K"};
    int rc;
    g->keep_low = 1;
    if ((rc = unit_field(g, "dust/I", 2.2, &h.gi, err)) ||
        (rc = unit_field(g, "dust/beta", 2.5, &h.gb, err)) ||
        (rc = unit_field(g, "dust/temp", 2.5, &h.gt, err)) ||
        (rc = make_pol(g, "dust/pol", 0.03, 0.22, &h.dp, err)) ||
        (rc = unit_field(g, "synch/I", 2.6, &h.si, err)) ||
        (rc = unit_field(g, "synch/beta", 2.8, &h.sb, err)) ||
        (rc = unit_field(g, "synch/curvature", 2.8, &h.sc, err)) ||
        (rc = make_pol(g, "synch/pol", 0.05, 0.3, &h.sp, err)))
        goto done;
    /* the files of each group; d12's names take the layer, the others the nside */
    static const struct {
        int group;
        const char *subdir, *name;
        int ncols;
        const char *const *cols, *const *units;
        fill_fn *fill;
    } files[] = {
        {SKY_SYNTH_GNILC, "dust_gnilc", "gnilc_dust_template_nside%d_2023.02.10.fits", 3, iqu, uk,
         fill_dust_iqu},
        {SKY_SYNTH_GNILC, "dust_gnilc", "gnilc_dust_beta_nside%d_2023.06.06.fits", 1, beta, none,
         fill_dust_beta},
        {SKY_SYNTH_GNILC, "dust_gnilc", "gnilc_dust_Td_nside%d_2023.06.06.fits", 1, temp, kelvin,
         fill_dust_temp},
        {SKY_SYNTH_SYNCH, "synch", "synch_template_nside%d_2023.02.25.fits", 3, iqu, uk,
         fill_synch_iqu},
        {SKY_SYNTH_SYNCH, "synch", "synch_beta_nside%d_2023.02.16.fits", 1, beta, none,
         fill_synch_beta},
        {SKY_SYNTH_SYNCH, "synch", "synch_curvature_nside%d_2023.02.17.fits", 1, curv, none,
         fill_synch_curvature},
        {SKY_SYNTH_MKD, "mkd_dust/2048", "thermaldust_ampl%d.fits", 3, iqu, mj, fill_layer_iqu},
        {SKY_SYNTH_MKD, "mkd_dust/2048", "thermaldust_specind%d.fits", 1, beta, none,
         fill_layer_beta},
        {SKY_SYNTH_MKD, "mkd_dust/2048", "thermaldust_temp%d.fits", 1, temp, kelvin,
         fill_layer_temp},
    };
    static const int groups[] = {SKY_SYNTH_GNILC, SKY_SYNTH_SYNCH, SKY_SYNTH_MKD};
    for (int k = 0; k < 3 && !rc; k++) {
        const int group = groups[k], nlayers = group == SKY_SYNTH_MKD ? 6 : 1;
        for (h.layer = 1; h.layer <= nlayers && !rc && (which & group); h.layer++)
            for (size_t f = 0; f < sizeof files / sizeof *files && !rc; f++) {
                if (files[f].group != group)
                    continue;
                snprintf(name, sizeof name, files[f].name,
                         group == SKY_SYNTH_MKD ? h.layer : g->nside);
                if (!(rc = use_subdir(g, files[f].subdir, err)))
                    rc = write_stream(g, name, files[f].ncols, files[f].cols, files[f].units,
                                      files[f].fill, &h, err);
            }
    }
done:
    g->keep_low = 0;
    g->subdir = "pysm_2";
    free(h.gi), free(h.gb), free(h.gt), free(h.si), free(h.sb), free(h.sc);
    free(h.dp.frac), free(h.dp.angle), free(h.sp.frac), free(h.sp.angle);
    return rc;
}

/* ---------------------------------------------------------------------- */
/* d11 and s6: alm and spectra of the realisation models                   */

/* One alm spectrum: C_l = amp (l + 1)^-slope for lmin <= l, and the l = 0
 * coefficient set to give the field mean `mean`. */
typedef struct alm_spec {
    double mean, amp, slope;
    int lmin;
} alm_spec;

static double spec_cl(const alm_spec *s, int l)
{
    return l < s->lmin ? 0.0 : s->amp * pow(l + 1.0, -s->slope);
}

/* n seeded Gaussian alm blocks to lmax (healpy layout) for spectra spec[k]. */
static double complex *random_alm(const gen *g, const char *stream, int n, const alm_spec *spec,
                                  int lmax, sky_error *err)
{
    const int64_t nalm = (int64_t)(lmax + 1) * (lmax + 2) / 2;
    double complex *a = malloc((size_t)(n * nalm) * sizeof *a);
    if (!a) {
        sky_nomem(err, "random alm");
        return NULL;
    }
    rng r;
    rng_init(&r, g->seed, stream);
    for (int k = 0; k < n; k++) {
        int64_t i = 0;
        for (int m = 0; m <= lmax; m++)
            for (int l = m; l <= lmax; l++, i++) {
                const double sigma = sqrt(spec_cl(&spec[k], l)) * (m ? 0.70710678118654752440 : 1);
                const double re = rng_gauss(&r), im = m ? rng_gauss(&r) : 0.0;
                a[k * nalm + i] = sigma * CMPLX(re, im);
            }
        a[k * nalm] += spec[k].mean * sqrt(4 * M_PI);
    }
    return a;
}

static int write_alm(gen *g, const char *name, int n, const alm_spec *spec, int lmax, int f32,
                     const char *unit, sky_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/%s", g->dir, g->subdir, name);
    double complex *a = random_alm(g, name, n, spec, lmax, err);
    if (!a)
        return SKY_ENOMEM;
    int rc = sky_fits_write_alm(path, n, a, lmax, f32, unit, g->overwrite, err);
    free(a);
    return wrote(g, path, rc);
}

/* n spectra (healpy's "new" order) of power-law shapes to lmax. */
static int write_spectra(gen *g, const char *name, int n, const alm_spec *spec, int lmax,
                         const char *unit, sky_error *err)
{
    static const char *names[] = {"TT", "EE", "BB", "TE", "EB", "TB"};
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/%s", g->dir, g->subdir, name);
    const long nl = lmax + 1;
    double *cl = malloc((size_t)(n * nl) * sizeof *cl);
    if (!cl)
        return sky_nomem(err, "spectra");
    for (int k = 0; k < n; k++)
        for (int l = 0; l <= lmax; l++)
            cl[k * nl + l] = spec_cl(&spec[k], l);
    int rc = sky_fits_write_cl(path, n, names, cl, nl, unit, g->overwrite, err);
    free(cl);
    return wrote(g, path, rc);
}

/* the weight of the fixed map: 0 on the plane, 1 above |b| ~ 6 deg */
static double fix_weight(const gen *g, int64_t p)
{
    return clamp((lat_sin(g, p) - 0.03) / 0.08, 0.0, 1.0);
}

/* I, Q, U (ctx: their values away from the plane) and the weight */
static void fill_fix(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    (void)q;
    const double *iqu = ctx, f = plane(g, p, 0.5, 0.05);
    for (int c = 0; c < 3; c++)
        v[c] = iqu[c] * f;
    v[3] = fix_weight(g, p);
}

static void fill_fix_beta_td(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    (void)ctx, (void)q;
    const double sb = lat_sin(g, p);
    v[0] = 1.55 - 0.05 * sb;
    v[1] = 20.5 - 2.0 * sb;
}

static int imin(int a, int b)
{
    return a < b ? a : b;
}

/*
 * d11's and s6's files, at PySM's names whatever their lmax: large scales as
 * log-polarisation-tensor alm (i = ln I, mean ln 100 uK_RJ for dust and ln 40
 * for synchrotron at the reference, (q, u) ~ 0.1), beta and T alm around
 * PySM's values, modulation alm around 1, power-law small-scale spectra to
 * 8 nside (at most 16384), and Galactic-plane fix maps at this nside. The
 * alm go to lmax min(PySM's, 2 nside), so small sets stay small.
 */
static int realization_files(gen *g, sky_error *err)
{
    const int n2 = 2 * g->nside, lcl = imin(16384, 8 * g->nside);
    static const char *iquw[] = {"I_STOKES", "Q_STOKES", "U_STOKES", "WEIGHT"};
    static const char *uk4[] = {"uK_RJ", "uK_RJ", "uK_RJ", ""};
    static const char *bt[] = {"BETA", "TEMP"}, *bt_units[] = {"", "K"};
    const alm_spec mod = {1.0, 0.004, 3.0, 1};
    const alm_spec dust_ls[3] = {{log(100.0), 1.0, 2.4, 1}, {0, 0.01, 2.4, 2}, {0, 0.005, 2.4, 2}};
    const alm_spec synch_ls[3] = {{log(40.0), 0.8, 2.6, 1}, {0, 0.02, 2.6, 2}, {0, 0.01, 2.6, 2}};
    /* TT, EE, BB, TE (correlation 0.3), EB = TB = 0 */
    const alm_spec small[6] = {{0, 0.05, 2.0, 2}, {0, 0.002, 2.0, 2}, {0, 0.001, 2.0, 2},
                               {0, 0.3 * sqrt(0.05 * 0.002), 2.0, 2}, {0, 0, 0, 0}, {0, 0, 0, 0}};
    const alm_spec beta_ls = {1.53, 0.003, 2.5, 1}, td_ls = {19.5, 1.0, 2.5, 1};
    const alm_spec beta_ss = {0, 1e-4, 2.0, 2}, td_ss = {0, 0.05, 2.0, 2};
    const alm_spec pl_ls = {0.0, 0.004, 2.5, 1}, pl_ss = {0, 1e-4, 2.0, 2};
    static const double dust_fix[3] = {900.0, 25.0, -30.0}, synch_fix[3] = {60.0, 4.0, -3.0};
    int rc;
    if ((rc = use_subdir(g, "dust_gnilc/raw", err)) ||
        (rc = write_alm(g, "gnilc_dust_temperature_modulation_alms_lmax768.fits.gz", 1, &mod,
                        imin(768, n2), 0, "", err)) ||
        (rc = write_alm(g, "gnilc_dust_polarization_modulation_alms_lmax768.fits.gz", 1, &mod,
                        imin(768, n2), 0, "", err)) ||
        (rc = write_alm(g, "gnilc_dust_largescale_template_logpoltens_alm_nside2048_lmax1024_"
                        "complex64.fits.gz", 3, dust_ls, imin(1024, n2), 1, "uK_RJ", err)) ||
        (rc = write_spectra(g, "gnilc_dust_small_scales_logpoltens_cl_lmax16384.fits.gz", 6,
                            small, lcl, "uK_RJ^2", err)) ||
        (rc = write_alm(g, "gnilc_dust_largescale_template_beta_alm_nside2048_lmax1024.fits.gz",
                        1, &beta_ls, imin(1024, n2), 0, "", err)) ||
        (rc = write_spectra(g, "gnilc_dust_small_scales_beta_cl_lmax16384_2023.06.06.fits.gz", 1,
                            &beta_ss, lcl, "", err)) ||
        (rc = write_alm(g, "gnilc_dust_largescale_template_Td_alm_nside2048_lmax1024.fits.gz", 1,
                        &td_ls, imin(1024, n2), 0, "K", err)) ||
        (rc = write_spectra(g, "gnilc_dust_small_scales_Td_cl_lmax16384_2023.06.06.fits.gz", 1,
                            &td_ss, lcl, "K^2", err)) ||
        (rc = write_stream(g, "gnilc_dust_galplane.fits.gz", 4, iquw, uk4, fill_fix, dust_fix,
                           err)) ||
        (rc = write_stream(g, "gnilc_dust_beta_Td_galplane.fits.gz", 2, bt, bt_units,
                           fill_fix_beta_td, NULL, err)))
        return rc;
    if ((rc = use_subdir(g, "synch/raw", err)) ||
        (rc = write_alm(g, "synch_largescale_template_logpoltens_alm_lmax128_2023.02.24.fits.gz",
                        3, synch_ls, imin(128, n2), 0, "uK_RJ", err)) ||
        (rc = write_alm(g, "synch_temperature_modulation_alms_lmax64_2023.02.24.fits.gz", 1, &mod,
                        imin(64, n2), 0, "", err)) ||
        (rc = write_alm(g, "synch_polarization_modulation_alms_lmax64_2023.02.24.fits.gz", 1,
                        &mod, imin(64, n2), 0, "", err)) ||
        (rc = write_alm(g, "synch_amplitude_modulation_alms_lmax768.fits.gz", 1, &mod,
                        imin(768, n2), 0, "", err)) ||
        (rc = write_spectra(g, "synch_small_scales_cl_lmax16384_2023.02.24.fits.gz", 6, small,
                            lcl, "uK_RJ^2", err)) ||
        (rc = write_alm(g, "synch_largescale_beta_alm_nside512_lmax768.fits.gz", 1, &pl_ls,
                        imin(768, n2), 0, "", err)) ||
        (rc = write_spectra(g, "synch_small_scales_beta_cl_lmax16384.fits.gz", 1, &pl_ss, lcl,
                            "", err)) ||
        (rc = write_stream(g, "synch_galplane.fits.gz", 4, iquw, uk4, fill_fix, synch_fix,
                           err)))
        return rc;
    return SKY_OK;
}

static int freefree_ame_files(gen *g, sky_error *err)
{
    const int64_t n = g->npix;
    double *gf = NULL, *ga = NULL, *gp = NULL, *buf = NULL;
    int rc;
    if ((rc = unit_field(g, "freefree/I", 2.4, &gf, err)) ||
        (rc = unit_field(g, "ame/I", 2.3, &ga, err)) ||
        (rc = unit_field(g, "ame/peak", 2.8, &gp, err)))
        goto done;
    if (!(buf = malloc((size_t)n * sizeof *buf))) {
        rc = sky_nomem(err, "free-free and AME templates");
        goto done;
    }
    for (int64_t p = 0; p < n; p++)
        buf[p] = 3.0 * exp(0.9 * gf[p]) * plane(g, p, 60.0, 0.06);
    if ((rc = write_map1(g, "ff_t_new.fits", "I_STOKES", "uK_RJ", buf, err)))
        goto done;
    for (int64_t p = 0; p < n; p++)
        buf[p] = 7.0 * exp(0.7 * ga[p]) * plane(g, p, 35.0, 0.1);
    if ((rc = write_map1(g, "ame_t_new.fits", "I_STOKES", "uK_RJ", buf, err)))
        goto done;
    for (int64_t p = 0; p < n; p++)
        buf[p] *= 0.32 * exp(0.1 * gp[p]);
    if ((rc = write_map1(g, "ame2_t_new.fits", "I_STOKES", "uK_RJ", buf, err)))
        goto done;
    for (int64_t p = 0; p < n; p++)
        buf[p] = clamp(30.0 + 2.0 * gp[p], 24.0, 36.0);
    rc = write_map1(g, "ame_nu_peak_0.fits", "NU_PEAK", "GHz", buf, err);
done:
    free(gf);
    free(ga);
    free(gp);
    free(buf);
    return rc;
}

/* Analytic CMB-like spectra, as D_l = l(l+1)C_l/2pi [uK^2] (CAMB layout). */
static void cmb_dl(int l, double *tt, double *ee, double *bb, double *te, double *pp)
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

typedef struct cmb_ctx {
    int which; /* 0 TT, 1 EE, 2 BB */
} cmb_ctx;

static double cl_cmb(int l, void *ctx)
{
    if (l < 2)
        return 0.0;
    double tt, ee, bb, te, pp;
    cmb_dl(l, &tt, &ee, &bb, &te, &pp);
    double d = ((cmb_ctx *)ctx)->which == 0 ? tt : ((cmb_ctx *)ctx)->which == 1 ? ee : bb;
    return d * 2.0 * M_PI / (l * (l + 1.0));
}

static int cmb_files(gen *g, sky_error *err)
{
    const int64_t n = g->npix;
    int lmax_file = 4 * g->nside > 2500 ? 4 * g->nside : 2500;
    int rows = lmax_file - 1, rc;
    double *t = malloc((size_t)rows * 8 * sizeof *t);
    if (!t)
        return sky_nomem(err, "CMB spectra");
    for (int i = 0; i < rows; i++) {
        int l = i + 2;
        double tt, ee, bb, te, pp;
        cmb_dl(l, &tt, &ee, &bb, &te, &pp);
        double *r = t + (size_t)i * 8;
        r[0] = l;
        r[1] = tt;
        r[2] = ee;
        r[3] = bb;
        r[4] = te;
        r[5] = pp;
        r[6] = 0.2 * sqrt(tt * pp * (double)l * (l + 1.0)) * exp(-l / 100.0); /* TP */
        r[7] = -0.01 * sqrt(ee * pp * (double)l * (l + 1.0)) * exp(-l / 100.0); /* EP */
    }
    rc = write_table(g, "camb_lenspotentialCls.dat",
                     "#    L    TT             EE             BB             TE             PP "
                     "            TP             EP",
                     rows, 8, t, "%.6E", err);
    if (!rc) {
        for (int i = 0; i < rows; i++) {
            double l = i + 2;
            t[2 * i] = l;
            t[2 * i + 1] = 1.0 - 0.7 * exp(-pow(l / 1500.0, 2.0));
        }
        rc = write_table(g, "delens_ells.txt", NULL, rows, 2, t, "%.9e", err);
    }
    free(t);
    if (rc)
        return rc;

    /* a T, E, B realisation, TE correlation included through E = r T + noise */
    rng r;
    rng_init(&r, g->seed, "cmb");
    cmb_ctx ct = {0}, ce = {1}, cb = {2};
    cl_fn f1 = cl_cmb;
    void *c1 = &ct;
    double *T = NULL, *QU[2] = {NULL, NULL}, *iqu = NULL;
    if ((rc = synth_maps(g, 1, &f1, &c1, &r, &T, err)))
        return rc;
    cl_fn f2[2] = {cl_cmb, cl_cmb};
    void *c2[2] = {&ce, &cb};
    if ((rc = synth_maps(g, 2, f2, c2, &r, QU, err))) {
        free(T);
        return rc;
    }
    if (!(iqu = malloc((size_t)3 * n * sizeof *iqu))) {
        rc = sky_nomem(err, "the CMB map");
    } else {
        for (int64_t p = 0; p < n; p++) {
            iqu[p] = T[p];
            iqu[n + p] = QU[0][p];
            iqu[2 * n + p] = QU[1][p];
        }
        static const char *names[] = {"I_STOKES", "Q_STOKES", "U_STOKES"};
        static const char *units[] = {"uK_CMB", "uK_CMB", "uK_CMB"};
        rc = write_maps(g, "lensed_cmb.fits", 3, names, units, iqu, err);
    }
    free(T);
    free(QU[0]);
    free(QU[1]);
    free(iqu);
    return rc;
}

static int table_files(gen *g, sky_error *err)
{
    /* spinning-dust emissivity: j ~ nu^2 below the 30 GHz peak, nu^-2 above */
    enum { NE = 1000 };
    double *e = malloc((size_t)NE * 2 * sizeof *e);
    if (!e)
        return sky_nomem(err, "tables");
    for (int i = 0; i < NE; i++) {
        double nu = 0.05 * pow(1e4, i / (NE - 1.0)), x = nu / 30.0;
        e[2 * i] = nu;
        e[2 * i + 1] = 1e-17 * 2.0 * x * x / (1.0 + x * x * x * x);
    }
    int rc = write_table(g, "emissivity.txt", NULL, NE, 2, e, "%.18e", err);
    free(e);
    if (rc)
        return rc;

    /* HD17-like grain tables: nu I_nu of a modified black body whose
     * temperature grows as U^(1/(4+beta)), and nu P_nu a fraction of it */
    enum { NW = 301, NU = 81, NC = 3 + 2 * NU };
    static const struct {
        const char *name;
        double beta, amp, pfrac;
    } grains[3] = {{"sil_fe00_2.0.dat", 1.6, 1.0, 0.2},
                   {"sil_fe05_2.0.dat", 1.7, 0.8, 0.15},
                   {"car_1.0.dat", 1.5, 0.6, 0.02}};
    double *t = malloc((size_t)NW * NC * sizeof *t);
    if (!t)
        return sky_nomem(err, "tables");
    for (int k = 0; k < 3 && !rc; k++) {
        for (int i = 0; i < NW; i++) {
            double *r = t + (size_t)i * NC, lam = 0.1 * pow(1e5, i / (NW - 1.0)); /* um */
            double nu = SKY_C_LIGHT / (lam * 1e-6);
            r[0] = lam;
            r[1] = 3.0e-24 * grains[k].amp / (1.0 + pow(lam / 60.0, 2.0));
            r[2] = 0.16 * r[1];
            for (int j = 0; j < NU; j++) {
                double logu = -3.0 + 0.1 * j, u = pow(10.0, logu);
                double temp = 18.0 * pow(u, 1.0 / (4.0 + grains[k].beta));
                double x = SKY_H_PLANCK * nu / (SKY_K_BOLTZMANN * temp);
                double v = x > 700 ? 0.0
                                   : 4e-26 * grains[k].amp * u * pow(x, 4.0 + grains[k].beta) *
                                         exp(-x) / -expm1(-x) /
                                         pow(SKY_H_PLANCK * 1e12 / (SKY_K_BOLTZMANN * 18.0), 4.0);
                r[3 + j] = v;
                r[3 + NU + j] = grains[k].pfrac * v;
            }
        }
        rc = write_table(g, grains[k].name, NULL, NW, NC, t, "%.10e", err);
    }
    free(t);
    return rc;
}

static int mkdir_p(const char *path, sky_error *err)
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

int sky_synth_templates(const char *dir, int nside, uint64_t seed, int overwrite, int sets,
                        void (*log)(void *ctx, const char *line), void *log_ctx, sky_error *err)
{
    if (!sky_hpx_nside_ok(nside))
        return sky_fail(err, SKY_EINVAL, "nside %d: expected a power of two from 1 to 8192",
                        nside);
    if (!dir || !*dir)
        return sky_fail(err, SKY_EINVAL, "templates: expected an output folder");
    char sub[4096];
    snprintf(sub, sizeof sub, (sets & SKY_SYNTH_PYSM2) ? "%s/pysm_2" : "%s", dir);
    int rc = mkdir_p(sub, err);
    if (rc)
        return rc;
    gen g = {0};
    g.dir = dir;
    g.subdir = "pysm_2";
    g.nside = nside;
    g.gen_nside = nside < GEN_NSIDE_MAX ? nside : GEN_NSIDE_MAX;
    g.lmax = 2 * g.gen_nside < 8 ? 8 : 2 * g.gen_nside;
    g.seed = seed;
    g.overwrite = overwrite;
    g.npix = sky_hpx_npix(nside);
    g.gen_npix = sky_hpx_npix(g.gen_nside);
    g.log = log;
    g.log_ctx = log_ctx;
    sharp_make_healpix_geom_info(g.gen_nside, 1, &g.geom);
    sharp_make_triangular_alm_info(g.lmax, g.lmax, 1, &g.alm);
    if ((sets & SKY_SYNTH_PYSM2) && !(rc = dust_files(&g, err)) && !(rc = synch_files(&g, err)) &&
        !(rc = freefree_ame_files(&g, err)) && !(rc = cmb_files(&g, err)))
        rc = table_files(&g, err);
    if (!rc && (sets & (SKY_SYNTH_GNILC | SKY_SYNTH_SYNCH | SKY_SYNTH_MKD)))
        rc = hires_files(&g, sets, err);
    if (!rc && (sets & SKY_SYNTH_REALIZATION))
        rc = realization_files(&g, err);
    g.subdir = "pysm_2";
    sharp_destroy_geom_info(g.geom);
    sharp_destroy_alm_info(g.alm);
    return rc;
}
