/*
 * cmb_lensed.c - a lensed CMB realisation (PySM class CMBLensed, preset c1).
 *
 * At construction, as PySM does it (after Naess & Louis 2013, "taylens"):
 *
 * 1. Spectra: a CAMB lenspotential table (L, TT, EE, BB, TE, PP, TP, EP, in
 *    D_l = l(l+1) C_l / 2 pi, and l^4 C_l^pp / 2 pi for the potential, rows
 *    l = 2, 3, ... without gaps) become C_l for T, E, B and phi. Delensing
 *    multiplies C_l^pp by the factor of `delensing_ells` and the cross
 *    spectra with phi by its square root.
 * 2. A Gaussian realisation of T, E, B, phi with healpy's synalm(new=True),
 *    seeded with cmb_seed, to synlmax = min(8 nside, spectra lmax); T, E, B
 *    are cut at l >= 3 nside and synthesised at the sky nside.
 * 3. The deflection field: the gradient of phi (alm2map_der1 at synlmax);
 *    each pixel centre is moved by it along the great circle (the exact,
 *    non-"geodesic" offset).
 * 4. Each of T, Q, U is evaluated at the moved positions by a third-order
 *    Taylor expansion around the nearest pixel centre, in (dtheta,
 *    dphi sin theta), with derivatives from map2alm (ring weights, no
 *    iteration, lmax 3 nside) and alm2map_der1: five transforms per map.
 *
 * PySM quirks kept: Q and U are interpolated as scalars and the rotation of
 * the polarisation basis along the deflection is computed but not applied
 * (PySM's apply_rotation returns its input), so c1's Q/U are "scalar-lensed".
 * The Taylor sums are accumulated in PySM's order so that the result matches
 * it to rounding. Then the map, in uK_CMB, is converted over the band as
 * CMBMap does (cmb_map.c).
 *
 * The synthesis of T, E, B uses lmax min(synlmax, 3 nside - 1) instead of
 * synlmax: the coefficients above are zero, so only rounding differs.
 */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmb.h"
#include "core/error.h"
#include "io/ring_weights.h"
#include "random/synalm.h"
#include "sht/sht.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

struct cmb_lensed {
    sky_cmb_maps maps; /* first, for the CMBMap functions */
};

/* healpy's "new" order for four fields */
enum { TT, EE, BB, PP, TE, EB, BP, TB, EP, TP, NSPEC };

static int64_t nalm_of(int lmax)
{
    return (int64_t)(lmax + 1) * (lmax + 2) / 2;
}

/* Row index range [r0, r0 + n) of the rows with L >= 2, checked to be the
 * consecutive multipoles 2, 3, ... that PySM's indexing assumes. */
static int multipole_rows(const sky_table *t, const char *what, int *r0, int *n, sky_error *err)
{
    int first = -1, count = 0;
    for (int r = 0; r < t->nrows; r++) {
        const double l = sky_table_at(t, r, 0);
        if (!(l >= 2))
            continue;
        if (first < 0)
            first = r;
        if (l != 2 + count || r != first + count)
            return sky_fail(err, SKY_EFORMAT,
                            "%s: row %d has L = %.10g: expected consecutive multipoles L = 2, 3, "
                            "4, ... (found L = %d next)",
                            what, r + 1, l, 2 + count);
        count++;
    }
    if (count < 1)
        return sky_fail(err, SKY_EFORMAT, "%s: no rows with L >= 2", what);
    *r0 = first;
    *n = count;
    return SKY_OK;
}

/* The C_l arrays (NSPEC blocks of lmax_cl + 1) from the CAMB table, with
 * PySM's arithmetic. `delens` is NULL without delensing. */
