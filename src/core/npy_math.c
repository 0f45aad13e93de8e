/*
 * npy_math.c - numpy 1.24's float64 exp and log on AVX-512, in scalar C.
 *
 * What numpy runs. numpy's DOUBLE_exp and DOUBLE_log loops
 * (numpy/core/src/umath/loops_exponent_log.dispatch.c.src) call Intel's
 * SVML __svml_exp8 / __svml_log8 when numpy was built with SVML (Linux
 * x86-64 builds: Debian's, PyPI's wheels) and the CPU has AVX512_SKX; only
 * without SVML do they use numpy's own AVX512F_exp_DOUBLE and
 * AVX512F_log_DOUBLE, and without AVX-512 glibc's exp and log. SVML is what
 * Debian 12's numpy 1.24.2 runs on an AVX-512 CPU, so SVML is what we
 * follow. Its routines treat 8 lanes at once and call a scalar routine for
 * the lanes that need special care; we do one lane, taking the same path.
 *
 * exp(x), |x| < 707.703... (about 1021 ln 2). With N = x log2(e) rounded
 * toward zero to a multiple of 1/16 (one fused multiply-add in round-toward-
 * zero mode: we get it from the round-to-nearest fma and the sign of its
 * error), M = floor(N) and j = 16 (N - M):
 *   r      = x - N ln2_hi - N ln2_lo        (two fmas; r in [0, ln2/16))
 *   p(r)   = r + c2 r^2 + ... + c6 r^6      (exp(r) - 1, Estrin-like, fmas)
 *   exp(x) = 2^M (T16[j] p(r) + T16[j]),    T16[j] = 2^(j/16)
 * the power of two applied exactly (vscalefpd: one rounding, none here as
 * the result is normal). NaN goes through this path and comes out quieted.
 *
 * exp(x), |x| >= 707.703... SVML's scalar routine, plain double operations
 * (SSE2, nothing fused): +inf for x > 709.78 and for +inf, +0 below
 * -745.13 and for -inf, otherwise n = nearest(x 64/ln2), j = n mod 64,
 * r = x - n (ln2/64)_hi - n (ln2/64)_lo, a degree-6 Horner polynomial and
 * 2^(j/64) = T64[j].head (1 + T64[j].tail). Results below 2^-1022 are
 * assembled at a 2^60 larger scale and scaled down, in two parts (the head
 * of the result rounded to about 20 bits, so that it scales exactly, and
 * the rest) unless they are very small.
 *
 * log(x), x > 0 finite (subnormals included). x = 2^e m, m in [1, 2):
 *   c      = the CPU's approximate 1/m (vrcp14pd) rounded to k/32
 *   R      = c m - 1                        (fma; exact)
 *   log(x) = (e + [c < 3/4]) ln2 + (T[k mod 16] + q(R))
 * where T holds -log(c) (-log(2c) for c < 3/4), q(R) = R - R^2/2 + ...
 * is a degree-9 polynomial (fmas) and the last step is an fma. The choice
 * of k is the only CPU-dependent step: see npy_math.h. x <= 0 and +-inf
 * take SVML's scalar routine: -inf for +-0, +inf for +inf, and the x86
 * default NaN (0/0, sign bit set) for x < 0 and -inf. NaN takes the main
 * path and comes out quieted.
 *
 * Tables are in npy_math_tables.h, written by gen_npy_tables.py. The
 * polynomial coefficients and range limits below are SVML's (Copyright
 * Intel Corporation, BSD-3-Clause), written as hexadecimal literals.
 *
 * Every operation is written as its own statement and the file is built
 * with -ffp-contract=off, so that the compiler fuses nothing that SVML does
 * not fuse; fma() is used exactly where SVML uses vfmadd/vfnmadd/vfmsub.
 */
#include "npy_math.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "npy_math_tables.h"

#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD != 0
#error "npy_math.c needs double arithmetic evaluated in double (FLT_EVAL_METHOD 0)"
#endif

