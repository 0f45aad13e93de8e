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

int main(void)
{
#include "data/synalm_golden.h"
    return check_report("test_synalm");
}