static int spectra_cls(const char *label, const char *path, const sky_table *t,
                       const sky_table *delens, const char *delens_path, double **cls_out,
                       int *lmax_out, sky_error *err)
{
    char what[600], dwhat[600];
    snprintf(what, sizeof what, "component %s: CMB spectra %s", label, path);
    snprintf(dwhat, sizeof dwhat, "component %s: delensing_ells %s", label,
             delens_path ? delens_path : "");
    if (t->ncols < 8)
        return sky_fail(err, SKY_EFORMAT,
                        "%s has %d columns: expected 8 (L, TT, EE, BB, TE, PP, TP, EP)", what,
                        t->ncols);
    int r0, n, d0 = 0, dn = 0, rc;
    if ((rc = multipole_rows(t, what, &r0, &n, err)))
        return rc;
    if (delens) {
        if (delens->ncols < 2)
            return sky_fail(err, SKY_EFORMAT,
                            "%s has %d column: expected 2 (L, delensing factor)", dwhat,
                            delens->ncols);
        if ((rc = multipole_rows(delens, dwhat, &d0, &dn, err)))
            return rc;
        if (dn < n)
            return sky_fail(err, SKY_EFORMAT,
                            "%s goes to L = %d: expected every multipole of the spectra, to L = "
                            "%d",
                            dwhat, dn + 1, n + 1);
    }
    static const int auto_cols[] = {1, 2, 3, 5};
    static const char *const auto_names[] = {"TT", "EE", "BB", "PP"};
    for (int r = 0; r < n; r++) {
        for (int k = 0; k < 4; k++) {
            const double v = sky_table_at(t, r0 + r, auto_cols[k]);
            if (!(v >= 0))
                return sky_fail(err, SKY_EFORMAT, "%s: %s = %.6g at L = %d: expected a power >= 0",
                                what, auto_names[k], v, r + 2);
        }
        if (delens && !(sky_table_at(delens, d0 + r, 1) >= 0))
            return sky_fail(err, SKY_EFORMAT, "%s: factor %.6g at L = %d: expected a value >= 0",
                            dwhat, sky_table_at(delens, d0 + r, 1), r + 2);
    }
    const int lmax_cl = n + 1;
    double *cls = calloc((size_t)NSPEC * (lmax_cl + 1), sizeof *cls);
    if (!cls)
        return sky_nomem(err, "CMB spectra");
    const double two_pi = 2 * M_PI;
    for (int r = 0; r < n; r++) {
        const int64_t l = r + 2, ll = l * (l + 1);
        const double *row = t->data + (size_t)(r0 + r) * t->ncols;
        const double llf = (double)ll, ll2 = (double)(ll * ll), ll15 = pow(llf, 1.5);
        double *c = cls + l;
        const int64_t stride = lmax_cl + 1;
        c[TT * stride] = two_pi * row[1] / llf;
        c[EE * stride] = two_pi * row[2] / llf;
        c[BB * stride] = two_pi * row[3] / llf;
        c[TE * stride] = two_pi * row[4] / llf;
        if (delens) {
            const double f = sky_table_at(delens, d0 + r, 1);
            c[PP * stride] = two_pi * row[5] * f / ll2;
            c[EP * stride] = two_pi * row[7] * sqrt(f) / ll15;
            c[TP * stride] = two_pi * row[6] * sqrt(f) / ll15;
        } else {
            c[PP * stride] = two_pi * row[5] / ll2;
            c[EP * stride] = two_pi * row[7] / ll15;
            c[TP * stride] = two_pi * row[6] / ll15;
        }
    }
    *cls_out = cls;
    *lmax_out = lmax_cl;
    return SKY_OK;
}

/* Where each pixel centre lands after lensing: the nearest pixel `ip` and the
 * offset from its centre (dtheta, dphi sin theta0), as PySM computes them. */
typedef struct lens_offsets {
    int64_t *ip;
    double *d0, *d1;
} lens_offsets;

static void deflect(int nside, const double *dth, const double *dph, lens_offsets *o)
{
    const int64_t npix = sky_hpx_npix(nside);
#pragma omp parallel for schedule(static)
    for (int64_t p = 0; p < npix; p++) {
        double theta, phi, otheta, ophi;
        sky_hpx_pix2ang_ring(nside, p, &theta, &phi);
        double g0 = dth[p], g1 = dph[p];
        const double d = sqrt(g0 * g0 + g1 * g1);
        if (d > 0) {
            g0 /= d;
            g1 /= d;
            const double cosd = cos(d), sind = sin(d), cost = cos(theta), sint = sin(theta);
            const double ocost = cosd * cost - sind * sint * g0;
            const double osint = sqrt(1 - ocost * ocost);
            otheta = acos(ocost);
            ophi = phi + asin(sind * g1 / osint);
        } else {
            otheta = theta;
            ophi = phi;
        }
        if (!isfinite(otheta) || !isfinite(ophi)) { /* cannot happen for physical deflections */
            otheta = theta;
            ophi = phi;
        }
        const int64_t ip = sky_hpx_ang2pix_ring(nside, otheta, ophi);
        double theta0, phi0;
        sky_hpx_pix2ang_ring(nside, ip, &theta0, &phi0);
        double dphi = ophi - phi0;
        if (dphi > M_PI)
            dphi -= 2 * M_PI;
        else if (dphi < -M_PI)
            dphi += 2 * M_PI;
        o->ip[p] = ip;
        o->d0[p] = otheta - theta0;
        o->d1[p] = dphi * sin(theta0);
    }
}

