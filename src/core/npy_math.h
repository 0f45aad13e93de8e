/*
 * npy_math.h - numpy's float64 exp and log, bit for bit.
 *
 * PySM's d6 (DecorrelatedModifiedBlackBody) builds its frequency correlation
 * matrix as exp(-0.5 (log(nu/nu') / xi)^2) with numpy and inverts it. The
 * matrix is so ill-conditioned that a 1-ulp change in one log or exp entry
 * moves its eigenvectors, and so the decorrelation factors, visibly. To get
 * PySM's factors we need numpy's exp and log to the last bit, and those are
 * not glibc's: on an x86-64 CPU with AVX-512 (AVX512_SKX: Skylake-X and
 * later Intel, AMD Zen 4 and later), numpy 1.22-1.24 (Debian 12's 1.24.2
 * included) computes float64 exp and log with Intel's SVML routines
 * __svml_exp8 and __svml_log8 that it vendors (numpy/SVML,
 * linux/avx512/svml_z0_{exp,log}_d_la.s). Their results are within a few
 * ulp of the true values and differ from glibc's in the last bit for a
 * good fraction of inputs.
 *
 * These two functions evaluate the same operations in portable scalar C11:
 * the same tables, polynomials, fused multiply-adds (C's fma()) where SVML
 * fuses and separate operations where it does not, the same handling of
 * zeros, negatives, infinities, NaNs, subnormals and of the
 * overflow/underflow ranges. They are checked against numpy 1.24.2 on
 * 2 x 10^6 inputs each (tests/test_npy_math.c) with no difference.
 *
 * One caveat for log: SVML starts from the CPU's 14-bit reciprocal
 * estimate (vrcp14pd), rounded to 5 fraction bits. Where 1/m lies within
 * 2^-14 of a rounding boundary the choice is the CPU's, not mathematics';
 * sky_npy_log reproduces the choice measured on AMD EPYC (Zen 4), where the
 * reference numpy outputs were made. A CPU whose vrcp14pd rounds otherwise
 * near those 16 boundaries makes numpy's log differ there by an ulp (see
 * tests/measure_rcp14.c).
 *
 * Both functions are pure (no errno, no floating-point state), thread-safe,
 * and give the same bits on any IEEE-754 platform with a correct fma() and
 * double evaluation (FLT_EVAL_METHOD 0).
 */
#ifndef SKY_CORE_NPY_MATH_H
#define SKY_CORE_NPY_MATH_H

/* numpy.exp(x) for a float64 x, as numpy 1.24 on AVX-512 computes it:
 * +inf above 709.782712893384, +0 below -745.1332191019411 and for -inf,
 * subnormal results in between, NaN for NaN (the same NaN, quieted). */
double sky_npy_exp(double x);

/* numpy.log(x) for a float64 x, as numpy 1.24 on AVX-512 computes it:
 * -inf for +-0, the default NaN (sign bit set) for x < 0 and -inf, +inf
 * for +inf, NaN for NaN (the same NaN, quieted); subnormal x are exact. */
double sky_npy_log(double x);

#endif
