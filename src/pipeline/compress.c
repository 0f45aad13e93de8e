/*
 * compress.c - compressed channel groups (skymodel.h, "Compressed channel
 * groups"): channels smoothed the same way, evaluated in two streamed
 * passes, reduced to a few basis maps that are smoothed once, each channel
 * then a combination of the smoothed basis (docs/smoothing.md).
 *
 * The smoothing operator is block diagonal: I (T) alone, Q and U (E, B)
 * together. The compression is too: the I rows of the channels get their
 * own basis, the (Q, U) rows theirs, and basis map k packs I basis k and
 * (Q, U) basis k into one IQU map for one smoothing.
 *
 * Pass 1 accumulates, block by block of pixels, the channels' Gram matrices
 * (n x n, I and P) and sums of squares; under MPI each process adds its
 * pixels and the matrices are summed across processes (n^2 numbers, never a
 * map). Their eigen-decomposition (LAPACK dsyevd) of the channels normalised
 * by their RMS gives the basis directions; K is the smallest number whose
 * estimated residual is well under the tolerance. Pass 2 evaluates the
 * channels again, forms the K basis maps and measures each channel's actual
 * reconstruction error (largest |x - x_K| over its RMS); K grows and pass 2
 * is repeated until every channel is within the tolerance.
 */
#define _POSIX_C_SOURCE 200809L
#include <float.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/combine.h"
#include "core/error.h"
#include "core/heap.h"
#include "core/vmath.h"
#include "parallel/comm.h"
#include "parallel/region.h"
#include "sht/smooth.h"
#include "skymodel.h"
#include "sky_eval.h"

/* LAPACK (Fortran) */
extern void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
                    double *w, double *work, const int *lwork, int *iwork, const int *liwork,
                    int *info, size_t jobz_len, size_t uplo_len);

/* The basis maps' least-squares solve: converged further than a channel's
 * (PySM: atol 1e-7, at most 10 iterations, about 5e-7 of the RMS from the
 * converged maps) so that the combination of smoothed basis maps is the
 * smoothing of the combination (docs/smoothing.md): atol 1e-8 leaves about
 * 5e-8, a tenth of a channel's own solve, for one or two more iterations. */
static const double BASIS_LSQ_TOL = 1e-8;
static const int BASIS_LSQ_MIN_ITER = 30;

/* The first K aims this far under the tolerance (estimated RMS residual; the
 * tolerance bounds the largest). */
static const double FIRST_MARGIN = 1.0 / 30;

/* Candidate directions beyond that K, each checked in the same pass (a pass
 * evaluates every channel; a candidate costs two multiply-adds a channel):
 * those estimated down to CANDIDATE_MARGIN of its target, at most
 * max(CANDIDATES_MIN, K / 2) more. */
static const double CANDIDATE_MARGIN = 1.0 / 100;
enum { CANDIDATES_MIN = 4 };

/* How many directions of lr to take: its k (aimed at target) and the
 * candidates after it, these at most `limit` in all */
static int with_candidates(const sky_lowrank *lr, double target, int limit)
{
    int k = sky_lowrank_next(lr, lr->k, target * CANDIDATE_MARGIN);
    const int cap = lr->k + (lr->k / 2 > CANDIDATES_MIN ? lr->k / 2 : CANDIDATES_MIN);
    k = k < cap ? k : cap;
    return k <= limit ? k : limit > lr->k ? limit : lr->k;
}

/* Eigenvalues under this fraction of the largest are the Gram matrix's
 * rounding, not the channels' (about 1e-8 in singular values). */
static const double EIG_FLOOR = 1e-15;

int sky_smooth_opts_equal(const sky_smooth_opts *a, const sky_smooth_opts *b)
{
    if (a->fwhm_rad != b->fwhm_rad || a->lmax != b->lmax || a->lsq_maxiter != b->lsq_maxiter ||
        a->nside_out != b->nside_out || a->rot_from != b->rot_from || a->rot_to != b->rot_to ||
        a->car_res_rad != b->car_res_rad || a->lsq_tol != b->lsq_tol || !a->beam != !b->beam)
        return 0;
    if (!a->beam || a->beam == b->beam)
        return !a->beam || (a->beam_ncols == b->beam_ncols && a->beam_len == b->beam_len);
    return a->beam_ncols == b->beam_ncols && a->beam_len == b->beam_len &&
           !memcmp(a->beam, b->beam, (size_t)a->beam_ncols * a->beam_len * sizeof *a->beam);
}

/* ------------------------------------------------------------------------ */
/* The low-rank core                                                        */
/* ------------------------------------------------------------------------ */

int sky_smooth_groups(int nchan, const sky_smooth_opts *const *opts, int *group)
{
    int ngroup = 0;
    for (int c = 0; c < nchan; c++) {
        group[c] = opts[c] ? c : -1;
        for (int d = 0; opts[c] && d < c; d++)
            if (group[d] == d && sky_smooth_opts_equal(opts[c], opts[d])) {
                group[c] = d;
                break;
            }
        ngroup += group[c] == c;
    }
    return ngroup;
}

void sky_lowrank_free(sky_lowrank *lr)
{
    free(lr->rms);
    free(lr->val);
    free(lr->vec);
    memset(lr, 0, sizeof *lr);
}

/* Eigenvalues of the symmetric n x n `a` (row-major) in descending order in
 * w, their eigenvectors as the columns of v (row-major n x n). */
static int eigh_desc(int n, const double *a, double *w, double *v)
{
    double *fa = malloc((size_t)n * n * sizeof *fa), *wa = malloc((size_t)n * sizeof *wa);
    int info = 0, lwork = -1, liwork = -1, iwq = 0;
    double wq = 0;
    if (!fa || !wa) {
        free(fa);
        free(wa);
        return -1000;
    }
    memcpy(fa, a, (size_t)n * n * sizeof *fa); /* symmetric: its own transpose */
    dsyevd_("V", "L", &n, fa, &n, wa, &wq, &lwork, &iwq, &liwork, &info, 1, 1);
    double *work = NULL;
    int *iwork = NULL;
    if (!info) {
        lwork = (int)wq;
        liwork = iwq;
        work = malloc((size_t)lwork * sizeof *work);
        iwork = malloc((size_t)liwork * sizeof *iwork);
        if (!work || !iwork)
            info = -1000;
        else
            dsyevd_("V", "L", &n, fa, &n, wa, work, &lwork, iwork, &liwork, &info, 1, 1);
    }
    for (int k = 0; !info && k < n; k++) { /* ascending column-major -> descending */
        w[k] = wa[n - 1 - k];
        for (int r = 0; r < n; r++)
            v[r * n + k] = fa[(size_t)(n - 1 - k) * n + r];
    }
    free(work);
    free(iwork);
    free(fa);
    free(wa);
    return info;
}

double sky_lowrank_estimate(const sky_lowrank *lr, int k)
{
    double worst = 0;
    for (int c = 0; c < lr->n; c++) {
        if (!(lr->rms[c] > 0))
            continue;
        double s = 0;
        for (int j = lr->n - 1; j >= k; j--) /* smallest first */
            s += (lr->val[j] > 0 ? lr->val[j] : 0) * lr->vec[c * lr->n + j] * lr->vec[c * lr->n + j];
        const double e = sqrt(s / lr->nsamp);
        if (e > worst)
            worst = e;
    }
    return worst;
}

int sky_lowrank_next(const sky_lowrank *lr, int k, double target)
{
    int k2 = k;
    while (k2 < lr->kmax && sky_lowrank_estimate(lr, k2) > target)
        k2++;
    return k2;
}

int sky_lowrank_from_gram(int n, const double *gram, double nsamp, int normalise, double target,
                          sky_lowrank *lr, sky_error *err)
{
    memset(lr, 0, sizeof *lr);
    if (n < 1 || !gram || !(nsamp > 0) || !(target > 0))
        return sky_fail(err, SKY_EINVAL, "sky_lowrank_from_gram: no channel, no sample or a "
                        "tolerance that is not positive");
    lr->n = n;
    lr->nsamp = nsamp;
    lr->rms = malloc((size_t)n * sizeof *lr->rms);
    lr->val = malloc((size_t)n * sizeof *lr->val);
    lr->vec = malloc((size_t)n * n * sizeof *lr->vec);
    double *g = malloc((size_t)n * n * sizeof *g);
    if (!lr->rms || !lr->val || !lr->vec || !g) {
        free(g);
        sky_lowrank_free(lr);
        return sky_nomem(err, "the channels' Gram matrix");
    }
    for (int c = 0; c < n; c++)
        lr->rms[c] = !normalise ? 1 : sqrt((gram[c * n + c] > 0 ? gram[c * n + c] : 0) / nsamp);
    /* the Gram matrix of the channels divided by their RMS (a channel that
     * is zero everywhere stays zero: its row and column) */
    for (int c = 0; c < n; c++)
        for (int d = 0; d < n; d++)
            g[c * n + d] = !normalise ? gram[c * n + d]
                           : lr->rms[c] > 0 && lr->rms[d] > 0
                               ? gram[c * n + d] / (lr->rms[c] * lr->rms[d])
                               : 0;
    int info = eigh_desc(n, g, lr->val, lr->vec);
    free(g);
    if (info) {
        sky_lowrank_free(lr);
        return info == -1000 ? sky_nomem(err, "the eigen-decomposition")
                             : sky_fail(err, SKY_EINTERNAL, "dsyevd failed (info %d)", info);
    }
    lr->kmax = 0;
    while (lr->kmax < n && lr->val[lr->kmax] > EIG_FLOOR * lr->val[0] && lr->val[0] > 0)
        lr->kmax++;
    lr->k = sky_lowrank_next(lr, 0, target);
    return SKY_OK;
}