/* numpy's x**k for the small integer powers of the expansion (k = 0 gives
 * ones, 1 a copy, 2 a square, 3 libm's pow). */
static inline double ipow(double x, int k)
{
    switch (k) {
    case 0:
        return 1.0;
    case 1:
        return x;
    case 2:
        return x * x;
    default:
        return pow(x, k);
    }
}

/* res += N * deriv[ip] * d0^k0 * d1^k1, multiplied left to right as PySM. */
static void taylor_term(int64_t npix, const lens_offsets *o, double n, const double *deriv, int k0,
                        int k1, double *res)
{
#pragma omp parallel for schedule(static)
    for (int64_t p = 0; p < npix; p++)
        res[p] += n * deriv[o->ip[p]] * ipow(o->d0[p], k0) * ipow(o->d1[p], k1);
}

/* The gradient of a map through its alm: healpy's map2alm(use_weights=True,
 * iter=0) then alm2map_der1. `map` may be one of the outputs. */
static void gradient(const sky_sht *plan, double complex *alm, const double *map, double *dth,
                     double *dph)
{
    sky_sht_map2alm(plan, 1, map, alm);
    sky_sht_alm2map_der1(plan, alm, dth, dph);
}

/* The map `m` interpolated at the lensed positions to third order, into
 * `res`; `buf` holds three scratch maps (a gradient may overwrite its input,
 * which map2alm has consumed before alm2map_der1 writes). */
static void taylor_interpolate(const sky_sht *plan, double complex *alm, const lens_offsets *o,
                               const double *m, double *res, double *buf)
{
    const int64_t npix = sky_hpx_npix(sky_sht_nside(plan));
    double *b1 = buf, *b2 = buf + npix, *b3 = buf + 2 * npix;
#pragma omp parallel for schedule(static)
    for (int64_t p = 0; p < npix; p++)
        res[p] = m[o->ip[p]];
    /* first order: d/dtheta, d/dphi */
    gradient(plan, alm, m, b1, b2);
    taylor_term(npix, o, 1.0, b1, 1, 0, res);
    taylor_term(npix, o, 1.0, b2, 0, 1, res);
    /* second order: from d/dtheta, then from d/dphi (whose d/dtheta PySM
     * computes again and does not use) */
    gradient(plan, alm, b1, b3, b1); /* b3 = tt, b1 = tp */
    taylor_term(npix, o, 0.5, b3, 2, 0, res);
    taylor_term(npix, o, 1.0, b1, 1, 1, res);
    gradient(plan, alm, b2, b1, b2); /* b2 = pp */
    taylor_term(npix, o, 0.5, b2, 0, 2, res);
    /* third order: from tt and from pp */
    gradient(plan, alm, b3, b1, b3); /* b1 = ttt, b3 = ttp */
    taylor_term(npix, o, 1.0 / 6.0, b1, 3, 0, res);
    taylor_term(npix, o, 0.5, b3, 2, 1, res);
    gradient(plan, alm, b2, b1, b2); /* b1 = ppt, b2 = ppp */
    taylor_term(npix, o, 0.5, b1, 1, 2, res);
    taylor_term(npix, o, 1.0 / 6.0, b2, 0, 3, res);
}

/* Copies the l <= lmax_out part of alm (healpy layout, lmax_in). */
static void truncate_alm(const double complex *in, int lmax_in, double complex *out, int lmax_out)
{
    for (int m = 0; m <= lmax_out; m++) {
        const int64_t bi = (int64_t)m * (2 * lmax_in + 1 - m) / 2;
        const int64_t bo = (int64_t)m * (2 * lmax_out + 1 - m) / 2;
        memcpy(out + bo + m, in + bi + m, (size_t)(lmax_out + 1 - m) * sizeof *out);
    }
}

