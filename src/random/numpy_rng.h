/*
 * numpy_rng.h - numpy's legacy RandomState, bit for bit: MT19937 seeded as
 * np.random.seed(int) does, random_sample, and the polar-method
 * standard_normal that caches its second value. PySM's random presets (c1's
 * healpy.synalm, d6's decorrelation, HD2017's uval draws) take their numbers
 * from this generator, so reproducing it gives the same skies for the same
 * seed.
 */
#ifndef SKY_RANDOM_NUMPY_RNG_H
#define SKY_RANDOM_NUMPY_RNG_H

#include <stdint.h>

typedef struct sky_np_rng {
    uint32_t mt[624];
    int pos;
    int has_gauss;
    double gauss;
} sky_np_rng;

/* np.random.seed(seed) for 0 <= seed < 2^32. */
void sky_np_seed(sky_np_rng *r, uint32_t seed);
uint32_t sky_np_uint32(sky_np_rng *r);
/* np.random.random_sample(): 53-bit double in [0, 1). */
double sky_np_random(sky_np_rng *r);
/* np.random.standard_normal() / randn() (legacy polar method). */
double sky_np_gauss(sky_np_rng *r);

#endif