/* ------------------------------------------------------------------------ */
/* A group of channels                                                      */
/* ------------------------------------------------------------------------ */

/* G[c, d] += x_c . x_d over `len` values (from x[c] + off), for d <= c;
 * the upper triangle is filled at the end. Four channels d at a time, each
 * summed in four lanes (i mod 4) that the compiler can keep in vector
 * registers without reordering any sum: the same bits on every run. */
enum { LANES = 4 };

/* Entries (c, d) of gram_add for d from d0 to c */
SKY_VECTOR_CLONES
static void gram_row(int n, double *const *x, int64_t off, int64_t len, int c, int d0, double *g)
{
    const int64_t body = len / LANES * LANES;
    const double *xc = x[c] + off;
    int d = d0;
    for (; d + 4 <= c + 1; d += 4) {
        const double *x0 = x[d] + off, *x1 = x[d + 1] + off, *x2 = x[d + 2] + off,
                     *x3 = x[d + 3] + off;
        double s0[LANES] = {0}, s1[LANES] = {0}, s2[LANES] = {0}, s3[LANES] = {0};
        for (int64_t i = 0; i < body; i += LANES)
            for (int l = 0; l < LANES; l++) {
                const double v = xc[i + l];
                s0[l] += v * x0[i + l];
                s1[l] += v * x1[i + l];
                s2[l] += v * x2[i + l];
                s3[l] += v * x3[i + l];
            }
        for (int64_t i = body; i < len; i++) {
            s0[0] += xc[i] * x0[i];
            s1[0] += xc[i] * x1[i];
            s2[0] += xc[i] * x2[i];
            s3[0] += xc[i] * x3[i];
        }
        g[c * n + d] += (s0[0] + s0[1]) + (s0[2] + s0[3]);
        g[c * n + d + 1] += (s1[0] + s1[1]) + (s1[2] + s1[3]);
        g[c * n + d + 2] += (s2[0] + s2[1]) + (s2[2] + s2[3]);
        g[c * n + d + 3] += (s3[0] + s3[1]) + (s3[2] + s3[3]);
    }
    for (; d <= c; d++) {
        const double *xd = x[d] + off;
        double s[LANES] = {0};
        for (int64_t i = 0; i < body; i += LANES)
            for (int l = 0; l < LANES; l++)
                s[l] += xc[i + l] * xd[i + l];
        for (int64_t i = body; i < len; i++)
            s[0] += xc[i] * xd[i];
        g[c * n + d] += (s[0] + s[1]) + (s[2] + s[3]);
    }
}

/* Entries (c0 + a, d0 + b), a and b < 4, of gram_add: four rows against four
 * columns, so that each pixel's eight values serve sixteen products (a row
 * at a time loads five for four). Each entry is summed as in gram_row (its
 * own lanes, the same order, x_c x_d = x_d x_c): the same bits. */
SKY_VECTOR_CLONES
static void gram_block4(int n, double *const *x, int64_t off, int64_t len, int c0, int d0,
                        double *g)
{
    const int64_t body = len / LANES * LANES;
    const double *r0 = x[c0] + off, *r1 = x[c0 + 1] + off, *r2 = x[c0 + 2] + off,
                 *r3 = x[c0 + 3] + off;
    const double *q0 = x[d0] + off, *q1 = x[d0 + 1] + off, *q2 = x[d0 + 2] + off,
                 *q3 = x[d0 + 3] + off;
    double s00[LANES] = {0}, s01[LANES] = {0}, s02[LANES] = {0}, s03[LANES] = {0};
    double s10[LANES] = {0}, s11[LANES] = {0}, s12[LANES] = {0}, s13[LANES] = {0};
    double s20[LANES] = {0}, s21[LANES] = {0}, s22[LANES] = {0}, s23[LANES] = {0};
    double s30[LANES] = {0}, s31[LANES] = {0}, s32[LANES] = {0}, s33[LANES] = {0};
    for (int64_t i = 0; i < body; i += LANES)
        for (int l = 0; l < LANES; l++) {
            const double a0 = r0[i + l], a1 = r1[i + l], a2 = r2[i + l], a3 = r3[i + l];
            const double b0 = q0[i + l], b1 = q1[i + l], b2 = q2[i + l], b3 = q3[i + l];
            s00[l] += a0 * b0;
            s01[l] += a0 * b1;
            s02[l] += a0 * b2;
            s03[l] += a0 * b3;
            s10[l] += a1 * b0;
            s11[l] += a1 * b1;
            s12[l] += a1 * b2;
            s13[l] += a1 * b3;
            s20[l] += a2 * b0;
            s21[l] += a2 * b1;
            s22[l] += a2 * b2;
            s23[l] += a2 * b3;
            s30[l] += a3 * b0;
            s31[l] += a3 * b1;
            s32[l] += a3 * b2;
            s33[l] += a3 * b3;
        }
    for (int64_t i = body; i < len; i++) {
        s00[0] += r0[i] * q0[i];
        s01[0] += r0[i] * q1[i];
        s02[0] += r0[i] * q2[i];
        s03[0] += r0[i] * q3[i];
        s10[0] += r1[i] * q0[i];
        s11[0] += r1[i] * q1[i];
        s12[0] += r1[i] * q2[i];
        s13[0] += r1[i] * q3[i];
        s20[0] += r2[i] * q0[i];
        s21[0] += r2[i] * q1[i];
        s22[0] += r2[i] * q2[i];
        s23[0] += r2[i] * q3[i];
        s30[0] += r3[i] * q0[i];
        s31[0] += r3[i] * q1[i];
        s32[0] += r3[i] * q2[i];
        s33[0] += r3[i] * q3[i];
    }
    g[c0 * n + d0] += (s00[0] + s00[1]) + (s00[2] + s00[3]);
    g[c0 * n + d0 + 1] += (s01[0] + s01[1]) + (s01[2] + s01[3]);
    g[c0 * n + d0 + 2] += (s02[0] + s02[1]) + (s02[2] + s02[3]);
    g[c0 * n + d0 + 3] += (s03[0] + s03[1]) + (s03[2] + s03[3]);
    g[(c0 + 1) * n + d0] += (s10[0] + s10[1]) + (s10[2] + s10[3]);
    g[(c0 + 1) * n + d0 + 1] += (s11[0] + s11[1]) + (s11[2] + s11[3]);
    g[(c0 + 1) * n + d0 + 2] += (s12[0] + s12[1]) + (s12[2] + s12[3]);
    g[(c0 + 1) * n + d0 + 3] += (s13[0] + s13[1]) + (s13[2] + s13[3]);
    g[(c0 + 2) * n + d0] += (s20[0] + s20[1]) + (s20[2] + s20[3]);
    g[(c0 + 2) * n + d0 + 1] += (s21[0] + s21[1]) + (s21[2] + s21[3]);
    g[(c0 + 2) * n + d0 + 2] += (s22[0] + s22[1]) + (s22[2] + s22[3]);
    g[(c0 + 2) * n + d0 + 3] += (s23[0] + s23[1]) + (s23[2] + s23[3]);
    g[(c0 + 3) * n + d0] += (s30[0] + s30[1]) + (s30[2] + s30[3]);
    g[(c0 + 3) * n + d0 + 1] += (s31[0] + s31[1]) + (s31[2] + s31[3]);
    g[(c0 + 3) * n + d0 + 2] += (s32[0] + s32[1]) + (s32[2] + s32[3]);
    g[(c0 + 3) * n + d0 + 3] += (s33[0] + s33[1]) + (s33[2] + s33[3]);
}

/* g (n x n, lower triangle) += the Gram matrix of the channels' len values
 * from off: four rows at a time, their columns below the diagonal four at a
 * time, the rest row by row. */
static void gram_add(int n, double *const *x, int64_t off, int64_t len, double *g)
{
    const int nrb = (n + 3) / 4;
#pragma omp parallel for schedule(dynamic, 1)
    for (int rb = nrb - 1; rb >= 0; rb--) {
        const int c0 = 4 * rb, c1 = c0 + 4 < n ? c0 + 4 : n;
        int d0 = 0;
        if (c1 - c0 == 4)
            for (; d0 + 4 <= c0; d0 += 4)
                gram_block4(n, x, off, len, c0, d0, g);
        for (int c = c0; c < c1; c++)
            gram_row(n, x, off, len, c, d0, g);
    }
}

/* v (len doubles, the same length on every process) summed over processes */
static int sum_over_ranks(double *v, int len, sky_error *err)
{
    const int size = sky_par_size();
    if (size < 2)
        return SKY_OK;
    int *count = malloc((size_t)size * sizeof *count), *displ = malloc((size_t)size * sizeof *displ);
    double *mine = malloc((size_t)(len / size + 1) * sizeof *mine);
    int rc = count && displ && mine ? SKY_OK : sky_nomem(err, "the reductions");
    if (!(rc = sky_par_agree(rc, err))) {
        for (int r = 0, at = 0; r < size; r++) {
            count[r] = len / size + (r < len % size);
            displ[r] = at;
            at += count[r];
        }
        sky_par_reduce_scatter(v, mine, count);
        sky_par_allgather(mine, v, count, displ);
    }
    free(count);
    free(displ);
    free(mine);
    return rc;
}

