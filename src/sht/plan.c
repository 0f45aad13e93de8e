/*
 * plan.c - the public transform API (skymodel.h): thin wrappers over sht.c
 * and rotate.c, exchanging alm as (re, im) pairs of doubles, which have the
 * layout of C99's double complex.
 */
#include <complex.h>

#include "rotate.h"
#include "sht.h"
#include "skymodel.h"

int sky_plan_create(int nside, int lmax, sky_sht **plan, sky_error *err)
{
    return sky_sht_create(nside, lmax, plan, err);
}

void sky_plan_free(sky_sht *plan)
{
    sky_sht_free(plan);
}

int64_t sky_plan_nalm(const sky_sht *plan)
{
    return sky_sht_nalm(plan);
}

void sky_map2alm(const sky_sht *plan, int ncomp, const double *map, double *alm)
{
    sky_sht_map2alm(plan, ncomp, map, (double complex *)alm);
}

void sky_alm2map(const sky_sht *plan, int ncomp, const double *alm, double *map)
{
    sky_sht_alm2map(plan, ncomp, (const double complex *)alm, map);
}

int sky_map2alm_lsq(const sky_sht *plan, int ncomp, const double *map, int maxiter, double tol,
                    double *alm, int *iterations, double *residual, sky_error *err)
{
    return sky_sht_map2alm_lsq(plan, ncomp, map, maxiter, tol, (double complex *)alm,
                               iterations, residual, err);
}

int sky_rotate_alm_coord(int lmax, int ncomp, double *alm, char from, char to, sky_error *err)
{
    double mat[3][3];
    int rc = sky_coord_matrix(from, to, mat, err);
    return rc ? rc : sky_rotate_alm(lmax, ncomp, (double complex *)alm, mat, err);
}
