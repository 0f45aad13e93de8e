/*
 * rotate.c - alm rotation (see rotate.h), after HEALPix C++'s rotate_alm,
 * which healpy calls:
 *
 * - the coordinate matrices are healpy 1.16's, which it derives with astropy
 *   from the barycentric mean ecliptic (values below, astropy 5.2); the
 *   inverses are taken numerically as healpy does;
 * - the matrix gives Euler angles (alpha, beta, gamma) by HEALPix's
 *   Extract_CPAC_Euler_Angles, and the alm rotate as
 *     a'_lm = exp(-i m alpha) sum_m' d^l_mm'(beta) exp(-i m' gamma) a_lm'
 *   with a_l,-m = (-1)^m conj(a_lm);
 * - Wigner's small d matrices come from Risbo's recursion (J. Geodesy 70,
 *   383, 1996), coupling d^(j-1/2) with spin 1/2: with n = 2j,
 *   i = j - m', k = j - m, q = cos(beta/2), p = sin(beta/2),
 *   n d^j_ik = sqrt((n-i)(n-k)) q d_i,k - sqrt((n-i) k) p d_i,k-1
 *            + sqrt(i (n-k)) p d_i-1,k + sqrt(i k) q d_i-1,k-1.
 * Cost is O(lmax^3) time and O(lmax^2) memory.
 */
#include "rotate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmplx.h"
#include "core/error.h"

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

/* The alm of degree l as the product with a row of d^l wants them, for each
 * component: entry l - m' holds a_lm' exp(-i m' gamma), with
 * a_l,-m' = (-1)^m' conj(a_lm') for a real field (ep[m] = exp(-i m gamma)).
 * re and im hold ncomp rows of 2 lmax + 1. */
static void gather_l(const double complex *alm, int lmax, int ncomp, int l,
                     const double complex *ep, double *re, double *im)
{
    const int64_t nalm = (int64_t)(lmax + 1) * (lmax + 2) / 2, dim = 2 * lmax + 1;
    for (int c = 0; c < ncomp; c++) {
        const double complex *a = alm + c * nalm;
        double *rc_ = re + c * dim, *ic_ = im + c * dim;
        for (int mp = -l; mp <= l; mp++) {
            const int am = abs(mp);
            const double complex v = a[(int64_t)am * (2 * lmax + 1 - am) / 2 + l];
            double complex w = mp >= 0 ? v : ((am & 1) ? -conj(v) : conj(v));
            w *= mp >= 0 ? ep[am] : conj(ep[am]);
            rc_[l - mp] = creal(w);
            ic_[l - mp] = cimag(w);
        }
    }
}

/* sum_k drow[k] (re[k] + i im[k]), k = 0 .. 2 l */
static inline double complex row_times(const double *drow, const double *re, const double *im,
                                       int l)
{
    double sr = 0, si = 0;
#pragma omp simd reduction(+ : sr, si)
    for (int k = 0; k <= 2 * l; k++) {
        sr += drow[k] * re[k];
        si += drow[k] * im[k];
    }
    return CMPLX(sr, si);
}

/* The rotated a_lm of degree l (res: ncomp rows of lmax + 1, by m) back into alm. */
static void store_l(double complex *alm, int lmax, int ncomp, int l, const double complex *res)
{
    const int64_t nalm = (int64_t)(lmax + 1) * (lmax + 2) / 2;
    for (int c = 0; c < ncomp; c++)
        for (int m = 0; m <= l; m++)
            alm[c * nalm + (int64_t)m * (2 * lmax + 1 - m) / 2 + l] =
                res[(int64_t)c * (lmax + 1) + m];
}

/* Extract_CPAC_Euler_Angles; rotate_alm(alm, psi = gamma, theta = beta, phi = alpha) */
static void euler_angles(const double mat[3][3], double *psi, double *beta_, double *phi)
{
    double alpha, beta, gamma;
    const double cb = mat[2][2], sb = sqrt(mat[0][2] * mat[0][2] + mat[1][2] * mat[1][2]);
    beta = atan2(sb, cb);
    if (fabs(sb) <= 1e-6) {
        alpha = 0;
        gamma = cb > 0 ? atan2(mat[1][0], mat[0][0]) : atan2(mat[0][1], -mat[0][0]);
    } else {
        alpha = atan2(mat[1][2], mat[0][2]);
        gamma = atan2(mat[2][1], -mat[2][0]);
    }
    *psi = gamma;
    *beta_ = beta;
    *phi = alpha;
}

/* What both rotations work with: the two d matrices of the recursion
 * (`rows` rows of 2 lmax + 1, zeroed), cos and sin of beta / 2, sqrt(i) for
 * i <= 2 lmax + 1, the phases ep[m] = exp(-i m gamma) and ef[m] =
 * exp(-i m alpha), and the buffers of one degree (gather_l's re and im,
 * store_l's res) for up to three components. */
typedef struct rot_work {
    double q, p;
    double *d, *e, *sq, *re, *im;
    double complex *ep, *ef, *res;
} rot_work;