/* The pixels of pass 1 and of the residuals' Gram matrices: blocks of
 * SAMPLE_BLOCK pixels (global RING index / SAMPLE_BLOCK a multiple of the
 * stride), about SAMPLE_PIX of them spread over the sky (every pixel up to
 * nside 64). The directions found there are checked on every pixel. */
enum { SAMPLE_BLOCK = 1024 };
static const int64_t SAMPLE_PIX = 1 << 15;

static int64_t sample_stride(int64_t npix)
{
    const int64_t nblocks = (npix + SAMPLE_BLOCK - 1) / SAMPLE_BLOCK;
    const int64_t want = SAMPLE_PIX / SAMPLE_BLOCK;
    return nblocks > want ? nblocks / want : 1;
}

static int64_t sample_count(int64_t npix, int64_t stride)
{
    int64_t n = 0;
    for (int64_t b = 0; b * SAMPLE_BLOCK < npix; b += stride)
        n += npix - b * SAMPLE_BLOCK < SAMPLE_BLOCK ? npix - b * SAMPLE_BLOCK : SAMPLE_BLOCK;
    return n;
}

/* What a pass walks over: the sky's ranges (a part and its mirror under MPI)
 * in blocks, each block's channels evaluated. */
typedef struct walker {
    const sky_bands *bands;
    int n;
    const sky_channel *chans;
    int nseg;
    int64_t first[2], count[2];
    int64_t chunk, stride;
    double **x; /* n blocks of 3 x chunk */
} walker;

/* Calls fn for every block: its `first` pixel and `count` of them, `at`
 * their place in a held map (ranges back to back, as sky_channels_evaluate). */
typedef int (*block_fn)(void *ctx, const walker *w, int64_t first, int64_t at, int64_t count,
                        sky_error *err);

static int walk_range(walker *w, int64_t first, int64_t at, int64_t count, block_fn fn,
                      void *ctx, double *seconds, sky_error *err)
{
    const double t0 = sky_clock_seconds();
    int rc = sky_channels_range_prepared(w->bands, w->n, w->chans, first, count, w->x, count,
                                         err);
    *seconds += sky_clock_seconds() - t0;
    return rc ? rc : fn(ctx, w, first, at, count, err);
}

/* Every pixel held (sampled 0) or the sample's (1). */
static int walk(walker *w, int sampled, block_fn fn, void *ctx, double *seconds, sky_error *err)
{
    int rc = SKY_OK;
    int64_t off = 0;
    for (int s = 0; s < w->nseg && !rc; off += w->count[s++]) {
        const int64_t f = w->first[s], end = f + w->count[s];
        if (!sampled || w->stride == 1) {
            for (int64_t i = f; i < end && !rc; i += w->chunk)
                rc = walk_range(w, i, off + i - f, end - i < w->chunk ? end - i : w->chunk, fn,
                                ctx, seconds, err);
            continue;
        }
        for (int64_t b = f / SAMPLE_BLOCK; b * SAMPLE_BLOCK < end && !rc; b++) {
            if (b % w->stride)
                continue;
            const int64_t lo = b * SAMPLE_BLOCK > f ? b * SAMPLE_BLOCK : f;
            const int64_t hi = (b + 1) * SAMPLE_BLOCK < end ? (b + 1) * SAMPLE_BLOCK : end;
            rc = walk_range(w, lo, off + lo - f, hi - lo, fn, ctx, seconds, err);
        }
    }
    return rc;
}

/* Gram matrices (n x n, lower triangle) of the blocks' I rows and of their
 * Q and U rows, over the sampled pixels of [first, first + count). */
static void gram_sampled(const walker *w, int64_t first, int64_t count, double *gi, double *gp)
{
    for (int64_t b = first / SAMPLE_BLOCK; b * SAMPLE_BLOCK < first + count; b++) {
        if (b % w->stride)
            continue;
        const int64_t lo = b * SAMPLE_BLOCK > first ? b * SAMPLE_BLOCK : first;
        const int64_t hi = (b + 1) * SAMPLE_BLOCK < first + count ? (b + 1) * SAMPLE_BLOCK
                                                                  : first + count;
        gram_add(w->n, w->x, lo - first, hi - lo, gi);
        gram_add(w->n, w->x, count + lo - first, hi - lo, gp);
        gram_add(w->n, w->x, 2 * count + lo - first, hi - lo, gp);
    }
}

/* Pass 0: the channels' sums of squares on the sample (their scales). */
typedef struct pass0 {
    double *ssi, *ssp; /* n */
} pass0;

static int pass0_block(void *ctx, const walker *w, int64_t first, int64_t at, int64_t count,
                       sky_error *err)
{
    pass0 *p = ctx;
    (void)first, (void)at, (void)err;
#pragma omp parallel for schedule(static)
    for (int c = 0; c < w->n; c++) {
        const double *x = w->x[c];
        double si = 0, sp = 0;
        for (int64_t i = 0; i < count; i++)
            si += x[i] * x[i];
        for (int64_t i = count; i < 3 * count; i++)
            sp += x[i] * x[i];
        p->ssi[c] += si;
        p->ssp[c] += sp;
    }
    return SKY_OK;
}

/* Pass 1, on the sample: the channels over their RMS, their mean m (over the
 * channels that are not zero) and the Gram matrices of their deviations
 * from it, x^_c - m: the deviations are a percent of the maps, so their
 * Gram matrix resolves directions a hundred times smaller than the maps'
 * own would (its rounding is relative to its largest eigenvalue). */
typedef struct pass1 {
    const double *inv_i, *inv_p; /* n: 1 / RMS (0 for a zero channel) */
    double nz_i, nz_p;           /* channels that are not zero */
    double *gi, *gp;             /* n x n */
    double mm[2];                /* sum of m^2: I, and Q and U */
} pass1;

static int pass1_block(void *ctx, const walker *w, int64_t first, int64_t at, int64_t count,
                       sky_error *err)
{
    pass1 *p = ctx;
    const int n = w->n;
    (void)first, (void)at, (void)err;
    double mi = 0, mp = 0;
#pragma omp parallel for schedule(static) reduction(+ : mi, mp)
    for (int64_t i = 0; i < count; i++) {
        double s[3] = {0, 0, 0};
        for (int c = 0; c < n; c++) {
            double *x = w->x[c];
            x[i] *= p->inv_i[c];
            x[count + i] *= p->inv_p[c];
            x[2 * count + i] *= p->inv_p[c];
            s[0] += x[i];
            s[1] += x[count + i];
            s[2] += x[2 * count + i];
        }
        s[0] = p->nz_i > 0 ? s[0] / p->nz_i : 0;
        s[1] = p->nz_p > 0 ? s[1] / p->nz_p : 0;
        s[2] = p->nz_p > 0 ? s[2] / p->nz_p : 0;
        for (int c = 0; c < n; c++) {
            double *x = w->x[c];
            if (p->inv_i[c] > 0)
                x[i] -= s[0];
            if (p->inv_p[c] > 0) {
                x[count + i] -= s[1];
                x[2 * count + i] -= s[2];
            }
        }
        mi += s[0] * s[0];
        mp += s[1] * s[1] + s[2] * s[2];
    }
    p->mm[0] += mi;
    p->mm[1] += mp;
    gram_add(n, w->x, 0, count, p->gi);
    gram_add(n, w->x, count, 2 * count, p->gp); /* Q and U rows back to back */
    return SKY_OK;
}

/* One block of the basis: weights w (basis j = sum_c w[c n + j] x_c, the
 * channels as evaluated) and coefficients a (x_c / rms_c ~ sum_j a[c n + j]
 * basis j), I and P apart; columns of n x n arrays. */
typedef struct basis_part {
    int k;
    double *w, *a;
    double *inv_rms; /* 1 / the channels' RMS on the sample (0 for a zero channel) */
} basis_part;

typedef struct pass2 {
    basis_part *bi, *bp;
    double *const *basis; /* max(ki, kp) IQU maps of nloc pixels */
    int64_t nloc;
    /* largest |residual| (in units of the sample's RMS) of channel c with
     * the first j basis maps: lvi[c (ki + 1) + j], j = 0..ki; lvp alike */
    double *lvi, *lvp;
    double *ssi, *ssp;   /* n: sums of squares (the same units), every pixel */
    double *hi, *hp;     /* n x n: the residuals' Gram matrices on the sample */
} pass2;

enum { SUB = 256 }; /* pixels of a sub-block (one thread's) */

/* The block's basis maps, b (nb x 3 x SUB: I, Q, U of each): basis k =
 * sum_c w[c n + k] x_c (wi for I, k < ki; wp for Q and U, k < kp), over the
 * m pixels from i0 of the channel blocks x (count pixels a component).
 * Four channels at a time: their pixels are read once for every k. */