typedef struct lens_work {
    double *cls;
    double complex *alm, *alm_cmb, *alm_taylor;
    double *cmb[3], *buf, *dth, *dph;
    lens_offsets off;
    sky_sht *plan_phi, *plan_cmb, *plan_taylor;
} lens_work;

static void lens_work_free(lens_work *w)
{
    free(w->cls);
    free(w->alm);
    free(w->alm_cmb);
    free(w->alm_taylor);
    for (int k = 0; k < 3; k++)
        free(w->cmb[k]);
    free(w->buf);
    free(w->dth);
    free(w->dph);
    free(w->off.ip);
    free(w->off.d0);
    free(w->off.d1);
    sky_sht_free(w->plan_phi);
    sky_sht_free(w->plan_cmb);
    sky_sht_free(w->plan_taylor);
}

static int run_taylens(struct cmb_lensed *s, sky_loader *ld, const char *label, double *cls,
                       int lmax_cl, uint32_t seed, lens_work *w, sky_error *err)
{
    const int nside = sky_loader_nside(ld);
    const int64_t npix = sky_hpx_npix(nside);
    const int synlmax = 8 * nside < lmax_cl ? 8 * nside : lmax_cl;
    const int lmax_cmb = synlmax < 3 * nside - 1 ? synlmax : 3 * nside - 1;
    const int lmax_taylor = 3 * nside;
    const int64_t nalm = nalm_of(synlmax), nalm_cmb = nalm_of(lmax_cmb);
    int rc;

    /* 1. T, E, B, phi */
    const double *clp[NSPEC];
    int len[NSPEC];
    for (int k = 0; k < NSPEC; k++) {
        clp[k] = cls + (size_t)k * (lmax_cl + 1);
        len[k] = lmax_cl + 1;
    }
    if (!(w->alm = malloc((size_t)(4 * nalm) * sizeof *w->alm)))
        return sky_nomem(err, "the CMB alm");
    sky_np_rng rng;
    sky_np_seed(&rng, seed);
    if ((rc = sky_synalm(4, clp, len, synlmax, &rng, w->alm, err)))
        return rc;

    /* 2. the deflection */
    if ((rc = sky_sht_create(nside, synlmax, &w->plan_phi, err)))
        return rc;
    w->dth = malloc((size_t)npix * sizeof *w->dth);
    w->dph = malloc((size_t)npix * sizeof *w->dph);
    w->off.ip = malloc((size_t)npix * sizeof *w->off.ip);
    w->off.d0 = malloc((size_t)npix * sizeof *w->off.d0);
    w->off.d1 = malloc((size_t)npix * sizeof *w->off.d1);
    if (!w->dth || !w->dph || !w->off.ip || !w->off.d0 || !w->off.d1)
        return sky_nomem(err, "the lensing deflection");
    sky_sht_alm2map_der1(w->plan_phi, w->alm + 3 * nalm, w->dth, w->dph);
    deflect(nside, w->dth, w->dph, &w->off);
    free(w->dth);
    free(w->dph);
    w->dth = w->dph = NULL;
    sky_sht_free(w->plan_phi);
    w->plan_phi = NULL;

    /* 3. the unlensed T, Q, U maps, band-limited below 3 nside */
    if (!(w->alm_cmb = malloc((size_t)(3 * nalm_cmb) * sizeof *w->alm_cmb)))
        return sky_nomem(err, "the unlensed CMB");
    for (int k = 0; k < 3; k++)
        if (!(w->cmb[k] = malloc((size_t)npix * sizeof *w->cmb[k])))
            return sky_nomem(err, "the unlensed CMB");
    for (int k = 0; k < 3; k++)
        truncate_alm(w->alm + k * nalm, synlmax, w->alm_cmb + k * nalm_cmb, lmax_cmb);
    free(w->alm);
    w->alm = NULL;
    if ((rc = sky_sht_create(nside, lmax_cmb, &w->plan_cmb, err)))
        return rc;
    sky_sht_alm2map(w->plan_cmb, 1, w->alm_cmb, w->cmb[0]);
    sky_sht_alm2map_pol(w->plan_cmb, w->alm_cmb + nalm_cmb, w->alm_cmb + 2 * nalm_cmb, w->cmb[1],
                        w->cmb[2]);
    free(w->alm_cmb);
    w->alm_cmb = NULL;

    /* 4. Taylor interpolation at the deflected positions */
    double *weights = malloc((size_t)2 * nside * sizeof *weights);
    if (!weights)
        return sky_nomem(err, "ring weights");
    char wpath[1024];
    if (nside == 1) { /* healpy ships no weights for nside 1: uniform quadrature */
        free(weights);
        weights = NULL;
    } else if ((rc = sky_read_ring_weights(nside, weights, wpath, sizeof wpath, err))) {
        free(weights);
        return sky_prefix(err, rc, "component %s: lensing needs the HEALPix ring weights: ",
                          label);
    }
    rc = sky_sht_create_weighted(nside, lmax_taylor, weights, &w->plan_taylor, err);
    free(weights);
    if (rc)
        return rc;
    if (!(w->alm_taylor = malloc((size_t)nalm_of(lmax_taylor) * sizeof *w->alm_taylor)) ||
        !(w->buf = malloc((size_t)(3 * npix) * sizeof *w->buf)))
        return sky_nomem(err, "the lensing interpolation");
    sky_hmap *out[3];
    for (int k = 0; k < 3; k++) {
        if ((rc = sky_loader_new_map(ld, nside, 0, &out[k], err)))
            return rc;
        taylor_interpolate(w->plan_taylor, w->alm_taylor, &w->off, w->cmb[k], out[k]->d,
                           w->buf);
        free(w->cmb[k]); /* keep the peak memory down */
        w->cmb[k] = NULL;
    }
    s->maps.i = out[0];
    s->maps.q = out[1];
    s->maps.u = out[2];
    return SKY_OK;
}

