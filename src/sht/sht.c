/*
 * sht.c - libsharp transforms and the least-squares map2alm (see sht.h).
 *
 * The least-squares solve follows healpy 1.16's map2alm_lsq and scipy 1.10's
 * lsqr exactly (Paige & Saunders 1982, with Choi's stable Givens rotation):
 * the unknowns are the alm as a real vector (Re a_l0 for every l, then
 * sqrt(2) (Re, Im) of each m > 0 coefficient), the operator is alm2map, its
 * adjoint map2alm times npix / 4 pi, and the start is the plain map2alm. On
 * maps that are not band-limited LSQR stops at the iteration cap before
 * converging, so only the same algorithm gives the same map.
 */
#include "sht.h"

#include <libsharp/sharp.h>
#include <libsharp/sharp_almhelpers.h>
#include <libsharp/sharp_geomhelpers.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmplx.h"
#include "core/error.h"
#include "core/heap.h"
#include "healpix/healpix.h"
#include "parallel/comm.h"
#ifdef _OPENMP
#include <omp.h>
#endif

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

struct sky_sht {
    int nside, lmax;
    int64_t npix, nalm;
    int64_t nloc;     /* pixels of the maps this process passes: npix, or its part's */
    int distributed;  /* maps and alm are shared over the processes */
    int serial;       /* small: on the calling thread only (sky_sht_small) */
    sharp_geom_info *geom; /* NULL when the part holds no ring */
    sharp_alm_info *ainfo; /* one process: healpy's triangular layout */
    /* Distributed: the alm are split by m over the processes, process r
     * holding m from mfirst[r] to mfirst[r + 1] - 1 (about as many
     * coefficients each), in healpy's layout cut to those m: a_lm of
     * component c at c * nalm_own + healpy index - first index of mfirst[r].
     * Transforms go through `full`, the whole healpy-layout alm. */
    int nblk;
    int *mfirst;            /* nblk + 1 */
    int *count, *displ;     /* doubles of each process's share of a component, and where */
    int nown;               /* this process's m: mown[i], a_lm at mstart[i] + l */
    int *mown;
    int64_t *mstart;
    int64_t nalm_own;
    double complex *full;   /* 3 nalm: every m, for libsharp */
};

/* healpy's a_lm is at healpy_mstart(m) + l; m's first coefficient (l = m)
 * at first_index(m) */
static int64_t healpy_mstart(int m, int lmax)
{
    return (int64_t)m * (2 * lmax + 1 - m) / 2;
}

static int64_t first_index(int m, int lmax)
{
    return (int64_t)m * (2 * lmax + 3 - m) / 2;
}

/* m ranges of every process, balanced by coefficient count, and this
 * process's own m. */
static int make_blocks(sky_sht *p, sky_error *err)
{
    const int nb = p->nblk = sky_par_size(), me = sky_par_rank(), lmax = p->lmax;
    p->mfirst = malloc((size_t)(nb + 1) * sizeof *p->mfirst);
    p->mown = malloc((size_t)(lmax + 1) * sizeof *p->mown);
    p->mstart = malloc((size_t)(lmax + 1) * sizeof *p->mstart);
    p->full = sky_big_alloc((size_t)(3 * p->nalm) * sizeof *p->full);
    p->count = malloc((size_t)nb * sizeof *p->count);
    p->displ = malloc((size_t)nb * sizeof *p->displ);
    if (!p->mfirst || !p->mown || !p->mstart || !p->full || !p->count || !p->displ)
        return sky_nomem(err, "a transform plan");
    /* process r starts at the first m whose coefficients begin at or after
     * r nalm / nb */
    int m = 0;
    for (int r = 0; r <= nb; r++) {
        const int64_t target = (int64_t)((double)p->nalm * r / nb);
        while (m <= lmax && first_index(m, lmax) < target)
            m++;
        p->mfirst[r] = r == nb ? lmax + 1 : m;
    }
    p->mfirst[0] = 0;
    const int m0 = p->mfirst[me], m1 = p->mfirst[me + 1];
    const int64_t base = first_index(m0, lmax);
    p->nown = m1 - m0;
    for (int i = 0; i < p->nown; i++) {
        p->mown[i] = m0 + i;
        p->mstart[i] = healpy_mstart(m0 + i, lmax) - base;
    }
    p->nalm_own = first_index(m1, lmax) - base;
    for (int r = 0; r < nb; r++) {
        const int64_t a = first_index(p->mfirst[r], lmax), b = first_index(p->mfirst[r + 1], lmax);
        p->count[r] = (int)(2 * (b - a));
        p->displ[r] = (int)(2 * a);
    }
    return SKY_OK;
}

