/*
 * test_synalm.c - healpy.synalm(new=True) reproduced after np.random.seed:
 * golden alm printed by healpy 1.16 for 1, 3 and 4 correlated fields
 * (tests/data/synalm_golden.h).
 */
#include <complex.h>
#include <stdlib.h>

#include "check.h"
#include "random/synalm.h"

static void check_synalm(int n, const double *const *cls, const int *len, int lmax,
                         unsigned seed, const double *expect)
{
    sky_np_rng r;
    sky_np_seed(&r, seed);
    const int64_t nalm = (int64_t)(lmax + 1) * (lmax + 2) / 2;
    double complex *a = malloc(n * nalm * sizeof *a);
    sky_error err;
    CHECK(sky_synalm(n, cls, len, lmax, &r, a, &err) == SKY_OK, "%s", err.msg);
    double worst = 0;
    for (int64_t i = 0; i < n * nalm; i++) {
        worst = fmax(worst, fabs(creal(a[i]) - expect[2 * i]));
        worst = fmax(worst, fabs(cimag(a[i]) - expect[2 * i + 1]));
    }
    CHECK(worst <= 1e-13, "%d fields, seed %u: max difference %g", n, seed, worst);
    free(a);
}

/* Keeping l <= lkeep gives exactly the low multipoles of the full draw. */
static void check_cut(void)
{
    enum { N = 3, LMAX = 40, LKEEP = 17 };
    double c[6][LMAX + 1];
    const double *cls[6];
    int len[6];
    for (int k = 0; k < 6; k++) {
        for (int l = 0; l <= LMAX; l++)
            c[k][l] = (k < 3 ? 1.0 : 0.3) / (1.0 + l * l);
        cls[k] = c[k];
        len[k] = k == 5 ? 10 : LMAX + 1; /* a short spectrum is zero beyond */
    }
    const int64_t nf = (LMAX + 1) * (LMAX + 2) / 2, nk = (LKEEP + 1) * (LKEEP + 2) / 2;
    double complex *full = malloc(N * nf * sizeof *full), *cut = malloc(N * nk * sizeof *cut);
    sky_np_rng r1, r2;
    sky_error err;
    sky_np_seed(&r1, 4321);
    sky_np_seed(&r2, 4321);
    CHECK(sky_synalm(N, cls, len, LMAX, &r1, full, &err) == SKY_OK, "%s", err.msg);
    CHECK(sky_synalm_cut(N, cls, len, LMAX, LKEEP, &r2, cut, &err) == SKY_OK, "%s", err.msg);
    int same = 1;
    for (int f = 0; f < N; f++)
        for (int m = 0; m <= LKEEP; m++)
            for (int l = m; l <= LKEEP; l++)
                same &= full[f * nf + m * (2 * LMAX + 1 - m) / 2 + l] ==
                        cut[f * nk + m * (2 * LKEEP + 1 - m) / 2 + l];
    CHECK(same, "synalm_cut differs from the full draw below lkeep");
    CHECK(sky_np_uint32(&r1) == sky_np_uint32(&r2), "synalm_cut left the generator elsewhere");
    CHECK(sky_synalm_cut(N, cls, len, LMAX, LMAX + 1, &r2, cut, &err) == SKY_EINVAL,
          "lkeep above lmax accepted");
    free(full);
    free(cut);
}

int main(void)
{
    check_cut();
#include "data/synalm_golden.h"
    return check_report("test_synalm");
}
