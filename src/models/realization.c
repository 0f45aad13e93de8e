/*
 * realization.c - large scales plus modulated small scales (see
 * realization.h), with PySM 3.4.5's arithmetic.
 *
 * All maps are float64 at the sky nside, as healpy's alm2map makes them, but
 * hold only the pixels this process evaluates (its part under MPI or
 * --parts): the alm are whole on every process and synthesised on the part's
 * rings alone, so that memory per process shrinks with the number of parts. The
 * small scales are drawn to synalm_lmax but only the multipoles PySM keeps
 * are stored and synthesised: the rest are zero after its almxfl, so only
 * rounding differs. Large scales are added by the synthesis itself (libsharp
 * adds each pixel's value once, as numpy's +=).
 */
#include "realization.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "random/synalm.h"
#include "sht/sht.h"

static int64_t nalm_of(int lmax)
{
    return (int64_t)(lmax + 1) * (lmax + 2) / 2;
}

/* maps[0] (and maps[1], maps[2] for ncomp 3: T, E, B alm) = or += alm2map,
 * on the part's pixels */
static int synthesise(const sky_realization *r, int lmax, int ncomp, const double complex *alm,
                      double **maps, int add, sky_error *err)
{
    sky_sht *plan;
    int rc = sky_sht_create_rings(r->nside, lmax, &r->part, &plan, err);
    if (rc)
        return rc;
    const int64_t n = nalm_of(lmax);
    if (add)
        sky_sht_alm2map_add(plan, 1, alm, maps[0]);
    else
        sky_sht_alm2map(plan, 1, alm, maps[0]);
    if (ncomp == 3 && add)
        sky_sht_alm2map_pol_add(plan, alm + n, alm + 2 * n, maps[1], maps[2]);
    else if (ncomp == 3)
        sky_sht_alm2map_pol(plan, alm + n, alm + 2 * n, maps[1], maps[2]);
    sky_sht_free(plan);
    return SKY_OK;
}

static int path_param(sky_params *ps, const char *key, const char **path, sky_error *err)
{
    return sky_params_string(ps, key, 1, path, err);
}

int sky_realization_begin(sky_realization *r, sky_params *ps, sky_loader *ld, int nseeds,
                          sky_error *err)
{
    memset(r, 0, sizeof *r);
    r->nside = sky_loader_nside(ld);
    r->part = *sky_loader_part(ld);
    r->nloc = sky_region_npix(&r->part);
    const char *fix = NULL;
    double lmax = fmin(16384, 2.5 * r->nside);
    int pol = 1, rc;
    if ((rc = sky_params_freq(ps, "freq_ref", 1, &r->freq_ref, err)) ||
        (rc = sky_params_number(ps, "synalm_lmax", 0, &lmax, err)) ||
        (rc = sky_params_bool(ps, "has_polarization", 0, &pol, err)) ||
        (rc = sky_params_string(ps, "galplane_fix", 0, &fix, err)) ||
        (rc = sky_load_seeds(ld, ps, "seeds", nseeds, r->seeds, err)))
        return rc;
    if (!pol)
        return sky_fail(err, SKY_EINVAL, "component %s: has_polarization = false: expected true "
                        "(the templates are log-polarisation tensors, I with Q and U)",
                        ps->owner);
    if (!(lmax >= 0 && lmax <= 65536))
        return sky_fail(err, SKY_EINVAL, "component %s: synalm_lmax = %g: expected an integer "
                        "from 0 to 65536", ps->owner, lmax);
    r->synalm_lmax = (int)lmax; /* PySM's int() */
    if (fix) {
        static const int iqu[3] = {0, 1, 2}, w = 3;
        if ((rc = sky_load_part_maps_at(ld, fix, 3, iqu, NULL, "uK_RJ", r->nside, r->fix, err)))
            return rc;
        if ((rc = sky_load_part_maps_at(ld, fix, 1, &w, NULL, NULL, r->nside, &r->fix_w, err))) {
            for (int k = 0; k < 3; k++)
                sky_hmap_free(&r->fix[k]);
            return rc;
        }
        r->has_fix = 1;
    }
    return SKY_OK;
}

