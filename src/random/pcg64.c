/*
 * pcg64.c - numpy's SeedSequence and PCG64 (see pcg64.h).
 *
 * SeedSequence: the seed's 32-bit words (least significant first; 0 is one
 * word) are hashed into a pool of four words, each word mixed into every
 * other; the generator's state is then drawn from the pool with a second
 * hash. PCG64 takes four 64-bit words of it: the first two are the initial
 * state, the last two the stream (increment), and it starts as PCG's
 * srandom: state 0, one step, add the initial state, one step. Every draw is
 * one LCG step followed by the XSL-RR output of the new state.
 */
#define _POSIX_C_SOURCE 200809L
#include "pcg64.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "skymodel.h"

enum { POOL = 4 };

static const uint32_t INIT_A = 0x43b0d7e5u, MULT_A = 0x931e8875u;
static const uint32_t INIT_B = 0x8b51f9ddu, MULT_B = 0x58f38dedu;
static const uint32_t MIX_L = 0xca01f9ddu, MIX_R = 0x4973f715u;

static uint32_t hashmix(uint32_t v, uint32_t *h)
{
    v ^= *h;
    *h *= MULT_A;
    v *= *h;
    return v ^ (v >> 16);
}

static uint32_t mix(uint32_t x, uint32_t y)
{
    uint32_t r = MIX_L * x - MIX_R * y;
    return r ^ (r >> 16);
}

/* SeedSequence(seed).generate_state(4, uint64) */
static void seed_state(uint64_t seed, uint64_t out[4])
{
    uint32_t entropy[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    const int n = seed >> 32 ? 2 : 1;
    uint32_t pool[POOL], h = INIT_A;
    for (int i = 0; i < POOL; i++)
        pool[i] = hashmix(i < n ? entropy[i] : 0, &h);
    for (int s = 0; s < POOL; s++)
        for (int d = 0; d < POOL; d++)
            if (s != d)
                pool[d] = mix(pool[d], hashmix(pool[s], &h));
    /* the entropy is never longer than the pool here: no more words to mix */
    uint32_t words[8], hb = INIT_B;
    for (int i = 0; i < 8; i++) {
        uint32_t v = pool[i % POOL] ^ hb;
        hb *= MULT_B;
        v *= hb;
        words[i] = v ^ (v >> 16);
    }
    for (int i = 0; i < 4; i++)
        out[i] = (uint64_t)words[2 * i] | (uint64_t)words[2 * i + 1] << 32;
}

static const sky_u128 MULT =
    ((sky_u128)2549297995355413924ULL << 64) | 4865540595714422341ULL;

static void step(sky_pcg64 *g)
{
    g->state = g->state * MULT + g->inc;
}

void sky_pcg64_seed(sky_pcg64 *g, uint64_t seed)
{
    uint64_t w[4];
    seed_state(seed, w);
    const sky_u128 s = (sky_u128)w[0] << 64 | w[1];
    const sky_u128 i = (sky_u128)w[2] << 64 | w[3];
    g->state = 0;
    g->inc = i << 1 | 1;
    step(g);
    g->state += s;
    step(g);
}

uint64_t sky_pcg64_next(sky_pcg64 *g)
{
    step(g);
    const uint64_t v = (uint64_t)(g->state >> 64) ^ (uint64_t)g->state;
    const unsigned rot = (unsigned)(g->state >> 122);
    return (v >> rot) | (v << ((64 - rot) & 63));
}

double sky_pcg64_random(sky_pcg64 *g)
{
    return (double)(sky_pcg64_next(g) >> 11) * (1.0 / 9007199254740992.0);
}

uint64_t sky_random_seed(void)
{
    uint64_t s = 0;
    FILE *f = fopen("/dev/urandom", "rb");
    if (f) {
        if (fread(&s, sizeof s, 1, f) != 1)
            s = 0;
        fclose(f);
    }
    if (!s) { /* no entropy device: the time and the process */
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        s = (uint64_t)t.tv_sec * 1000000007ULL ^ (uint64_t)t.tv_nsec ^ (uint64_t)getpid() << 32;
    }
    return s >> 11; /* 53 bits: exact in a double, as Python's and JSON's numbers */
}
