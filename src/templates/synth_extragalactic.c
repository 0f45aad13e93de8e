/*
 * synth_extragalactic.c - the extragalactic presets' files of the synthetic
 * templates, at PySM's relative paths (top-level folders of DIR):
 *
 * - websky/0.4/cmb/ (c3, c4): I, Q, U maps in uK_CMB, one column each, a
 *   Gaussian realisation of the CMB spectra of the c1/c2 files (T, and Q, U
 *   from E and B); the lensed maps add a small independent realisation
 *   (5 % in rms) to the unlensed ones. The nside512- and nside4096-named
 *   files are each a complete set of the same sky.
 * - SZ maps (tsz1-tsz4, ksz1-ksz3): Compton y (positive: a log-normal
 *   background around 1e-7 and sparse Gaussian "cluster" blobs, one per
 *   ~300 field pixels, with a power-law tail of peaks up to 1e-4) and kSZ in
 *   uK_CMB (zero mean, a few uK rms: a small-scale field, per-pixel
 *   scatter and the clusters' signed velocity terms). The thermal and
 *   kinetic maps of one simulation share their clusters; the lensed AGORA
 *   maps differ from the unlensed ones in their per-pixel scatter.
 * - co/ (co1-co3): the three CO lines (1-0, 2-1, 3-2) in K_CMB, in a thin
 *   Galactic plane (scale height |sin b| ~ 0.035) brighter towards the
 *   inner Galaxy, in ratios near 1 : 0.5 : 0.3; a smooth polarisation angle
 *   in (-pi/2, pi/2]; a depolarisation factor in [0, 1], low in the plane;
 *   high-latitude cloud blobs (where a smooth field exceeds 2 sigma) at
 *   |b| > 20 deg, exactly zero elsewhere.
 *
 * Fields are made at up to nside 512 (keep_low) and every file is written
 * in chunks with per-pixel detail from counter-based randomness, so memory
 * does not grow with the nside of the file (up to 8192 for the SZ maps).
 */
#define _POSIX_C_SOURCE 200809L
#include "synth_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "healpix/healpix.h"

/* nside of the file: g's own, or PySM's with `real` */
typedef struct place {
    int nside; /* g's */
    int real;
} place;

static void at_nside(gen *g, const place *pl, int real_nside)
{
    g->nside = pl->real ? real_nside : pl->nside;
    g->npix = sky_hpx_npix(g->nside);
}

/* One file at dir/subdir/name of nside real_nside (with --real-nside). */
static int write_at(gen *g, const place *pl, int real_nside, const char *subdir,
                    const char *name, int ncols, const char *const *names,
                    const char *const *units, fill_fn *fill, const void *ctx, sky_error *err)
{
    if (g->list) {
        char line[512];
        snprintf(line, sizeof line, "%s/%s %d", subdir, name, pl->real ? real_nside : pl->nside);
        if (g->log)
            g->log(g->log_ctx, line);
        return SKY_OK;
    }
    int rc = synth_use_subdir(g, subdir, err);
    if (rc)
        return rc;
    at_nside(g, pl, real_nside);
    rc = synth_write_stream(g, name, ncols, names, units, fill, ctx, err);
    at_nside(g, pl, pl->nside);
    return rc;
}

/* ---------------------------------------------------------------------- */
/* WebSky CMB                                                              */

typedef struct cmb_maps {
    double *m[3], *d[3]; /* T, Q, U and the lensing-like difference */
    int col;
    double eps;
} cmb_maps;

static void fill_cmb(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    (void)g, (void)p;
    const cmb_maps *c = ctx;
    v[0] = c->m[c->col][q] + c->eps * c->d[c->col][q];
}

/* T, then Q and U, of one realisation of the CMB spectra at gen_nside */
static int cmb_realisation(gen *g, const char *stream, double **iqu, sky_error *err)
{
    rng r;
    synth_rng_init(&r, g->seed, stream);
    cmb_ctx ct = {0}, ce = {1}, cb = {2};
    cl_fn f1 = synth_cl_cmb, f2[2] = {synth_cl_cmb, synth_cl_cmb};
    void *c1 = &ct, *c2[2] = {&ce, &cb};
    int rc = synth_maps(g, 1, &f1, &c1, &r, iqu, err);
    if (!rc && (rc = synth_maps(g, 2, f2, c2, &r, iqu + 1, err))) {
        free(iqu[0]);
        iqu[0] = NULL;
    }
    return rc;
}

