/*
 * test_healpix.c - HEALPix index helpers and ud_grade: ring numbers and ring
 * starts against a brute-force walk, parent ranges containing every parent,
 * upgrade-then-degrade as the identity, degrade as the mean of the NESTED
 * children, and the UNSEEN rule.
 */
#include <stdlib.h>

#include "check.h"
#include "core/constants.h"
#include "healpix/healpix.h"

int main(void)
{
    CHECK(sky_hpx_nside_ok(1) && sky_hpx_nside_ok(8192) && !sky_hpx_nside_ok(0) &&
              !sky_hpx_nside_ok(12) && !sky_hpx_nside_ok(16384),
          "nside_ok");
    CHECK(sky_hpx_nside_of(12) == 1 && sky_hpx_nside_of(49152) == 64 &&
              sky_hpx_nside_of(1000) == -1,
          "nside_of");

    for (int nside = 1; nside <= 64; nside *= 2) {
        /* rings: consecutive, starts consistent */
        int64_t npix = sky_hpx_npix(nside), prev = 1;
        int ok = sky_hpx_ring_start(nside, 1) == 0 && sky_hpx_ring_start(nside, 4 * nside) == npix;
        for (int64_t p = 0; p < npix; p++) {
            int64_t r = sky_hpx_ring_of(nside, p);
            ok &= r == prev || r == prev + 1;
            ok &= sky_hpx_ring_start(nside, r) <= p && p < sky_hpx_ring_start(nside, r + 1);
            prev = r;
        }
        CHECK(ok && prev == 4 * nside - 1, "rings at nside %d", nside);
        /* nest <-> ring round trip */
        ok = 1;
        for (int64_t p = 0; p < npix; p++)
            ok &= sky_hpx_nest2ring(nside, sky_hpx_ring2nest(nside, p)) == p;
        CHECK(ok, "ring2nest round trip at nside %d", nside);
        /* parent ranges contain the parents */
        for (int lo = 1; lo <= nside; lo *= 2) {
            srand(17 + nside + lo);
            for (int t = 0; t < 20; t++) {
                int64_t first = rand() % npix, count = 1 + rand() % (npix - first), pf, pc;
                sky_hpx_parent_range(nside, first, count, lo, &pf, &pc);
                int inside = 1;
                for (int64_t p = first; p < first + count; p++) {
                    int64_t q = sky_hpx_parent_ring(nside, p, lo);
                    inside &= q >= pf && q < pf + pc;
                }
                CHECK(inside, "parent range nside %d -> %d [%lld, +%lld)", nside, lo,
                      (long long)first, (long long)count);
            }
        }
    }

    /* ud_grade: up then down is the identity; down is the mean of the children */
    sky_hmap m;
    sky_error err;
    CHECK(sky_hmap_alloc(&m, 4, 1, &err) == SKY_OK, "alloc");
    for (int64_t p = 0; p < m.npix; p++)
        m.f[p] = (float)(p * 0.37 - 3.0);
    sky_hmap orig;
    sky_hmap_alloc(&orig, 4, 1, &err);
    for (int64_t p = 0; p < m.npix; p++)
        orig.f[p] = m.f[p];
    CHECK(sky_hmap_ud_grade(&m, 32, &err) == SKY_OK && m.nside == 32, "upgrade");
    int same = 1;
    for (int64_t p = 0; p < m.npix; p++)
        same &= m.f[p] == orig.f[sky_hpx_parent_ring(32, p, 4)];
    CHECK(same, "upgrade copies the parent");
    CHECK(sky_hmap_ud_grade(&m, 4, &err) == SKY_OK && m.nside == 4, "degrade");
    same = 1;
    for (int64_t p = 0; p < m.npix; p++)
        same &= m.f[p] == orig.f[p];
    CHECK(same, "upgrade then degrade is the identity");
    sky_hmap_free(&m);

    sky_hmap d;
    sky_hmap_alloc(&d, 2, 0, &err);
    for (int64_t p = 0; p < d.npix; p++)
        d.d[p] = 1.0 + (double)(sky_hpx_ring2nest(2, p) % 4); /* children 1, 2, 3, 4 */
    d.d[sky_hpx_nest2ring(2, 5)] = SKY_UNSEEN; /* parent 1 loses its child valued 2 */
    for (int c = 8; c < 12; c++)
        d.d[sky_hpx_nest2ring(2, c)] = SKY_UNSEEN; /* parent 2 loses all */
    CHECK(sky_hmap_ud_grade(&d, 1, &err) == SKY_OK, "degrade doubles");
    CHECK(d.d[sky_hpx_nest2ring(1, 0)] == 2.5, "mean of children: %g", d.d[0]);
    CHECK(d.d[sky_hpx_nest2ring(1, 1)] == (1.0 + 3.0 + 4.0) / 3.0, "mean of valid children");
    CHECK(d.d[sky_hpx_nest2ring(1, 2)] == SKY_UNSEEN, "no valid child gives UNSEEN");
    sky_hmap_free(&d);
    sky_hmap_free(&orig);
    return check_report("test_healpix");
}
