/*
 * healpix.c - resolution checks, index conversions and ud_grade (see healpix.h).
 *
 * ud_grade follows healpy 1.16 (`_ud_grade_core`), which PySM 3.4.5 calls from
 * its read_map: the map is viewed in NESTED order, where the 4^k children of a
 * pixel are contiguous. Degrading sums each run of children with numpy's
 * pairwise summation, so we reproduce that order (sky_pairwise_sum) to get
 * the same double before it is rounded back to float32. We work directly on
 * RING maps, gathering children through nest2ring, which yields the same values
 * without materialising a NESTED copy.
 */
#include "healpix.h"

#include <chealpix.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/constants.h"
#include "core/error.h"
#include "core/numeric.h"

int sky_hpx_nside_ok(int64_t nside)
{
    return nside >= 1 && nside <= SKY_NSIDE_MAX && (nside & (nside - 1)) == 0;
}

int64_t sky_hpx_npix(int64_t nside)
{
    return 12 * nside * nside;
}

int64_t sky_hpx_nside_of(int64_t npix)
{
    if (npix < 12 || npix % 12)
        return -1;
    int64_t n = (int64_t)llround(sqrt((double)(npix / 12)));
    return 12 * n * n == npix ? n : -1;
}

int64_t sky_hpx_ring2nest(int64_t nside, int64_t ipring)
{
    int64_t out;
    ring2nest64(nside, ipring, &out);
    return out;
}

int64_t sky_hpx_nest2ring(int64_t nside, int64_t ipnest)
{
    int64_t out;
    nest2ring64(nside, ipnest, &out);
    return out;
}

static int log2i(int64_t x)
{
    int k = 0;
    while (x > 1) {
        x >>= 1;
        k++;
    }
    return k;
}

int64_t sky_hpx_parent_ring(int64_t nside_hi, int64_t p, int64_t nside_lo)
{
    if (nside_hi == nside_lo)
        return p;
    int shift = 2 * (log2i(nside_hi) - log2i(nside_lo));
    return sky_hpx_nest2ring(nside_lo, sky_hpx_ring2nest(nside_hi, p) >> shift);
}

static int64_t isqrt(int64_t x)
{
    int64_t r = (int64_t)sqrt((double)x);
    while (r * r > x)
        r--;
    while ((r + 1) * (r + 1) <= x)
        r++;
    return r;
}

int64_t sky_hpx_ring_of(int64_t nside, int64_t p)
{
    const int64_t ncap = 2 * nside * (nside - 1), npix = sky_hpx_npix(nside);
    if (p < ncap)
        return (1 + isqrt(1 + 2 * p)) >> 1;
    if (p < npix - ncap)
        return (p - ncap) / (4 * nside) + nside;
    return 4 * nside - ((1 + isqrt(2 * (npix - p) - 1)) >> 1);
}

void sky_hpx_pix2ang_ring(int64_t nside, int64_t p, double *theta, double *phi)
{
    pix2ang_ring64(nside, p, theta, phi);
}

int64_t sky_hpx_ang2pix_ring(int64_t nside, double theta, double phi)
{
    int64_t p;
    ang2pix_ring64(nside, theta, phi, &p);
    return p;
}

int64_t sky_hpx_ring_start(int64_t nside, int64_t r)
{
    const int64_t ncap = 2 * nside * (nside - 1), npix = sky_hpx_npix(nside);
    if (r < nside)
        return 2 * r * (r - 1);
    if (r <= 3 * nside)
        return ncap + (r - nside) * 4 * nside;
    const int64_t s = 4 * nside - r;
    return npix - 2 * s * (s + 1);
}

void sky_hpx_parent_range(int64_t nside_hi, int64_t first, int64_t count, int64_t nside_lo,
                          int64_t *pfirst, int64_t *pcount)
{
    const int k = log2i(nside_hi) - log2i(nside_lo);
    if (count <= 0) {
        *pfirst = 0;
        *pcount = 0;
        return;
    }
    int64_t r0 = (sky_hpx_ring_of(nside_hi, first) >> k) - 1;
    int64_t r1 = (sky_hpx_ring_of(nside_hi, first + count - 1) >> k) + 1;
    if (r0 < 1)
        r0 = 1;
    if (r1 > 4 * nside_lo - 1)
        r1 = 4 * nside_lo - 1;
    *pfirst = sky_hpx_ring_start(nside_lo, r0);
    *pcount = sky_hpx_ring_start(nside_lo, r1 + 1) - *pfirst;
}

