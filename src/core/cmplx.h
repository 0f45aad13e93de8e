/*
 * cmplx.h - <complex.h> plus C11's CMPLX(re, im) where the C library leaves
 * it out: glibc defines CMPLX for GCC only, so clang (14) needs this
 * fallback. CMPLX keeps a signed zero, an infinity or a NaN in either part,
 * which re + im * I does not (0 * inf is NaN); C11 lays a double complex
 * out as two doubles, real part first, so the union below is exact.
 */
#ifndef SKY_CORE_CMPLX_H
#define SKY_CORE_CMPLX_H

#include <complex.h>

#ifndef CMPLX
static inline double complex sky_cmplx(double re, double im)
{
    union {
        double d[2];
        double complex z;
    } u = {.d = {re, im}};
    return u.z;
}
#define CMPLX(re, im) sky_cmplx((re), (im))
#endif

#endif
