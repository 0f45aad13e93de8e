/*
 * test_rotate.c - the alm rotation (src/sht/rotate.c) on its own, where
 * healpy (oracle_rotate.py) is not needed or too slow:
 * - one degree l = 8 holding a_l0 only rotates into e^(-i m alpha)
 *   d^l_m0(beta): magnitudes against Wigner's explicit sum;
 * - single degrees beyond 1074 (where Delta's corner, 2^-l, is below the
 *   doubles and the scaled columns work): the power sum_m |a_lm|^2 (m > 0
 *   twice) is kept, and G -> C -> G is the identity;
 * - a thread count does not change a bit (degrees are independent);
 * - bad arguments.
 */
#include <complex.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/cmplx.h"
#include "sht/rotate.h"

static int64_t idx(int lmax, int l, int m)
{
    return (int64_t)m * (2 * lmax + 1 - m) / 2 + l;
}

static double fact(int n)
{
    double f = 1;
    for (int i = 2; i <= n; i++)
        f *= i;
    return f;
}

/* Wigner's d^j_m'm(beta), explicit sum (small j) */
static double wigner_d(int j, int mp, int m, double beta)
{
    const double c = cos(beta / 2), s = sin(beta / 2);
    double sum = 0;
    for (int k = 0; k <= 2 * j; k++) {
        if (j + m - k < 0 || mp - m + k < 0 || j - mp - k < 0)
            continue;
        const double t = sqrt(fact(j + mp) * fact(j - mp) * fact(j + m) * fact(j - m)) /
                         (fact(j + m - k) * fact(k) * fact(mp - m + k) * fact(j - mp - k));
        sum += (((mp - m + k) & 1) ? -1 : 1) * t * pow(c, 2 * j + m - mp - 2 * k) *
               pow(s, mp - m + 2 * k);
    }
    return sum;
}

/* degree l alone of random alm: power kept by G -> C, and G -> C -> G */
static void single_degree(int l)
{
    const int lmax = l;
    const int64_t nalm = (int64_t)(lmax + 1) * (lmax + 2) / 2;
    double complex *a = calloc(nalm, sizeof *a), *b = calloc(nalm, sizeof *b);
    srand(7);
    for (int m = 0; m <= l; m++)
        a[idx(lmax, l, m)] =
            CMPLX(rand() / (double)RAND_MAX - 0.5, m ? rand() / (double)RAND_MAX - 0.5 : 0);
    memcpy(b, a, nalm * sizeof *b);
    double g2c[3][3], c2g[3][3];
    sky_error err;
    sky_coord_matrix('G', 'C', g2c, &err);
    sky_coord_matrix('C', 'G', c2g, &err);
    CHECK(sky_rotate_alm_degrees(lmax, 1, b, g2c, l, l + 1, &err) == SKY_OK, "%s", err.msg);
    double p0 = 0, p1 = 0;
    for (int m = 0; m <= l; m++) {
        p0 += (m ? 2 : 1) * creal(a[idx(lmax, l, m)] * conj(a[idx(lmax, l, m)]));
        p1 += (m ? 2 : 1) * creal(b[idx(lmax, l, m)] * conj(b[idx(lmax, l, m)]));
    }
    CHECK(fabs(p1 / p0 - 1) < 1e-13, "degree %d: power changed by %g", l, p1 / p0 - 1);
    CHECK(sky_rotate_alm_degrees(lmax, 1, b, c2g, l, l + 1, &err) == SKY_OK, "%s", err.msg);
    double e = 0;
    for (int m = 0; m <= l; m++)
        e = fmax(e, cabs(a[idx(lmax, l, m)] - b[idx(lmax, l, m)]));
    const double rms = sqrt(p0 / (2 * l + 1));
    CHECK(e < 1e-11 * rms, "degree %d: G -> C -> G differs by %g of the RMS", l, e / rms);
    free(a);
    free(b);
}

int main(void)
{
    sky_error err;
    double mat[3][3];
    CHECK(sky_coord_matrix('G', 'E', mat, &err) == SKY_OK, "%s", err.msg);
    const double beta = atan2(sqrt(mat[0][2] * mat[0][2] + mat[1][2] * mat[1][2]), mat[2][2]);

    /* a_80 = 1 -> |a'_8m| = |d^8_m0(beta)| */
    {
        const int lmax = 10, l = 8;
        const int64_t nalm = (int64_t)(lmax + 1) * (lmax + 2) / 2;
        double complex *a = calloc(nalm, sizeof *a);
        a[idx(lmax, l, 0)] = 1;
        CHECK(sky_rotate_alm(lmax, 1, a, mat, &err) == SKY_OK, "%s", err.msg);
        double e = 0;
        for (int m = 0; m <= l; m++)
            e = fmax(e, fabs(cabs(a[idx(lmax, l, m)]) - fabs(wigner_d(l, m, 0, beta))));
        for (int ll = 0; ll <= lmax; ll++)
            for (int m = 0; m <= ll; m++)
                if (ll != l)
                    e = fmax(e, cabs(a[idx(lmax, ll, m)]));
        CHECK(e < 1e-14, "a_80 rotated: off Wigner's d^8_m0 by %g", e);
        free(a);
    }

    single_degree(1100);
    single_degree(2101);

    /* threads: the same bits (1 and 2 threads, degrees in another order) */
    {
        const int lmax = 300;
        const int64_t nalm = (int64_t)(lmax + 1) * (lmax + 2) / 2;
        double complex *a = malloc(3 * nalm * sizeof *a), *b = malloc(3 * nalm * sizeof *b);
        srand(3);
        for (int64_t i = 0; i < 3 * nalm; i++)
            a[i] = CMPLX(rand() / (double)RAND_MAX - 0.5, rand() / (double)RAND_MAX - 0.5);
        memcpy(b, a, 3 * nalm * sizeof *b);
        const int nt = omp_get_max_threads();
        omp_set_num_threads(1);
        sky_rotate_alm(lmax, 3, a, mat, &err);
        omp_set_num_threads(2);
        sky_rotate_alm(lmax, 3, b, mat, &err);
        omp_set_num_threads(nt);
        CHECK(!memcmp(a, b, 3 * nalm * sizeof *a), "1 and 2 threads differ");
        free(a);
        free(b);
    }

    /* bad arguments */
    double complex z = 0;
    CHECK(sky_rotate_alm(-1, 1, &z, mat, &err) == SKY_EINVAL, "lmax -1 accepted");
    CHECK(!strcmp(err.msg, "alm rotation: lmax -1, 1 components: expected >= 0 and >= 1"), "%s",
          err.msg);
    CHECK(sky_rotate_alm(0, 0, &z, mat, &err) == SKY_EINVAL, "0 components accepted");
    return check_report("test_rotate");
}