/* Time spent in libsharp by the process, all plans and threads together,
 * and by the calling thread. */
static _Atomic int64_t sharp_nanoseconds;
static _Thread_local double thread_sharp_seconds;

double sky_sht_work(int nside, int lmax)
{
    return (4.0 * nside - 1) * ((double)lmax + 1) * ((double)lmax + 1) / 2;
}

int sky_sht_small(int nside, int lmax)
{
    return sky_sht_work(nside, lmax) < SKY_SHT_SMALL_WORK;
}

/* 1 when OpenMP work should stay on the calling thread: small, or already
 * inside a parallel region (whose threads are busy with other maps) */
static int on_one_thread(int small)
{
#ifdef _OPENMP
    return small || omp_in_parallel();
#else
    (void)small;
    return 1;
#endif
}

static void execute(sharp_jobtype type, int spin, void *alm, void *map,
                    const sharp_geom_info *geom, const sharp_alm_info *ainfo, int flags,
                    int small)
{
    if (!geom) /* no ring here: nothing to synthesise, and analysis is done by the caller */
        return;
    if (on_one_thread(small))
        flags |= SHARP_NO_OPENMP;
    double t = 0;
    sharp_execute(type, spin, alm, map, geom, ainfo, flags, &t, NULL);
    atomic_fetch_add(&sharp_nanoseconds, (int64_t)(t * 1e9));
    thread_sharp_seconds += t;
}

double sky_sht_seconds(void)
{
    return (double)atomic_load(&sharp_nanoseconds) * 1e-9;
}

double sky_sht_thread_seconds(void)
{
    return thread_sharp_seconds;
}

/* libsharp picks its code for the CPU and caches it in plain statics on its
 * first transforms: one tiny transform of each kind, once, before any two
 * threads can make their first at the same time. */
static pthread_once_t warm_once = PTHREAD_ONCE_INIT;

static void warm_up(void)
{
    sharp_geom_info *g;
    sharp_alm_info *a;
    sharp_make_weighted_healpix_geom_info(1, 1, NULL, &g);
    sharp_make_triangular_alm_info(2, 2, 1, &a);
    double complex alm[3][6] = {{0}};
    double map[3][12] = {{0}};
    void *a0[1] = {alm[0]}, *m0[1] = {map[0]}, *a2[2] = {alm[1], alm[2]},
         *m2[2] = {map[1], map[2]};
    const int f = SHARP_DP | SHARP_NO_OPENMP;
    sharp_execute(SHARP_ALM2MAP, 0, a0, m0, g, a, f, NULL, NULL);
    sharp_execute(SHARP_ALM2MAP, 2, a2, m2, g, a, f, NULL, NULL);
    sharp_execute(SHARP_MAP2ALM, 0, a0, m0, g, a, f, NULL, NULL);
    sharp_execute(SHARP_MAP2ALM, 2, a2, m2, g, a, f, NULL, NULL);
    sharp_execute(SHARP_ALM2MAP_DERIV1, 1, a0, m2, g, a, f, NULL, NULL);
    sharp_destroy_geom_info(g);
    sharp_destroy_alm_info(a);
}

int sky_sht_create(int nside, int lmax, sky_sht **plan, sky_error *err)
{
    return sky_sht_create_weighted(nside, lmax, NULL, plan, err);
}

int sky_sht_create_weighted(int nside, int lmax, const double *ring_weights, sky_sht **plan,
                            sky_error *err)
{
    return sky_sht_create_part(nside, lmax, ring_weights, NULL, plan, err);
}

/* A plan on the rings of `part` (NULL: all), with its alm split over the
 * processes when `distributed`, else whole on this one. */