SKY_VECTOR_CLONES
static void form_basis(int n, int ki, int kp, const double *wi, const double *wp,
                       double *const *x, int64_t i0, int64_t count, int64_t m, double *b)
{
    const int nb = ki > kp ? ki : kp;
    memset(b, 0, (size_t)nb * 3 * SUB * sizeof *b);
    int c = 0;
    for (; c + 4 <= n; c += 4) {
        const double *x0 = x[c] + i0, *x1 = x[c + 1] + i0, *x2 = x[c + 2] + i0,
                     *x3 = x[c + 3] + i0;
        for (int k = 0; k < nb; k++) {
            double *bk = b + (size_t)k * 3 * SUB;
            for (int s = 0; s < 3; s++) {
                const double *w = s ? wp : wi;
                if (k >= (s ? kp : ki))
                    continue;
                const double f0 = w[c * n + k], f1 = w[(c + 1) * n + k],
                             f2 = w[(c + 2) * n + k], f3 = w[(c + 3) * n + k];
                const int64_t o = s * count;
                double *bs = bk + s * SUB;
                for (int64_t i = 0; i < m; i++)
                    bs[i] += (f0 * x0[o + i] + f1 * x1[o + i]) + (f2 * x2[o + i] + f3 * x3[o + i]);
            }
        }
    }
    for (; c < n; c++) {
        const double *xc = x[c] + i0;
        for (int k = 0; k < nb; k++)
            for (int s = 0; s < 3; s++) {
                if (k >= (s ? kp : ki))
                    continue;
                const double f = (s ? wp : wi)[c * n + k];
                double *bs = b + ((size_t)k * 3 + s) * SUB;
                for (int64_t i = 0; i < m; i++)
                    bs[i] += f * xc[s * count + i];
            }
    }
}

/* Maxima and sums in RL lanes (i mod RL), so that the compiler keeps them
 * in vector registers: a reduction into one variable would not vectorise
 * (its order of operations is fixed). */
enum { RL = 8 };

static inline double lanes_max(const double *l)
{
    double e = l[0];
    for (int j = 1; j < RL; j++)
        e = l[j] > e ? l[j] : e;
    return e;
}

static inline double fmax2(double a, double b)
{
    return a > b ? a : b;
}

/* One channel's m pixels (xi, xq, xu) over its RMS (times ri, rp), into yi,
 * yq, yu, their sums of squares added to *si, *sp, and their largest |value|
 * (the residual with no basis map) in *ei, *ep. */
SKY_VECTOR_CLONES
static void normalise(double ri, double rp, const double *restrict xi,
                      const double *restrict xq, const double *restrict xu,
                      double *restrict yi, double *restrict yq, double *restrict yu, int64_t m,
                      double *si, double *sp, double *ei, double *ep)
{
    const int64_t body = m / RL * RL;
    double s2i[RL] = {0}, s2p[RL] = {0}, e0i[RL] = {0}, e0p[RL] = {0};
    for (int64_t i0 = 0; i0 < body; i0 += RL)
        for (int l = 0; l < RL; l++) {
            const int64_t i = i0 + l;
            const double vi = xi[i] * ri, vq = xq[i] * rp, vu = xu[i] * rp;
            yi[i] = vi;
            yq[i] = vq;
            yu[i] = vu;
            s2i[l] += vi * vi;
            s2p[l] += vq * vq + vu * vu;
            const double ai0 = fabs(vi), aq = fabs(vq), au = fabs(vu), ap0 = aq > au ? aq : au;
            e0i[l] = ai0 > e0i[l] ? ai0 : e0i[l];
            e0p[l] = ap0 > e0p[l] ? ap0 : e0p[l];
        }
    for (int64_t i = body; i < m; i++) {
        const double vi = xi[i] * ri, vq = xq[i] * rp, vu = xu[i] * rp;
        yi[i] = vi;
        yq[i] = vq;
        yu[i] = vu;
        s2i[0] += vi * vi;
        s2p[0] += vq * vq + vu * vu;
        const double ai0 = fabs(vi), aq = fabs(vq), au = fabs(vu), ap0 = aq > au ? aq : au;
        e0i[0] = ai0 > e0i[0] ? ai0 : e0i[0];
        e0p[0] = ap0 > e0p[0] ? ap0 : e0p[0];
    }
    for (int l = 0; l < RL; l++) {
        *si += s2i[l];
        *sp += s2p[l];
    }
    const double m0i = lanes_max(e0i), m0p = lanes_max(e0p);
    *ei = m0i > *ei ? m0i : *ei;
    *ep = m0p > *ep ? m0p : *ep;
}

/*
 * The residuals of RC channels at once after each basis map of b in turn,
 * in place of their normalised values, and the largest |residual| with the
 * first j maps in e[r][j] (j = 1..k). A basis map's pixels are read once
 * for the RC channels (one at a time, every channel read the block's whole
 * basis from the second-level cache), two maps a pass (each channel's pixels
 * read once for both). Each channel's residual is the one subtraction after
 * the other, as alone: the same bits. A largest value does not depend on
 * the order it is taken in: the compiler may keep it in vector lanes.
 */
enum { RC = 4 };

/* |v| (the larger of |v| and |w|) into the running maximum m */
#define TAKE_MAX(m, v) ((m) = fabs(v) > (m) ? fabs(v) : (m))
#define TAKE_MAX2(m, v, w) ((m) = fmax2(fabs(v), fabs(w)) > (m) ? fmax2(fabs(v), fabs(w)) : (m))

/* I: a[r][k] channel r's coefficient of map k, x[r] its I pixels. */
SKY_VECTOR_CLONES
static void levels_i(int k_all, const double *const *a, const double *b, double *const *x,
                     int64_t m, double *const *e)
{
    double *restrict x0 = x[0], *restrict x1 = x[1], *restrict x2 = x[2], *restrict x3 = x[3];
    for (int k = 0; k < k_all; k += 2) {
        const int two = k + 1 < k_all;
        const double *p0 = b + (size_t)k * 3 * SUB, *p1 = two ? p0 + 3 * SUB : p0;
        /* with one map left, the second step subtracts 0 (x keeps its
         * value, but for the sign of a zero) and its maxima are not kept */
        const double f00 = a[0][k], f10 = a[1][k], f20 = a[2][k], f30 = a[3][k];
        const double f01 = two ? a[0][k + 1] : 0, f11 = two ? a[1][k + 1] : 0,
                     f21 = two ? a[2][k + 1] : 0, f31 = two ? a[3][k + 1] : 0;
        double m00 = 0, m01 = 0, m10 = 0, m11 = 0, m20 = 0, m21 = 0, m30 = 0, m31 = 0;
#pragma omp simd reduction(max : m00, m01, m10, m11, m20, m21, m30, m31)
        for (int64_t i = 0; i < m; i++) {
            const double b0 = p0[i], b1 = p1[i];
            double v0 = x0[i] - f00 * b0, v1 = x1[i] - f10 * b0, v2 = x2[i] - f20 * b0,
                   v3 = x3[i] - f30 * b0;
            TAKE_MAX(m00, v0);
            TAKE_MAX(m10, v1);
            TAKE_MAX(m20, v2);
            TAKE_MAX(m30, v3);
            v0 = v0 - f01 * b1, v1 = v1 - f11 * b1, v2 = v2 - f21 * b1, v3 = v3 - f31 * b1;
            TAKE_MAX(m01, v0);
            TAKE_MAX(m11, v1);
            TAKE_MAX(m21, v2);
            TAKE_MAX(m31, v3);
            x0[i] = v0, x1[i] = v1, x2[i] = v2, x3[i] = v3;
        }
        const double mx[RC][2] = {{m00, m01}, {m10, m11}, {m20, m21}, {m30, m31}};
        for (int r = 0; r < RC; r++)
            for (int j = 0; j <= two; j++)
                e[r][k + j + 1] = mx[r][j] > e[r][k + j + 1] ? mx[r][j] : e[r][k + j + 1];
    }
}

/* Q and U together (a pixel's residual is the larger of the two): a[r][k]
 * channel r's coefficient of map k, q[r] and u[r] its Q and U pixels. */
SKY_VECTOR_CLONES
static void levels_p(int k_all, const double *const *a, const double *b, double *const *q,
                     double *const *u, int64_t m, double *const *e)
{
    double *restrict q0 = q[0], *restrict q1 = q[1], *restrict q2 = q[2], *restrict q3 = q[3];
    double *restrict u0 = u[0], *restrict u1 = u[1], *restrict u2 = u[2], *restrict u3 = u[3];
    for (int k = 0; k < k_all; k += 2) {
        const int two = k + 1 < k_all;
        const double *p0 = b + ((size_t)k * 3 + 1) * SUB, *p1 = two ? p0 + 3 * SUB : p0;
        const double f00 = a[0][k], f10 = a[1][k], f20 = a[2][k], f30 = a[3][k];
        const double f01 = two ? a[0][k + 1] : 0, f11 = two ? a[1][k + 1] : 0,
                     f21 = two ? a[2][k + 1] : 0, f31 = two ? a[3][k + 1] : 0;
        double m00 = 0, m01 = 0, m10 = 0, m11 = 0, m20 = 0, m21 = 0, m30 = 0, m31 = 0;
#pragma omp simd reduction(max : m00, m01, m10, m11, m20, m21, m30, m31)
        for (int64_t i = 0; i < m; i++) {
            const double c0 = p0[i], d0 = p0[SUB + i], c1 = p1[i], d1 = p1[SUB + i];
            double vq0 = q0[i] - f00 * c0, vu0 = u0[i] - f00 * d0;
            double vq1 = q1[i] - f10 * c0, vu1 = u1[i] - f10 * d0;
            double vq2 = q2[i] - f20 * c0, vu2 = u2[i] - f20 * d0;
            double vq3 = q3[i] - f30 * c0, vu3 = u3[i] - f30 * d0;
            TAKE_MAX2(m00, vq0, vu0);
            TAKE_MAX2(m10, vq1, vu1);
            TAKE_MAX2(m20, vq2, vu2);
            TAKE_MAX2(m30, vq3, vu3);
            vq0 = vq0 - f01 * c1, vu0 = vu0 - f01 * d1;
            vq1 = vq1 - f11 * c1, vu1 = vu1 - f11 * d1;
            vq2 = vq2 - f21 * c1, vu2 = vu2 - f21 * d1;
            vq3 = vq3 - f31 * c1, vu3 = vu3 - f31 * d1;
            TAKE_MAX2(m01, vq0, vu0);
            TAKE_MAX2(m11, vq1, vu1);
            TAKE_MAX2(m21, vq2, vu2);
            TAKE_MAX2(m31, vq3, vu3);
            q0[i] = vq0, u0[i] = vu0, q1[i] = vq1, u1[i] = vu1;
            q2[i] = vq2, u2[i] = vu2, q3[i] = vq3, u3[i] = vu3;
        }
        const double mx[RC][2] = {{m00, m01}, {m10, m11}, {m20, m21}, {m30, m31}};
        for (int r = 0; r < RC; r++)
            for (int j = 0; j <= two; j++)
                e[r][k + j + 1] = mx[r][j] > e[r][k + j + 1] ? mx[r][j] : e[r][k + j + 1];
    }
}

