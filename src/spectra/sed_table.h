/*
 * sed_table.h - band-integrated spectra tabulated over their per-pixel
 * parameters, the fast path of models evaluated over bands of many samples
 * (issue 21; docs/models.md, "Band integration through tables").
 *
 * For a parametric model the band integral of a channel, sum_j c_j s(nu_j; x,
 * y), is a smooth function of one or two per-pixel parameters (beta; beta and
 * T). It is computed exactly at the nodes of a grid and interpolated per pixel
 * by 6-point Lagrange (quintic) interpolation along each axis, so that a pixel
 * costs 6 or 36 multiply-adds per channel whatever the number of samples. The
 * high order keeps the grids coarse: a table of a few thousand nodes stays in
 * the cache while a block of pixels is interpolated.
 *
 * The nodes sit at fixed multiples of the axis step, x_k = k h (h a power of
 * two), whatever the pixels: a table covers the nodes the pixels held need
 * (their range, computed once per component), and a pixel's value depends
 * only on its parameters and the nodes around them. So a sky evaluated whole,
 * in parts or under MPI gives the same bits.
 */
#ifndef SKY_SPECTRA_SED_TABLE_H
#define SKY_SPECTRA_SED_TABLE_H

#include <math.h>
#include <stdint.h>

#include "skymodel.h"

/* A band uses the tables when it has at least this many samples and the sky
 * at least this nside (a table costs a few ten thousand evaluations per
 * sample: below, the exact sum is as cheap), unless sky_options.exact_sed. */
#define SKY_FAST_SED_MIN_SAMPLES 3
#define SKY_FAST_SED_MIN_NSIDE 128

/* One axis: nodes (k0 + j) h for j = 0 .. n - 1. */
typedef struct sky_sed_axis {
    double h;
    int64_t k0;
    int n;
} sky_sed_axis;

/* Nodes of the interpolation: x's stencil is the nodes k - 2 .. k + 3 around
 * x in [k h, (k + 1) h). */
enum { SKY_SED_POINTS = 6 };

/* The axis of step h covering [lo, hi] with the stencil's margin (two nodes
 * below, three above). SKY_EINVAL when lo or hi is not finite or the axis would
 * need more than SKY_SED_MAX_NODES nodes (the model then stays exact). */
#define SKY_SED_MAX_NODES 65536
int sky_sed_axis_span(sky_sed_axis *a, double h, double lo, double hi, sky_error *err);

/* A parameter map's range [*lo, *hi] widened to the fixed [clo, chi] when it
 * lies inside: every part of a sky (sky_options.part, MPI) then has the
 * same nodes in its tables, so that a basis of many channels' tables
 * (sed_lanes.h), which depends on all the nodes, is the same in every part.
 * A range beyond stays as it is (the basis may then differ in its last
 * bits between parts). Constants need no widening: the same everywhere. */
static inline void sky_sed_widen(double *lo, double *hi, double clo, double chi)
{
    if (*lo >= clo && *hi <= chi) {
        *lo = clo;
        *hi = chi;
    }
}

/* The largest power of two at most 1/16 of 1/d: a step over which the
 * exponentials exp(d x) of the spectra change so little that the 6-point
 * interpolation is good to about 1e-10 (d: the largest coefficient of the
 * parameter in the exponents of the band's samples). */
static inline double sky_sed_step(double d)
{
    return d > 0 ? exp2(floor(log2(1.0 / (16.0 * d)))) : 1.0 / 16.0;
}

/* x's first node (index into the axis) and its six Lagrange weights. */
static inline int sky_sed_stencil(const sky_sed_axis *a, double x, double w[SKY_SED_POINTS])
{
    const double s = x / a->h, fk = floor(s), t = s - fk;
    double jd = fk - (double)a->k0 - 2.0;
    if (!(jd >= 0.0)) /* outside the range (not for the pixels held), or NaN */
        jd = 0.0;
    else if (jd > a->n - SKY_SED_POINTS)
        jd = a->n - SKY_SED_POINTS;
    const int64_t j = (int64_t)jd;
    /* t - node for the nodes -2 .. 3; w_i = prod_{j != i} d_j / prod_{j != i} (x_i - x_j) */
    const double d0 = t + 2.0, d1 = t + 1.0, d2 = t, d3 = t - 1.0, d4 = t - 2.0, d5 = t - 3.0;
    const double p01 = d0 * d1, p45 = d4 * d5, p23 = d2 * d3;
    w[0] = d1 * p23 * p45 * (-1.0 / 120.0);
    w[1] = d0 * p23 * p45 * (1.0 / 24.0);
    w[2] = p01 * d3 * p45 * (-1.0 / 12.0);
    w[3] = p01 * d2 * p45 * (1.0 / 12.0);
    w[4] = p01 * p23 * d5 * (-1.0 / 24.0);
    w[5] = p01 * p23 * d4 * (1.0 / 120.0);
    return (int)j;
}

/* sum of w[i] p[i stride], in one fixed order */
static inline double sky_sed_dot(const double w[SKY_SED_POINTS], const double *p, int64_t stride)
{
    return ((w[0] * p[0] + w[1] * p[stride]) + (w[2] * p[2 * stride] + w[3] * p[3 * stride])) +
           (w[4] * p[4 * stride] + w[5] * p[5 * stride]);
}

/* A 1-D table at x. */
static inline double sky_sed_interp1(const double *v, const sky_sed_axis *a, double x)
{
    double w[SKY_SED_POINTS];
    return sky_sed_dot(w, v + sky_sed_stencil(a, x, w), 1);
}

/* A 2-D table (rows of ny values) at the stencils (jx, wx), (jy, wy). */
static inline double sky_sed_interp2(const double *v, int64_t ny, int jx,
                                     const double wx[SKY_SED_POINTS], int jy,
                                     const double wy[SKY_SED_POINTS])
{
    const double *p = v + (int64_t)jx * ny + jy;
    double r[SKY_SED_POINTS];
    for (int a = 0; a < SKY_SED_POINTS; a++)
        r[a] = sky_sed_dot(wy, p + a * ny, 1);
    return sky_sed_dot(wx, r, 1);
}

#endif