static int create_plan(int nside, int lmax, const double *ring_weights, const sky_region *part,
                       int distributed, sky_sht **plan, sky_error *err)
{
    *plan = NULL;
    pthread_once(&warm_once, warm_up);
    if (!sky_hpx_nside_ok(nside))
        return sky_fail(err, SKY_EINVAL, "nside %d: expected a power of two from 1 to 8192",
                        nside);
    /* any lmax: healpy synthesises alm of any lmax at any nside (PySM's d11 and
     * s6 read lmax 768-1024 alm whatever the sky's nside) */
    if (lmax < 0 || lmax > SKY_SHT_LMAX_MAX)
        return sky_fail(err, SKY_EINVAL, "lmax %d: expected 0 to %d", lmax, SKY_SHT_LMAX_MAX);
    sky_sht *p = calloc(1, sizeof *p);
    if (!p)
        return sky_nomem(err, "a transform plan");
    p->nside = nside;
    p->lmax = lmax;
    p->npix = p->nloc = sky_hpx_npix(nside);
    p->serial = sky_sht_small(nside, lmax);
    if (!part) {
        sharp_make_weighted_healpix_geom_info(nside, 1, ring_weights, &p->geom);
    } else {
        /* the part's rings, back to back in ring order as the part's maps are */
        if (part->nside != nside) {
            free(p);
            return sky_fail(err, SKY_EINTERNAL, "transform plan: a part of nside %d for nside %d",
                            part->nside, nside);
        }
        int *rings = malloc((size_t)(4 * nside) * sizeof *rings);
        if (!rings) {
            free(p);
            return sky_nomem(err, "a transform plan");
        }
        const int nr = sky_region_rings(part, rings);
        if (nr > 0)
            sharp_make_subset_healpix_geom_info(nside, 1, nr, rings, ring_weights, &p->geom);
        free(rings);
        p->nloc = sky_region_npix(part);
        p->distributed = distributed;
    }
    sharp_make_triangular_alm_info(lmax, lmax, 1, &p->ainfo);
    p->nalm = sharp_alm_count(p->ainfo);
    int rc = SKY_OK;
    if (p->distributed) {
        rc = make_blocks(p, err);
    } else { /* every m, where healpy keeps it */
        p->nown = lmax + 1;
        p->nalm_own = p->nalm;
        p->mown = malloc((size_t)(lmax + 1) * sizeof *p->mown);
        p->mstart = malloc((size_t)(lmax + 1) * sizeof *p->mstart);
        if (!p->mown || !p->mstart)
            rc = sky_nomem(err, "a transform plan");
        for (int m = 0; !rc && m <= lmax; m++) {
            p->mown[m] = m;
            p->mstart[m] = (int64_t)m * (2 * lmax + 1 - m) / 2;
        }
    }
    if (rc) {
        sky_sht_free(p);
        return rc;
    }
    *plan = p;
    return SKY_OK;
}

int sky_sht_create_part(int nside, int lmax, const double *ring_weights, const sky_region *part,
                        sky_sht **plan, sky_error *err)
{
    return create_plan(nside, lmax, ring_weights, part, part != NULL, plan, err);
}

int sky_sht_create_rings(int nside, int lmax, const sky_region *part, sky_sht **plan,
                         sky_error *err)
{
    return create_plan(nside, lmax, NULL, part, 0, plan, err);
}

void sky_sht_free(sky_sht *p)
{
    if (!p)
        return;
    if (p->geom)
        sharp_destroy_geom_info(p->geom);
    if (p->ainfo)
        sharp_destroy_alm_info(p->ainfo);
    free(p->mfirst);
    free(p->count);
    free(p->displ);
    free(p->mown);
    free(p->mstart);
    free(p->full);
    free(p);
}

int64_t sky_sht_nalm(const sky_sht *p)
{
    return p->nalm_own;
}

int sky_sht_lmax(const sky_sht *p)
{
    return p->lmax;
}

int sky_sht_nside(const sky_sht *p)
{
    return p->nside;
}

int64_t sky_sht_nloc(const sky_sht *p)
{
    return p->nloc;
}

int sky_sht_nm(const sky_sht *p)
{
    return p->nown;
}

int sky_sht_m(const sky_sht *p, int i, int64_t *start)
{
    *start = p->mstart[i];
    return p->mown[i];
}

int sky_sht_distributed(const sky_sht *p)
{
    return p->distributed;
}

double complex *sky_sht_share_alm(const sky_sht *p, int ncomp, const double complex *own)
{
    for (int c = 0; c < ncomp; c++)
        sky_par_allgather((const double *)(own + c * p->nalm_own),
                          (double *)(p->full + c * p->nalm), p->count, p->displ);
    return p->full;
}