void sky_realization_end(sky_realization *r)
{
    if (r->has_fix) {
        for (int k = 0; k < 3; k++)
            sky_hmap_free(&r->fix[k]);
        sky_hmap_free(&r->fix_w);
        r->has_fix = 0;
    }
    free(r->mod_i);
    r->mod_i = NULL;
}

/* value i of a map held for the part, as stored */
static inline double held_at(const sky_hmap *m, int64_t i)
{
    return m->f ? (double)m->f[i] : m->d[i];
}

/* x = x w + x_fix (1 - w), rounded as numpy does it in the maps' precision
 * (float32 files give float32 products); maps held for the part. */
static void galplane_fix(double *x, const sky_hmap *fix, const sky_hmap *w, int64_t nloc)
{
    const int f32 = fix->f && w->f;
#pragma omp parallel for schedule(static)
    for (int64_t p = 0; p < nloc; p++) {
        const double wp = held_at(w, p);
        const double one_minus = w->f ? (double)(1.0f - w->f[p]) : 1.0 - wp;
        double add = held_at(fix, p) * one_minus;
        if (f32)
            add = (double)(float)add;
        x[p] = x[p] * wp + add;
    }
}

/* Small scales to l <= lkeep from `ncl` spectra of `cl` (n fields), drawn
 * to synalm_lmax with `seed`, synthesised into maps (zero when lkeep < 0). */
static int small_scales(sky_realization *r, int n, const double *cl, int ncl, long nl,
                        uint32_t seed, int lkeep, double **maps, sky_error *err)
{
    if (lkeep > r->synalm_lmax)
        lkeep = r->synalm_lmax;
    if (lkeep < 0) {
        for (int k = 0; k < n; k++)
            memset(maps[k], 0, (size_t)r->nloc * sizeof *maps[k]);
        return SKY_OK;
    }
    const double *cls[6] = {NULL};
    int len[6] = {0};
    for (int k = 0; k < ncl; k++) {
        cls[k] = cl + (int64_t)k * nl;
        len[k] = (int)nl;
    }
    double complex *alm = malloc((size_t)(n * nalm_of(lkeep)) * sizeof *alm);
    if (!alm)
        return sky_nomem(err, "the small-scale alm");
    sky_np_rng rng;
    sky_np_seed(&rng, seed);
    int rc = sky_synalm_cut(n, cls, len, r->synalm_lmax, lkeep, &rng, alm, err);
    if (!rc)
        rc = synthesise(r, lkeep, n, alm, maps, 0, err);
    free(alm);
    return rc;
}

int sky_realization_alm_map(sky_realization *r, sky_params *ps, sky_loader *ld, const char *key,
                            double **map, sky_error *err)
{
    const char *path;
    double complex *alm = NULL;
    int lmax, rc;
    *map = NULL;
    if ((rc = path_param(ps, key, &path, err)) ||
        (rc = sky_load_alm(ld, path, 1, NULL, r->freq_ref, &alm, &lmax, err)))
        return rc;
    if (!(*map = malloc((size_t)(r->nloc > 0 ? r->nloc : 1) * sizeof **map)))
        rc = sky_nomem(err, "a modulation map");
    else if ((rc = synthesise(r, lmax, 1, alm, map, 0, err))) {
        free(*map);
        *map = NULL;
    }
    free(alm);
    return rc;
}

/* PySM's log_pol_tens_to_map, in place: I = e^i cosh P, (Q, U) = (q, u) / P
 * e^i sinh P with P = |(q, u)| (0 where P = 0, the limit, where PySM gives
 * NaN). */
static void log_pol_tens_to_iqu(double *i, double *q, double *u, int64_t n)
{
#pragma omp parallel for schedule(static)
    for (int64_t p = 0; p < n; p++) {
        const double pp = sqrt(q[p] * q[p] + u[p] * u[p]), e = exp(i[p]);
        i[p] = e * cosh(pp);
        const double s = sinh(pp);
        q[p] = pp > 0 ? q[p] / pp * e * s : 0.0;
        u[p] = pp > 0 ? u[p] / pp * e * s : 0.0;
    }
}