static int websky_cmb_files(gen *g, const place *pl, int which, sky_error *err)
{
    static const char *stokes = "IQU";
    static const int nsides[2] = {512, 4096};
    cmb_maps c;
    memset(&c, 0, sizeof c);
    int rc = SKY_OK;
    if (!g->list && ((rc = cmb_realisation(g, "websky/0.4/cmb", c.m, err)) ||
                     (rc = cmb_realisation(g, "websky/0.4/cmb/lensing", c.d, err))))
        goto done;
    for (int lensed = 0; lensed < 2 && !rc; lensed++) {
        if (!(which & (lensed ? SKY_SYNTH_C4 : SKY_SYNTH_C3)))
            continue;
        c.eps = lensed ? 0.05 : 0.0;
        for (int k = 0; k < 2 && !rc; k++)
            for (c.col = 0; c.col < 3 && !rc; c.col++) {
                char name[128], col[16];
                snprintf(name, sizeof name, "map_%c_%slensed_alm_seed1_nside%d.fits",
                         stokes[c.col], lensed ? "" : "un", nsides[k]);
                snprintf(col, sizeof col, "%c_STOKES", stokes[c.col]);
                const char *names[] = {col}, *units[] = {"uK_CMB"};
                rc = write_at(g, pl, nsides[k], "websky/0.4/cmb", name, 1, names, units,
                              fill_cmb, &c, err);
            }
    }
done:
    for (int k = 0; k < 3; k++) {
        free(c.m[k]);
        free(c.d[k]);
    }
    return rc;
}

/* ---------------------------------------------------------------------- */
/* SZ                                                                      */

typedef struct sz_maps {
    const double *field; /* the smooth part, at gen_nside */
    uint64_t halos, pixels; /* keys: clusters (by field pixel), per-pixel scatter */
    double sigma2;          /* squared blob width, rad^2 */
} sz_maps;

enum { SZ_RATE_INV = 300 }; /* one cluster per this many field pixels */

/* the peak y of the cluster at field pixel q, 0 if none, and its profile
 * at pixel p */
static double cluster(const gen *g, const sz_maps *s, int64_t p, int64_t q)
{
    const double u = synth_hash_u01(s->halos, (uint64_t)q) * SZ_RATE_INV;
    if (u >= 1.0)
        return 0.0;
    const double peak = fmin(1e-4, 2e-6 * pow(u + 1e-12, -0.8));
    if (g->nside == g->gen_nside)
        return peak;
    double vp[3], vq[3];
    pix2vec_ring64(g->nside, p, vp);
    pix2vec_ring64(g->gen_nside, q, vq);
    const double d2 = (vp[0] - vq[0]) * (vp[0] - vq[0]) + (vp[1] - vq[1]) * (vp[1] - vq[1]) +
                      (vp[2] - vq[2]) * (vp[2] - vq[2]);
    return peak * exp(-0.5 * d2 / s->sigma2);
}

static void fill_tsz(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    const sz_maps *s = ctx;
    const double bg = 1e-7 * exp(0.5 * s->field[q] - 0.125) *
                      exp(0.3 * synth_hash_gauss(s->pixels, (uint64_t)p) - 0.045);
    v[0] = bg + cluster(g, s, p, q);
}

static void fill_ksz(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    const sz_maps *s = ctx;
    const double y = cluster(g, s, p, q);
    /* -tau v/c T_CMB: a tenth of the y signal's size, with a signed velocity */
    const double vel = y > 0 ? synth_hash_gauss(s->halos ^ 0x5bd1e995ULL, (uint64_t)q) : 0.0;
    v[0] = 1.5 * s->field[q] + 1.0 * synth_hash_gauss(s->pixels, (uint64_t)p) -
           0.1 * 2.7255e6 * y * vel;
}

