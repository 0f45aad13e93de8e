/*
 * numpy_rng.c - numpy's legacy RandomState (see numpy_rng.h).
 *
 * MT19937 is Matsumoto & Nishimura's generator (ACM TOMACS 8, 3, 1998),
 * seeded by their init_genrand, which is what numpy's legacy seeding does for
 * an integer seed. random_sample joins two 32-bit outputs into 53 bits as
 * numpy's legacy_double does; standard_normal is the Marsaglia polar method
 * returning the second of each pair first and caching the other, as numpy's
 * legacy_gauss.
 */
#include "numpy_rng.h"

#include <math.h>

void sky_np_seed(sky_np_rng *r, uint32_t seed)
{
    r->mt[0] = seed;
    for (int i = 1; i < 624; i++)
        r->mt[i] = 1812433253u * (r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) + (uint32_t)i;
    r->pos = 624;
    r->has_gauss = 0;
    r->gauss = 0.0;
}

static void generate(sky_np_rng *r)
{
    static const uint32_t mag01[2] = {0u, 0x9908b0dfu};
    const uint32_t upper = 0x80000000u, lower = 0x7fffffffu;
    int k;
    uint32_t y;
    for (k = 0; k < 624 - 397; k++) {
        y = (r->mt[k] & upper) | (r->mt[k + 1] & lower);
        r->mt[k] = r->mt[k + 397] ^ (y >> 1) ^ mag01[y & 1u];
    }
    for (; k < 623; k++) {
        y = (r->mt[k] & upper) | (r->mt[k + 1] & lower);
        r->mt[k] = r->mt[k + (397 - 624)] ^ (y >> 1) ^ mag01[y & 1u];
    }
    y = (r->mt[623] & upper) | (r->mt[0] & lower);
    r->mt[623] = r->mt[396] ^ (y >> 1) ^ mag01[y & 1u];
    r->pos = 0;
}

uint32_t sky_np_uint32(sky_np_rng *r)
{
    if (r->pos >= 624)
        generate(r);
    uint32_t y = r->mt[r->pos++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

double sky_np_random(sky_np_rng *r)
{
    uint32_t a = sky_np_uint32(r) >> 5, b = sky_np_uint32(r) >> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
}

double sky_np_gauss(sky_np_rng *r)
{
    if (r->has_gauss) {
        r->has_gauss = 0;
        return r->gauss;
    }
    double x1, x2, r2;
    do {
        x1 = 2.0 * sky_np_random(r) - 1.0;
        x2 = 2.0 * sky_np_random(r) - 1.0;
        r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    const double f = sqrt(-2.0 * log(r2) / r2);
    r->gauss = f * x1;
    r->has_gauss = 1;
    return f * x2;
}
