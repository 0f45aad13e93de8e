/*
 * test_npy_math.c - sky_npy_exp and sky_npy_log against numpy 1.24.2 on an
 * AVX-512 CPU (data/npy_math_golden.h, written by
 * data/make_npy_math_golden.py): for each function 2,048,576 inputs (the
 * 10^6 log and exp arguments of d6's correlation matrix for frequencies
 * 1..1000 GHz, then 2^20 inputs of seven kinds from a counter-based
 * generator that the script mirrors), checked through per-block digests of
 * the output bits, and 445 stored inputs with numpy's outputs, bit for bit
 * (NaN payloads included). Also printed: how many of the inputs libm's exp
 * and log round differently, the reason this module exists.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/npy_math.h"
#include "data/npy_math_golden.h"

enum { NCAT = 7, ND6 = 1000000 };
static const uint64_t GAMMA = 0x9E3779B97F4A7C15ull;
static const uint64_t FRAC = 0x000FFFFFFFFFFFFFull;
static const double EXP_LIMITS[5] = {709.782712893384, -708.3964185322641, -745.1332191019411,
                                     707.7032713517042, -707.7032713517042};
static const uint64_t RCP_STEPS[16] = {0x040F, 0x0C97, 0x15B4, 0x1F70, 0x29E6, 0x3523,
                                       0x4143, 0x4E5F, 0x5C99, 0x6C15, 0x7D07, 0x8F9C,
                                       0xA41A, 0xBAD0, 0xD41C, 0xF080};

static uint64_t bits_of(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static double from_bits(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* the k-th output of splitmix64 seeded with NPY_GOLDEN_SEED */
static uint64_t splitmix(uint64_t k)
{
    return mix(NPY_GOLDEN_SEED + (k + 1) * GAMMA);
}

/* [0, 1) from the top 53 bits, exactly */
static double unit(uint64_t u)
{
    return (double)(u >> 11) * 0x1p-53;
}

/* x moved by a random number of ulps, |offset| <= 2^(u mod (maxlog+1)) */
static double ulp_walk(double x, uint64_t u, uint64_t v, int maxlog)
{
    const uint64_t span = 1ull << (u % (uint64_t)(maxlog + 1));
    const int64_t off = (int64_t)(v % (2 * span + 1)) - (int64_t)span;
    return from_bits(bits_of(x) + (uint64_t)off);
}

/* Each arithmetic step on its own line, as numpy evaluates it: nothing here
 * may be fused into an fma. */
static double d6_quotient(uint64_t u, uint64_t v)
{
    double fa = unit(u) * 999.0;
    fa = fa + 1.0;
    double fb = unit(v) * 999.0;
    fb = fb + 1.0;
    return fa / fb;
}

static double d6_exponent(double q)
{
    const double x = sky_npy_log(q) / 5.0;
    const double x2 = x * x;
    return -0.5 * x2;
}

static double scaled(double u, double width, double lo)
{
    const double t = u * width;
    return t + lo;
}

/* The i-th random input of exp (data/make_npy_math_golden.py, random_inputs) */
static double exp_input(uint64_t i)
{
    const uint64_t u = splitmix(2 * i), v = splitmix(2 * i + 1);
    switch (i % NCAT) {
    case 0:
        return from_bits(u);
    case 1:
        return scaled(unit(v), 100.0, -50.0);
    case 2:
        return scaled(unit(v), 1520.0, -760.0);
    case 3:
        return ulp_walk(EXP_LIMITS[u % 5], u >> 8, v, 44);
    case 4:
        return from_bits((v & (1ull << 63)) | ((u % 1034) << 52) | (v & FRAC));
    case 5: {
        const int64_t k = (int64_t)(u % 32673) - 16336;
        return ulp_walk((double)k * (0.6931471805599453 / 16), 8, v, 8);
    }
    default:
        return d6_exponent(d6_quotient(u, v));
    }
}

/* The i-th random input of log */
static double log_input(uint64_t i)
{
    const uint64_t u = splitmix(2 * i), v = splitmix(2 * i + 1);
    switch (i % NCAT) {
    case 0:
        return from_bits(u);
    case 1:
        return ulp_walk(1.0, u >> 8, v, 52);
    case 2:
        return from_bits(((1 + u % 2046) << 52) | (v & FRAC));
    case 3:
        return from_bits(v & FRAC);
    case 4: {
        const uint64_t top = RCP_STEPS[u % 16] - 1 + ((u >> 4) & 1);
        const uint64_t e = 1 + (u >> 5) % 2046;
        return from_bits((e << 52) | (top << 36) | (v & ((1ull << 36) - 1)));
    }
    case 5: {
        const double t = unit(v) * 1000.0;
        return 1000.0 - t;
    }
    default:
        return d6_quotient(u, v);
    }
}