void sky_sht_collect_alm(const sky_sht *p, int ncomp, double complex *own)
{
    for (int c = 0; c < ncomp; c++)
        sky_par_reduce_scatter((const double *)(p->full + c * p->nalm),
                               (double *)(own + c * p->nalm_own), p->count);
}

double complex *sky_sht_gather_alm(const sky_sht *p, int ncomp, const double complex *own)
{
    for (int c = 0; c < ncomp; c++)
        sky_par_gather((const double *)(own + c * p->nalm_own),
                       (double *)(p->full + c * p->nalm), p->count, p->displ);
    return sky_par_rank() == 0 ? p->full : NULL;
}

void sky_sht_scatter_alm(const sky_sht *p, int ncomp, double complex *own)
{
    for (int c = 0; c < ncomp; c++)
        sky_par_scatter((const double *)(p->full + c * p->nalm),
                        (double *)(own + c * p->nalm_own), p->count, p->displ);
}

/* Distributed transforms: analysis of this process's rings for every m,
 * the partial sums collected onto the owners of each m; synthesis of every
 * m, shared by their owners, onto this process's rings. */
static void map2alm_shared(const sky_sht *p, int ncomp, const double *map, double complex *alm)
{
    double complex *t = p->full;
    if (!p->geom)
        memset(t, 0, (size_t)(ncomp * p->nalm) * sizeof *t);
    void *a0[1] = {t}, *m0[1] = {(void *)map};
    execute(SHARP_MAP2ALM, 0, a0, m0, p->geom, p->ainfo, SHARP_DP, p->serial);
    if (ncomp == 3) {
        void *a2[2] = {t + p->nalm, t + 2 * p->nalm};
        void *m2[2] = {(void *)(map + p->nloc), (void *)(map + 2 * p->nloc)};
        execute(SHARP_MAP2ALM, 2, a2, m2, p->geom, p->ainfo, SHARP_DP, p->serial);
    }
    sky_sht_collect_alm(p, ncomp, alm);
}

static void alm2map_shared(const sky_sht *p, int ncomp, const double complex *alm, double *map,
                           int flags)
{
    double complex *t = sky_sht_share_alm(p, ncomp, alm);
    void *a0[1] = {t}, *m0[1] = {map};
    execute(SHARP_ALM2MAP, 0, a0, m0, p->geom, p->ainfo, SHARP_DP | flags, p->serial);
    if (ncomp == 3) {
        void *a2[2] = {t + p->nalm, t + 2 * p->nalm}, *m2[2] = {map + p->nloc, map + 2 * p->nloc};
        execute(SHARP_ALM2MAP, 2, a2, m2, p->geom, p->ainfo, SHARP_DP | flags, p->serial);
    }
}

void sky_sht_map2alm(const sky_sht *p, int ncomp, const double *map, double complex *alm)
{
    if (p->distributed) {
        map2alm_shared(p, ncomp, map, alm);
        return;
    }
    void *a0[1] = {alm}, *m0[1] = {(void *)map};
    execute(SHARP_MAP2ALM, 0, a0, m0, p->geom, p->ainfo, SHARP_DP, p->serial);
    if (ncomp == 3) {
        void *a2[2] = {alm + p->nalm, alm + 2 * p->nalm};
        void *m2[2] = {(void *)(map + p->nloc), (void *)(map + 2 * p->nloc)};
        execute(SHARP_MAP2ALM, 2, a2, m2, p->geom, p->ainfo, SHARP_DP, p->serial);
    }
}

static void alm2map_flags(const sky_sht *p, int ncomp, const double complex *alm, double *map,
                          int flags)
{
    if (p->distributed) {
        alm2map_shared(p, ncomp, alm, map, flags);
        return;
    }
    void *a0[1] = {(void *)alm}, *m0[1] = {map};
    execute(SHARP_ALM2MAP, 0, a0, m0, p->geom, p->ainfo, SHARP_DP | flags, p->serial);
    if (ncomp == 3) {
        void *a2[2] = {(void *)(alm + p->nalm), (void *)(alm + 2 * p->nalm)};
        void *m2[2] = {map + p->nloc, map + 2 * p->nloc};
        execute(SHARP_ALM2MAP, 2, a2, m2, p->geom, p->ainfo, SHARP_DP | flags, p->serial);
    }
}