static void rot_work_free(rot_work *w)
{
    free(w->d);
    free(w->e);
    free(w->sq);
    free(w->re);
    free(w->im);
    free(w->ep);
    free(w->ef);
    free(w->res);
}

static int rot_work_init(rot_work *w, int lmax, int rows, const double mat[3][3],
                         sky_error *err)
{
    double psi, beta, phi;
    euler_angles(mat, &psi, &beta, &phi);
    const int dim = 2 * lmax + 1;
    w->d = calloc((size_t)rows * dim, sizeof *w->d);
    w->e = calloc((size_t)rows * dim, sizeof *w->e);
    w->sq = malloc((size_t)(dim + 1) * sizeof *w->sq);
    w->ep = malloc((size_t)(lmax + 1) * sizeof *w->ep);
    w->ef = malloc((size_t)(lmax + 1) * sizeof *w->ef);
    w->re = malloc((size_t)3 * dim * sizeof *w->re);
    w->im = malloc((size_t)3 * dim * sizeof *w->im);
    w->res = malloc((size_t)3 * (lmax + 1) * sizeof *w->res);
    if (!w->d || !w->e || !w->sq || !w->ep || !w->ef || !w->re || !w->im || !w->res)
        return sky_nomem(err, "the alm rotation");
    for (int i = 0; i <= dim; i++)
        w->sq[i] = sqrt((double)i);
    for (int m = 0; m <= lmax; m++) {
        w->ep[m] = CMPLX(cos(psi * m), -sin(psi * m));
        w->ef[m] = CMPLX(cos(phi * m), -sin(phi * m));
    }
    w->q = cos(beta / 2);
    w->p = sin(beta / 2);
    return SKY_OK;
}

int sky_rotate_alm(int lmax, int ncomp, double complex *alm, const double mat[3][3],
                   sky_error *err)
{
    const int dim = 2 * lmax + 1;
    rot_work w;
    int rc = rot_work_init(&w, lmax, dim, mat, err);
    if (rc)
        goto done;
    double *d = w.d, *e = w.e; /* swapped at each half step */
    const double *sq = w.sq, q = w.q, p = w.p;
    double *re = w.re, *im = w.im;
    double complex *res = w.res;
    const double complex *ep = w.ep, *ef = w.ef;
    d[0] = 1.0; /* n = 0: d^0 */
    int n = 0;  /* d holds d^(n/2), (n+1) x (n+1), row stride dim */
    for (int l = 0; l <= lmax; l++) {
        while (n < 2 * l) { /* one half step: d^(n/2) -> d^((n+1)/2) into e */
            const int nn = n + 1;
            /* Only rows 0 .. nn/2 + 1 are computed (the alm need rows 0 .. l
             * of d^l). Row i needs rows i and i - 1 of the step before; the
             * rows of it beyond those computed come from the symmetries
             * D[i][k] = (-1)^(i-k) D[k][i] = D[n-k][n-i]. */
            const int rows = nn / 2 + 1 < nn ? nn / 2 + 1 : nn;
            const int have = n / 2 + 1 < n ? n / 2 + 1 : n;
            for (int r = have + 1; r <= rows && r <= n; r++)
                for (int k = 0; k <= n; k++)
                    d[(int64_t)r * dim + k] = k <= have ? (((r - k) & 1) ? -1 : 1) *
                                                              d[(int64_t)k * dim + r]
                                                        : d[(int64_t)(n - k) * dim + (n - r)];
            const double inv = 1.0 / nn;
#pragma omp parallel for schedule(static) if (nn > 128)
            for (int i = 0; i <= rows; i++) {
                double *out = e + (int64_t)i * dim;
                const double *cur = d + (int64_t)i * dim, *prev = d + (int64_t)(i - 1) * dim;
                const double a0 = i < nn ? sq[nn - i] * q * inv : 0.0; /* d_i,k */
                const double a1 = i < nn ? -sq[nn - i] * p * inv : 0.0; /* d_i,k-1 */
                const double a2 = i > 0 ? sq[i] * p * inv : 0.0;        /* d_i-1,k */
                const double a3 = i > 0 ? sq[i] * q * inv : 0.0;        /* d_i-1,k-1 */
                /* k = 0 and k = nn have one-sided neighbours; the rest vectorises */
                out[0] = a0 * sq[nn] * (i < nn ? cur[0] : 0.0) +
                         (i > 0 ? a2 * sq[nn] * prev[0] : 0.0);
                if (i < nn && i > 0) {
                    for (int k = 1; k < nn; k++)
                        out[k] = sq[nn - k] * (a0 * cur[k] + a2 * prev[k]) +
                                 sq[k] * (a1 * cur[k - 1] + a3 * prev[k - 1]);
                } else if (i == 0) {
                    for (int k = 1; k < nn; k++)
                        out[k] = sq[nn - k] * a0 * cur[k] + sq[k] * a1 * cur[k - 1];
                } else { /* i == nn */
                    for (int k = 1; k < nn; k++)
                        out[k] = sq[nn - k] * a2 * prev[k] + sq[k] * a3 * prev[k - 1];
                }
                out[nn] = sq[nn] * ((i < nn ? a1 * cur[nn - 1] : 0.0) +
                                    (i > 0 ? a3 * prev[nn - 1] : 0.0));
            }
            double *t = d;
            d = e;
            e = t;
            n = nn;
        }
        /* d^l_mm' = d[(l - m) * dim + (l - m')]; the alm of a real field
         * give a_l,-m' = (-1)^m' conj(a_lm'), stored in the order of a d row */
        gather_l(alm, lmax, ncomp, l, ep, re, im);
#pragma omp parallel for schedule(static) if (l > 64)
        for (int m = 0; m <= l; m++) {
            const double *drow = d + (int64_t)(l - m) * dim;
            for (int c = 0; c < ncomp; c++) {
                res[(int64_t)c * (lmax + 1) + m] =
                    row_times(drow, re + (int64_t)c * dim, im + (int64_t)c * dim, l) * ef[m];
            }
        }
        store_l(alm, lmax, ncomp, l, res);
    }
done:
    rot_work_free(&w);
    return rc;
}