/* Inputs of one function, in the script's order: the d6 set, then random. */
static double *golden_inputs(int is_exp, size_t *n)
{
    *n = (size_t)ND6 + NPY_GOLDEN_RANDOM;
    double *x = malloc(*n * sizeof *x);
    if (!x)
        return NULL;
    size_t k = 0;
    for (int a = 1; a <= 1000; a++)
        for (int b = 1; b <= 1000; b++) {
            const double q = (double)a / (double)b;
            x[k++] = is_exp ? d6_exponent(q) : q;
        }
    for (uint64_t i = 0; i < NPY_GOLDEN_RANDOM; i++)
        x[k++] = is_exp ? exp_input(i) : log_input(i);
    return x;
}

/* All inputs through f, digests compared block by block; returns the
 * number of blocks that differ. Also counts the outputs libm's g rounds
 * differently. */
static int check_blocks(const char *name, int is_exp, double (*f)(double), double (*g)(double),
                        const uint64_t *blocks, size_t nblocks)
{
    size_t n;
    double *x = golden_inputs(is_exp, &n);
    CHECK(x != NULL, "out of memory");
    if (!x)
        return -1;
    CHECK((n + NPY_GOLDEN_BLOCK - 1) / NPY_GOLDEN_BLOCK == nblocks, "%s: %zu blocks for %zu inputs",
          name, nblocks, n);
    int bad = 0;
    size_t libm_differs = 0, finite = 0;
    for (size_t b = 0; b < nblocks; b++) {
        uint64_t sum = 0;
        for (size_t i = b * NPY_GOLDEN_BLOCK; i < n && i < (b + 1) * NPY_GOLDEN_BLOCK; i++) {
            const double y = f(x[i]);
            sum += mix(bits_of(y) ^ ((uint64_t)i * GAMMA));
            if (isfinite(y) && y != 0) {
                finite++;
                libm_differs += bits_of(g(x[i])) != bits_of(y);
            }
        }
        if (sum != blocks[b]) {
            bad++;
            fprintf(stderr, "%s: block %zu (inputs %zu..%zu) differs from numpy\n", name, b,
                    b * NPY_GOLDEN_BLOCK, (b + 1) * NPY_GOLDEN_BLOCK - 1);
        }
    }
    CHECK(bad == 0, "%s: %d of %zu blocks of %d outputs differ from numpy", name, bad, nblocks,
          NPY_GOLDEN_BLOCK);
    printf("%s: %zu inputs, %d of %zu blocks differ from numpy; libm differs from numpy on %zu of "
           "%zu finite non-zero outputs\n",
           name, n, bad, nblocks, libm_differs, finite);
    free(x);
    return bad;
}

/* The stored inputs, bit for bit; returns the number of mismatches. */
static int check_values(const char *name, double (*f)(double), const uint64_t (*v)[2], size_t n)
{
    int bad = 0;
    for (size_t k = 0; k < n; k++) {
        const double x = from_bits(v[k][0]);
        const uint64_t got = bits_of(f(x));
        if (got != v[k][1]) {
            if (bad < 20)
                fprintf(stderr, "%s(%a = 0x%016llx): got 0x%016llx, numpy 0x%016llx\n", name, x,
                        (unsigned long long)v[k][0], (unsigned long long)got,
                        (unsigned long long)v[k][1]);
            bad++;
        }
    }
    CHECK(bad == 0, "%s: %d of %zu stored values differ from numpy", name, bad, n);
    printf("%s: %d of %zu stored values differ from numpy\n", name, bad, n);
    return bad;
}

int main(void)
{
    /* the stored values first: they say which inputs differ, if any */
    check_values("exp", sky_npy_exp, npy_exp_values,
                 sizeof npy_exp_values / sizeof *npy_exp_values);
    check_values("log", sky_npy_log, npy_log_values,
                 sizeof npy_log_values / sizeof *npy_log_values);
    check_blocks("exp", 1, sky_npy_exp, exp, npy_exp_blocks,
                 sizeof npy_exp_blocks / sizeof *npy_exp_blocks);
    check_blocks("log", 0, sky_npy_log, log, npy_log_blocks,
                 sizeof npy_log_blocks / sizeof *npy_log_blocks);

    /* a few properties that do not depend on the golden data */
    CHECK(sky_npy_exp(0.0) == 1.0 && sky_npy_log(1.0) == 0.0, "exp(0), log(1)");
    CHECK(sky_npy_exp(-INFINITY) == 0.0 && !signbit(sky_npy_exp(-INFINITY)), "exp(-inf) = +0");
    CHECK(isinf(sky_npy_exp(710.0)) && sky_npy_exp(-746.0) == 0.0, "overflow, underflow");
    CHECK(sky_npy_log(0.0) == -INFINITY && sky_npy_log(-0.0) == -INFINITY, "log(+-0) = -inf");
    CHECK(isnan(sky_npy_log(-1.0)) && signbit(sky_npy_log(-1.0)), "log(-1) = -nan");
    CHECK(sky_npy_log(0x1p-1074) == -1074 * 0x1.62e42fefa39efp-1, "log of the least subnormal");
    return check_report("test_npy_math");
}