#undef TAKE_MAX
#undef TAKE_MAX2

/* Whether pixels [lo, hi) of the sky meet a sampled block (gram_sampled) */
static int meets_sample(const walker *w, int64_t lo, int64_t hi)
{
    for (int64_t b = lo / SAMPLE_BLOCK; b * SAMPLE_BLOCK < hi; b++)
        if (b % w->stride == 0)
            return 1;
    return 0;
}

/* The basis maps of the block, and each channel's residual (over its RMS),
 * its largest after every basis map (every candidate K is checked in one
 * pass); then the residuals' Gram matrices. The residuals are formed in a
 * thread's scratch, RC channels at a time, and go back in place of the
 * channels' values only where the Gram matrices read them (the sample): the
 * channels' block, hundreds of channels beyond the caches, is read but not
 * written back to memory. */
static int pass2_block(void *ctx, const walker *w, int64_t first, int64_t at, int64_t count,
                       sky_error *err)
{
    pass2 *p = ctx;
    const int n = w->n, ki = p->bi->k, kp = p->bp->k, nb = ki > kp ? ki : kp;
    const size_t li = (size_t)ki + 1, lp = (size_t)kp + 1;
    const int64_t nsub = (count + SUB - 1) / SUB;
    int short_of_memory = 0;
#pragma omp parallel reduction(| : short_of_memory)
    {
        /* the channels' maxima and sums of squares, the block's basis, the
         * RC channels' residuals, and a stand-in channel that fills the last
         * group of RC: its coefficients (0) and maxima */
        const size_t pad = (size_t)RC * 3 * SUB + (size_t)nb + li + lp;
        double *mi = calloc((size_t)n * (li + lp + 2) + (size_t)nb * 3 * SUB + pad, sizeof *mi);
        short_of_memory = !mi;
        double *mp = mi ? mi + n * li : NULL, *si = mi ? mp + n * lp : NULL,
               *sp = mi ? si + n : NULL, *b = mi ? sp + n : NULL; /* b: nb x 3 x SUB */
        double *res = mi ? b + (size_t)nb * 3 * SUB : NULL; /* RC x 3 x SUB */
        double *pad_a = mi ? res + (size_t)RC * 3 * SUB : NULL;
        double *pad_ei = mi ? pad_a + nb : NULL, *pad_ep = mi ? pad_ei + li : NULL;
#pragma omp for schedule(static)
        for (int64_t sb = 0; sb < nsub; sb++) {
            const int64_t i0 = sb * SUB, m = count - i0 < SUB ? count - i0 : SUB;
            if (!mi) /* a thread without its scratch: the pass fails */
                continue;
            form_basis(n, ki, kp, p->bi->w, p->bp->w, w->x, i0, count, m, b);
            for (int k = 0; k < nb; k++)
                for (int s = 0; s < 3; s++)
                    memcpy(p->basis[k] + s * p->nloc + at + i0, b + ((size_t)k * 3 + s) * SUB,
                           (size_t)m * sizeof *b);
            const int keep = meets_sample(w, first + i0, first + i0 + m);
            for (int c0 = 0; c0 < n; c0 += RC) {
                const double *ai[RC], *ap[RC];
                double *yi[RC], *yq[RC], *yu[RC], *ei[RC], *ep[RC];
                for (int r = 0; r < RC; r++) {
                    const int c = c0 + r;
                    yi[r] = res + (size_t)r * 3 * SUB, yq[r] = yi[r] + SUB, yu[r] = yq[r] + SUB;
                    if (c >= n) { /* the stand-in: zeros */
                        ai[r] = ap[r] = pad_a;
                        memset(yi[r], 0, 3 * SUB * sizeof *res);
                        ei[r] = pad_ei, ep[r] = pad_ep;
                        continue;
                    }
                    ai[r] = p->bi->a + (size_t)c * n;
                    ap[r] = p->bp->a + (size_t)c * n;
                    const double *xi = w->x[c] + i0;
                    ei[r] = mi + c * li, ep[r] = mp + c * lp;
                    normalise(p->bi->inv_rms[c], p->bp->inv_rms[c], xi, xi + count,
                              xi + 2 * count, yi[r], yq[r], yu[r], m, &si[c], &sp[c], ei[r],
                              ep[r]);
                }
                levels_i(ki, ai, b, yi, m, ei);
                levels_p(kp, ap, b, yq, yu, m, ep);
                for (int r = 0; keep && r < RC && c0 + r < n; r++)
                    for (int s = 0; s < 3; s++)
                        memcpy(w->x[c0 + r] + s * count + i0, res + ((size_t)r * 3 + s) * SUB,
                               (size_t)m * sizeof *res);
            }
        }
#pragma omp critical
        if (mi) {
            for (size_t c = 0; c < (size_t)n * li; c++)
                p->lvi[c] = fmax(p->lvi[c], mi[c]);
            for (size_t c = 0; c < (size_t)n * lp; c++)
                p->lvp[c] = fmax(p->lvp[c], mp[c]);
            for (int c = 0; c < n; c++) {
                p->ssi[c] += si[c];
                p->ssp[c] += sp[c];
            }
        }
        free(mi);
    }
    if (short_of_memory)
        return sky_nomem(err, "the residual checks");
    gram_sampled(w, first, count, p->hi, p->hp);
    return SKY_OK;
}

void sky_compressed_free(sky_compressed *cm)
{
    for (int k = 0; cm->basis && k < cm->nbasis; k++)
        sky_smoothed_free(&cm->basis[k]);
    for (int k = 0; cm->maps && k < cm->nmaps; k++)
        free(cm->maps[k]);
    free(cm->basis);
    free(cm->maps);
    free(cm->coef_i);
    free(cm->coef_p);
    memset(cm, 0, sizeof *cm);
}

/* lower triangle -> symmetric */
static void symmetrise(int n, double *g)
{
    for (int c = 0; c < n; c++)
        for (int d = c + 1; d < n; d++)
            g[c * n + d] = g[d * n + c];
}

/* The first directions: the mean m of the channels over their RMS (basis
 * 0, coefficient s_m = RMS of m for every channel) and the leading
 * directions of their deviations from it (Gram matrix g on nsamp samples):
 * D u_j = sum_c (u_cj - mean_nz(u_j)) x^_c, over s_j. inv_rms: 1 / the
 * channels' RMS (0: a zero channel, left out). */
static int first_directions(int n, const double *g, double nsamp, double mm,
                            const double *inv_rms, double target, basis_part *bp,
                            sky_error *err)
{
    sky_lowrank lr;
    int rc = sky_lowrank_from_gram(n, g, nsamp, 0, target, &lr, err);
    if (rc)
        return rc;
    int nz = 0;
    for (int c = 0; c < n; c++) {
        bp->inv_rms[c] = inv_rms[c];
        nz += inv_rms[c] > 0;
    }
    const double sm = sqrt(mm / nsamp);
    const int take = with_candidates(&lr, target, n - 2); /* the mean is one more */
    int k = 0;
    if (nz > 0 && sm > 0) {
        for (int c = 0; c < n; c++) {
            bp->w[c * n] = inv_rms[c] > 0 ? inv_rms[c] / (nz * sm) : 0;
            bp->a[c * n] = inv_rms[c] > 0 ? sm : 0;
        }
        k = 1;
    }
    for (int j = 0; j < take && k < n; j++, k++) {
        const double s = sqrt(lr.val[j] / nsamp);
        double mean = 0;
        for (int c = 0; c < n; c++)
            mean += inv_rms[c] > 0 ? lr.vec[c * n + j] : 0;
        mean /= nz > 0 ? nz : 1;
        for (int c = 0; c < n; c++) {
            bp->w[c * n + k] = inv_rms[c] > 0 ? (lr.vec[c * n + j] - mean) / s * inv_rms[c] : 0;
            bp->a[c * n + k] = inv_rms[c] > 0 ? lr.vec[c * n + j] * s : 0;
        }
    }
    bp->k = k;
    sky_lowrank_free(&lr);
    return SKY_OK;
}

/* More directions from the residuals' Gram matrix h (n x n, the channels
 * over their RMS, on nsamp pixels): direction j is the residuals'
 * combination R u_j = X~ (u_j - W~ A^T u_j) (X~: the channels over their
 * RMS, W~ the weights in those units), over its RMS s_j, with coefficients
 * u_j s_j. Returns how many were added, -1 when out of memory. */
