/*
 * vmath.c - array forms of the exp and expm1 kernels of vmath.h, compiled
 * for each instruction-set level (SKY_VECTOR_CLONES).
 */
#include "vmath.h"

SKY_VECTOR_CLONES
void sky_vexp(int64_t n, const double *x, double *y)
{
#pragma omp simd
    for (int64_t i = 0; i < n; i++)
        y[i] = sky_exp_kernel(x[i]);
}

SKY_VECTOR_CLONES
void sky_vexpm1(int64_t n, const double *x, double *y)
{
#pragma omp simd
    for (int64_t i = 0; i < n; i++)
        y[i] = sky_expm1_kernel(x[i]);
}
