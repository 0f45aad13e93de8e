/*
 * smooth.c - beam smoothing of HEALPix maps as PySM 3.4.5 does it
 * (utils.apply_smoothing_and_coord_transform and utils.map2alm).
 *
 * map2alm method, as PySM chooses it:
 * - lmax > 1.5 nside and lsq_maxiter > 0: healpy.map2alm_lsq (tol 1e-7);
 * - lmax > 1.5 nside and lsq_maxiter = 0: healpy.map2alm(iter=0);
 * - lmax <= 1.5 nside: PySM asks healpy for map2alm with 3 Jacobi
 *   iterations and, for nside > 16, pixel weights, which healpy downloads at
 *   run time (and which fail on offline nodes, pysm#173). skymodel never
 *   downloads: it uses the HEALPix ring weights of Debian's healpy-data
 *   (healpy's use_weights=True) with the same 3 iterations, or none when
 *   the package is absent (said in the report). See docs/smoothing.md.
 * Beams follow healpy.gauss_beam(pol=True): T exp(-l(l+1) s^2/2), E and B
 * that times exp(2 s^2), s = fwhm / sqrt(8 ln 2).
 */
#include "smooth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/heap.h"
#include "io/ring_weights.h"
#include "parallel/comm.h"
#include "healpix/healpix.h"
#include "rotate.h"
#include "sht.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

void sky_smooth_opts_init(sky_smooth_opts *o)
{
    memset(o, 0, sizeof *o);
    o->lmax = -1;
    o->lsq_maxiter = 10;
}

int sky_smooth_default_lmax(int nside, int nside_out)
{
    if (nside_out < nside)
        return (int)(1.5 * nside);
    return (int)(2.5 * nside);
}

int sky_smooth_small(int nside, const sky_smooth_opts *o)
{
    const int nside_out = o->nside_out ? o->nside_out : nside;
    const int lmax = o->lmax >= 0 ? o->lmax : sky_smooth_default_lmax(nside, nside_out);
    const double car_rings = o->car_res_rad > 0 ? M_PI / o->car_res_rad : 0;
    return sky_sht_small(nside, lmax) && sky_sht_small(nside_out, lmax) &&
           car_rings * ((double)lmax + 1) * ((double)lmax + 1) / 2 < SKY_SHT_SMALL_WORK;
}

double sky_smooth_seconds(int nside, int ncomp, const sky_smooth_opts *o, int threads)
{
    const int nside_out = o->nside_out ? o->nside_out : nside;
    const int lmax = o->lmax >= 0 ? o->lmax : sky_smooth_default_lmax(nside, nside_out);
    /* transforms at nside: the least-squares solve's start, its residual and
     * two a iteration (at most lsq_maxiter); Jacobi's 3 iterations at low
     * lmax; one analysis without either */
    const int lsq = lmax > 1.5 * nside;
    const double at_nside = lsq && o->lsq_maxiter > 0 ? 2.0 * o->lsq_maxiter + 3
                            : lsq                       ? 1
                                                        : 7;
    const double car_rings = o->car_res_rad > 0 ? M_PI / o->car_res_rad : 0;
    const double work = at_nside * sky_sht_work(nside, lmax) + sky_sht_work(nside_out, lmax) +
                        car_rings * ((double)lmax + 1) * ((double)lmax + 1) / 2;
    /* an I, Q, U analysis or synthesis: about 0.25 ns of one core per unit
     * of sky_sht_work (0.24 s at nside 512, lmax 1280 on 2 threads of this
     * project's AVX-512 machine), a third of that for one component */
    return work * 0.25e-9 * (ncomp == 1 ? 1.0 / 3 : 1.0) / (threads > 0 ? threads : 1);
}

/* healpy.map2alm(iter=n) without weights: Jacobi iterations on the residual. */
static int map2alm_iter(const sky_sht *p, int ncomp, const double *map, int iter,
                        double complex *alm, sky_error *err)
{
    sky_sht_map2alm(p, ncomp, map, alm);
    if (!iter)
        return SKY_OK;
    const int64_t npix = sky_sht_nloc(p), nalm = sky_sht_nalm(p);
    double *res = sky_big_alloc((size_t)(ncomp * (npix > 0 ? npix : 1)) * sizeof *res);
    double complex *da = sky_big_alloc((size_t)(ncomp * (nalm > 0 ? nalm : 1)) * sizeof *da);
    if (!res || !da) {
        free(res);
        free(da);
        return sky_nomem(err, "map2alm iterations");
    }
    for (int it = 0; it < iter; it++) {
        sky_sht_alm2map(p, ncomp, alm, res);
        for (int64_t i = 0; i < ncomp * npix; i++)
            res[i] = map[i] - res[i];
        sky_sht_map2alm(p, ncomp, res, da);
        for (int64_t i = 0; i < ncomp * nalm; i++)
            alm[i] += da[i];
    }
    free(res);
    free(da);
    return SKY_OK;
}