void sky_sht_alm2map(const sky_sht *p, int ncomp, const double complex *alm, double *map)
{
    alm2map_flags(p, ncomp, alm, map, 0);
}

void sky_sht_alm2map_add(const sky_sht *p, int ncomp, const double complex *alm, double *map)
{
    alm2map_flags(p, ncomp, alm, map, SHARP_ADD);
}

static void alm2map_pol_flags(const sky_sht *p, const double complex *alm_e,
                              const double complex *alm_b, double *q, double *u, int flags)
{
    void *a2[2] = {(void *)alm_e, (void *)alm_b}, *m2[2] = {q, u};
    execute(SHARP_ALM2MAP, 2, a2, m2, p->geom, p->ainfo, SHARP_DP | flags, p->serial);
}

void sky_sht_alm2map_pol(const sky_sht *p, const double complex *alm_e,
                         const double complex *alm_b, double *q, double *u)
{
    alm2map_pol_flags(p, alm_e, alm_b, q, u, 0);
}

void sky_sht_alm2map_pol_add(const sky_sht *p, const double complex *alm_e,
                             const double complex *alm_b, double *q, double *u)
{
    alm2map_pol_flags(p, alm_e, alm_b, q, u, SHARP_ADD);
}

void sky_sht_alm2map_der1(const sky_sht *p, const double complex *alm, double *dtheta,
                          double *dphi)
{
    void *a[1] = {(void *)alm}, *m[2] = {dtheta, dphi};
    execute(SHARP_ALM2MAP_DERIV1, 1, a, m, p->geom, p->ainfo, SHARP_DP, p->serial);
}

int sky_car_shape(double res_rad, int *ny, int *nx, sky_error *err)
{
    if (!(res_rad > 0) || !isfinite(res_rad) || res_rad > M_PI)
        return sky_fail(err, SKY_EINVAL, "CAR resolution %g arcmin: expected a positive value "
                        "up to 10800", res_rad * 10800 / M_PI);
    *ny = (int)lround(M_PI / res_rad);
    *nx = (int)lround(2 * M_PI / res_rad);
    if (fabs(res_rad * *ny - M_PI) >= 1e-8 || fabs(res_rad * *nx - 2 * M_PI) >= 1e-8) {
        const int n = *ny < 1 ? 1 : *ny;
        return sky_fail(err, SKY_EINVAL,
                        "CAR resolution %.10g arcmin does not divide 180 degrees into whole "
                        "pixels: expected 10800/n arcmin, e.g. %.10g (n = %d) or %.10g (n = %d)",
                        res_rad * 10800 / M_PI, 10800.0 / n, n, 10800.0 / (n + 1), n + 1);
    }
    return SKY_OK;
}

int sky_sht_alm2car(int lmax, int ncomp, const double complex *alm, int ny, int nx, double *map,
                    sky_error *err)
{
    pthread_once(&warm_once, warm_up);
    int *nph = malloc((size_t)ny * sizeof *nph), *stride = malloc((size_t)ny * sizeof *stride);
    ptrdiff_t *ofs = malloc((size_t)ny * sizeof *ofs);
    double *phi0 = malloc((size_t)ny * sizeof *phi0), *theta = malloc((size_t)ny * sizeof *theta);
    if (!nph || !stride || !ofs || !phi0 || !theta) {
        free(nph), free(stride), free(ofs), free(phi0), free(theta);
        return sky_nomem(err, "the CAR geometry");
    }
    const double res = M_PI / ny;
    for (int i = 0; i < ny; i++) {
        nph[i] = nx;
        /* columns run towards decreasing RA: walk them backwards from the last,
         * whose RA is 180 deg - (nx - 1) res */
        ofs[i] = (ptrdiff_t)i * nx + (nx - 1);
        stride[i] = -1;
        phi0[i] = M_PI - (nx - 1) * (2 * M_PI / nx);
        theta[i] = M_PI / 2 - (-M_PI / 2 + (i + 0.5) * res);
    }
    sharp_geom_info *geom;
    sharp_alm_info *ainfo;
    sharp_make_geom_info(ny, nph, ofs, stride, phi0, theta, NULL, &geom);
    sharp_make_triangular_alm_info(lmax, lmax, 1, &ainfo);
    const ptrdiff_t nalm = sharp_alm_count(ainfo), npix = (ptrdiff_t)ny * nx;
    void *a0[1] = {(void *)alm}, *m0[1] = {map};
    const int small = (double)ny * ((double)lmax + 1) * ((double)lmax + 1) / 2 < SKY_SHT_SMALL_WORK;
    execute(SHARP_ALM2MAP, 0, a0, m0, geom, ainfo, SHARP_DP, small);
    if (ncomp == 3) {
        void *a2[2] = {(void *)(alm + nalm), (void *)(alm + 2 * nalm)};
        void *m2[2] = {map + npix, map + 2 * npix};
        execute(SHARP_ALM2MAP, 2, a2, m2, geom, ainfo, SHARP_DP, small);
    }
    sharp_destroy_geom_info(geom);
    sharp_destroy_alm_info(ainfo);
    free(nph), free(stride), free(ofs), free(phi0), free(theta);
    return SKY_OK;
}