/*
 * The rows [row0, row1) of the rotation, for a process of a distributed run
 * (see rotate.h). Row i of d^j holds m = j - i; rows 0 .. lmax give every
 * output m >= 0. Without the symmetries above (they mix rows), row i of a
 * half step needs rows i and i - 1 of the step before, so each process
 * recurs its own rows and receives row row0 - 1 from its neighbour at every
 * half step: about 1.4 times the serial recursion's work, divided among the
 * processes.
 */
int sky_rotate_alm_rows(int lmax, int ncomp, double complex *alm, const double mat[3][3],
                        int row0, int row1, sky_rotate_halo halo, void *ctx, sky_error *err)
{
    const int dim = 2 * lmax + 1, nr = row1 - row0;
    rot_work w;
    /* rows row0 - 1 .. row1 - 1 of the current step: local row r is row0 - 1 + r */
    int rc = rot_work_init(&w, lmax, nr + 1, mat, err);
    if (rc)
        goto done;
    double *d = w.d, *e = w.e; /* swapped at each half step */
    const double *sq = w.sq, q = w.q, p = w.p;
    double *re = w.re, *im = w.im;
    double complex *res = w.res;
    const double complex *ep = w.ep, *ef = w.ef;
    if (row0 == 0 && nr > 0)
        d[(int64_t)1 * dim] = 1.0; /* d^0: row 0 is local row 1 */
    int n = 0;
    for (int l = 0; l <= lmax; l++) {
        while (n < 2 * l) { /* d^(n/2) -> d^((n+1)/2), rows row0 .. min(row1, nn + 1) - 1 */
            const int nn = n + 1;
            /* row row0 - 1 of step n, from the process holding it */
            if (halo)
                halo(ctx, d + (int64_t)nr * dim, d, n + 1);
            const double inv = 1.0 / nn;
            const int last = row1 - 1 < nn ? row1 - 1 : nn;
#pragma omp parallel for schedule(static) if (nn > 128)
            for (int i = row0; i <= last; i++) {
                double *out = e + (int64_t)(i - row0 + 1) * dim;
                const double *cur = d + (int64_t)(i - row0 + 1) * dim, *prev = cur - dim;
                const double a0 = i < nn ? sq[nn - i] * q * inv : 0.0;
                const double a1 = i < nn ? -sq[nn - i] * p * inv : 0.0;
                const double a2 = i > 0 ? sq[i] * p * inv : 0.0;
                const double a3 = i > 0 ? sq[i] * q * inv : 0.0;
                const int cn = i < nn, pv = i > 0;
                out[0] = a0 * sq[nn] * (cn ? cur[0] : 0.0) + (pv ? a2 * sq[nn] * prev[0] : 0.0);
                for (int k = 1; k < nn; k++)
                    out[k] = sq[nn - k] * ((cn ? a0 * cur[k] : 0.0) + (pv ? a2 * prev[k] : 0.0)) +
                             sq[k] * ((cn ? a1 * cur[k - 1] : 0.0) + (pv ? a3 * prev[k - 1] : 0.0));
                out[nn] = sq[nn] * ((cn ? a1 * cur[nn - 1] : 0.0) + (pv ? a3 * prev[nn - 1] : 0.0));
            }
            double *t = d;
            d = e;
            e = t;
            n = nn;
        }
        /* input: every m' at this l */
        gather_l(alm, lmax, ncomp, l, ep, re, im);
        /* output: m = l - i for this process's rows; the other m of this l
         * are zeroed, for the sum over processes that follows */
#pragma omp parallel for schedule(static) if (l > 64)
        for (int m = 0; m <= l; m++) {
            const int i = l - m;
            for (int c = 0; c < ncomp; c++) {
                double complex v = 0;
                if (i >= row0 && i < row1) {
                    const double *drow = d + (int64_t)(i - row0 + 1) * dim;
                    v = row_times(drow, re + (int64_t)c * dim, im + (int64_t)c * dim, l) * ef[m];
                }
                res[(int64_t)c * (lmax + 1) + m] = v;
            }
        }
        store_l(alm, lmax, ncomp, l, res);
    }
done:
    rot_work_free(&w);
    return rc;
}