/* Rotation of distributed alm: every process rotates its range of degrees
 * of the whole alm (shared), zero elsewhere, and the results are summed
 * onto the owners of each m. The CAR map, which needs every m, is made on
 * rank 0 from gathered alm. Every process calls it; all return one status. */
static int distributed_rotate_car(const sky_sht *p, int ncomp, double complex *alm,
                                  const sky_smooth_opts *o, int rotate, double *car,
                                  sky_error *err)
{
    const int lmax = sky_sht_lmax(p), me = sky_par_rank(), np = sky_par_size();
    int rc = SKY_OK;
    if (rotate) {
        double mat[3][3];
        if ((rc = sky_par_agree(sky_coord_matrix(o->rot_from, o->rot_to, mat, err), err)))
            return rc;
        int l0, l1;
        sky_rotate_split(lmax, me, np, &l0, &l1);
        double complex *full = sky_sht_share_alm(p, ncomp, alm);
        rc = sky_rotate_alm_degrees(lmax, ncomp, full, mat, l0, l1, err);
        if ((rc = sky_par_agree(rc, err)))
            return rc;
        sky_sht_collect_alm(p, ncomp, alm);
    }
    if (car) {
        double complex *full = sky_sht_gather_alm(p, ncomp, alm); /* NULL but on rank 0 */
        int ny, nx;
        if (full && !(rc = sky_car_shape(o->car_res_rad, &ny, &nx, err)))
            rc = sky_sht_alm2car(lmax, ncomp, full, ny, nx, car, err);
        rc = sky_par_agree(rc, err);
    } else if (o->car_res_rad > 0) {
        sky_sht_gather_alm(p, ncomp, alm); /* rank 0 makes the map */
        rc = sky_par_agree(rc, err);
    }
    return rc;
}

/* sky_smooth; with `own` (== map) the least-squares solve works in the map's
 * own memory, which it destroys. With parts (regions), `map` and `out` hold
 * this process's parts of distributed maps. */
