/*
 * bench_sht.c - the transform floor: one IQU map2alm and one alm2map with
 * libsharp at nside N, lmax 2.5 N (what a smoothing step costs at least),
 * warm.
 * Prints one line. usage: bench_sht NSIDE
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/clock.h"
#include "core/heap.h"
#include "skymodel.h"

int main(int argc, char **argv)
{
    sky_heap_reuse_buffers();
    int nside = argc > 1 ? atoi(argv[1]) : 512, lmax = (int)(2.5 * nside);
    sky_error err;
    sky_sht *p;
    if (sky_plan_create(nside, lmax, &p, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    int64_t npix = 12 * (int64_t)nside * nside, nalm = sky_plan_nalm(p);
    double *map = malloc(3 * npix * sizeof *map), *alm = malloc(6 * nalm * sizeof *alm);
    for (int64_t i = 0; i < 3 * npix; i++)
        map[i] = (double)((i * 2654435761u) % 1000) / 1000.0;
    /* one untimed pair (first-touch of the buffers), then the mean of three */
    sky_map2alm(p, 3, map, alm);
    sky_alm2map(p, 3, alm, map);
    double ta = 0, ts = 0;
    for (int r = 0; r < 3; r++) {
        double t0 = sky_clock_seconds();
        sky_map2alm(p, 3, map, alm);
        double t1 = sky_clock_seconds();
        sky_alm2map(p, 3, alm, map);
        ta += t1 - t0;
        ts += sky_clock_seconds() - t1;
    }
    printf("nside %d lmax %d IQU map2alm %.3f s alm2map %.3f s (mean of 3, warm)\n", nside, lmax,
           ta / 3, ts / 3);
    free(map);
    free(alm);
    sky_plan_free(p);
    return 0;
}
