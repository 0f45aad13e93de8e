/*
 * numeric.h - the few numpy primitives whose exact arithmetic PySM's results
 * depend on: pairwise summation, the trapezoid rule and linear interpolation.
 */
#ifndef SKY_CORE_NUMERIC_H
#define SKY_CORE_NUMERIC_H

#include <stdint.h>

/* numpy's pairwise summation of n doubles (the order np.sum uses on a
 * contiguous axis). */
double sky_pairwise_sum(const double *a, int64_t n);

/* numpy.trapezoid(y, x): sum of (x[i+1]-x[i]) * (y[i+1]+y[i]) / 2, pairwise
 * summed; 0 for n < 2. */
double sky_trapz(const double *y, const double *x, int n);

/* numpy.interp(x, xp, fp) for increasing xp: linear, clamped to fp[0] and
 * fp[n-1] outside [xp[0], xp[n-1]]. */
double sky_interp(double x, const double *xp, const double *fp, int n);

/* The same, starting the search at *hint (updated), for callers whose x move
 * little from one call to the next: identical results, near-constant cost. */
double sky_interp_hint(double x, const double *xp, const double *fp, int n, int *hint);

/* numpy.linspace(lo, hi, n): lo + i (hi - lo)/(n - 1), the last value hi
 * exactly; n = 1 gives lo. */
void sky_linspace(double lo, double hi, int n, double *out);

#endif
