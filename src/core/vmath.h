/*
 * vmath.h - exp and expm1 for loops that vectorise.
 *
 * glibc's exp and expm1 are scalar calls: a loop over pixels that calls them
 * cannot be vectorised. The kernels here are branch-free C (selects, not
 * jumps; no tables, no calls) that GCC inlines into `#pragma omp simd` loops
 * and turns into SSE2, AVX2 or AVX-512 code. Hot loops that use them are
 * compiled for several instruction sets with SKY_VECTOR_CLONES and the best
 * one is picked at load time; the binary still runs on baseline x86-64.
 *
 * Method (Cody and Waite): x = k ln2 + r with k = rint(x / ln2), found with
 * the 1.5 * 2^52 "shifter" (adding it rounds to an integer and leaves k in the
 * low bits, so no float-to-integer conversion is needed), ln2 split into a
 * 32-bit head (k * head is exact) and a tail; then a Taylor polynomial in r,
 * and the scaling by 2^k built from the exponent bits.
 *
 *   sky_exp_kernel(x)   = exp(x):   |r| <= ln2/2, Taylor to degree 13
 *                         (truncation < 5e-18 relative), 1 + (r + r^2 p(r)).
 *   sky_expm1_kernel(x) = exp(x)-1: for |x| < 0.7 k is forced to 0 and the
 *                         polynomial r + r^2 p(r) (Taylor to degree 17,
 *                         truncation < 1e-17 relative) is the result, exact
 *                         near 0 (no 1 is added or subtracted); otherwise
 *                         2^k (expm1(r) + (1 - 2^-k)), where the sum never
 *                         cancels by more than a factor 0.6.
 *
 * Accuracy, measured by tests/test_vmath.c over 10^7 arguments against
 * extended-precision expl/expm1l: exp within 0.97 ulp (on [-50, 50] and
 * [-708, 709]); expm1 within 0.5 ulp for |x| < 1e-3 and 1.33 ulp elsewhere,
 * the worst for |x| near 0.68 where the polynomial alone gives the result
 * (1.17 ulp on [1e-3, 100]). glibc's own results differ from ours by at most
 * 1 ulp. Domain: arguments are clamped to [-708, 709], so exp(x) for
 * x < -708 returns exp(-708) instead of a subnormal or 0, and large x
 * saturates at exp(709) instead of overflowing; NaN gives NaN; expm1(-0) is
 * +0.
 *
 * The polynomials are evaluated with explicit fused multiply-adds, fma(),
 * which C defines as exactly rounded: the AVX2 and AVX-512 clones turn them
 * into single instructions, the baseline clone calls libm's fma (glibc picks
 * the hardware instruction where there is one), and all give the same bits.
 * Everything else is +, -, *, / and bit moves, and the whole library is
 * compiled with -ffp-contract=off (CMakeLists.txt; the compiler fuses
 * nothing on its own, so a file that includes this header needs nothing
 * more): every instruction set, and the scalar remainder of a
 * vectorised loop, gives the same bits. A pixel's value therefore does not
 * depend on the machine nor on where the pixel falls in a block.
 */
#ifndef SKY_CORE_VMATH_H
#define SKY_CORE_VMATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

/* Compile a function once per instruction-set level and dispatch at load
 * time (GCC function multi-versioning through an ifunc): x86-64-v4 is
 * AVX-512 (F, BW, CD, DQ, VL), x86-64-v3 AVX2 + FMA. Elsewhere, nothing. */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12 && defined(__x86_64__) &&       \
    defined(__linux__)
#define SKY_VECTOR_CLONES                                                                        \
    __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define SKY_VECTOR_CLONES
#endif

/* For helpers that must be inlined into a vectorised loop. */
#if defined(__GNUC__)
#define SKY_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define SKY_ALWAYS_INLINE inline
#endif

#define SKY_VM_SHIFT 6755399441055744.0            /* 1.5 * 2^52 */
#define SKY_VM_LOG2E 1.4426950408889634            /* 1 / ln 2 */
#define SKY_VM_LN2_HI 6.93147180369123816490e-01   /* ln 2, 32 significant bits */
#define SKY_VM_LN2_LO 1.90821492927058770002e-10   /* ln 2 - SKY_VM_LN2_HI */

