/*
 * numeric.c - numpy-compatible summation, trapezoid rule and interpolation.
 *
 * PySM's bandpass weights are normalised by numpy.trapezoid, whose sum numpy
 * evaluates pairwise (8 partial sums for blocks up to 128 values, recursive
 * halving above). Reproducing the order keeps our normalised weights equal to
 * PySM's to the last bit in the common cases.
 */
#include "numeric.h"

#include <stdlib.h>

double sky_pairwise_sum(const double *a, int64_t n)
{
    if (n < 8) {
        double res = 0.;
        for (int64_t i = 0; i < n; i++)
            res += a[i];
        return res;
    }
    if (n <= 128) {
        double r[8];
        int64_t i;
        for (int j = 0; j < 8; j++)
            r[j] = a[j];
        for (i = 8; i < n - (n % 8); i += 8)
            for (int j = 0; j < 8; j++)
                r[j] += a[i + j];
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++)
            res += a[i];
        return res;
    }
    int64_t n2 = n / 2;
    n2 -= n2 % 8;
    return sky_pairwise_sum(a, n2) + sky_pairwise_sum(a + n2, n - n2);
}

double sky_trapz(const double *y, const double *x, int n)
{
    if (n < 2)
        return 0.0;
    double stack[64];
    double *t = n - 1 <= 64 ? stack : malloc((size_t)(n - 1) * sizeof *t);
    if (!t)
        return 0.0 / 0.0;
    for (int i = 0; i < n - 1; i++)
        t[i] = (x[i + 1] - x[i]) * (y[i + 1] + y[i]) / 2.0;
    double s = sky_pairwise_sum(t, n - 1);
    if (t != stack)
        free(t);
    return s;
}

/* numpy's arr_interp: for xp[j] <= x < xp[j+1], slope * (x - xp[j]) + fp[j]. */
static inline double interp_at(double x, const double *xp, const double *fp, int j)
{
    double slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
    return slope * (x - xp[j]) + fp[j];
}

double sky_interp(double x, const double *xp, const double *fp, int n)
{
    int hint = 0;
    return sky_interp_hint(x, xp, fp, n, &hint);
}

double sky_interp_hint(double x, const double *xp, const double *fp, int n, int *hint)
{
    if (x <= xp[0])
        return fp[0];
    if (x >= xp[n - 1])
        return fp[n - 1];
    int j = *hint;
    if (j < 0 || j > n - 2)
        j = 0;
    /* walk a few steps from the hint, then fall back to bisection */
    int steps = 0;
    while (steps < 16 && x >= xp[j + 1]) {
        j++;
        steps++;
    }
    while (steps < 16 && x < xp[j]) {
        j--;
        steps++;
    }
    if (!(xp[j] <= x && x < xp[j + 1])) {
        int lo = 0, hi = n - 1; /* xp[lo] <= x < xp[hi] */
        while (hi - lo > 1) {
            int mid = lo + (hi - lo) / 2;
            if (xp[mid] <= x)
                lo = mid;
            else
                hi = mid;
        }
        j = lo;
    }
    *hint = j;
    return interp_at(x, xp, fp, j);
}

void sky_linspace(double lo, double hi, int n, double *out)
{
    if (n < 1)
        return;
    const double step = n > 1 ? (hi - lo) / (n - 1) : 0.0;
    for (int i = 0; i < n; i++)
        out[i] = (double)i * step + lo;
    if (n > 1)
        out[n - 1] = hi;
}
