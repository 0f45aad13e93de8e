/*
 * bench_lsq.c - the least-squares map2alm against the transforms it is made
 * of, in one process (so that both see the same machine speed): ten IQU
 * map2alm + alm2map pairs, then sky_map2alm_lsq with 8 iterations (which is
 * 10 pairs: the start, the first residual and its A^T, 2 per iteration).
 * Prints one line. usage: bench_lsq NSIDE
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/clock.h"
#include "core/heap.h"
#include "skymodel.h"

int main(int argc, char **argv)
{
    sky_heap_reuse_buffers();
    const int nside = argc > 1 ? atoi(argv[1]) : 512, lmax = (int)(2.5 * nside);
    sky_error err;
    sky_sht *p;
    if (sky_plan_create(nside, lmax, &p, &err)) {
        fprintf(stderr, "bench_lsq: %s\n", err.msg);
        return 1;
    }
    const int64_t npix = 12 * (int64_t)nside * nside, nalm = sky_plan_nalm(p);
    double *map = malloc((size_t)(3 * npix) * sizeof *map);
    double *out = malloc((size_t)(3 * npix) * sizeof *out);
    double *alm = malloc((size_t)(6 * nalm) * sizeof *alm);
    if (!map || !out || !alm)
        return 1;
    for (int64_t i = 0; i < 3 * npix; i++)
        map[i] = (double)((i * 2654435761u) % 1000) / 1000.0;
    sky_map2alm(p, 3, map, alm); /* first touch */
    sky_alm2map(p, 3, alm, out);
    double t0 = sky_clock_seconds();
    for (int k = 0; k < 10; k++) {
        sky_map2alm(p, 3, map, alm);
        sky_alm2map(p, 3, alm, out);
    }
    const double pairs = sky_clock_seconds() - t0;
    int iters = 0;
    double res = 0;
    t0 = sky_clock_seconds();
    if (sky_map2alm_lsq(p, 3, map, 8, 1e-30, alm, &iters, &res, &err)) {
        fprintf(stderr, "bench_lsq: %s\n", err.msg);
        return 1;
    }
    const double lsq = sky_clock_seconds() - t0;
    printf("nside %d lmax %d: 10 transform pairs %.2f s; LSQR, %d iterations (%d pairs) %.2f s, "
           "%.3f of its transforms\n",
           nside, lmax, pairs, iters, iters + 2, lsq, lsq / (pairs / 10 * (iters + 2)));
    free(map);
    free(out);
    free(alm);
    sky_plan_free(p);
    return 0;
}
