/*
 * spline.c - not-a-knot cubic interpolation (see spline.h).
 *
 * With h_i = x[i+1] - x[i] and m_i = (y[i+1] - y[i]) / h_i, continuity of the
 * second derivative at the interior abscissae gives, for i = 1 .. n-2,
 *   h_i d[i-1] + 2 (h_{i-1} + h_i) d[i] + h_{i-1} d[i+1]
 *     = 3 (h_i m_{i-1} + h_{i-1} m_i),
 * and continuity of the third derivative at x[1] and x[n-2] closes the
 * system with two more rows of the same band (the second and second to last
 * unknowns eliminated): a tridiagonal solve.
 */
#include "spline.h"

void sky_spline_slopes(int n, const double *x, const double *y, int stride, double *d,
                       double *work)
{
    double *sub = work, *dia = work + n, *sup = work + 2 * n;
#define Y(i) y[(long)(i) * stride]
#define D(i) d[(long)(i) * stride]
    for (int i = 1; i < n - 1; i++) {
        const double h0 = x[i] - x[i - 1], h1 = x[i + 1] - x[i];
        const double m0 = (Y(i) - Y(i - 1)) / h0, m1 = (Y(i + 1) - Y(i)) / h1;
        sub[i] = h1;
        dia[i] = 2.0 * (h0 + h1);
        sup[i] = h0;
        D(i) = 3.0 * (h1 * m0 + h0 * m1);
    }
    {
        const double h0 = x[1] - x[0], h1 = x[2] - x[1], s = h0 + h1;
        const double m0 = (Y(1) - Y(0)) / h0, m1 = (Y(2) - Y(1)) / h1;
        dia[0] = h1;
        sup[0] = s;
        D(0) = ((h0 + 2.0 * s) * h1 * m0 + h0 * h0 * m1) / s;
    }
    {
        const int l = n - 1;
        const double h0 = x[l - 1] - x[l - 2], h1 = x[l] - x[l - 1], s = h0 + h1;
        const double m0 = (Y(l - 1) - Y(l - 2)) / h0, m1 = (Y(l) - Y(l - 1)) / h1;
        sub[l] = s;
        dia[l] = h0;
        D(l) = (h1 * h1 * m0 + (2.0 * s + h1) * h0 * m1) / s;
    }
    /* Thomas elimination; the first and last rows are not diagonally
     * dominant, but their pivots h_1 and the eliminated h_{n-3}-rows stay
     * well away from zero for increasing abscissae. */
    for (int i = 1; i < n; i++) {
        const double w = sub[i] / dia[i - 1];
        dia[i] -= w * sup[i - 1];
        D(i) -= w * D(i - 1);
    }
    D(n - 1) /= dia[n - 1];
    for (int i = n - 2; i >= 0; i--)
        D(i) = (D(i) - sup[i] * D(i + 1)) / dia[i];
#undef Y
#undef D
}

int sky_spline_interval(int n, const double *x, double *t)
{
    if (*t < x[0]) /* NaN stays NaN, as in FITPACK */
        *t = x[0];
    if (*t > x[n - 1])
        *t = x[n - 1];
    int lo = 0, hi = n - 1;
    while (hi - lo > 1) {
        const int mid = (lo + hi) / 2;
        if (x[mid] <= *t)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

double sky_spline_eval(int n, const double *x, const double *y, const double *d, double t)
{
    const int k = sky_spline_interval(n, x, &t);
    return sky_spline_at(x, y, d, k, t);
}
