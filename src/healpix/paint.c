/*
 * paint.c - point sources painted with a beam on ring pixelisations (see
 * paint.h).
 */
#include "paint.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "healpix.h"

#define PAINT_PI 3.14159265358979323846

void sky_rings_free(sky_rings *g)
{
    if (!g)
        return;
    free(g->theta);
    free(g->phi0);
    free(g->npix);
    free(g->ofs);
    free(g->stride);
    memset(g, 0, sizeof *g);
}

static int rings_alloc(sky_rings *g, int n, sky_error *err)
{
    memset(g, 0, sizeof *g);
    g->nrings = n;
    const size_t k = (size_t)(n > 0 ? n : 1);
    g->theta = malloc(k * sizeof *g->theta);
    g->phi0 = malloc(k * sizeof *g->phi0);
    g->npix = malloc(k * sizeof *g->npix);
    g->ofs = malloc(k * sizeof *g->ofs);
    g->stride = malloc(k * sizeof *g->stride);
    if (!g->theta || !g->phi0 || !g->npix || !g->ofs || !g->stride) {
        sky_rings_free(g);
        return sky_nomem(err, "the ring geometry");
    }
    return SKY_OK;
}

int sky_rings_healpix(int nside, int ring0, int nrings, int64_t base, sky_rings *g,
                      sky_error *err)
{
    const int all = 4 * nside - 1;
    if (ring0 < 1)
        ring0 = 1;
    if (nrings <= 0 || ring0 + nrings - 1 > all)
        nrings = all - ring0 + 1;
    int rc = rings_alloc(g, nrings, err);
    for (int k = 0; k < nrings && !rc; k++) {
        const int64_t r = ring0 + k, first = sky_hpx_ring_start(nside, r);
        g->npix[k] = sky_hpx_ring_start(nside, r + 1) - first;
        sky_hpx_pix2ang_ring(nside, first, &g->theta[k], &g->phi0[k]);
        g->ofs[k] = first - base;
        g->stride[k] = 1;
    }
    return rc;
}

int sky_rings_region(const sky_region *r, sky_rings *g, sky_error *err)
{
    int first[SKY_REGION_MAXSEG], count[SKY_REGION_MAXSEG], total = 0;
    for (int k = 0; k < r->nseg; k++) {
        first[k] = (int)sky_hpx_ring_of(r->nside, r->first[k]);
        count[k] = (int)sky_hpx_ring_of(r->nside, r->first[k] + r->count[k] - 1) - first[k] + 1;
        total += count[k];
    }
    int rc = rings_alloc(g, total, err);
    int i = 0;
    int64_t held = 0; /* pixels of the earlier segments */
    for (int k = 0; k < r->nseg && !rc; k++) {
        for (int j = 0; j < count[k]; j++, i++) {
            const int64_t ring = first[k] + j, start = sky_hpx_ring_start(r->nside, ring);
            g->npix[i] = sky_hpx_ring_start(r->nside, ring + 1) - start;
            sky_hpx_pix2ang_ring(r->nside, start, &g->theta[i], &g->phi0[i]);
            g->ofs[i] = held + start - r->first[k];
            g->stride[i] = 1;
        }
        held += r->count[k];
    }
    return rc;
}

int sky_rings_car(int ny, int nx, sky_rings *g, sky_error *err)
{
    int rc = rings_alloc(g, ny, err);
    const double res = PAINT_PI / ny;
    for (int i = 0; i < ny && !rc; i++) {
        g->theta[i] = PAINT_PI / 2 - (-PAINT_PI / 2 + (i + 0.5) * res);
        g->npix[i] = nx;
        /* column j at longitude 180 deg - j 2 pi / nx: walked from the last */
        g->phi0[i] = PAINT_PI - (nx - 1) * (2 * PAINT_PI / nx);
        g->ofs[i] = (int64_t)i * nx + (nx - 1);
        g->stride[i] = -1;
    }
    return rc;
}

int sky_beam_profile_gauss(double fwhm_rad, sky_beam_profile *p, sky_error *err)
{
    memset(p, 0, sizeof *p);
    if (!(fwhm_rad > 0) || !isfinite(fwhm_rad))
        return sky_fail(err, SKY_EINVAL, "beam FWHM %g rad: expected a positive value", fwhm_rad);
    p->sigma = fwhm_rad / sqrt(8.0 * log(2.0));
    p->rmax = fmin(6 * p->sigma, PAINT_PI);
    return SKY_OK;
}

/* sum_l (2l + 1) / (4 pi) B_l P_l(x) */
static double legendre_sum(const double *bl, int lmax, double x)
{
    double p0 = 1.0, p1 = x, s = bl[0];
    if (lmax >= 1)
        s += 3.0 * bl[1] * x;
    for (int l = 2; l <= lmax; l++) {
        const double p2 = ((2.0 * l - 1.0) * x * p1 - (l - 1.0) * p0) / l;
        s += (2.0 * l + 1.0) * bl[l] * p2;
        p0 = p1;
        p1 = p2;
    }
    return s / (4 * PAINT_PI);
}