static int sz_files(gen *g, const place *pl, int which, sky_error *err)
{
    static const struct {
        int bit, kinetic, real_nside;
        const char *subdir, *name, *halos;
    } files[] = {
        {SKY_SYNTH_KSZ1, 1, 4096, "websky/0.4", "ksz.fits", "websky/0.4/halos"},
        {SKY_SYNTH_TSZ1, 0, 8192, "websky/0.4", "tsz_8192_hp.fits", "websky/0.4/halos"},
        {SKY_SYNTH_KSZ2, 1, 8192, "agora", "agora_ukszNG_bahamas80_bnd_unb_1.0e+12_1.0e+18.fits",
         "agora/halos"},
        {SKY_SYNTH_TSZ2, 0, 8192, "agora", "agora_utszNG_bahamas80_bnd_unb_1.0e+12_1.0e+18.fits",
         "agora/halos"},
        {SKY_SYNTH_KSZ3, 1, 8192, "agora",
         "agora_lkszNG_bahamas80_bnd_unb_1.0e+12_1.0e+18_lensed.fits", "agora/halos"},
        {SKY_SYNTH_TSZ3, 0, 8192, "agora",
         "agora_ltszNG_bahamas80_bnd_unb_1.0e+12_1.0e+18_lensed.fits", "agora/halos"},
        {SKY_SYNTH_TSZ4, 0, 8192, "halfdome/0.1/tsz", "y_b16_halo_res1_s100.fits",
         "halfdome/0.1/halos"},
    };
    static const char *ycol[] = {"Y"}, *yunit[] = {""};
    static const char *kcol[] = {"I_STOKES"}, *kunit[] = {"uK_CMB"};
    int rc = SKY_OK;
    for (size_t f = 0; f < sizeof files / sizeof *files && !rc; f++) {
        if (!(which & files[f].bit))
            continue;
        char stream[256];
        snprintf(stream, sizeof stream, "%s/%s", files[f].subdir, files[f].name);
        double *field = NULL;
        /* the kSZ's own field is small-scale, the tSZ background smoother */
        if (!g->list &&
            (rc = synth_unit_field(g, stream, files[f].kinetic ? 1.2 : 2.2, &field, err)))
            break;
        const double pix = sqrt(4.0 * M_PI / (double)g->gen_npix);
        sz_maps s = {field, synth_stream_key(g->seed, files[f].halos),
                     synth_stream_key(g->seed, stream), 0.3 * pix * 0.3 * pix};
        rc = write_at(g, pl, files[f].real_nside, files[f].subdir, files[f].name, 1,
                      files[f].kinetic ? kcol : ycol, files[f].kinetic ? kunit : yunit,
                      files[f].kinetic ? fill_ksz : fill_tsz, &s, err);
        free(field);
    }
    return rc;
}

/* ---------------------------------------------------------------------- */
/* CO lines                                                                */

typedef struct co_maps {
    double *i, *r21, *r32, *psi, *dep, *hgl; /* fields at gen_nside */
    uint64_t pixels;
} co_maps;

static const double co_ratio[3] = {1.0, 0.5, 0.3};

/* sin b and the longitude in (-pi, pi] of pixel p of the file */
static void gal_pos(const gen *g, int64_t p, double *sinb, double *lon)
{
    double theta, phi;
    pix2ang_ring64(g->nside, p, &theta, &phi);
    *sinb = cos(theta);
    *lon = phi > M_PI ? phi - 2.0 * M_PI : phi;
}

static void fill_co_lines(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    const co_maps *c = ctx;
    double sb, lon;
    gal_pos(g, p, &sb, &lon);
    const double i10 = 8.0 * exp(0.6 * c->i[q] - 0.18) * exp(-fabs(sb) / 0.035) *
                       (0.2 + 0.8 * exp(-(lon / 0.9) * (lon / 0.9))) *
                       exp(0.15 * synth_hash_gauss(c->pixels, (uint64_t)p) - 0.011);
    v[0] = i10;
    v[1] = i10 * co_ratio[1] * exp(0.05 * c->r21[q]);
    v[2] = i10 * co_ratio[2] * exp(0.08 * c->r32[q]);
}

static void fill_co_psi(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    (void)g, (void)p;
    const co_maps *c = ctx;
    const double a = 0.15 * M_PI * c->psi[q]; /* wraps only beyond 3.3 sigma */
    v[0] = 0.5 * atan2(sin(2.0 * a), cos(2.0 * a)); /* in (-pi/2, pi/2] */
}

