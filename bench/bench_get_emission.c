/*
 * bench_get_emission.c - the C library's side of the Python benchmark
 * (bench/bench_python.py): the sky built once (sky_create), then one
 * whole-sky sky_emission of a band in one unit, as the Python module's
 * Sky.get_emission does, timed REPEAT times (the median is printed).
 * Threads: OMP_NUM_THREADS.
 *
 * usage: bench_get_emission NSIDE TEMPLATE_DIR PRESETS FREQS UNIT [REPEAT]
 *   PRESETS  comma-separated, e.g. d1,s1,f1,a1
 *   FREQS    comma-separated GHz, e.g. 90,92.2,...,110 (one value: one frequency)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "skymodel.h"

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: bench_get_emission NSIDE TEMPLATE_DIR PRESETS FREQS UNIT "
                        "[REPEAT]\n");
        return 2;
    }
    const int nside = atoi(argv[1]);
    int repeat = argc > 6 ? atoi(argv[6]) : 3;
    const char *dirs[] = {argv[2], NULL}, *unit = argv[5];
    double freqs[256];
    int n = 0;
    for (char *s = argv[4], *end; *s && n < 256; s = *end ? end + 1 : end) {
        freqs[n++] = strtod(s, &end);
        if (end == s)
            break;
    }
    sky_error err = {0};
    sky_config *cfg = sky_config_new();
    char presets[512];
    snprintf(presets, sizeof presets, "%s", argv[3]);
    for (char *p = strtok(presets, ","); p; p = strtok(NULL, ","))
        if (sky_config_add_preset(cfg, p, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return 2;
        }
    sky_options opt;
    sky_options_init(&opt);
    opt.nside = nside;
    opt.data_dirs = dirs;
    opt.offline = 1;
    sky_sky *sky = NULL;
    const double t0 = sky_clock_seconds();
    if (sky_create(cfg, &opt, &sky, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    const double t_sky = sky_clock_seconds() - t0;
    const int64_t npix = sky_npix(sky);
    sky_band band = {n, freqs, NULL};
    double times[64];
    if (repeat < 1 || repeat > 64)
        repeat = 3;
    for (int r = 0; r < repeat; r++) {
        double *iqu = malloc((size_t)(3 * npix) * sizeof *iqu);
        const double t = sky_clock_seconds();
        if (!iqu || sky_emission(sky, &band, unit, iqu, &err)) {
            fprintf(stderr, "%s\n", iqu ? err.msg : "out of memory");
            return 2;
        }
        times[r] = sky_clock_seconds() - t;
        free(iqu);
    }
    qsort(times, (size_t)repeat, sizeof *times, cmp_double);
    printf("C library nside %d %s, %d frequencies: Sky %.3f s, get_emission median %.4f s "
           "(of %d)\n", nside, argv[3], n, t_sky, times[repeat / 2], repeat);
    sky_free(sky);
    sky_config_free(cfg);
    return 0;
}