int sky_beam_profile_window(const double *bl, int lmax, sky_beam_profile *p, sky_error *err)
{
    memset(p, 0, sizeof *p);
    if (lmax < 1 || !(bl[0] > 0))
        return sky_fail(err, SKY_EINVAL, "beam window: expected B_0 > 0 and lmax >= 1");
    /* the width of an equivalent Gaussian, from where B_l falls to B_0 / 2 */
    int lh = 1;
    while (lh < lmax && bl[lh] > 0.5 * bl[0])
        lh++;
    const double sigma = sqrt(2 * log(2.0) / ((double)lh * (lh + 1.0)));
    const double reach = fmin(PAINT_PI, fmax(8 * sigma, 20 * PAINT_PI / lmax));
    p->dr = 2 * PAINT_PI / (32.0 * lmax);
    int n = (int)ceil(reach / p->dr) + 3;
    p->b = malloc((size_t)n * sizeof *p->b);
    double *w = malloc((size_t)(lmax + 1) * sizeof *w);
    if (!p->b || !w) {
        free(w);
        sky_beam_profile_free(p);
        return sky_nomem(err, "the beam profile");
    }
    for (int l = 0; l <= lmax; l++)
        w[l] = bl[l] / bl[0];
#pragma omp parallel for schedule(static)
    for (int k = 0; k < n; k++)
        p->b[k] = legendre_sum(w, lmax, cos(fmin(k * p->dr, PAINT_PI)));
    free(w);
    /* cut where it has fallen to 1e-7 of the peak for good */
    const double floor_ = 1e-7 * fabs(p->b[0]);
    int last = n - 1;
    while (last > 0 && fabs(p->b[last]) < floor_)
        last--;
    p->n = last + 3 < n ? last + 3 : n;
    p->rmax = fmin((p->n - 3) * p->dr, PAINT_PI);
    if (p->rmax <= 0)
        p->rmax = p->dr;
    return SKY_OK;
}

double sky_beam_profile_at(const sky_beam_profile *p, double d)
{
    if (d > p->rmax)
        return 0.0;
    if (p->sigma > 0)
        return exp(-0.5 * d * d / (p->sigma * p->sigma)) /
               (2 * PAINT_PI * p->sigma * p->sigma);
    /* cubic Lagrange through samples k - 1 .. k + 2 (b even in d) */
    const double x = d / p->dr;
    int k = (int)x;
    if (k > p->n - 3)
        k = p->n - 3;
    const double t = x - k;
    double y[4];
    for (int j = 0; j < 4; j++) {
        const int i = abs(k - 1 + j);
        y[j] = p->b[i < p->n ? i : p->n - 1];
    }
    return -t * (t - 1) * (t - 2) / 6 * y[0] + (t + 1) * (t - 1) * (t - 2) / 2 * y[1] -
           (t + 1) * t * (t - 2) / 2 * y[2] + (t + 1) * t * (t - 1) / 6 * y[3];
}

void sky_beam_profile_free(sky_beam_profile *p)
{
    if (p) {
        free(p->b);
        memset(p, 0, sizeof *p);
    }
}

/* A source, in painting order, with what every pixel needs of it. */
typedef struct src {
    double theta, v[3], et[3], ep[3]; /* unit vector, local e_theta, e_phi */
    double ct, st, phi;
    int64_t index;
} src;

/* cos 2 chi, sin 2 chi of the rotation chi that carries a polarisation at
 * source s, measured from its meridian, along the great circle to the pixel
 * n (local basis et, ep), measured from the pixel's meridian: the angle of
 * the great circle at the pixel minus its angle at the source (a spin-2
 * field smoothed by an isotropic beam moves so). `dot` is n . v. */
static void transport(const double *n, const double *et, const double *ep, const src *s,
                      double dot, double *c2, double *s2)
{
    double a[3], b[3];
    for (int i = 0; i < 3; i++) {
        a[i] = n[i] - dot * s->v[i]; /* along the great circle at the source, to the pixel */
        b[i] = dot * n[i] - s->v[i]; /* at the pixel, onwards */
    }
    const double ar = a[0] * s->et[0] + a[1] * s->et[1] + a[2] * s->et[2];
    const double ai = a[0] * s->ep[0] + a[1] * s->ep[1];
    const double br = b[0] * et[0] + b[1] * et[1] + b[2] * et[2];
    const double bi = b[0] * ep[0] + b[1] * ep[1];
    /* e^{i chi} ~ b conj(a) */
    const double er = br * ar + bi * ai, ei = bi * ar - br * ai;
    const double m2 = er * er + ei * ei;
    if (!(m2 > 0)) {
        *c2 = 1;
        *s2 = 0;
        return;
    }
    *c2 = (er * er - ei * ei) / m2;
    *s2 = 2 * er * ei / m2;
}

