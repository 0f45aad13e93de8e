/*
 * bench_c1.c - the lensed CMB (c1) on the benchmark instrument's three bands
 * (../shared/bench/instrument.json: 10-point top-hats 25-35, 85-115 and
 * 130-170 GHz, uK_RJ): the time to build the realisation (synalm, deflection,
 * Taylor interpolation) and to evaluate each band, and the peak memory.
 * Beams are left out: smoothing costs the same for every component (see
 * docs/benchmarks.md). Prints one line.
 * usage: bench_c1 NSIDE TEMPLATE_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "core/clock.h"
#include "core/heap.h"
#include "skymodel.h"

static double peak_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024.0;
}

int main(int argc, char **argv)
{
    sky_heap_reuse_buffers();
    if (argc < 3) {
        fprintf(stderr, "usage: bench_c1 NSIDE TEMPLATE_DIR\n");
        return 2;
    }
    const char *dirs[] = {argv[2], NULL};
    sky_error err;
    sky_config *cfg = sky_config_new();
    sky_sky *sky = NULL;
    sky_options opt;
    sky_options_init(&opt);
    opt.nside = atoi(argv[1]);
    opt.data_dirs = dirs;
    double t0 = sky_clock_seconds();
    if (sky_config_add_preset(cfg, "c1", &err) || sky_create(cfg, &opt, &sky, &err)) {
        fprintf(stderr, "bench_c1: %s\n", err.msg);
        return 1;
    }
    double t_build = sky_clock_seconds() - t0, t_bands = 0;
    const double lo[3] = {25, 85, 130}, hi[3] = {35, 115, 170};
    double *map = malloc((size_t)(3 * sky_npix(sky)) * sizeof *map);
    for (int c = 0; c < 3 && map; c++) {
        double f[10];
        for (int i = 0; i < 10; i++)
            f[i] = lo[c] + (hi[c] - lo[c]) * i / 9.0;
        sky_band band = {10, f, NULL};
        double t1 = sky_clock_seconds();
        if (sky_emission(sky, &band, "uK_RJ", map, &err)) {
            fprintf(stderr, "bench_c1: %s\n", err.msg);
            return 1;
        }
        t_bands += sky_clock_seconds() - t1;
    }
    printf("c1 nside %d: build %.2f s, 3 bands %.2f s, total %.2f s, peak RSS %.0f MB\n",
           opt.nside, t_build, t_bands, sky_clock_seconds() - t0, peak_mb());
    free(map);
    sky_free(sky);
    sky_config_free(cfg);
    return 0;
}