/* ---- LSQR ------------------------------------------------------------- */

typedef struct lsq {
    const sky_sht *p;
    int ncomp;
    int64_t nreal; /* per component: 2 nalm - lmax - 1 (of this process's m) */
    double complex *alm;
    double *map;
    int64_t *roff; /* where each m the plan holds starts in a component's reals */
} lsq;

/* The real vector of the alm a plan holds (all of them on one process), m
 * after m, l = m .. lmax: Re for m = 0, sqrt(2) (Re, Im) otherwise (on one
 * process healpy's order, as in healpy's map2alm_lsq). roff[i]: where the
 * plan's m i starts in a component. */
static void to_complex(const lsq *q, const double *x, double complex *alm)
{
    const sky_sht *p = q->p;
    for (int c = 0; c < q->ncomp; c++) {
        double complex *a = alm + c * p->nalm_own;
        const double *r = x + c * q->nreal;
#pragma omp parallel for schedule(dynamic, 8) if (!p->serial)
        for (int i = 0; i < p->nown; i++) {
            const int m = p->mown[i];
            const double *src = r + q->roff[i];
            double complex *dst = a + p->mstart[i];
            for (int l = m; l <= p->lmax; l++)
                dst[l] = m == 0 ? src[l] : CMPLX(src[2 * (l - m)] * (sqrt(2.0) / 2),
                                                 src[2 * (l - m) + 1] * (sqrt(2.0) / 2));
        }
    }
}

static void from_complex(const lsq *q, const double complex *alm, double f, double beta,
                             double *x)
{
    const sky_sht *p = q->p;
    for (int c = 0; c < q->ncomp; c++) {
        const double complex *a = alm + c * p->nalm_own;
        double *r = x + c * q->nreal;
#pragma omp parallel for schedule(dynamic, 8) if (!p->serial)
        for (int i = 0; i < p->nown; i++) {
            const int m = p->mown[i];
            double *d = r + q->roff[i];
            const double complex *src = a + p->mstart[i];
            for (int l = m; l <= p->lmax; l++) {
                const double complex af = src[l] * f;
                if (m == 0) {
                    const double t = creal(af);
                    d[l] = beta == 0 ? t : t - beta * d[l];
                } else {
                    const double re = creal(af) * sqrt(2.0), im = cimag(af) * sqrt(2.0);
                    double *e = d + 2 * (l - m);
                    e[0] = beta == 0 ? re : re - beta * e[0];
                    e[1] = beta == 0 ? im : im - beta * e[1];
                }
            }
        }
    }
}

/* y = A x + y: alm2map added to y, which saves LSQR a map-sized temporary
 * (t - a u is computed as (-(a u)) + t, the same number). */
static void op_matvec_add(lsq *q, const double *x, double *y)
{
    to_complex(q, x, q->alm);
    sky_sht_alm2map_add(q->p, q->ncomp, q->alm, y);
}

/* x = A^T y - beta x (beta = 0: x = A^T y): map2alm * npix / (4 pi),
 * converted to the real layout element by element as it is combined. */
static void op_rmatvec_sub(lsq *q, const double *y, double beta, double *x)
{
    sky_sht_map2alm(q->p, q->ncomp, y, q->alm);
    const double f = (double)(12 * (int64_t)q->p->nside * q->p->nside) / (4 * M_PI);
    from_complex(q, q->alm, f, beta, x);
}