static int cmp_src(const void *a, const void *b)
{
    const src *x = a, *y = b;
    if (x->theta != y->theta)
        return x->theta < y->theta ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* first sorted source with theta >= t */
static int64_t first_src(const src *k, int64_t n, double t)
{
    int64_t lo = 0, hi = n;
    while (lo < hi) {
        const int64_t mid = lo + (hi - lo) / 2;
        if (k[mid].theta < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int sky_paint_sources(const sky_rings *g, const sky_beam_profile *p, int64_t n,
                      const double *theta, const double *phi, int ncomp,
                      const double *const *amp, double *const *maps, sky_error *err)
{
    if (ncomp < 1 || ncomp > 3)
        return sky_fail(err, SKY_EINTERNAL, "sky_paint_sources: %d components", ncomp);
    src *ss = malloc((size_t)(n > 0 ? n : 1) * sizeof *ss);
    if (!ss)
        return sky_nomem(err, "the painted sources");
#pragma omp parallel for schedule(static)
    for (int64_t s = 0; s < n; s++) {
        src *o = &ss[s];
        const double t = theta[s], ct = cos(t), st = sin(t), cp = cos(phi[s]), sp = sin(phi[s]);
        *o = (src){t, {st * cp, st * sp, ct}, {ct * cp, ct * sp, -st}, {-sp, cp, 0},
                   ct, st, phi[s], s};
    }
    qsort(ss, (size_t)n, sizeof *ss, cmp_src);
    const int pol = ncomp == 3; /* Q and U parallel-transported to each pixel */
    const double rmax = p->rmax, cos_rmax = cos(rmax);
    const double chord_max = 2 * sin(0.5 * rmax), chord2_max = chord_max * chord_max;
#pragma omp parallel for schedule(dynamic, 4)
    for (int r = 0; r < g->nrings; r++) {
        const double tr = g->theta[r], sr = sin(tr), cr = cos(tr);
        const int64_t np = g->npix[r];
        const double dphi = 2 * PAINT_PI / (double)np, phi0 = g->phi0[r];
        const int64_t hi = first_src(ss, n, nextafter(tr + rmax, INFINITY));
        for (int64_t j = first_src(ss, n, tr - rmax); j < hi; j++) {
            const src *s = &ss[j];
            const double denom = sr * s->st;
            int64_t k0 = 0, k1 = np - 1;
            if (denom > 0) {
                const double c = (cos_rmax - cr * s->ct) / denom;
                if (c > 1)
                    continue;
                if (c > -1) {
                    const double half = acos(c) * (1 + 1e-12) + 1e-15;
                    const int64_t a = (int64_t)ceil((s->phi - half - phi0) / dphi);
                    const int64_t b = (int64_t)floor((s->phi + half - phi0) / dphi);
                    if (b - a + 1 < np) {
                        k0 = a;
                        k1 = b;
                    }
                }
            }
            const int64_t si = s->index;
            /* the pixels' longitudes by rotation from the first (re-anchored
             * every 64 steps: a few roundings at most) */
            const double cd = cos(dphi), sd = sin(dphi);
            double cp = cos(phi0 + k0 * dphi), sp = sin(phi0 + k0 * dphi);
            for (int64_t k = k0; k <= k1; k++) {
                if ((k - k0) % 64 == 0 && k > k0) { /* re-anchored now and then */
                    cp = cos(phi0 + k * dphi);
                    sp = sin(phi0 + k * dphi);
                } else if (k > k0) {
                    const double c = cp * cd - sp * sd;
                    sp = sp * cd + cp * sd;
                    cp = c;
                }
                const int64_t pos = ((k % np) + np) % np;
                const double nv[3] = {sr * cp, sr * sp, cr};
                const double dx = nv[0] - s->v[0], dy = nv[1] - s->v[1], dz = nv[2] - s->v[2];
                const double chord2 = dx * dx + dy * dy + dz * dz;
                if (chord2 > chord2_max)
                    continue;
                const double d = 2 * asin(0.5 * sqrt(chord2));
                if (d > rmax)
                    continue;
                const double b = sky_beam_profile_at(p, d);
                const int64_t at = g->ofs[r] + g->stride[r] * pos;
                if (!pol) {
                    for (int c = 0; c < ncomp; c++)
                        maps[c][at] += amp[c][si] * b;
                    continue;
                }
                maps[0][at] += amp[0][si] * b;
                double c2 = 1, s2 = 0;
                if (d > 0) {
                    const double et[3] = {cr * cp, cr * sp, -sr}, ep[3] = {-sp, cp, 0};
                    transport(nv, et, ep, s, 1 - 0.5 * chord2, &c2, &s2);
                }
                const double q = amp[1][si], u = amp[2][si];
                maps[1][at] += (q * c2 - u * s2) * b;
                maps[2][at] += (q * s2 + u * c2) * b;
            }
        }
    }
    free(ss);
    return SKY_OK;
}
