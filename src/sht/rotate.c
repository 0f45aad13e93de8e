/*
 * rotate.c - alm rotation (see rotate.h), with the results of HEALPix
 * C++'s rotate_alm, which healpy calls:
 *
 * - the coordinate matrices are healpy 1.16's, which it derives with astropy
 *   from the barycentric mean ecliptic (values below, astropy 5.2); the
 *   inverses are taken numerically as healpy does;
 * - the matrix gives Euler angles (alpha, beta, gamma) by HEALPix's
 *   Extract_CPAC_Euler_Angles, and the alm rotate as
 *     a'_lm = exp(-i m alpha) sum_m' d^l_mm'(beta) exp(-i m' gamma) a_lm'
 *   with a_l,-m = (-1)^m conj(a_lm) (a real field: the imaginary part of
 *   a_l0 is taken as zero).
 *
 * Method. With Delta^l = d^l(pi/2), the rotation about y factors through a
 * rotation about z (Risbo 1996; Trapani & Navaza 2006):
 *   d^l_mm'(beta) = i^(m'-m) sum_k Delta_km Delta_km' exp(i k beta),
 * so a degree is two products with Delta and phases:
 *   u_m' = i^m' exp(-i m' gamma) a_lm',   c_k = sum_m' Delta_km' u_m',
 *   v_k = exp(i k beta) c_k,              w_m = sum_k Delta_km v_k,
 *   a'_lm = exp(-i m alpha) (-i)^m w_m.
 * u, c, v and w all keep the real-field symmetry x_-j = (-1)^j conj(x_j),
 * and Delta_k,-m = (-1)^(l-k) Delta_km, Delta_-k,m = (-1)^(l+m) Delta_km:
 * the sums fold onto j >= 0, and there each Delta_kj multiplies either a
 * real or an imaginary part (which one by the parity of l + k + j), so a
 * degree costs 2 (l+1)^2 multiply-adds per component instead of
 * 4 (2l+1)^2, for T, E and B on one Delta.
 *
 * Delta is never stored: its rows are made one after the other, from
 * k = l down to 0, by the three-term recursion in k at beta = pi/2,
 *   sqrt((l-k)(l+k+1)) Delta_k+1,j + sqrt((l+k)(l-k+1)) Delta_k-1,j
 *     = 2 j Delta_kj,
 * from Delta_lj = (-1)^(l-j) 2^-l sqrt(binomial(2l, l+j)) and
 * Delta_l+1,j = 0, and each row is used at once: a first pass over the rows
 * gives every c_k (dot products with u), hence v_k, and a second pass,
 * which makes the rows again, adds Delta_kj v_k into w. Both passes go
 * through the columns in blocks of ROT_COLS (the recursion is independent
 * for each column), so that their data stay in the level-1 cache. The
 * recursion runs downwards from the edge of the matrix, where Delta is
 * exponentially small, towards its oscillating interior: the direction in
 * which the wanted solution grows, which keeps it stable. The edge values
 * for large j are below the range of doubles (2^-l for j = l): such a
 * column carries a scale 2^(512 s), is brought down by 2^512 whenever it
 * passes 2^256, and is used (and "live") once s is 0, i.e. once its values
 * reach about 2^-256, and every column before it is live (|Delta_kj|
 * falls with j in the corner); before that its terms are below 2^-256 of
 * the largest and left out of the sums, which also skips the negligible
 * corner of Delta.
 *
 * Cost: about 8 (l+1)^2 operations for the two recursions plus 4 (l+1)^2
 * per component for the two sums at each degree, O(lmax^3) in all; memory
 * O(lmax) per thread beyond the alm (a few rows of lmax + 1, and the alm of
 * ROT_BLOCK degrees). Degrees are independent: threads take blocks of
 * them, largest first, and a distributed run gives each process a range of
 * degrees (sky_rotate_split).
 */
#include "rotate.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmplx.h"
#include "core/error.h"
#include "core/vmath.h"

/* healpy.rotator.e2g and e2q (ecliptic to Galactic and to equatorial FK5) */
static const double e2g[3][3] = {
    {-0.05487563486628291, -0.9938213523891726, -0.09647685853808463},
    {0.49410952885789594, -0.11099097203832742, 0.8622857865103741},
    {-0.8676660868040468, -0.00035165514701401834, 0.49714730025296094}};
static const double e2q[3][3] = {
    {0.9999999999999906, -8.651314600163712e-08, -9.838583464995654e-08},
    {4.023865539325279e-08, 0.9174821682916503, -0.3977769109272801},
    {1.2468018087495808e-07, 0.3977769109272727, 0.9174821682916464}};

