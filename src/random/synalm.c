/*
 * synalm.c - healpy's synalm (see synalm.h).
 *
 * healpy draws, for each field, standard normals for the real parts of all
 * its alm and then for the imaginary parts (numpy's legacy generator), then
 * for each l takes the Cholesky factor L of the field covariance C_l (healpy's
 * own routine: a non-positive pivot gives a zero column) and replaces the
 * draws g by L g, divided by sqrt(2) for m > 0 (m = 0 keeps the real part
 * only). Spectra are passed in "new" order and rearranged to rows of the
 * upper triangle, as healpy's new_to_old_spectra_order does.
 */
#include "synalm.h"

#include <math.h>
#include <stdlib.h>

#include "core/cmplx.h"
#include "core/error.h"

/* index of (i, j) in the row-major upper triangle of an n x n matrix */
static int tri(int n, int i, int j)
{
    if (i > j) {
        int t = i;
        i = j;
        j = t;
    }
    return i * (2 * n - 1 - i) / 2 + j;
}

static void cholesky(int n, const double *a, double *r)
{
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            if (i == j) {
                double s = a[tri(n, j, j)];
                for (int k = 0; k < j; k++)
                    s -= r[tri(n, k, j)] * r[tri(n, k, j)];
                r[tri(n, j, j)] = s <= 0 ? 0.0 : sqrt(s);
            } else if (i > j) {
                double s = a[tri(n, i, j)];
                for (int k = 0; k < j; k++)
                    s -= r[tri(n, i, k)] * r[tri(n, j, k)];
                r[tri(n, i, j)] = r[tri(n, j, j)] != 0.0 ? s / r[tri(n, j, j)] : 0.0;
            }
        }
}

int sky_synalm_cut(int n, const double *const *cls, const int *len, int lmax, int lkeep,
                   sky_np_rng *rng, double complex *alm, sky_error *err)
{
    if (n < 1 || n > 8 || lmax < 0 || lkeep < 0 || lkeep > lmax)
        return sky_fail(err, SKY_EINVAL, "synalm: %d fields, lmax %d, kept to %d", n, lmax,
                        lkeep);
    const int ncl = n * (n + 1) / 2;
    const int64_t nalm = (int64_t)(lkeep + 1) * (lkeep + 2) / 2;
    /* rows of the upper triangle, from the diagonals of the "new" order */
    int old_of[36];
    int k = 0;
    for (int i = 0; i < n; i++)
        for (int j = i; j < n; j++) {
            int p = j - i, q = i;
            old_of[k++] = p * (2 * n + 1 - p) / 2 + q;
        }
    /* the draws of the whole expansion, in healpy's order (m-major), of which
     * those with l <= lkeep are kept */
    for (int f = 0; f < n; f++) {
        double complex *a = alm + f * nalm;
        for (int part = 0; part < 2; part++) {
            int64_t i = 0;
            for (int m = 0; m <= lmax; m++)
                for (int l = m; l <= lmax; l++) {
                    const double g = sky_np_gauss(rng);
                    if (l > lkeep)
                        continue;
                    a[i] = part ? CMPLX(creal(a[i]), g) : g;
                    i++;
                }
        }
    }
    double mat[36], res[36];
    const double sqrt_two = sqrt(2.0);
    for (int l = 0; l <= lkeep; l++) {
        for (int c = 0; c < ncl; c++) {
            const int s = old_of[c];
            mat[c] = cls[s] && l < len[s] ? cls[s][l] : 0.0;
        }
        cholesky(n, mat, res);
        for (int i = n - 1; i >= 0; i--) {
            double x = 0;
            for (int j = 0; j <= i; j++)
                x += res[tri(n, i, j)] * creal(alm[j * nalm + l]);
            alm[i * nalm + l] = x;
        }
        for (int m = 1; m <= l; m++) {
            const int64_t idx = (int64_t)m * (2 * lkeep + 1 - m) / 2 + l;
            for (int i = n - 1; i >= 0; i--) {
                double xr = 0, xi = 0;
                for (int j = 0; j <= i; j++) {
                    xr += res[tri(n, i, j)] * creal(alm[j * nalm + idx]);
                    xi += res[tri(n, i, j)] * cimag(alm[j * nalm + idx]);
                }
                alm[i * nalm + idx] = CMPLX(xr / sqrt_two, xi / sqrt_two);
            }
        }
    }
    return SKY_OK;
}

int sky_synalm(int n, const double *const *cls, const int *len, int lmax, sky_np_rng *rng,
               double complex *alm, sky_error *err)
{
    return sky_synalm_cut(n, cls, len, lmax, lmax, rng, alm, err);
}