static int smooth(const double *map, double *own, int nside, int ncomp, const sky_smooth_opts *o,
                  const sky_region *in_part, const sky_region *out_part, double *out, double *car,
                  sky_smooth_report *rep, sky_error *err)
{
    const int nside_out = o->nside_out ? o->nside_out : nside;
    const int lmax = o->lmax >= 0 ? o->lmax : sky_smooth_default_lmax(nside, nside_out);
    sky_sht *pin = NULL, *pout = NULL;
    double complex *alm = NULL;
    int rc;
    if (ncomp != 1 && ncomp != 3)
        return sky_fail(err, SKY_EINVAL, "smoothing: %d maps, expected 1 (I) or 3 (I, Q, U)",
                        ncomp);
    if (!isfinite(o->fwhm_rad) || o->fwhm_rad < 0)
        return sky_fail(err, SKY_EINVAL, "--fwhm %g: expected a finite value >= 0",
                        o->fwhm_rad * 180 * 60 / M_PI);
    if (o->beam && o->beam_len < lmax + 1)
        return sky_fail(err, SKY_EINVAL,
                        "beam window has %d values: expected at least lmax + 1 = %d",
                        o->beam_len, lmax + 1);
    sky_smooth_report r = {lmax, NULL, 0, 0};
    const int small_lmax = lmax <= 1.5 * nside;
    double *w = NULL;
    int weighted = 0;
    if (small_lmax && nside > 16) { /* where PySM uses pixel weights (healpy needs them) */
        char wpath[1024];
        if (!(w = malloc((size_t)2 * nside * sizeof *w)))
            return sky_nomem(err, "ring weights");
        if ((rc = sky_read_ring_weights(nside, w, wpath, sizeof wpath, err))) {
            free(w);
            return rc;
        }
        weighted = 1;
    }
    rc = sky_sht_create_part(nside, lmax, w, in_part, &pin, err);
    free(w);
    if (rc)
        return rc;
    if ((nside_out != nside || out_part != in_part) &&
        (rc = sky_sht_create_part(nside_out, lmax, NULL, out_part, &pout, err)))
        goto done;
    const int64_t nalm = sky_sht_nalm(pin);
    if (!(alm = sky_big_alloc((size_t)(ncomp * (nalm > 0 ? nalm : 1)) * sizeof *alm))) {
        rc = sky_nomem(err, "alm");
        goto done;
    }
    if (small_lmax) {
        r.method = weighted       ? "map2alm iter=3, ring weights"
                   : nside > 16 ? "map2alm iter=3, no weights (healpy-data missing)"
                                : "map2alm iter=3";
        rc = map2alm_iter(pin, ncomp, map, 3, alm, err);
    } else if (o->lsq_maxiter == 0) {
        r.method = "map2alm iter=0";
        sky_sht_map2alm(pin, ncomp, map, alm);
    } else {
        r.method = "map2alm_lsq";
        const double lsq_tol = o->lsq_tol > 0 ? o->lsq_tol : SKY_LSQ_TOL;
        rc = own ? sky_sht_map2alm_lsq_inplace(pin, ncomp, own, o->lsq_maxiter, lsq_tol, alm,
                                               &r.iterations, &r.residual, err)
                 : sky_sht_map2alm_lsq(pin, ncomp, map, o->lsq_maxiter, lsq_tol, alm,
                                       &r.iterations, &r.residual, err);
    }
    if (rc)
        goto done;

    /* beam, on the m this process holds (all of them on one process) */
    if (o->fwhm_rad > 0 || o->beam) {
        const double sigma = o->fwhm_rad / sqrt(8.0 * log(2.0)), s2 = sigma * sigma;
        for (int mi = 0; mi < sky_sht_nm(pin); mi++) {
            int64_t start;
            const int m = sky_sht_m(pin, mi, &start);
            for (int l = m; l <= lmax; l++) {
                const int64_t i = start + l;
                for (int c = 0; c < ncomp; c++) {
                    double b;
                    if (o->beam) {
                        b = o->beam[(int64_t)(o->beam_ncols == 3 ? c : 0) * o->beam_len + l];
                    } else {
                        b = exp(-0.5 * l * (l + 1.0) * s2);
                        if (c > 0)
                            b *= exp(2.0 * s2);
                    }
                    alm[c * nalm + i] *= b;
                }
            }
        }
    }
    const int rotate = o->rot_from && o->rot_from != o->rot_to;
    const int want_car = car && o->car_res_rad > 0;
    if (sky_sht_distributed(pin) && (rotate || o->car_res_rad > 0)) {
        /* the rotation and the CAR map need every m */
        rc = distributed_rotate_car(pin, ncomp, alm, o, rotate, want_car ? car : NULL, err);
        if (rc)
            goto done;
    } else {
        if (rotate) {
            double mat[3][3];
            if ((rc = sky_coord_matrix(o->rot_from, o->rot_to, mat, err)) ||
                (rc = sky_rotate_alm(lmax, ncomp, alm, mat, err)))
                goto done;
        }
        if (want_car) {
            int ny, nx;
            if ((rc = sky_car_shape(o->car_res_rad, &ny, &nx, err)) ||
                (rc = sky_sht_alm2car(lmax, ncomp, alm, ny, nx, car, err)))
                goto done;
        }
    }
    if (out)
        sky_sht_alm2map(pout ? pout : pin, ncomp, alm, out);
    if (rep)
        *rep = r;
done:
    free(alm);
    sky_sht_free(pin);
    sky_sht_free(pout);
    return rc;
}

int sky_smooth(const double *map, int nside, int ncomp, const sky_smooth_opts *o, double *out,
               double *car, sky_smooth_report *rep, sky_error *err)
{
    return smooth(map, NULL, nside, ncomp, o, NULL, NULL, out, car, rep, err);
}

int sky_smooth_inplace(double *map, int nside, int ncomp, const sky_smooth_opts *o, double *out,
                       double *car, sky_smooth_report *rep, sky_error *err)
{
    return smooth(map, map, nside, ncomp, o, NULL, NULL, out, car, rep, err);
}

int sky_smooth_part(double *map, const sky_region *in_part, int ncomp, const sky_smooth_opts *o,
                    const sky_region *out_part, double *out, double *car,
                    sky_smooth_report *rep, sky_error *err)
{
    return smooth(map, map, in_part->nside, ncomp, o, in_part, out_part, out, car, rep, err);
}