static void inverse(const double a[3][3], double r[3][3])
{
    double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) -
                 a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
                 a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            int i1 = (j + 1) % 3, i2 = (j + 2) % 3, j1 = (i + 1) % 3, j2 = (i + 2) % 3;
            r[i][j] = (a[i1][j1] * a[i2][j2] - a[i1][j2] * a[i2][j1]) / det;
        }
}

static void product(const double a[3][3], const double b[3][3], double r[3][3])
{
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            r[i][j] = a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
}

int sky_coord_matrix(char from, char to, double mat[3][3], sky_error *err)
{
    if (!strchr("GCE", from) || !strchr("GCE", to) || !from || !to)
        return sky_fail(err, SKY_EINVAL,
                        "coordinates '%c:%c': expected G (Galactic), C (Equatorial) or E "
                        "(Ecliptic) on each side",
                        from ? from : '?', to ? to : '?');
    /* both systems from ecliptic: X2E = inverse(E2X) */
    static const double ident[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    double to_from_e[3][3], from_to_e[3][3];
    const double(*ef)[3] = from == 'G' ? e2g : from == 'C' ? e2q : ident;
    const double(*et)[3] = to == 'G' ? e2g : to == 'C' ? e2q : ident;
    if (from == to) {
        memcpy(mat, ident, sizeof ident);
        return SKY_OK;
    }
    if (from == 'E') {
        memcpy(mat, et, sizeof ident);
        return SKY_OK;
    }
    inverse(ef, from_to_e);
    if (to == 'E') {
        memcpy(mat, from_to_e, sizeof ident);
        return SKY_OK;
    }
    memcpy(to_from_e, et, sizeof ident);
    product(to_from_e, from_to_e, mat);
    return SKY_OK;
}

/* Extract_CPAC_Euler_Angles: the rotation is Rz(alpha) Ry(beta) Rz(gamma) */
static void euler_angles(const double mat[3][3], double *alpha, double *beta, double *gamma)
{
    const double cb = mat[2][2], sb = sqrt(mat[0][2] * mat[0][2] + mat[1][2] * mat[1][2]);
    *beta = atan2(sb, cb);
    if (fabs(sb) <= 1e-6) {
        *alpha = 0;
        *gamma = cb > 0 ? atan2(mat[1][0], mat[0][0]) : atan2(mat[0][1], -mat[0][0]);
    } else {
        *alpha = atan2(mat[1][2], mat[0][2]);
        *gamma = atan2(mat[2][1], -mat[2][0]);
    }
}

/* 2^256 and 2^512: the bounds of the columns' scaled values (see top) */
#define ROT_BIG 0x1p256
#define ROT_SHIFT 0x1p512
#define ROT_TINY 0x1p-256
/* degrees a thread takes at once (rotate_block) */
#define ROT_BLOCK 8
/* columns of Delta recurred at once (rows_pass): their rows, inputs and
 * outputs fit the level-1 cache; a multiple of 8 */
#define ROT_COLS 256

/* Eight doubles: loops over columns in blocks of eight, whatever the
 * instruction set, so that every sum is taken in the same order. Accessed
 * in place through an unaligned, aliasing type (no vector is passed to or
 * returned from a function: their ABI changes with the instruction set). */
typedef double v8d __attribute__((vector_size(64)));
typedef double v8d_u __attribute__((vector_size(64), aligned(8), may_alias));
#define V8(p) (*(v8d_u *)(p))

/* What every degree uses: ep[m] = exp(-i m gamma), ef[m] = 4 exp(-i m alpha)
 * (-i)^m (the 4 undoes the halved sums below), eb[k] = exp(i k beta),
 * mv[j] = j, t0[l] = Delta^l_l0 = 2^-l sqrt(binomial(2l, l)). */
typedef struct rot_tabs {
    int lmax, width; /* width: lmax + 1 rounded up to a multiple of 8 */
    double complex *ep, *ef, *eb;
    double *mv, *t0;
} rot_tabs;

static void rot_tabs_free(rot_tabs *t)
{
    free(t->ep);
    free(t->ef);
    free(t->eb);
    free(t->mv);
    free(t->t0);
}

static int rot_tabs_init(rot_tabs *t, int lmax, const double mat[3][3], sky_error *err)
{
    double alpha, beta, gamma;
    euler_angles(mat, &alpha, &beta, &gamma);
    const size_t n = (size_t)lmax + 1;
    t->lmax = lmax;
    t->width = (lmax + 8) / 8 * 8;
    t->ep = malloc(n * sizeof *t->ep);
    t->ef = malloc(n * sizeof *t->ef);
    t->eb = malloc(n * sizeof *t->eb);
    t->mv = malloc((size_t)t->width * sizeof *t->mv);
    t->t0 = malloc(n * sizeof *t->t0);
    if (!t->ep || !t->ef || !t->eb || !t->mv || !t->t0)
        return sky_nomem(err, "the alm rotation");
    static const double complex mi_pow[4] = {1, -I, -1, I}; /* (-i)^m */
    double p = 1; /* 4^-l binomial(2l, l) = prod_j (2j - 1) / (2j) */
    for (int m = 0; m <= lmax; m++) {
        t->ep[m] = CMPLX(cos(gamma * m), -sin(gamma * m));
        t->ef[m] = 4 * CMPLX(cos(alpha * m), -sin(alpha * m)) * mi_pow[m & 3];
        t->eb[m] = CMPLX(cos(beta * m), sin(beta * m));
        if (m > 0)
            p *= (2.0 * m - 1) / (2.0 * m);
        t->t0[m] = sqrt(p);
    }
    for (int j = 0; j < t->width; j++)
        t->mv[j] = j;
    return SKY_OK;
}

/* One thread's buffers, `width` values each: row l of Delta (x0, with the
 * columns' scales sc0), the two current rows of the recursion (x, y) and
 * scales (sc), the recursion's coefficients (ak, bk), the live columns of
 * each row (liv), per component rotated at once (up to 3) the inputs z (two
 * arrangements), the accumulated outputs acc (two) and each row's sums
 * (two); and the alm of ROT_BLOCK degrees. */
typedef struct rot_ws {
    double *x0, *x, *y, *ak, *bk, *z, *acc, *sums;
    int *sc0, *sc, *liv;
    double complex *blk; /* ROT_BLOCK degrees of every component (rotate_block) */
} rot_ws;

static void rot_ws_free(rot_ws *w)
{
    free(w->x0);
    free(w->x);
    free(w->y);
    free(w->ak);
    free(w->bk);
    free(w->z);
    free(w->acc);
    free(w->sums);
    free(w->sc0);
    free(w->sc);
    free(w->liv);
    free(w->blk);
}

static int rot_ws_init(rot_ws *w, int width, int ncomp)
{
    const size_t n = (size_t)width, nc = ncomp < 3 ? (size_t)ncomp : 3; /* at once */
    w->blk = malloc((size_t)ROT_BLOCK * ncomp * n * sizeof *w->blk);
    w->x0 = calloc(n, sizeof *w->x0);
    w->x = calloc(n, sizeof *w->x);
    w->y = calloc(n, sizeof *w->y);
    w->ak = calloc(n, sizeof *w->ak);
    w->bk = calloc(n, sizeof *w->bk);
    w->z = calloc(2 * nc * n, sizeof *w->z);
    w->acc = calloc(2 * nc * n, sizeof *w->acc);
    w->sums = calloc(6 * n, sizeof *w->sums); /* 6 per row whatever nc */
    w->sc0 = calloc(n, sizeof *w->sc0);
    w->sc = calloc(n, sizeof *w->sc);
    w->liv = calloc(n, sizeof *w->liv);
    return w->blk && w->x0 && w->x && w->y && w->ak && w->bk && w->z && w->acc && w->sums &&
           w->sc0 && w->sc && w->liv;
}

/*
 * One pass over the rows k = l .. 0 of Delta for the columns j0 <= j < j1
 * (j0 a multiple of 8): the recursion from row l, and with `second` zero
 * the row sums c_k (into sums: for each row and component the sums over
 * even and odd columns), else the products into acc with the pattern that
 * sums then holds. Columns stay small enough for the level-1 cache: the
 * rows are made twice (once per pass) rather than streamed from further
 * away. liv[k], the live columns of row k (the first column whose scale is
 * not 1; columns beyond it wait for it, see the top), is found by the
 * first pass, block after block.
 */
static SKY_ALWAYS_INLINE void rows_pass(int l, int j0, int j1, const rot_tabs *t,
                                        const rot_ws *w, int nc, int second)
{
    const int W = t->width, jl = j1 < l + 1 ? j1 : l + 1;
    double *x = w->x, *y = w->y, *sums = w->sums;
    const double *z = w->z, *mv = t->mv;
    double *acc = w->acc;
    int *sc = w->sc, *liv = w->liv;
    memcpy(x + j0, w->x0 + j0, (size_t)(j1 - j0) * sizeof *x);
    memset(y + j0, 0, (size_t)(j1 - j0) * sizeof *y);
    memcpy(sc + j0, w->sc0 + j0, (size_t)(j1 - j0) * sizeof *sc);
    int dead = j0; /* the first column of the block whose scale is not 1 */
    while (dead < jl && !sc[dead])
        dead++;
    for (int k = l; k >= 0; k--) {
        const int par = (l - k) & 1;
        if (!second && liv[k] == j0)
            liv[k] = dead; /* every column before the block is live */
        const int end = liv[k] <= j0 ? j0 : liv[k] < j1 ? liv[k] : j1, nv = j0 + (end - j0) / 8 * 8;
        double *sk = sums + (int64_t)k * 6;
        if (end > j0 && !second) {
            /* c_k = sum_m' Delta_km' u_m' folded onto m' >= 0: its real
             * part takes the m' with l - k + m' even, its imaginary part
             * the others (z arranged for this) */
            v8d s[3] = {{0}, {0}, {0}};
            for (int j = j0; j < nv; j += 8) {
                const v8d d = V8(x + j);
                for (int c = 0; c < nc; c++)
                    s[c] += d * V8(z + (int64_t)(2 * c + par) * W + j);
            }
            for (int c = 0; c < nc; c++) {
                double se = (s[c][0] + s[c][2]) + (s[c][4] + s[c][6]);
                double so = (s[c][1] + s[c][3]) + (s[c][5] + s[c][7]);
                const double *zc = z + (int64_t)(2 * c + par) * W;
                for (int j = nv; j < end; j++) {
                    if (j & 1)
                        so += x[j] * zc[j];
                    else
                        se += x[j] * zc[j];
                }
                sk[2 * c] += se;
                sk[2 * c + 1] += so;
            }
        } else if (end > j0) {
            /* w_m += Delta_km v_k folded: Re v_k into the real part where
             * l + k + m is even, Im v_k into the imaginary part where it
             * is odd (pe for even m, po for odd, set from the sums) */
            for (int c = 0; c < nc; c++) {
                const double pe = sk[2 * c], po = sk[2 * c + 1];
                const v8d pat = {pe, po, pe, po, pe, po, pe, po};
                double *ac = acc + (int64_t)(2 * c + par) * W;
                for (int j = j0; j < nv; j += 8)
                    V8(ac + j) += V8(x + j) * pat;
                for (int j = nv; j < end; j++)
                    ac[j] += x[j] * ((j & 1) ? po : pe);
            }
        }
        if (!k)
            break;
        /* row k - 1 = ak[k] j Delta_kj - bk[k] Delta_k+1,j, into y */
        const double a = w->ak[k], b = w->bk[k];
        const v8d av = {a, a, a, a, a, a, a, a}, bv = {b, b, b, b, b, b, b, b};
        for (int j = j0; j < j1; j += 8)
            V8(y + j) = av * V8(mv + j) * V8(x + j) - bv * V8(y + j);
        double *tmp = x;
        x = y;
        y = tmp;
        /* scaled columns: brought down by 2^512 when above 2^256, live
         * once their scale is 1 */
        for (int j = dead; j < jl; j++)
            if (sc[j] && fabs(x[j]) > ROT_BIG) {
                x[j] /= ROT_SHIFT;
                y[j] /= ROT_SHIFT;
                sc[j]--;
            }
        while (dead < jl && !sc[dead])
            dead++;
    }
}

/*
 * Rotates the nc (1 to 3) components of degree l, a_lm of component c at
 * row[c * cs + m], in place. The comments at the top give the method;
 * the arrays hold column (m or m') j at index j.
 */
static SKY_ALWAYS_INLINE void rotate_degree_nc(int l, const rot_tabs *t, const rot_ws *w,
                                               double complex *row, int64_t cs, int nc)
{
    const int W = t->width, nb = (l + 8) / 8 * 8; /* columns 0 .. nb - 1 */
    double *z = w->z, *acc = w->acc, *sums = w->sums;
    /* inputs u_m' = i^m' exp(-i m' gamma) a_lm', arranged as z[0] (Re for
     * even m', Im for odd) and z[1] (the other part); m' = 0 counts half */
    static const double complex i_pow[4] = {1, I, -1, -I};
    for (int c = 0; c < nc; c++) {
        double *z0 = z + (int64_t)(2 * c) * W, *z1 = z0 + W;
        for (int j = 0; j <= l; j++) {
            const double complex a = row[c * cs + j];
            const double complex u = j ? a * t->ep[j] * i_pow[j & 3] : 0.5 * creal(a);
            z0[j] = (j & 1) ? cimag(u) : creal(u);
            z1[j] = (j & 1) ? creal(u) : cimag(u);
        }
        for (int j = l + 1; j < nb; j++)
            z0[j] = z1[j] = 0;
        memset(acc + (int64_t)(2 * c) * W, 0, (size_t)nb * sizeof *acc);
        memset(acc + (int64_t)(2 * c + 1) * W, 0, (size_t)nb * sizeof *acc);
    }
    memset(sums, 0, (size_t)(l + 1) * 6 * sizeof *sums);
    memset(w->liv, 0, (size_t)(l + 1) * sizeof *w->liv);
    /* row k = l of Delta: (-1)^(l-j) 2^-l sqrt(binomial(2l, l + j)), times
     * 2^(512 sc0[j]); row l + 1 is zero */
    {
        double v = t->t0[l];
        int s = 0;
        for (int j = 0; j <= l; j++) {
            if (j)
                v *= sqrt((double)(l - j + 1) / (double)(l + j));
            if (v < ROT_TINY) {
                v *= ROT_SHIFT;
                s++;
            }
            w->x0[j] = ((l - j) & 1) ? -v : v;
            w->sc0[j] = s;
        }
        for (int j = l + 1; j < nb; j++) {
            w->x0[j] = 0;
            w->sc0[j] = 0;
        }
    }
    /* the recursion's coefficients: row k - 1 = (2 j Delta_kj -
     * sqrt((l-k)(l+k+1)) Delta_k+1,j) / sqrt((l+k)(l-k+1)) */
    for (int k = l; k >= 1; k--) {
        const double den = sqrt((double)(l + k) * (double)(l - k + 1));
        w->ak[k] = 2.0 / den;
        w->bk[k] = sqrt((double)(l - k) * (double)(l + k + 1)) / den;
    }
    for (int j0 = 0; j0 < nb; j0 += ROT_COLS)
        rows_pass(l, j0, j0 + ROT_COLS < nb ? j0 + ROT_COLS : nb, t, w, nc, 0);
    /* v_k = exp(i k beta) c_k (halved for k = 0), as the pattern of the
     * second pass: (pe, po) = (Re, Im) v_k when l + k is even, else (Im, Re) */
    for (int k = 0; k <= l; k++) {
        const int par = (l - k) & 1;
        double *sk = sums + (int64_t)k * 6;
        for (int c = 0; c < nc; c++) {
            const double se = sk[2 * c], so = sk[2 * c + 1];
            double complex v = t->eb[k] * (par ? CMPLX(so, se) : CMPLX(se, so));
            if (!k)
                v *= 0.5;
            sk[2 * c] = par ? cimag(v) : creal(v);
            sk[2 * c + 1] = par ? creal(v) : cimag(v);
        }
    }
    for (int j0 = 0; j0 < nb; j0 += ROT_COLS)
        rows_pass(l, j0, j0 + ROT_COLS < nb ? j0 + ROT_COLS : nb, t, w, nc, 1);
    /* a'_lm = 4 exp(-i m alpha) (-i)^m w_m, back into the row */
    for (int c = 0; c < nc; c++) {
        const double *a0 = acc + (int64_t)(2 * c) * W, *a1 = a0 + W;
        for (int m = 0; m <= l; m++) {
            const double complex wm = (m & 1) ? CMPLX(a1[m], a0[m]) : CMPLX(a0[m], a1[m]);
            row[c * cs + m] = t->ef[m] * wm;
        }
    }
}

SKY_VECTOR_CLONES
static void rotate_degree(int l, const rot_tabs *t, const rot_ws *w, double complex *row,
                          int64_t cs, int ncomp)
{
    int c = 0;
    for (; c + 3 <= ncomp; c += 3)
        rotate_degree_nc(l, t, w, row + c * cs, cs, 3);
    for (; c < ncomp; c++)
        rotate_degree_nc(l, t, w, row + c * cs, cs, 1);
}

/* The degrees lb <= l < le (at most ROT_BLOCK of them) of every component:
 * copied from alm into w->blk (for each m their a_lm are next to each
 * other in alm, so whole cache lines are read, where one degree alone
 * would take one value from each), rotated, and copied back. */
static void rotate_block(int lb, int le, const rot_tabs *t, const rot_ws *w,
                         double complex *alm, int ncomp)
{
    const int lmax = t->lmax, W = t->width;
    const int64_t nalm = (int64_t)(lmax + 1) * (lmax + 2) / 2, cs = (int64_t)ROT_BLOCK * W;
    double complex *blk = w->blk;
    for (int c = 0; c < ncomp; c++)
        for (int m = 0; m < le; m++) {
            const double complex *a = alm + c * nalm + (int64_t)m * (2 * lmax + 1 - m) / 2;
            for (int l = m > lb ? m : lb; l < le; l++)
                blk[c * cs + (int64_t)(l - lb) * W + m] = a[l];
        }
    for (int l = le - 1; l >= lb; l--)
        rotate_degree(l, t, w, blk + (int64_t)(l - lb) * W, cs, ncomp);
    for (int c = 0; c < ncomp; c++)
        for (int m = 0; m < le; m++) {
            double complex *a = alm + c * nalm + (int64_t)m * (2 * lmax + 1 - m) / 2;
            for (int l = m > lb ? m : lb; l < le; l++)
                a[l] = blk[c * cs + (int64_t)(l - lb) * W + m];
        }
}

/* The degrees l0 <= l < l1 rotated in place, threaded over l; with `clear`
 * the others are set to zero. */
static int rotate_degrees(int lmax, int ncomp, double complex *alm, const double mat[3][3],
                          int l0, int l1, int clear, sky_error *err)
{
    if (lmax < 0 || ncomp < 1)
        return sky_fail(err, SKY_EINVAL, "alm rotation: lmax %d, %d components: expected >= 0 and >= 1",
                        lmax, ncomp);
    l0 = l0 < 0 ? 0 : l0;
    l1 = l1 > lmax + 1 ? lmax + 1 : l1;
    const int64_t nalm = (int64_t)(lmax + 1) * (lmax + 2) / 2;
    if (clear)
        for (int c = 0; c < ncomp; c++)
            for (int m = 0; m <= lmax; m++)
                for (int l = m; l <= lmax; l++)
                    if (l < l0 || l >= l1)
                        alm[c * nalm + (int64_t)m * (2 * lmax + 1 - m) / 2 + l] = 0;
    if (l1 <= l0)
        return SKY_OK;
    rot_tabs t;
    int rc = rot_tabs_init(&t, lmax, mat, err), nomem = 0;
    if (!rc) {
        const int nblk = (l1 - l0 + ROT_BLOCK - 1) / ROT_BLOCK;
        /* the largest degrees first (a degree's cost grows as l^2) */
#pragma omp parallel if (l1 > 64)
        {
            rot_ws w;
            const int ok = rot_ws_init(&w, t.width, ncomp);
            if (!ok) {
#pragma omp atomic write
                nomem = 1;
            }
#pragma omp for schedule(dynamic, 1)
            for (int i = 0; i < nblk; i++) {
                const int le = l1 - i * ROT_BLOCK, lb = le - ROT_BLOCK > l0 ? le - ROT_BLOCK : l0;
                if (ok)
                    rotate_block(lb, le, &t, &w, alm, ncomp);
            }
            rot_ws_free(&w);
        }
        if (nomem)
            rc = sky_nomem(err, "the alm rotation");
    }
    rot_tabs_free(&t);
    return rc;
}

int sky_rotate_alm(int lmax, int ncomp, double complex *alm, const double mat[3][3],
                   sky_error *err)
{
    return rotate_degrees(lmax, ncomp, alm, mat, 0, lmax + 1, 0, err);
}

int sky_rotate_alm_degrees(int lmax, int ncomp, double complex *alm, const double mat[3][3],
                           int l0, int l1, sky_error *err)
{
    return rotate_degrees(lmax, ncomp, alm, mat, l0, l1, 1, err);
}

void sky_rotate_split(int lmax, int rank, int nproc, int *l0, int *l1)
{
    /* a degree costs about (l + 1)^2 */
    const double total = (lmax + 1.0) * (lmax + 2.0) * (2.0 * lmax + 3.0) / 6.0;
    double before = 0;
    *l0 = *l1 = -1;
    for (int l = 0; l <= lmax; l++) {
        const int owner = (int)(before * nproc / total);
        if (owner == rank) {
            if (*l0 < 0)
                *l0 = l;
            *l1 = l + 1;
        }
        before += (l + 1.0) * (l + 1.0);
    }
    if (*l0 < 0)
        *l0 = *l1 = 0;
}