int sky_realization_template(sky_realization *r, sky_params *ps, sky_loader *ld, int lkeep,
                             sky_hmap *out[3], sky_error *err)
{
    const int64_t nloc = r->nloc;
    const char *ls_path, *cl_path;
    double complex *ls = NULL;
    double *cl = NULL, *mod_p = NULL, *m[3];
    int ls_lmax, ncl = 0, rc;
    long nl = 0;
    if ((rc = path_param(ps, "largescale_alm", &ls_path, err)) ||
        (rc = path_param(ps, "small_scale_cl", &cl_path, err)))
        return rc;
    for (int k = 0; k < 3; k++) {
        if ((rc = sky_loader_new_part_map(ld, 0, &out[k], err)))
            return rc;
        m[k] = out[k]->d;
    }
    if ((rc = sky_load_cl(ld, cl_path, "uK_RJ", &cl, &ncl, &nl, err)))
        return rc;
    if (ncl != 6 && ncl != 4) {
        free(cl);
        return sky_fail(err, SKY_EFORMAT, "component %s: spectra %s have %d column%s: expected "
                        "6 (TT, EE, BB, TE, EB, TB) or 4 (TT, EE, BB, TE), as healpy's synalm",
                        ps->owner, cl_path, ncl, ncl == 1 ? "" : "s");
    }
    rc = small_scales(r, 3, cl, ncl, nl, r->seeds[0], lkeep, m, err);
    free(cl);
    if (rc)
        return rc;
    /* modulation: temperature on I, polarisation on Q and U */
    if ((rc = sky_realization_alm_map(r, ps, ld, "amplitude_modulation_temp_alm", &r->mod_i,
                                      err)) ||
        (rc = sky_realization_alm_map(r, ps, ld, "amplitude_modulation_pol_alm", &mod_p, err)))
        return rc;
#pragma omp parallel for schedule(static)
    for (int64_t p = 0; p < nloc; p++) {
        m[0][p] *= r->mod_i[p];
        m[1][p] *= mod_p[p];
        m[2][p] *= mod_p[p];
    }
    free(mod_p);
    /* the large scales, in the unit of the maps they become */
    if ((rc = sky_load_alm(ld, ls_path, 3, "uK_RJ", r->freq_ref, &ls, &ls_lmax, err)))
        return rc;
    rc = synthesise(r, ls_lmax, 3, ls, m, 1, err);
    free(ls);
    if (rc)
        return rc;
    log_pol_tens_to_iqu(m[0], m[1], m[2], nloc);
    if (r->has_fix)
        for (int k = 0; k < 3; k++)
            galplane_fix(m[k], &r->fix[k], &r->fix_w, nloc);
    return SKY_OK;
}

int sky_realization_field(sky_realization *r, sky_params *ps, sky_loader *ld,
                          const char *alm_key, const char *cl_key, const char *unit,
                          uint32_t seed, int lkeep, const double *mod, const sky_hmap *fix,
                          sky_hmap **out, sky_error *err)
{
    const char *ls_path, *cl_path;
    double complex *ls = NULL;
    double *cl = NULL;
    int ls_lmax, ncl = 0, rc;
    long nl = 0;
    if ((rc = path_param(ps, alm_key, &ls_path, err)) ||
        (rc = path_param(ps, cl_key, &cl_path, err)) ||
        (rc = sky_loader_new_part_map(ld, 0, out, err)))
        return rc;
    double *x = (*out)->d;
    if ((rc = sky_load_cl(ld, cl_path, unit, &cl, &ncl, &nl, err)))
        return rc;
    if (ncl != 1) {
        free(cl);
        return sky_fail(err, SKY_EFORMAT, "component %s: spectra %s (%s) have %d columns: "
                        "expected 1", ps->owner, cl_path, cl_key, ncl);
    }
    rc = small_scales(r, 1, cl, 1, nl, seed, lkeep, &x, err);
    free(cl);
    if (rc)
        return rc;
#pragma omp parallel for schedule(static)
    for (int64_t p = 0; p < r->nloc; p++)
        x[p] *= mod[p];
    if ((rc = sky_load_alm(ld, ls_path, 1, unit, r->freq_ref, &ls, &ls_lmax, err)))
        return rc;
    rc = synthesise(r, ls_lmax, 1, ls, &x, 1, err);
    free(ls);
    if (!rc && fix)
        galplane_fix(x, fix, &r->fix_w, r->nloc);
    return rc;
}
