/*
 * test_parts.c - a sky held in parts (one MPI rank's share, made here
 * without MPI): the parts of every count tile the sky exactly, are balanced,
 * pair northern and southern rings, and a sky created for a part gives, on
 * its pixels, the bits of the whole-sky evaluation (templates read by rows,
 * degraded, upgraded, evaluated at a coarser nside, whole-sky models cut).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "test_sky.h"
#include "healpix/healpix.h"
#include "parallel/region.h"
#include "skymodel.h"

static void test_tiling(int nside, int nparts)
{
    const int64_t npix = sky_hpx_npix(nside);
    char *owner = calloc((size_t)npix, 1);
    int64_t largest = 0;
    for (int k = 0; k < nparts; k++) {
        sky_region r;
        sky_region_part(nside, k, nparts, &r);
        CHECK(r.nseg >= 0 && r.nseg <= 2, "nside %d part %d/%d: %d segments", nside, k, nparts,
              r.nseg);
        for (int s = 0; s < r.nseg; s++) {
            const int64_t a = sky_hpx_ring_of(nside, r.first[s]);
            const int64_t b = sky_hpx_ring_of(nside, r.first[s] + r.count[s] - 1);
            CHECK(sky_hpx_ring_start(nside, a) == r.first[s] &&
                      sky_hpx_ring_start(nside, b + 1) == r.first[s] + r.count[s],
                  "nside %d part %d/%d: segment %d is not whole rings", nside, k, nparts, s);
            for (int64_t ring = a; ring <= b; ring++) { /* its mirror ring is held too */
                const int64_t m = 4 * nside - ring, f = sky_hpx_ring_start(nside, m);
                CHECK(sky_region_holds(&r, f, sky_hpx_ring_start(nside, m + 1) - f),
                      "nside %d part %d/%d: ring %lld without its mirror", nside, k, nparts,
                      (long long)ring);
            }
            for (int64_t p = r.first[s]; p < r.first[s] + r.count[s]; p++)
                owner[p]++;
        }
        if (sky_region_npix(&r) > largest)
            largest = sky_region_npix(&r);
    }
    int64_t bad = 0;
    for (int64_t p = 0; p < npix; p++)
        bad += owner[p] != 1;
    CHECK(bad == 0, "nside %d, %d parts: %lld pixels not held exactly once", nside, nparts,
          (long long)bad);
    /* balanced to within one ring pair (8 nside pixels) */
    if (nparts <= nside)
        CHECK(largest <= npix / nparts + 8 * nside, "nside %d, %d parts: largest %lld", nside,
              nparts, (long long)largest);
    free(owner);
}

static void test_parts_equal_whole(const char *presets, int nside, int nparts)
{
    sky_sky *whole = test_sky_part(presets, nside, 0, 1);
    if (!whole)
        return;
    static const double f2[2] = {90, 110}, f1[1] = {353};
    const sky_band bands[2] = {{2, f2, NULL}, {1, f1, NULL}};
    const char *units[2] = {"uK_CMB", "MJy/sr"};
    const int64_t npix = sky_npix(whole);
    double *ref[2];
    sky_error err;
    for (int c = 0; c < 2; c++) {
        ref[c] = malloc((size_t)(3 * npix) * sizeof *ref[c]);
        CHECK(sky_emission(whole, &bands[c], units[c], ref[c], &err) == SKY_OK, "%s", err.msg);
    }
    sky_free(whole);
    for (int k = 0; k < nparts; k++) {
        sky_sky *sky = test_sky_part(presets, nside, k, nparts);
        if (!sky)
            continue;
        int64_t first[2], count[2];
        const int nseg = sky_part_ranges(sky, first, count);
        for (int s = 0; s < nseg; s++) {
            double *out[2];
            for (int c = 0; c < 2; c++)
                out[c] = malloc((size_t)(3 * count[s]) * sizeof *out[c]);
            int rc = sky_emission_channels(sky, 2, bands, units, first[s], count[s], out, &err);
            CHECK(rc == SKY_OK, "%s part %d/%d: %s", presets, k, nparts, err.msg);
            for (int c = 0; c < 2 && !rc; c++)
                for (int i = 0; i < 3; i++)
                    CHECK(!memcmp(out[c] + i * count[s], ref[c] + i * npix + first[s],
                                  (size_t)count[s] * sizeof(double)),
                          "%s nside %d part %d/%d segment %d channel %d Stokes %d: differs from "
                          "the whole sky",
                          presets, nside, k, nparts, s, c, i);
            for (int c = 0; c < 2; c++)
                free(out[c]);
        }
        /* pixels outside the part are refused, not invented */
        if (nseg && first[0] > 0) {
            double tmp[3];
            CHECK(sky_emission_range(sky, &bands[1], units[1], first[0] - 1, 1, tmp, &err) ==
                      SKY_EINVAL,
                  "%s part %d/%d: a pixel outside the part was evaluated", presets, k, nparts);
        }
        sky_free(sky);
    }
    for (int c = 0; c < 2; c++)
        free(ref[c]);
}

int main(void)
{
    const int nsides[] = {1, 2, 8, 64, 256};
    for (int i = 0; i < 5; i++)
        for (int n = 1; n <= 7; n++)
            test_tiling(nsides[i], n);
    test_tiling(2048, 64);
    /* templates are nside 64: degraded (16), as read (64), coarse evaluation (128) */
    static const char *const skies[] = {"d1,s1,f1,a1,c1", "d0,d2,d3,s0,s2,s3,a2,c2",
                                        "d4,d5,d6,d7,d8"};
    for (int s = 0; s < 3; s++) {
        test_parts_equal_whole(skies[s], 16, 3);
        test_parts_equal_whole(skies[s], 64, 2);
        test_parts_equal_whole(skies[s], 128, 3);
    }
    test_parts_equal_whole("d1,s1,f1,a1,c1", 2, 5); /* more parts than ring pairs near the poles */
    return check_report("test_parts");
}