static void fill_co_dep(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    const co_maps *c = ctx;
    v[0] = clamp(0.1 + 0.7 * (1.0 - exp(-lat_sin(g, p) / 0.12)) + 0.1 * c->dep[q], 0.0, 1.0);
}

static void fill_co_hgl(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    const co_maps *c = ctx;
    const double sin20 = 0.34202014332566873; /* sin 20 deg */
    const double cloud = lat_sin(g, p) > sin20 ? 0.5 * fmax(0.0, c->hgl[q] - 2.0) : 0.0;
    for (int k = 0; k < 3; k++)
        v[k] = cloud * co_ratio[k];
}

static int co_files(gen *g, const place *pl, int which, sky_error *err)
{
    static const char *lines[] = {"I_CO10", "I_CO21", "I_CO32"};
    static const char *kcmb[] = {"K_CMB", "K_CMB", "K_CMB"};
    static const char *psi[] = {"PSI"}, *rad[] = {"rad"}, *dep[] = {"G"}, *none[] = {""};
    static const int nsides[2] = {512, 2048};
    co_maps c;
    memset(&c, 0, sizeof c);
    c.pixels = synth_stream_key(g->seed, "co/pixels");
    int rc = SKY_OK;
    const int pol = (which & SKY_SYNTH_CO_POL) != 0, hgl = (which & SKY_SYNTH_CO_HGL) != 0;
    if (!g->list && ((rc = synth_unit_field(g, "co/lines", 2.4, &c.i, err)) ||
                     (rc = synth_unit_field(g, "co/ratio21", 2.8, &c.r21, err)) ||
                     (rc = synth_unit_field(g, "co/ratio32", 2.8, &c.r32, err)) ||
                     (pol && (rc = synth_unit_field(g, "co/psi", 3.0, &c.psi, err))) ||
                     (pol && (rc = synth_unit_field(g, "co/depolarisation", 2.8, &c.dep, err))) ||
                     (hgl && (rc = synth_unit_field(g, "co/hgl", 2.5, &c.hgl, err)))))
        goto done;
    for (int k = 0; k < 2 && !rc; k++) {
        char name[128];
        const int n = nsides[k];
        if (which & SKY_SYNTH_CO_LINES) {
            snprintf(name, sizeof name, "HFI_CompMap_CO-Type1_%d_R2.00_ring.fits", n);
            if ((rc = write_at(g, pl, n, "co", name, 3, lines, kcmb, fill_co_lines, &c, err)))
                break;
        }
        if (pol) {
            snprintf(name, sizeof name, "psimap_dust90_%d.fits", n);
            if ((rc = write_at(g, pl, n, "co", name, 1, psi, rad, fill_co_psi, &c, err)))
                break;
            snprintf(name, sizeof name, "gmap_dust90_%d.fits", n);
            if ((rc = write_at(g, pl, n, "co", name, 1, dep, none, fill_co_dep, &c, err)))
                break;
        }
        if (hgl) {
            snprintf(name, sizeof name, "mcmoleCO_HGL_%d.fits", n);
            rc = write_at(g, pl, n, "co", name, 3, lines, kcmb, fill_co_hgl, &c, err);
        }
    }
done:
    free(c.i), free(c.r21), free(c.r32), free(c.psi), free(c.dep), free(c.hgl);
    return rc;
}

int synth_extragalactic_files(gen *g, int which, int real, sky_error *err)
{
    const place pl = {g->nside, real};
    int rc = SKY_OK;
    g->keep_low = 1;
    if (which & (SKY_SYNTH_C3 | SKY_SYNTH_C4))
        rc = websky_cmb_files(g, &pl, which, err);
    if (!rc && (which & (SKY_SYNTH_WEBSKY | SKY_SYNTH_AGORA | SKY_SYNTH_HALFDOME) &
                ~(SKY_SYNTH_C3 | SKY_SYNTH_C4)))
        rc = sz_files(g, &pl, which, err);
    if (!rc && (which & SKY_SYNTH_CO))
        rc = co_files(g, &pl, which, err);
    g->keep_low = 0;
    g->subdir = "pysm_2";
    return rc;
}