int sky_hmap_alloc(sky_hmap *m, int nside, int f32, sky_error *err)
{
    m->nside = nside;
    m->npix = sky_hpx_npix(nside);
    m->f = NULL;
    m->d = NULL;
    if (f32)
        m->f = malloc((size_t)m->npix * sizeof *m->f);
    else
        m->d = malloc((size_t)m->npix * sizeof *m->d);
    if (!m->f && !m->d)
        return sky_nomem(err, "a HEALPix map");
    return SKY_OK;
}

void sky_hmap_free(sky_hmap *m)
{
    if (!m)
        return;
    free(m->f);
    free(m->d);
    m->f = NULL;
    m->d = NULL;
}

static int is_bad(double v)
{
    return !isfinite(v) || fabs(v - SKY_UNSEEN) <= fabs(SKY_UNSEEN) * 1e-5;
}

/* out[q] = in[source(q)] for every pixel of `out`, in the maps' precision. */
static void gather(sky_hmap *out, const sky_hmap *in,
                   int64_t (*source)(const sky_hmap *out, const sky_hmap *in, int64_t q))
{
#pragma omp parallel for schedule(static)
    for (int64_t q = 0; q < out->npix; q++) {
        int64_t p = source(out, in, q);
        if (out->f)
            out->f[q] = in->f[p];
        else
            out->d[q] = in->d[p];
    }
}

static int64_t upgrade_source(const sky_hmap *out, const sky_hmap *in, int64_t q)
{
    return sky_hpx_parent_ring(out->nside, q, in->nside);
}

/* RING pixel q of a NESTED map is its NESTED index. */
static int64_t nest_source(const sky_hmap *out, const sky_hmap *in, int64_t q)
{
    (void)in;
    return sky_hpx_ring2nest(out->nside, q);
}

int sky_hmap_ud_grade(sky_hmap *m, int nside_out, sky_error *err)
{
    if (nside_out == m->nside)
        return SKY_OK;
    sky_hmap out;
    int rc = sky_hmap_alloc(&out, nside_out, m->f != NULL, err);
    if (rc)
        return rc;
    const int64_t nin = m->nside, nout = nside_out;
    if (nout < nin) {
        const int shift = 2 * (log2i(nin) - log2i(nout));
        const int64_t nchild = (int64_t)1 << shift;
        int failed = 0;
#pragma omp parallel
        {
            double *buf = malloc((size_t)nchild * sizeof *buf);
            if (!buf) {
#pragma omp atomic write
                failed = 1;
            }
#pragma omp for schedule(static)
            for (int64_t q = 0; q < out.npix; q++) {
                if (!buf)
                    continue;
                int64_t first = sky_hpx_ring2nest(nout, q) << shift;
                int64_t nhit = 0;
                for (int64_t c = 0; c < nchild; c++) {
                    double v = sky_hmap_at(m, sky_hpx_nest2ring(nin, first + c));
                    if (is_bad(v)) {
                        buf[c] = 0.0;
                    } else {
                        buf[c] = v;
                        nhit++;
                    }
                }
                double s = nhit ? sky_pairwise_sum(buf, nchild) / (double)nhit : SKY_UNSEEN;
                if (out.f)
                    out.f[q] = (float)s;
                else
                    out.d[q] = s;
            }
            free(buf);
        }
        if (failed) {
            sky_hmap_free(&out);
            return sky_nomem(err, "ud_grade scratch");
        }
    } else {
        gather(&out, m, upgrade_source);
    }
    sky_hmap_free(m);
    *m = out;
    return SKY_OK;
}

int sky_hmap_nest_to_ring(sky_hmap *m, sky_error *err)
{
    sky_hmap out;
    int rc = sky_hmap_alloc(&out, m->nside, m->f != NULL, err);
    if (rc)
        return rc;
    gather(&out, m, nest_source);
    sky_hmap_free(m);
    *m = out;
    return SKY_OK;
}
