/*
 * spline.h - cubic interpolating splines with "not-a-knot" ends.
 *
 * This is the curve FITPACK fits when asked to interpolate (smoothing 0,
 * degree 3): its interior knots are the data abscissae except the second and
 * the second to last, which makes the third derivative continuous there. It
 * is computed here in the Hermite form (values and first derivatives at the
 * abscissae), and evaluated as FITPACK evaluates: abscissae outside the data
 * range are clamped to its ends (no extrapolation).
 *
 * A tensor-product spline interpolating a grid (scipy's RectBivariateSpline
 * with s = 0), evaluated at one y for many x, is the 1-D spline in x through
 * the 1-D spline values in y of each grid row: callers build it that way.
 */
#ifndef SKY_CORE_SPLINE_H
#define SKY_CORE_SPLINE_H

/*
 * Derivatives d[0..n-1] of the not-a-knot spline through (x[i], y[i]), x
 * strictly increasing, n >= 4; `work` has room for 3n doubles. y and d may
 * be strided (element i at y[i * stride]), so that grid columns can be
 * splined in place.
 */
void sky_spline_slopes(int n, const double *x, const double *y, int stride, double *d,
                       double *work);

/* The interval k (x[k] <= t <= x[k+1]) holding t once clamped to
 * [x[0], x[n-1]], which is written back to *t. */
int sky_spline_interval(int n, const double *x, double *t);

/* The spline's value at t inside interval k (from sky_spline_interval). */
static inline double sky_spline_at(const double *x, const double *y, const double *d, int k,
                                   double t)
{
    const double h = x[k + 1] - x[k], s = (t - x[k]) / h, r = 1.0 - s;
    return r * r * ((1.0 + 2.0 * s) * y[k] + s * h * d[k]) +
           s * s * ((1.0 + 2.0 * r) * y[k + 1] - r * h * d[k + 1]);
}

/* Value at t (clamped) of the spline through (x, y) with derivatives d. */
double sky_spline_eval(int n, const double *x, const double *y, const double *d, double t);

#endif
