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
#include "core/heap.h"
#include "core/numeric.h"
#include "parallel/threads.h"

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

void sky_hpx_pix2vec_ring(int64_t nside, int64_t p, double vec[3])
{
    pix2vec_ring64(nside, p, vec);
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

/* Points m's index at region r. */
static void set_layout(sky_hmap *m, const sky_region *r)
{
    m->nside = r->nside;
    m->npix = sky_hpx_npix(r->nside);
    m->nheld = sky_region_npix(r);
    m->split = INT64_MAX;
    m->shift[0] = m->shift[1] = 0;
    if (r->nseg >= 1) {
        m->shift[0] = r->first[0];
        m->shift[1] = r->first[0];
    }
    if (r->nseg == 2) {
        m->split = r->first[1];
        m->shift[1] = r->first[1] - r->count[0];
    }
}

void sky_hmap_region(const sky_hmap *m, sky_region *r)
{
    r->nside = m->nside;
    if (m->nheld == m->npix) {
        sky_region_full(m->nside, r);
        return;
    }
    r->nseg = 0;
    if (m->nheld == 0)
        return;
    r->nseg = m->split == INT64_MAX ? 1 : 2;
    r->first[0] = m->shift[0];
    r->count[0] = r->nseg == 1 ? m->nheld : m->split - m->shift[1] - m->shift[0];
    if (r->nseg == 2) {
        r->first[1] = m->split;
        r->count[1] = m->nheld - r->count[0];
    }
}

int sky_hmap_alloc_region(sky_hmap *m, const sky_region *r, int f32, sky_error *err)
{
    set_layout(m, r);
    m->f = NULL;
    m->d = NULL;
    const size_t n = (size_t)(m->nheld > 0 ? m->nheld : 1);
    if (f32) /* huge pages where offered: far fewer faults filling the map */
        m->f = sky_big_alloc(n * sizeof *m->f);
    else
        m->d = sky_big_alloc(n * sizeof *m->d);
    if (!m->f && !m->d)
        return sky_nomem(err, "a HEALPix map");
    return SKY_OK;
}

int sky_hmap_alloc(sky_hmap *m, int nside, int f32, sky_error *err)
{
    sky_region r;
    sky_region_full(nside, &r);
    return sky_hmap_alloc_region(m, &r, f32, err);
}

int sky_hmap_is_full(const sky_hmap *m)
{
    return m->nheld == m->npix;
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

int64_t sky_hmap_count_bad(const sky_hmap *m, int64_t *first_pixel)
{
    int64_t n = 0;
    *first_pixel = -1;
    for (int64_t i = 0; i < m->nheld; i++) {
        if (!is_bad(m->f ? (double)m->f[i] : m->d[i]))
            continue;
        if (!n++)
            *first_pixel = i + m->shift[0] < m->split ? i + m->shift[0] : i + m->shift[1];
    }
    return n;
}

static inline void put(sky_hmap *out, int64_t q, double v)
{
    const int64_t i = sky_hmap_index(out, q);
    if (out->f)
        out->f[i] = (float)v;
    else
        out->d[i] = v;
}

/* Pixel q of out, degraded from the 4^k children of `in` (see ud_grade). */
static double degrade_pixel(const sky_hmap *in, int nout, int shift, double *buf, int64_t q)
{
    const int64_t nchild = (int64_t)1 << shift, first = sky_hpx_ring2nest(nout, q) << shift;
    int64_t nhit = 0;
    for (int64_t c = 0; c < nchild; c++) {
        double v = sky_hmap_at(in, sky_hpx_nest2ring(in->nside, first + c));
        if (is_bad(v)) {
            buf[c] = 0.0;
        } else {
            buf[c] = v;
            nhit++;
        }
    }
    return nhit ? sky_pairwise_sum(buf, nchild) / (double)nhit : SKY_UNSEEN;
}

int sky_hmap_resample(const sky_hmap *in, const sky_region *r, sky_hmap *out, sky_error *err)
{
    int rc = sky_hmap_alloc_region(out, r, in->f != NULL, err);
    if (rc)
        return rc;
    const int nin = in->nside, nout = r->nside;
    const int shift = nout < nin ? 2 * (log2i(nin) - log2i(nout)) : 0;
    int failed = 0;
    for (int s = 0; s < r->nseg; s++) {
        const int64_t q0 = r->first[s], q1 = r->first[s] + r->count[s];
#pragma omp parallel if (((q1 - q0) << shift) >= SKY_OMP_MIN_WORK)
        {
            double *buf = nout < nin ? malloc(((size_t)1 << shift) * sizeof *buf) : NULL;
            if (nout < nin && !buf) {
#pragma omp atomic write
                failed = 1;
            }
#pragma omp for schedule(static)
            for (int64_t q = q0; q < q1; q++) {
                if (nout < nin) {
                    if (buf)
                        put(out, q, degrade_pixel(in, nout, shift, buf, q));
                } else {
                    const int64_t p = nout == nin ? q : sky_hpx_parent_ring(nout, q, nin);
                    const int64_t i = sky_hmap_index(in, p), o = sky_hmap_index(out, q);
                    if (out->f)
                        out->f[o] = in->f[i];
                    else
                        out->d[o] = in->d[i];
                }
            }
            free(buf);
        }
    }
    if (failed) {
        sky_hmap_free(out);
        return sky_nomem(err, "ud_grade scratch");
    }
    return SKY_OK;
}

int sky_hmap_ud_grade(sky_hmap *m, int nside_out, sky_error *err)
{
    if (nside_out == m->nside)
        return SKY_OK;
    sky_region held, r;
    sky_hmap out;
    sky_hmap_region(m, &held);
    if (nside_out < m->nside && !sky_region_is_full(&held))
        return sky_fail(err, SKY_EINTERNAL, "ud_grade: degrading part of a map");
    sky_region_at(&held, nside_out, &r);
    int rc = sky_hmap_resample(m, &r, &out, err);
    if (rc)
        return rc;
    sky_hmap_free(m);
    *m = out;
    return SKY_OK;
}

int sky_hmap_restrict(sky_hmap *m, const sky_region *r, sky_error *err)
{
    sky_region held;
    sky_hmap_region(m, &held);
    if (held.nseg == r->nseg && held.nside == r->nside &&
        !memcmp(held.first, r->first, (size_t)r->nseg * sizeof *r->first) &&
        !memcmp(held.count, r->count, (size_t)r->nseg * sizeof *r->count))
        return SKY_OK;
    if (r->nside != m->nside)
        return sky_fail(err, SKY_EINTERNAL, "restricting a map of nside %d to a region of "
                        "nside %d", m->nside, r->nside);
    sky_hmap out;
    int rc = sky_hmap_resample(m, r, &out, err);
    if (rc)
        return rc;
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
#pragma omp parallel for schedule(static) if (out.npix >= SKY_OMP_MIN_WORK)
    for (int64_t q = 0; q < out.npix; q++) {
        const int64_t p = sky_hpx_ring2nest(out.nside, q);
        if (out.f)
            out.f[q] = m->f[p];
        else
            out.d[q] = m->d[p];
    }
    sky_hmap_free(m);
    *m = out;
    return SKY_OK;
}
