/*
 * region.c - ring-band parts of the sky (see region.h).
 */
#include "region.h"

#include "healpix/healpix.h"

/* Rings an ancestor may be from the ring it is expected in: a parent lies
 * within ring r / 2^k +- 1, and regions derived from regions (a template's
 * from a coarse component's) need two more. */
enum { COARSE_MARGIN = 3 };

static int64_t nrings(int nside)
{
    return 4 * (int64_t)nside - 1;
}

/* Pixels of ring r. */
static int64_t ring_npix(int nside, int64_t r)
{
    return sky_hpx_ring_start(nside, r + 1) - sky_hpx_ring_start(nside, r);
}

/* The region of ring intervals [lo[i], hi[i]] (i < n, in any order, may
 * overlap): sorted, merged, as pixel ranges. */
static void from_rings(int nside, int n, int64_t *lo, int64_t *hi, sky_region *r)
{
    r->nside = nside;
    r->nseg = 0;
    if (n == 2 && lo[1] < lo[0]) {
        int64_t t = lo[0];
        lo[0] = lo[1], lo[1] = t;
        t = hi[0];
        hi[0] = hi[1], hi[1] = t;
    }
    for (int i = 0; i < n; i++) {
        int64_t a = lo[i] < 1 ? 1 : lo[i], b = hi[i] > nrings(nside) ? nrings(nside) : hi[i];
        if (a > b)
            continue;
        const int64_t f = sky_hpx_ring_start(nside, a), e = sky_hpx_ring_start(nside, b + 1);
        if (r->nseg && f <= r->first[r->nseg - 1] + r->count[r->nseg - 1]) {
            int64_t *c = &r->count[r->nseg - 1];
            const int64_t end = r->first[r->nseg - 1] + *c;
            if (e > end)
                *c += e - end;
            continue;
        }
        r->first[r->nseg] = f;
        r->count[r->nseg] = e - f;
        r->nseg++;
    }
}

void sky_region_full(int nside, sky_region *r)
{
    int64_t lo = 1, hi = nrings(nside);
    from_rings(nside, 1, &lo, &hi, r);
}

void sky_region_part(int nside, int part, int nparts, sky_region *r)
{
    if (nparts <= 1) {
        sky_region_full(nside, r);
        return;
    }
    /* pair i (1 .. 2 nside) is ring i and ring 4 nside - i (the equator,
     * i = 2 nside, alone); it goes to the part its first pixel falls in when
     * the pixels of the pairs, in order, are cut into nparts equal shares */
    const int64_t npix = sky_hpx_npix(nside), npairs = 2 * (int64_t)nside;
    int64_t before = 0, i0 = 0, i1 = -1;
    for (int64_t i = 1; i <= npairs; i++) {
        const int64_t n = ring_npix(nside, i) * (i < npairs ? 2 : 1);
        const int owner = (int)((double)before * nparts / (double)npix);
        if (owner == part) {
            if (!i0)
                i0 = i;
            i1 = i;
        }
        before += n;
    }
    if (!i0) {
        r->nside = nside;
        r->nseg = 0;
        return;
    }
    int64_t lo[2] = {i0, 4 * (int64_t)nside - (i1 < npairs ? i1 : npairs - 1)};
    int64_t hi[2] = {i1, 4 * (int64_t)nside - i0};
    from_rings(nside, i0 < npairs ? 2 : 1, lo, hi, r);
}

void sky_region_at(const sky_region *r, int nside, sky_region *out)
{
    if (nside == r->nside) {
        *out = *r;
        return;
    }
    if (sky_region_is_full(r)) {
        sky_region_full(nside, out);
        return;
    }
    int64_t lo[SKY_REGION_MAXSEG], hi[SKY_REGION_MAXSEG];
    for (int s = 0; s < r->nseg; s++) {
        const int64_t a = sky_hpx_ring_of(r->nside, r->first[s]),
                      b = sky_hpx_ring_of(r->nside, r->first[s] + r->count[s] - 1);
        if (nside < r->nside) {
            const int64_t k = r->nside / nside;
            lo[s] = a / k - COARSE_MARGIN;
            hi[s] = (b + k - 1) / k + COARSE_MARGIN;
        } else { /* the children of ring r at k times the nside: rings k r - (k - 1) .. k r + (k - 1) */
            const int64_t k = nside / r->nside;
            lo[s] = k * a - (k - 1);
            hi[s] = k * b + (k - 1);
        }
    }
    from_rings(nside, r->nseg, lo, hi, out);
}

int64_t sky_region_npix(const sky_region *r)
{
    int64_t n = 0;
    for (int s = 0; s < r->nseg; s++)
        n += r->count[s];
    return n;
}

int sky_region_is_full(const sky_region *r)
{
    return r->nseg == 1 && r->first[0] == 0 && r->count[0] == sky_hpx_npix(r->nside);
}

int sky_region_holds(const sky_region *r, int64_t first, int64_t count)
{
    if (count <= 0)
        return 1;
    for (int s = 0; s < r->nseg; s++)
        if (first >= r->first[s] && first + count <= r->first[s] + r->count[s])
            return 1;
    return 0;
}

int64_t sky_region_index(const sky_region *r, int64_t p)
{
    int64_t base = 0;
    for (int s = 0; s < r->nseg; s++) {
        if (p < r->first[s] + r->count[s])
            return base + p - r->first[s];
        base += r->count[s];
    }
    return -1;
}

int sky_region_rings(const sky_region *r, int *rings)
{
    int n = 0;
    for (int s = 0; s < r->nseg; s++) {
        const int64_t a = sky_hpx_ring_of(r->nside, r->first[s]),
                      b = sky_hpx_ring_of(r->nside, r->first[s] + r->count[s] - 1);
        for (int64_t k = a; k <= b; k++)
            rings[n++] = (int)k;
    }
    return n;
}