/* Sums of squares over NPART fixed parts, added in order: the same bits
 * whatever the number of threads. */
enum { NPART = 64 };

static double sum_squares(const double *v, double scale, int64_t n, int serial)
{
    double part[NPART];
#pragma omp parallel for schedule(static) if (!serial)
    for (int k = 0; k < NPART; k++) {
        const int64_t lo = n * k / NPART, hi = n * (k + 1) / NPART;
        double s = 0;
        for (int64_t i = lo; i < hi; i++) {
            const double d = scale * v[i];
            s += d * d;
        }
        part[k] = s;
    }
    double s = 0;
    for (int k = 0; k < NPART; k++)
        s += part[k];
    return s;
}

/* A sum of squares over every process's share when the plan is distributed
 * (maps by rings, alm by m). */
static double all_squares(const sky_sht *p, const double *v, double scale, int64_t n)
{
    const double s = sum_squares(v, scale, n, p->serial);
    return p->distributed ? sky_par_sum_ordered(s) : s;
}

static double all_norm2(const sky_sht *p, const double *v, int64_t n)
{
    return sqrt(all_squares(p, v, 1.0, n));
}

/* v = s v, in parallel unless the plan is small */
static void scale(const sky_sht *p, double *v, double s, int64_t n)
{
#pragma omp parallel for schedule(static) if (!p->serial)
    for (int64_t i = 0; i < n; i++)
        v[i] = s * v[i];
}

static double sign(double x)
{
    return (x > 0) - (x < 0);
}

static void sym_ortho(double a, double b, double *c, double *s, double *r)
{
    if (b == 0) {
        *c = sign(a);
        *s = 0;
        *r = fabs(a);
    } else if (a == 0) {
        *c = 0;
        *s = sign(b);
        *r = fabs(b);
    } else if (fabs(b) > fabs(a)) {
        double tau = a / b;
        *s = sign(b) / sqrt(1 + tau * tau);
        *c = *s * tau;
        *r = b / *s;
    } else {
        double tau = b / a;
        *c = sign(a) / sqrt(1 + tau * tau);
        *s = *c * tau;
        *r = a / *c;
    }
}

/* LSQR; u is the map-sized vector (it may be b itself: b is read only before
 * u is first written). */