static int more_directions(const double *h, double nsamp, double target, basis_part *bp,
                           int n, sky_error *err)
{
    sky_lowrank lr;
    if (sky_lowrank_from_gram(n, h, nsamp, 0, target, &lr, err))
        return -1;
    int add = lr.k < 1 && lr.kmax > 0 ? 1 : with_candidates(&lr, target, n - 1 - bp->k);
    if (bp->k + add > n)
        add = n - bp->k;
    double *w2 = malloc((size_t)n * (add > 0 ? add : 1) * sizeof *w2);
    double *atu = malloc((size_t)(bp->k > 0 ? bp->k : 1) * sizeof *atu);
    if (!w2 || !atu)
        add = -1;
    for (int j = 0; j < add; j++) {
        const double s = sqrt(lr.val[j] / nsamp);
        for (int k = 0; k < bp->k; k++) {
            atu[k] = 0;
            for (int c = 0; c < n; c++)
                atu[k] += bp->a[c * n + k] * lr.vec[c * n + j];
        }
        for (int c = 0; c < n; c++) {
            double v = lr.vec[c * n + j];
            for (int k = 0; k < bp->k; k++)
                v -= (bp->inv_rms[c] > 0 ? bp->w[c * n + k] / bp->inv_rms[c] : 0) * atu[k];
            w2[c * add + j] = v / s * bp->inv_rms[c];
        }
    }
    for (int j = 0; j < add; j++) {
        const double s = sqrt(lr.val[j] / nsamp);
        for (int c = 0; c < n; c++) {
            bp->w[c * n + bp->k + j] = w2[c * add + j];
            bp->a[c * n + bp->k + j] = bp->inv_rms[c] > 0 ? lr.vec[c * n + j] * s : 0;
        }
    }
    if (add > 0)
        bp->k += add;
    free(w2);
    free(atu);
    sky_lowrank_free(&lr);
    if (add < 0)
        sky_nomem(err, "the basis");
    return add;
}

/* The fewest basis maps k (0..l - 1) for which every channel's largest
 * residual lv[c l + k] is within tol of its RMS (sums of squares ss over
 * npix values), in *k; returns the worst error with them, or with all l - 1
 * when none is within (then *k = l - 1). */
static double fewest_within(int n, const double *lv, int l, const double *ss, double npix,
                            double tol, int *k)
{
    double worst = 0;
    for (int j = 0; j < l; j++) {
        worst = 0;
        for (int c = 0; c < n; c++) {
            const double r = sqrt(ss[c] / npix);
            worst = fmax(worst, r > 0 ? lv[c * l + j] / r : 0);
        }
        if (worst <= tol) {
            *k = j;
            return worst;
        }
    }
    *k = l - 1;
    return worst;
}

/* sky_compressed_channels: pixels of a block (the basis maps' block read
 * once for all the channels made at once), and at most this many channels
 * at once (sky_compressed_batch). */
enum { COMBINE_BLOCK = 1024, COMBINE_BATCH_MAX = 8 };

/* At most this many second passes (each adds directions after a failed check). */
enum { MAX_PASSES = 6 };

int sky_channels_compress(const sky_sky *sky, int nchan, const sky_channel *chans, double tol,
                          sky_compressed *cm, sky_error *err)
{
    memset(cm, 0, sizeof *cm);
    if (!sky || !chans || nchan < 1 || !(tol > 0) || !isfinite(tol))
        return sky_fail(err, SKY_EINVAL, "sky_channels_compress: NULL argument, no channel or a "
                        "tolerance that is not a positive number");
    for (int c = 0; c < nchan; c++)
        if (!chans[c].smooth || !sky_smooth_opts_equal(chans[c].smooth, chans[0].smooth))
            return sky_fail(err, SKY_EINVAL, "sky_channels_compress: channel %d: %s", c,
                            chans[c].smooth ? "smoothed otherwise than channel 0"
                                            : "not smoothed");
    cm->nchan = nchan;
    cm->tol = tol;
    const int n = nchan;
    const int64_t npix = sky_npix(sky), nloc = sky_held_npix(sky);
    walker w = {NULL, n, chans, 0, {0, 0}, {0, 0}, 0, sample_stride(npix), NULL};
    w.nseg = sky_part_ranges(sky, w.first, w.count);
    w.chunk = sky_channels_chunk(npix, n);
    const double nsamp = (double)sample_count(npix, w.stride);
    const size_t nn = (size_t)n * n;
    double *mem = calloc(10 * nn + 12 * (size_t)n, sizeof *mem);
    double *inv = mem ? mem + 10 * nn + 6 * (size_t)n : NULL; /* 2 n: 1 / RMS, I and P */
    pass0 p0 = {inv, inv ? inv + n : NULL};
    pass1 p1 = {inv, inv ? inv + n : NULL, 0, 0, mem, mem ? mem + nn : NULL, {0, 0}};
    basis_part bi = {0, mem ? mem + 2 * nn : NULL, mem ? mem + 3 * nn : NULL,
                     mem ? mem + 10 * nn : NULL};
    basis_part bp = {0, mem ? mem + 4 * nn : NULL, mem ? mem + 5 * nn : NULL,
                     mem ? mem + 10 * nn + n : NULL};
    double *hi = mem ? mem + 6 * nn : NULL, *hp = mem ? mem + 7 * nn : NULL;
    double *scratch = mem ? mem + 10 * nn + 2 * (size_t)n : NULL; /* 2 n: sums of squares */
    sky_bands *bands = NULL;
    double *lv = NULL; /* the residual checks: n (ki + 1) and n (kp + 1) */
    w.x = calloc((size_t)n, sizeof *w.x);
    int rc = mem && w.x ? SKY_OK : sky_nomem(err, "the Gram matrices");
    for (int c = 0; c < n && !rc; c++)
        if (!(w.x[c] = malloc((size_t)(3 * (w.chunk > 0 ? w.chunk : 1)) * sizeof **w.x)))
            rc = sky_nomem(err, "the channel blocks");
    if (!rc)
        rc = sky_channels_prepare(sky, n, chans, &bands, err);
    w.bands = bands;
    const double t0 = sky_clock_seconds();
    /* pass 0: the channels' RMS on the sample */
    if (!rc)
        rc = walk(&w, 1, pass0_block, &p0, &cm->evaluate_seconds, err);
    if ((rc = sky_par_agree(rc, err)) || (rc = sum_over_ranks(inv, 2 * n, err)))
        goto done;
    for (int c = 0; c < n; c++) {
        inv[c] = inv[c] > 0 ? 1 / sqrt(inv[c] / nsamp) : 0;
        inv[n + c] = inv[n + c] > 0 ? 1 / sqrt(inv[n + c] / (2 * nsamp)) : 0;
        p1.nz_i += inv[c] > 0;
        p1.nz_p += inv[n + c] > 0;
    }
    /* pass 1: the mean and the deviations' Gram matrices on the sample */
    rc = walk(&w, 1, pass1_block, &p1, &cm->evaluate_seconds, err);
    if ((rc = sky_par_agree(rc, err)))
        goto done;
    symmetrise(n, p1.gi);
    symmetrise(n, p1.gp);
    if ((rc = sum_over_ranks(p1.gi, n * n, err)) || (rc = sum_over_ranks(p1.gp, n * n, err)) ||
        (rc = sum_over_ranks(p1.mm, 2, err)))
        goto done;
    rc = first_directions(n, p1.gi, nsamp, p1.mm[0], inv, tol * FIRST_MARGIN, &bi, err);
    if (!rc)
        rc = first_directions(n, p1.gp, 2 * nsamp, p1.mm[1], inv + n, tol * FIRST_MARGIN, &bp,
                              err);
    if ((rc = sky_par_agree(rc, err)))
        goto done;
    double *ssi = scratch, *ssp = scratch + n;
    lv = malloc(2 * (size_t)n * (n + 1) * sizeof *lv);
    if ((rc = sky_par_agree(lv ? SKY_OK : sky_nomem(err, "the residual checks"), err)))
        goto done;
    for (;;) {
        const int nb = bi.k > bp.k ? bi.k : bp.k;
        if (nb == 0) { /* zero everywhere (every component smooths itself) */
            cm->fallback = "the channels' maps before smoothing are zero";
            break;
        }
        if (nb >= n) { /* as many basis maps as channels: nothing saved */
            cm->fallback = "no fewer basis maps than channels within the tolerance";
            break;
        }
        if (cm->passes == MAX_PASSES) {
            cm->fallback = "the tolerance is not reached by the basis maps found";
            break;
        }
        cm->passes++;
        double **maps = realloc(cm->maps, (size_t)nb * sizeof *maps);
        if (maps) {
            cm->maps = maps;
            for (int k = cm->nmaps; k < nb; k++) {
                if (!(maps[k] = sky_big_alloc((size_t)(3 * (nloc > 0 ? nloc : 1)) * sizeof **maps)))
                    break;
                cm->nmaps = k + 1;
            }
        }
        rc = maps && cm->nmaps >= nb ? SKY_OK : sky_nomem(err, "the basis maps");
        if ((rc = sky_par_agree(rc, err)))
            goto done;
        const int li = bi.k + 1, lp = bp.k + 1;
        double *lvi = lv, *lvp = lv + (size_t)n * li;
        memset(scratch, 0, 2 * (size_t)n * sizeof *scratch);
        memset(lv, 0, (size_t)n * (li + lp) * sizeof *lv);
        memset(hi, 0, 2 * nn * sizeof *hi);
        pass2 p2 = {&bi, &bp, cm->maps, nloc, lvi, lvp, ssi, ssp, hi, hp};
        rc = walk(&w, 0, pass2_block, &p2, &cm->evaluate_seconds, err);
        if ((rc = sky_par_agree(rc, err)))
            goto done;
        sky_par_max_each(lv, (size_t)n * (size_t)(li + lp));
        symmetrise(n, hi);
        symmetrise(n, hp);
        if ((rc = sum_over_ranks(ssi, 2 * n, err)) || (rc = sum_over_ranks(hi, 2 * n * n, err)))
            goto done;
        /* the fewest basis maps that bring every channel within the
         * tolerance on every pixel (its error over its RMS), if any */
        const double ei = fewest_within(n, lvi, li, ssi, npix, tol, &cm->k_i);
        const double ep = fewest_within(n, lvp, lp, ssp, 2 * npix, tol, &cm->k_p);
        cm->worst_i = ei;
        cm->worst_p = ep;
        if (ei <= tol) /* the directions left over are not needed */
            bi.k = cm->k_i;
        if (ep <= tol)
            bp.k = cm->k_p;
        if (ei <= tol && ep <= tol)
            break;
        /* more directions where the check failed, from the residuals */
        int ai = 0, ap = 0;
        if (ei > tol && (ai = more_directions(hi, nsamp, tol * FIRST_MARGIN, &bi, n, err)) < 0)
            rc = SKY_ENOMEM;
        if (!rc && ep > tol &&
            (ap = more_directions(hp, 2 * nsamp, tol * FIRST_MARGIN, &bp, n, err)) < 0)
            rc = SKY_ENOMEM;
        if ((rc = sky_par_agree(rc, err)))
            goto done;
        if (ai == 0 && ap == 0) {
            cm->fallback = "the residuals resolve no further direction";
            break;
        }
    }
    /* the candidates not kept */
    for (int k = bi.k > bp.k ? bi.k : bp.k; !cm->fallback && k < cm->nmaps; k++) {
        free(cm->maps[k]);
        cm->maps[k] = NULL;
    }
    if (!cm->fallback && cm->nmaps > (bi.k > bp.k ? bi.k : bp.k))
        cm->nmaps = bi.k > bp.k ? bi.k : bp.k;
    sky_bands_free(bands);
    bands = NULL;
    for (int c = 0; c < n; c++)
        free(w.x[c]);
    free(w.x);
    w.x = NULL;
    cm->passes_seconds = sky_clock_seconds() - t0;
    if (cm->fallback)
        goto done;
    /* the coefficients in each channel's unit */
    cm->nbasis = bi.k > bp.k ? bi.k : bp.k;
    cm->coef_i = malloc((size_t)n * (bi.k ? bi.k : 1) * sizeof *cm->coef_i);
    cm->coef_p = malloc((size_t)n * (bp.k ? bp.k : 1) * sizeof *cm->coef_p);
    cm->basis = calloc((size_t)cm->nbasis, sizeof *cm->basis);
    rc = cm->coef_i && cm->coef_p && cm->basis ? SKY_OK : sky_nomem(err, "the basis maps");
    if ((rc = sky_par_agree(rc, err)))
        goto done;
    for (int c = 0; c < n; c++) {
        for (int k = 0; k < bi.k; k++)
            cm->coef_i[c * bi.k + k] = bi.inv_rms[c] > 0 ? bi.a[c * n + k] / bi.inv_rms[c] : 0;
        for (int k = 0; k < bp.k; k++)
            cm->coef_p[c * bp.k + k] = bp.inv_rms[c] > 0 ? bp.a[c * n + k] / bp.inv_rms[c] : 0;
    }
    /* the basis maps smoothed, their solve converged further */
    sky_smooth_opts o = *chans[0].smooth;
    if (o.lsq_maxiter > 0) {
        o.lsq_tol = BASIS_LSQ_TOL;
        if (o.lsq_maxiter < BASIS_LSQ_MIN_ITER)
            o.lsq_maxiter = BASIS_LSQ_MIN_ITER;
    }
    const double ts = sky_clock_seconds();
    for (int k = 0; k < cm->nbasis && !rc; k++) {
        /* beyond K_P a basis map has I only: a third of the transforms */
        const int ncomp = k < cm->k_p ? 3 : 1;
        rc = sky_smooth_map_parts(cm->maps[k], sky_nside(sky), ncomp, &o, 1, &cm->basis[k],
                                  err);
        if (!rc && cm->basis[k].hp != cm->maps[k]) { /* another nside: the input is done with */
            free(cm->maps[k]);
            cm->maps[k] = NULL;
        }
    }
    cm->smooth_seconds = sky_clock_seconds() - ts;
done:
    sky_bands_free(bands);
    for (int c = 0; w.x && c < n; c++)
        free(w.x[c]);
    free(w.x);
    free(mem);
    free(lv);
    if (rc || cm->fallback) { /* nothing held but the report */
        const char *fb = cm->fallback;
        const int ki = cm->k_i, kp = cm->k_p, passes = cm->passes;
        sky_compressed_free(cm);
        cm->nchan = nchan;
        cm->tol = tol;
        cm->k_i = ki;
        cm->k_p = kp;
        cm->passes = passes;
        cm->fallback = rc ? NULL : fb;
    }
    return rc;
}