static int cmb_lensed_init(void *state, sky_params *ps, sky_loader *ld, sky_error *err)
{
    struct cmb_lensed *s = state;
    const char *spectra = NULL, *delens_path = NULL;
    int delens = 0, rc;
    uint32_t seed;
    const sky_table *t = NULL, *dt = NULL;
    if ((rc = sky_params_string(ps, "cmb_spectra", 1, &spectra, err)) ||
        (rc = sky_params_bool(ps, "apply_delens", 0, &delens, err)) ||
        (rc = sky_params_string(ps, "delensing_ells", 0, &delens_path, err)) ||
        (rc = sky_load_seed(ld, ps, "cmb_seed", -1, &seed, err)))
        return rc;
    if (delens && !delens_path)
        return sky_fail(err, SKY_EINVAL,
                        "component %s: apply_delens is true but delensing_ells is not given",
                        ps->owner);
    if ((rc = sky_load_table(ld, spectra, &t, err)) ||
        (delens && (rc = sky_load_table(ld, delens_path, &dt, err))))
        return rc;
    lens_work w;
    memset(&w, 0, sizeof w);
    int lmax_cl = 0;
    if (!(rc = spectra_cls(ps->owner, spectra, t, dt, delens_path, &w.cls, &lmax_cl, err)))
        rc = run_taylens(s, ld, ps->owner, w.cls, lmax_cl, seed, &w, err);
    lens_work_free(&w);
    return rc;
}

static const sky_param_spec sky_params_cmb_lensed[] = {
    SKY_SPEC_PATH("cmb_spectra", 1), SKY_SPEC_BOOL("apply_delens"),
    SKY_SPEC_PATH("delensing_ells", 0), SKY_SPEC_NUMBER("cmb_seed", 1),
    SKY_SPEC_END,
};

const sky_model_type sky_model_cmb_lensed = {
    .name = "CMBLensed",
    .summary = "lensed CMB: a seeded Gaussian T/E/B/phi realisation from CAMB spectra, lensed by "
        "third-order Taylor interpolation (taylens)",
    .params = sky_params_cmb_lensed,
    .state_size = sizeof(struct cmb_lensed),
    .init = cmb_lensed_init,
    .f32_output = sky_cmb_f32,
    .emission = sky_cmb_emission,
};