static inline int64_t sky_vm_bits(double x)
{
    int64_t i;
    memcpy(&i, &x, sizeof i);
    return i;
}

/* 2^k for -1022 <= k <= 1023, from the exponent bits (0.0 for k = -1023). */
static inline double sky_vm_pow2(int64_t k)
{
    const uint64_t b = (uint64_t)(k + 1023) << 52;
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

/* The Horner steps shared by both kernels: p r + 1/12!, ..., then + 1/2!
 * (p holds the higher terms so far). */
static SKY_ALWAYS_INLINE double sky_vm_taylor_low(double p, double r)
{
    p = fma(p, r, 1.0 / 479001600.0);
    p = fma(p, r, 1.0 / 39916800.0);
    p = fma(p, r, 1.0 / 3628800.0);
    p = fma(p, r, 1.0 / 362880.0);
    p = fma(p, r, 1.0 / 40320.0);
    p = fma(p, r, 1.0 / 5040.0);
    p = fma(p, r, 1.0 / 720.0);
    p = fma(p, r, 1.0 / 120.0);
    p = fma(p, r, 1.0 / 24.0);
    p = fma(p, r, 1.0 / 6.0);
    return fma(p, r, 0.5);
}

/* exp(x), within 0.97 ulp for |x| <= 708 (see the top of the file). */
static inline double sky_exp_kernel(double x)
{
    x = x < -708.0 ? -708.0 : x;
    x = x > 709.0 ? 709.0 : x;
    const double t = x * SKY_VM_LOG2E + SKY_VM_SHIFT;
    const double kd = t - SKY_VM_SHIFT; /* k = rint(x / ln2), as a double */
    const double r = (x - kd * SKY_VM_LN2_HI) - kd * SKY_VM_LN2_LO;
    /* p(r) = (exp(r) - 1 - r) / r^2 = sum_{n=2}^{13} r^(n-2) / n! */
    const double p = sky_vm_taylor_low(1.0 / 6227020800.0, r);
    const double e = 1.0 + fma(r * r, p, r);
    return e * sky_vm_pow2(sky_vm_bits(t) - sky_vm_bits(SKY_VM_SHIFT));
}

/* exp(x) - 1, within 1.33 ulp for x >= -708, 0.5 ulp near 0 (see the top
 * of the file). */
static inline double sky_expm1_kernel(double x)
{
    x = x < -708.0 ? -708.0 : x;
    x = x > 709.0 ? 709.0 : x;
    double t = x * SKY_VM_LOG2E + SKY_VM_SHIFT;
    t = x > -0.7 && x < 0.7 ? SKY_VM_SHIFT : t; /* k = 0: the polynomial alone */
    const double kd = t - SKY_VM_SHIFT;
    const double r = (x - kd * SKY_VM_LN2_HI) - kd * SKY_VM_LN2_LO; /* x itself when k = 0 */
    /* p(r) = (expm1(r) - r) / r^2 = sum_{n=2}^{17} r^(n-2) / n!, |r| < 0.7 */
    double p = 1.0 / 355687428096000.0;
    p = fma(p, r, 1.0 / 20922789888000.0);
    p = fma(p, r, 1.0 / 1307674368000.0);
    p = fma(p, r, 1.0 / 87178291200.0);
    p = sky_vm_taylor_low(fma(p, r, 1.0 / 6227020800.0), r);
    const double q = fma(r * r, p, r); /* expm1(r) */
    const int64_t k = sky_vm_bits(t) - sky_vm_bits(SKY_VM_SHIFT);
    /* expm1(x) = 2^k (q + (1 - 2^-k)); k = 0 gives q exactly. For k = 1023
     * sky_vm_pow2(-k) has zero bits, 0.0, and 1 - 2^-1023 rounds to 1 anyway. */
    return sky_vm_pow2(k) * (q + (1.0 - sky_vm_pow2(-k)));
}

/* y[i] = exp(x[i]) and y[i] = expm1(x[i]) for i < n, with the kernels above
 * (vectorised; x and y may be the same array). */
void sky_vexp(int64_t n, const double *x, double *y);
void sky_vexpm1(int64_t n, const double *x, double *y);

#endif