int sky_compressed_batch(const sky_compressed *cm)
{
    const int b = cm && cm->nbasis > 1 ? cm->nbasis / 2 : 1;
    return b < COMBINE_BATCH_MAX ? b : COMBINE_BATCH_MAX;
}

/* r's maps for the basis' shapes: those it holds when they fit, else new */
static int combination_outputs(const sky_compressed *cm, sky_smoothed *r, int64_t nhp,
                               int64_t ncar, sky_error *err)
{
    const sky_smoothed *b0 = &cm->basis[0];
    const int fits = r->own && r->hp && r->nside == b0->nside && r->ncomp == 3 &&
                     (!b0->car || (r->car && r->ny == b0->ny && r->nx == b0->nx));
    if (!fits) {
        sky_smoothed_free(r);
        memset(r, 0, sizeof *r);
    }
    r->nside_in = b0->nside_in;
    r->nside = b0->nside;
    r->ncomp = 3;
    r->ny = b0->ny;
    r->nx = b0->nx;
    r->rep = b0->rep;
    if (fits)
        return SKY_OK;
    if (b0->hp && !(r->hp = sky_big_alloc((size_t)(3 * (nhp > 0 ? nhp : 1)) * sizeof *r->hp)))
        return sky_nomem(err, "the channel's map");
    r->own = r->hp != NULL;
    if (b0->car && !(r->car = malloc((size_t)(3 * ncar) * sizeof *r->car)))
        return sky_nomem(err, "the channel's CAR map");
    return SKY_OK;
}

/* out_j[s len + i] = sum_k coef_j,k basis_k[s len + i] for the nc channels
 * from c0, over the m pixels from i0. which: 0 HEALPix, 1 CAR. */
SKY_VECTOR_CLONES
static void combine_block(const sky_compressed *cm, int c0, int nc, int which, int64_t len,
                          int64_t i0, int64_t m, sky_smoothed *r)
{
    for (int j = 0; j < nc; j++) {
        const int c = c0 + j;
        double *out = which ? r[j].car : r[j].hp;
        for (int s = 0; s < 3; s++) {
            const int kk = s ? cm->k_p : cm->k_i;
            const double *coef = s ? cm->coef_p + (size_t)c * cm->k_p
                                   : cm->coef_i + (size_t)c * cm->k_i;
            double *o = out + s * len + i0;
            if (kk == 0) /* no basis map for this Stokes: zeros */
                for (int64_t i = 0; i < m; i++)
                    o[i] = 0;
            /* four basis maps a pass over o, the sum as one map at a time */
            const double *rows[SKY_COMBINE_PASS];
            for (int k = 0; k < kk; k += SKY_COMBINE_PASS) {
                const int nr = kk - k < SKY_COMBINE_PASS ? kk - k : SKY_COMBINE_PASS;
                for (int b = 0; b < nr; b++)
                    rows[b] = (which ? cm->basis[k + b].car : cm->basis[k + b].hp) + s * len + i0;
                sky_combine_pass(nr, rows, coef + k, k == 0, m, o);
            }
        }
    }
}

/* combine_block over pixel blocks in parallel, each block of the basis read
 * once for all the channels */
static void combine(const sky_compressed *cm, int c0, int nc, int which, int64_t len,
                    sky_smoothed *r)
{
    const int64_t nblk = (len + COMBINE_BLOCK - 1) / COMBINE_BLOCK;
#pragma omp parallel for schedule(static)
    for (int64_t blk = 0; blk < nblk; blk++) {
        const int64_t i0 = blk * COMBINE_BLOCK;
        combine_block(cm, c0, nc, which, len, i0,
                      len - i0 < COMBINE_BLOCK ? len - i0 : COMBINE_BLOCK, r);
    }
}