static int lsqr(const sky_sht *p, int ncomp, const double *b, double *u, int maxiter, double tol,
                double complex *alm, int *iterations, double *residual, sky_error *err)
{
    /* `alm` is the operator's scratch until the result is written to it */
    lsq q = {p, ncomp, 0, alm, NULL, NULL};
    if (!(q.roff = malloc((size_t)(p->nown + 1) * sizeof *q.roff)))
        return sky_nomem(err, "the least-squares map2alm");
    for (int i = 0; i < p->nown; i++) {
        q.roff[i] = q.nreal;
        q.nreal += p->mown[i] == 0 ? p->lmax + 1 : 2 * (int64_t)(p->lmax - p->mown[i] + 1);
    }
    const int64_t m = ncomp * p->nloc, n = ncomp * q.nreal;
    double *buf = sky_big_alloc((size_t)(3 * (n > 0 ? n : 1)) * sizeof *buf);
    if (!buf) {
        free(q.roff);
        return sky_nomem(err, "the least-squares map2alm");
    }
    double *x = buf, *v = x + n, *w = v + n;
    const double eps = 2.220446049250313e-16, atol = tol, btol = tol, ctol = 1e-8;

    /* x0 = m2a2(b) / npix * 4 pi, the plain map2alm */
    op_rmatvec_sub(&q, b, 0, x);
    const double npix = (double)p->npix;
#pragma omp parallel for schedule(static) if (!p->serial)
    for (int64_t i = 0; i < n; i++)
        x[i] = x[i] / npix * (4 * M_PI);

    const double bnorm = all_norm2(p, b, m);
    /* u = b - A x, as -((A x) + (-b)) */
#pragma omp parallel for schedule(static) if (!p->serial)
    for (int64_t i = 0; i < m; i++)
        u[i] = -b[i];
    op_matvec_add(&q, x, u);
    scale(p, u, -1.0, m);
    double beta = all_norm2(p, u, m), alfa = 0;
    if (beta > 0) {
        scale(p, u, 1 / beta, m);
        op_rmatvec_sub(&q, u, 0, v);
        alfa = all_norm2(p, v, n);
    } else {
        memcpy(v, x, (size_t)n * sizeof *v);
    }
    if (alfa > 0)
        scale(p, v, 1 / alfa, n);
    memcpy(w, v, (size_t)n * sizeof *w);
    double rhobar = alfa, phibar = beta, rnorm = beta, r1norm = rnorm;
    double anorm = 0, acond = 0, ddnorm = 0, res2 = 0, xnorm = 0, xxnorm = 0, z = 0;
    double cs2 = -1, sn2 = 0;
    int itn = 0;
    if (alfa * beta != 0) {
        while (itn < maxiter) {
            itn++;
            scale(p, u, -alfa, m); /* u = A v - alfa u, as (-alfa) u + A v */
            op_matvec_add(&q, v, u);
            beta = all_norm2(p, u, m);
            if (beta > 0) {
                scale(p, u, 1 / beta, m);
                anorm = sqrt(anorm * anorm + alfa * alfa + beta * beta);
                op_rmatvec_sub(&q, u, beta, v);
                alfa = all_norm2(p, v, n);
                if (alfa > 0)
                    scale(p, v, 1 / alfa, n);
            }
            double cs, sn, rho;
            sym_ortho(rhobar, beta, &cs, &sn, &rho);
            const double theta = sn * alfa;
            rhobar = -cs * alfa;
            const double phi = cs * phibar;
            phibar = sn * phibar;
            const double tau = sn * phi, t1 = phi / rho, t2 = -theta / rho;
            const double dk2 = all_squares(p, w, 1 / rho, n); /* dk = w / rho */
#pragma omp parallel for schedule(static) if (!p->serial)
            for (int64_t i = 0; i < n; i++) {
                x[i] = x[i] + t1 * w[i];
                w[i] = v[i] + t2 * w[i];
            }
            ddnorm = ddnorm + dk2;
            const double delta = sn2 * rho, gambar = -cs2 * rho, rhs = phi - delta * z;
            const double zbar = rhs / gambar;
            xnorm = sqrt(xxnorm + zbar * zbar);
            const double gamma = sqrt(gambar * gambar + theta * theta);
            cs2 = gambar / gamma;
            sn2 = theta / gamma;
            z = rhs / gamma;
            xxnorm = xxnorm + z * z;
            acond = anorm * sqrt(ddnorm);
            rnorm = sqrt(phibar * phibar + res2);
            const double arnorm = alfa * fabs(tau);
            r1norm = rnorm;
            const double test1 = rnorm / bnorm, test2 = arnorm / (anorm * rnorm + eps),
                         test3 = 1 / (acond + eps);
            const double tt1 = test1 / (1 + anorm * xnorm / bnorm);
            const double rtol = btol + atol * anorm * xnorm / bnorm;
            if (1 + test3 <= 1 || 1 + test2 <= 1 || 1 + tt1 <= 1 || test3 <= ctol ||
                test2 <= atol || test1 <= rtol)
                break;
        }
    }
    to_complex(&q, x, alm);
    if (iterations)
        *iterations = itn;
    if (residual)
        *residual = bnorm > 0 ? r1norm / bnorm : 0;
    free(buf);
    free(q.roff);
    return SKY_OK;
}

int sky_sht_map2alm_lsq(const sky_sht *p, int ncomp, const double *b, int maxiter, double tol,
                        double complex *alm, int *iterations, double *residual, sky_error *err)
{
    double *u = sky_big_alloc((size_t)(ncomp * (p->nloc > 0 ? p->nloc : 1)) * sizeof *u);
    if (!u)
        return sky_nomem(err, "the least-squares map2alm");
    int rc = lsqr(p, ncomp, b, u, maxiter, tol, alm, iterations, residual, err);
    free(u);
    return rc;
}

int sky_sht_map2alm_lsq_inplace(const sky_sht *p, int ncomp, double *map, int maxiter,
                                double tol, double complex *alm, int *iterations,
                                double *residual, sky_error *err)
{
    return lsqr(p, ncomp, map, map, maxiter, tol, alm, iterations, residual, err);
}
