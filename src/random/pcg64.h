/*
 * pcg64.h - numpy's default generator, bit for bit: np.random.default_rng(seed)
 * (a SeedSequence of the seed feeding PCG64, the 128-bit LCG with the XSL-RR
 * output) and its random() / uniform(). PySM's bandpass sampler draws its
 * bootstrap samples from it, so reproducing it gives the same bandpasses for
 * the same seed.
 */
#ifndef SKY_RANDOM_PCG64_H
#define SKY_RANDOM_PCG64_H

#include <stdint.h>

/* GCC's and clang's 128-bit integer (__extension__: not ISO C) */
__extension__ typedef unsigned __int128 sky_u128;

typedef struct sky_pcg64 {
    sky_u128 state, inc;
} sky_pcg64;

/* np.random.default_rng(seed) for 0 <= seed < 2^64. */
void sky_pcg64_seed(sky_pcg64 *g, uint64_t seed);
uint64_t sky_pcg64_next(sky_pcg64 *g);
/* Generator.random(): a 53-bit double in [0, 1); uniform(0, 1) is the same. */
double sky_pcg64_random(sky_pcg64 *g);

#endif