int sky_compressed_channels(const sky_sky *sky, const sky_compressed *cm,
                            const sky_channel *chans, int c0, int nc, sky_smoothed *r,
                            sky_error *err)
{
    if (!sky || !cm || !chans || !r || nc < 1 || c0 < 0 || c0 + nc > cm->nchan ||
        !cm->basis || cm->nbasis < 1)
        return sky_fail(err, SKY_EINVAL, "sky_compressed_channels: NULL argument, no basis or "
                        "channels %d to %d out of range", c0, c0 + nc - 1);
    for (int j = 0; j < nc; j++)
        if (!chans[j].smooth)
            return sky_fail(err, SKY_EINVAL, "sky_compressed_channels: channel %d: not "
                            "smoothed", c0 + j);
    const sky_smoothed *b0 = &cm->basis[0];
    const int size = sky_par_size();
    int64_t nhp = 0;
    if (b0->hp) {
        if (size < 2) {
            nhp = 12 * (int64_t)b0->nside * b0->nside;
        } else {
            sky_region part;
            sky_region_part(b0->nside, sky_par_rank(), size, &part);
            nhp = sky_region_npix(&part);
        }
    }
    const int64_t ncar = b0->car ? (int64_t)b0->ny * b0->nx : 0;
    int rc = SKY_OK;
    for (int j = 0; j < nc && !rc; j++)
        rc = combination_outputs(cm, &r[j], nhp, ncar, err);
    if (size > 1) /* every process, so that all stop or none */
        rc = sky_par_agree(rc, err);
    if (rc)
        goto fail;
    /* I from the I basis, Q and U from the P basis (each basis map holds both) */
    if (b0->hp)
        combine(cm, c0, nc, 0, nhp, r);
    if (b0->car)
        combine(cm, c0, nc, 1, ncar, r);
    for (int j = 0; j < nc && !rc && sky_self_smoothing_count(sky) > 0; j++) {
        const sky_channel *ch = &chans[j];
        const char *unit = ch->unit ? ch->unit : "uK_RJ";
        if (size < 2) {
            rc = sky_add_self_smoothed(sky, &ch->band, unit, ch->scale, ch->smooth, &r[j], err);
        } else {
            sky_region out_part;
            sky_region_part(r[j].nside, sky_par_rank(), size, &out_part);
            rc = sky_par_agree(sky_add_self_smoothed_part(sky, &ch->band, unit, ch->scale,
                                                          ch->smooth, &out_part, &r[j], err),
                               err);
        }
    }
    if (!rc)
        return SKY_OK;
fail:
    for (int j = 0; j < nc; j++) {
        sky_smoothed_free(&r[j]);
        memset(&r[j], 0, sizeof r[j]);
    }
    return rc;
}

int sky_compressed_channel(const sky_sky *sky, const sky_compressed *cm,
                           const sky_channel *ch, int c, sky_smoothed *r, sky_error *err)
{
    memset(r, 0, sizeof *r);
    return sky_compressed_channels(sky, cm, ch, c, 1, r, err);
}

/* ------------------------------------------------------------------------ */
/* The basis on disk                                                        */
/* ------------------------------------------------------------------------ */

static char *path_of(const char *dir, const char *stem, const char *suffix, int k)
{
    size_t d = strlen(dir);
    while (d > 1 && dir[d - 1] == '/')
        d--;
    const size_t len = d + strlen(stem) + strlen(suffix) + 32;
    char *p = malloc(len);
    if (p) {
        if (k >= 0)
            snprintf(p, len, "%.*s%s%s_basis%d%s", (int)d, dir, dir[d - 1] == '/' ? "" : "/",
                     stem, k, suffix);
        else
            snprintf(p, len, "%.*s%s%s%s", (int)d, dir, dir[d - 1] == '/' ? "" : "/", stem,
                     suffix);
    }
    return p;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static json_t *reals(const double *v, int n, int stride)
{
    json_t *a = json_array();
    for (int k = 0; a && k < n; k++)
        json_array_append_new(a, json_real(v[(size_t)k * stride]));
    return a;
}

int sky_compressed_write_basis(const sky_compressed *cm, const sky_smooth_opts *o,
                               const char *beam_file, const char *dir, const char *stem,
                               const char *const *names, const char *const *units,
                               const struct sky_prov *prov, int dtype, int overwrite,
                               char ***written, int *nwritten, sky_error *err)
{
    *written = NULL;
    *nwritten = 0;
    if (!cm || !cm->basis || !o || !dir || !*dir || !stem || !names || !units)
        return sky_fail(err, SKY_EINVAL, "sky_compressed_write_basis: NULL argument or no basis");
    const int car = cm->basis[0].ny > 0;
    const int nfiles = cm->nbasis * (car ? 2 : 1) + 1;
    char **paths = calloc((size_t)nfiles, sizeof *paths);
    int rc = paths ? SKY_OK : sky_nomem(err, "the basis file names");
    for (int k = 0; k < cm->nbasis && !rc; k++) {
        paths[k] = path_of(dir, stem, ".fits", k);
        if (car)
            paths[cm->nbasis + k] = path_of(dir, stem, "_car.fits", k);
        if (!paths[k] || (car && !paths[cm->nbasis + k]))
            rc = sky_nomem(err, "the basis file names");
    }
    if (!rc && !(paths[nfiles - 1] = path_of(dir, stem, ".json", -1)))
        rc = sky_nomem(err, "the basis file names");
    int nw = 0; /* files written, in order */
    static const char *const one[3] = {"", "", ""};
    sky_prov *p = NULL;
    if (!rc) {
        p = sky_prov_copy(prov);
        if (!p || sky_prov_set_string(p, "CMPRGRP", stem, "compressed channel group") ||
            sky_prov_set_int(p, "CMPRNI", cm->k_i, "I basis maps of the group") ||
            sky_prov_set_int(p, "CMPRNP", cm->k_p, "Q, U basis maps of the group"))
            rc = sky_nomem(err, "the header cards");
    }
    rc = sky_par_agree(rc, err);
    for (int k = 0; k < cm->nbasis && !rc; k++) {
        sky_prov *pk = sky_prov_copy(p);
        if (!pk || sky_prov_set_int(pk, "CMPRK", k, "basis map (RMS 1 before smoothing)"))
            rc = sky_nomem(err, "the header cards");
        rc = sky_par_agree(rc, err);
        if (!rc)
            rc = sky_write_smoothed_parts(&cm->basis[k], o, beam_file, paths[k],
                                          car ? paths[cm->nbasis + k] : NULL, one, pk, dtype,
                                          overwrite, err);
        sky_prov_free(pk);
        if (!rc)
            nw = k + 1;
    }
    if (!rc && sky_par_rank() == 0) { /* the coefficients, rank 0 */
        json_t *root = json_object(), *files = json_array(), *cars = json_array(),
               *chans = json_array();
        for (int k = 0; k < cm->nbasis && files && cars; k++) {
            json_array_append_new(files, json_string(base_name(paths[k])));
            if (car)
                json_array_append_new(cars, json_string(base_name(paths[cm->nbasis + k])));
        }
        for (int c = 0; c < cm->nchan && chans; c++) {
            json_t *ch = json_object();
            if (ch) {
                json_object_set_new(ch, "name", json_string(names[c]));
                json_object_set_new(ch, "unit", json_string(units[c]));
                json_object_set_new(ch, "i", reals(cm->coef_i + (size_t)c * cm->k_i, cm->k_i, 1));
                json_object_set_new(ch, "qu", reals(cm->coef_p + (size_t)c * cm->k_p, cm->k_p, 1));
            }
            json_array_append_new(chans, ch);
        }
        if (root && files && cars && chans) {
            json_object_set_new(root, "group", json_string(stem));
            json_object_set_new(root, "tolerance", json_real(cm->tol));
            json_object_set_new(root, "k_i", json_integer(cm->k_i));
            json_object_set_new(root, "k_p", json_integer(cm->k_p));
            json_object_set_new(root, "worst_error_i", json_real(cm->worst_i));
            json_object_set_new(root, "worst_error_p", json_real(cm->worst_p));
            json_object_set_new(root, "basis", files);
            if (car)
                json_object_set_new(root, "basis_car", cars);
            else
                json_decref(cars);
            json_object_set_new(root, "channels", chans);
            files = cars = chans = NULL;
        }
        const char *jp = paths[nfiles - 1];
        char *tmp = malloc(strlen(jp) + 8);
        if (!root || files || cars || chans || !tmp) {
            rc = sky_nomem(err, "the coefficients");
        } else {
            snprintf(tmp, strlen(jp) + 8, "%s.tmp", jp);
            if (!overwrite && access(jp, F_OK) == 0)
                rc = sky_fail(err, SKY_EINVAL, "%s: file exists: use --force to overwrite it", jp);
            else if (json_dump_file(root, tmp, JSON_INDENT(1) | JSON_REAL_PRECISION(17)) ||
                     rename(tmp, jp) != 0) {
                rc = sky_fail(err, SKY_EIO, "%s: cannot write the coefficients", jp);
                unlink(tmp);
            }
        }
        free(tmp);
        json_decref(root);
        json_decref(files);
        json_decref(cars);
        json_decref(chans);
    }
    rc = sky_par_agree(rc, err);
    sky_prov_free(p);
    if (rc) { /* all or none */
        if (sky_par_rank() == 0)
            for (int k = 0; k < nw; k++) {
                unlink(paths[k]);
                if (car)
                    unlink(paths[cm->nbasis + k]);
            }
        for (int k = 0; paths && k < nfiles; k++)
            free(paths[k]);
        free(paths);
        return rc;
    }
    if (!car) { /* the list without the CAR maps' places */
        paths[cm->nbasis] = paths[nfiles - 1];
    }
    *written = paths;
    *nwritten = car ? nfiles : cm->nbasis + 1;
    return SKY_OK;
}