static inline uint64_t bits_of(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static inline double from_bits(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* The double whose exponent field is `field` mod 2048 and whose fraction is
 * zero: 2^(field - 1023), or +0 when field is 0 mod 2048. */
static inline double exponent_field(int64_t field)
{
    return from_bits((uint64_t)(field & 2047) << 52);
}

/* ---- exp ------------------------------------------------------------- */

/* main path */
static const double EXP_LOG2E = 0x1.71547652b82fep+0;   /* log2(e) */
static const double EXP_SHIFT = 0x1.8000000003ff0p+48;  /* 1.5 2^48 + 1023: ulp 1/16 */
static const double EXP_LN2_HI = 0x1.62e42fefa39efp-1;  /* ln 2 */
static const double EXP_LN2_LO = 0x1.abc9e3b39803fp-56; /* ln 2 - EXP_LN2_HI */
static const double EXP_C2 = 0x1.0000000002622p-1;
static const double EXP_C3 = 0x1.5555554b508a2p-3;
static const double EXP_C4 = 0x1.555564bb4f5f0p-5;
static const double EXP_C5 = 0x1.1106603d97c00p-7;
static const double EXP_C6 = 0x1.72eb5ef0d213dp-10;
static const double EXP_MAIN_LIMIT = 0x1.61da04cbafe44p+9; /* 707.703...: |x| >= this: wide */

/* wide path */
static const double EXP_OVERFLOW = 0x1.62e42fefa39efp+9;   /* 709.78...: above, +inf */
static const double EXP_SUBNORMAL = -0x1.6232bdd7abcd2p+9; /* -708.39...: below, subnormal */
static const double EXP_UNDERFLOW = -0x1.74910d52d3051p+9; /* -745.13...: below, +0 */
static const double EXP_64_LN2 = 0x1.71547652b82fep+6;     /* 64 / ln 2 */
static const double EXP_SHIFT52 = 0x1.8p+52;               /* 1.5 2^52: ulp 1 */
static const double EXP_LN2_64_HI = 0x1.62e42fefa0000p-7;  /* ln2 / 64, 32 bits */
static const double EXP_LN2_64_LO = 0x1.cf79abc9e3b3ap-46; /* ln2 / 64 - the above */
static const double EXP_W2 = 0x1.0000000000000p-1;
static const double EXP_W3 = 0x1.55555555548f8p-3;
static const double EXP_W4 = 0x1.5555555558fccp-5;
static const double EXP_W5 = 0x1.111123aaf20d3p-7;
static const double EXP_W6 = 0x1.6c16a1c2a3ffdp-10;
static const double EXP_HUGE = 0x1.fffffffffffffp+1023;
static const double EXP_TINY = 0x1.0000000000001p-1022;

/* exp for |x| >= EXP_MAIN_LIMIT (x not NaN): SVML's scalar routine. */
static double exp_wide(double x)
{
    if (isinf(x))
        return x > 0 ? x : 0.0;
    if (x > EXP_OVERFLOW) {
        volatile double huge = EXP_HUGE; /* raise overflow, as SVML does */
        return huge * huge;
    }
    if (x < EXP_UNDERFLOW) {
        volatile double tiny = EXP_TINY;
        return tiny * tiny;
    }
    /* n = nearest(x 64/ln2) read from the low bits of a shifted sum */
    const double a = x * EXP_64_LN2;
    const double shifted = a + EXP_SHIFT52;
    const int32_t n = (int32_t)(uint32_t)(bits_of(shifted) & 0xffffffffu);
    const double dn = shifted - EXP_SHIFT52;
    const int j = (int)(n & 63);
    const int32_t m = (n - j) / 64; /* floor(n / 64) */

    double r = dn * EXP_LN2_64_HI;
    r = x - r;
    double t = dn * EXP_LN2_64_LO;
    r = r - t;

    double p = EXP_W6 * r;
    p = p + EXP_W5;
    p = p * r;
    p = p + EXP_W4;
    p = p * r;
    p = p + EXP_W3;
    p = p * r;
    p = p + EXP_W2;
    p = p * r;
    p = p * r;
    p = p + r;
    p = p + npy_exp_tab64[j][1];
    const double head = npy_exp_tab64[j][0];
    p = p * head; /* 2^(j/64) exp(r) = head + p */

    if (x < EXP_SUBNORMAL) {
        /* the result is below 2^-1022: work 2^60 higher */
        const double scale = exponent_field((int64_t)m + 1083);
        const double lo = p * scale;
        const double hi = scale * head;
        const double s = hi + lo;
        if (((m + 1083) & 2047) <= 50)
            return s * 0x1p-60;
        /* s = v + w with v short enough to scale exactly */
        double e = hi - s;
        e = e + lo;
        const double big = s * 0x1.8p+32;
        const double u = s + big;
        const double v = u - big;
        double w = s - v;
        w = e + w;
        const double v_scaled = v * 0x1p-60;
        const double w_scaled = w * 0x1p-60;
        return v_scaled + w_scaled;
    }
    const double y = p + head;
    const int64_t field = ((int64_t)m + 1023) & 2047;
    if (field > 2046) { /* 2^1024: in two steps */
        const double z = y * exponent_field(field - 1);
        return z * 2.0;
    }
    return y * exponent_field(field);
}

double sky_npy_exp(double x)
{
    if (isnan(x))
        return x + x;
    if (fabs(x) >= EXP_MAIN_LIMIT)
        return exp_wide(x);

    /* t = x log2(e) + EXP_SHIFT rounded toward zero (SVML: one fma in
     * round-toward-zero mode). The round-to-nearest fma is one ulp (1/16)
     * too far when it rounded up, which the sign of its exactly computed
     * error tells: t and EXP_SHIFT are within a factor 2, so EXP_SHIFT - t is
     * exact, and the second fma has the sign of the exact error. */
    double t = fma(x, EXP_LOG2E, EXP_SHIFT);
    const double back = EXP_SHIFT - t;
    const double err = fma(x, EXP_LOG2E, back);
    if (err < 0)
        t = t - 0x1p-4;
    const double n = t - EXP_SHIFT; /* a multiple of 1/16 */
    const int j = (int)(bits_of(t) & 15);
    const double m = floor(n);

    double r = fma(-n, EXP_LN2_HI, x);
    r = fma(-n, EXP_LN2_LO, r);

    const double r2 = r * r;
    const double p56 = fma(EXP_C6, r, EXP_C5);
    const double p34 = fma(EXP_C4, r, EXP_C3);
    const double r3 = r2 * r;
    const double p12 = fma(r2, EXP_C2, r);
    const double p36 = fma(r2, p56, p34);
    const double p = fma(r3, p36, p12); /* exp(r) - 1 */
    const double th = npy_exp_tab16[j];
    const double y = fma(th, p, th);
    /* |x| < EXP_MAIN_LIMIT keeps m in [-1022, 1020] (and j = 15 when m is
     * -1022): y 2^m is normal, exact as vscalefpd gives it */
    return y * exponent_field((int64_t)m + 1023);
}

/* ---- log ------------------------------------------------------------- */

static const double LOG_LN2 = 0x1.62e42fefa39efp-1;
static const double LOG_C2 = -0x1.fffffffffffc6p-2;
static const double LOG_C3 = 0x1.5555555555466p-2;
static const double LOG_C4 = -0x1.00000000c05bdp-2;
static const double LOG_C5 = 0x1.9999999cc9f5cp-3;
static const double LOG_C6 = -0x1.55553fb28db06p-3;
static const double LOG_C7 = 0x1.249229cee81efp-3;
static const double LOG_C8 = -0x1.007357e93af62p-3;
static const double LOG_C9 = 0x1.c81cd309d7c70p-4;

/* k in 16..32 such that k/32 is vrcp14pd(m) rounded to 5 fraction bits, m
 * given by its 52 fraction bits */
static inline int rcp_k(uint64_t fraction)
{
    const unsigned top = (unsigned)(fraction >> 36);
    int k = 32;
    for (int i = 0; i < 16; i++)
        k -= top >= npy_rcp14_steps[i];
    return k;
}

double sky_npy_log(double x)
{
    if (isnan(x))
        return x + x;
    if (!(x > 0) || isinf(x)) {
        /* SVML's scalar routine */
        if (x == 0)
            return -1.0 / fabs(x) /* -inf */;
        if (x > 0)
            return x; /* +inf */
        return from_bits(UINT64_C(0xfff8000000000000)); /* x86's 0/0 */
    }

    uint64_t u = bits_of(x);
    int e = (int)(u >> 52);
    if (e == 0) { /* subnormal: normalise exactly */
        u = bits_of(x * 0x1p+64);
        e = (int)(u >> 52) - 64;
    }
    e -= 1023;
    const uint64_t fraction = u & UINT64_C(0x000fffffffffffff);
    const double mant = from_bits(fraction | UINT64_C(0x3ff0000000000000));

    const int k = rcp_k(fraction);
    const double c = (double)k * 0x1p-5;
    const double r = fma(c, mant, -1.0);

    const double p98 = fma(LOG_C9, r, LOG_C8);
    const double p76 = fma(LOG_C7, r, LOG_C6);
    const double p54 = fma(LOG_C5, r, LOG_C4);
    const double p32 = fma(LOG_C3, r, LOG_C2);
    const double r2 = r * r;
    const double r4 = r2 * r2;
    const double p96 = fma(r2, p98, p76);
    const double p52 = fma(r2, p54, p32);
    const double p92 = fma(r4, p96, p52);
    const double q = fma(r2, p92, r); /* log(1 + r) */
    const double s = npy_log_tab16[k & 15] + q;
    const double ex = (double)e + (k < 24 ? 1.0 : 0.0);
    return fma(LOG_LN2, ex, s);
}
