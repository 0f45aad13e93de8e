/*
 * bench_emission.c - the per-pixel emission stage alone, warm and in process:
 * the sky (default a1,d1,s1,f1) is built once, then sky_emission_channels is
 * timed for the benchmark's three bands (10-point top-hats 25-35, 85-115,
 * 130-170 GHz) and for every channel of an instrument file (e.g.
 * bench/instrument_100.json), in pixel chunks of about 256 MB as the CLI
 * evaluates them. Nothing is written unless asked. Threads: OMP_NUM_THREADS.
 *
 * usage: bench_emission NSIDE TEMPLATE_DIR INSTRUMENT_JSON [PRESETS] [REPEAT]
 *                       [--exact-sed] [--dump FILE | --compare FILE]
 *
 * --exact-sed evaluates every band sample (no tabulated spectra, sky_fast_sed).
 * The instrument's line also gives the process's CPU seconds (all threads),
 * steadier than the wall time on a busy machine. CHUNK=N in the environment
 * evaluates N pixels at a time instead of the CLI's sky_channels_chunk.
 *
 * --dump writes every 37th pixel of every map (3 bands then the instrument's
 * channels, I Q U) as raw doubles; --compare reads such a file and prints the
 * worst change relative to each map's RMS and the worst per-pixel relative
 * change, to check an optimisation against the code before it.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


#include "core/clock.h"
#include "core/heap.h"
#include "skymodel.h"

enum { STRIDE = 37 };

typedef struct sample {
    FILE *dump, *ref;
    double worst_rms, worst_pix; /* --compare */
} sample;

/* Records (or compares) the strided pixels of channel maps of [first, first + count). */
static void sample_chunk(sample *s, int n, double *const *maps, int64_t first, int64_t count,
                         double *rms_acc, double *dmax)
{
    for (int c = 0; c < n; c++)
        for (int k = 0; k < 3; k++)
            for (int64_t p = (first + STRIDE - 1) / STRIDE * STRIDE; p < first + count;
                 p += STRIDE) {
                const double v = maps[c][k * count + (p - first)];
                if (s->dump)
                    fwrite(&v, sizeof v, 1, s->dump);
                if (s->ref) {
                    double r = 0;
                    if (fread(&r, sizeof r, 1, s->ref) != 1)
                        r = NAN;
                    rms_acc[3 * c + k] += r * r;
                    const double d = fabs(v - r);
                    if (d > dmax[3 * c + k])
                        dmax[3 * c + k] = d;
                    if (r != 0 && d / fabs(r) > s->worst_pix)
                        s->worst_pix = d / fabs(r);
                }
            }
}

/* CPU seconds of the process (all threads): on a busy machine a steadier
 * measure of the work than the wall time. */
static double cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double last_cpu; /* run()'s CPU seconds */

/* Evaluates `n` bands in chunks; returns the seconds spent preparing them and in
 * sky_bands_emission. */
static double run(const sky_sky *sky, int n, const sky_band *bands, sample *s, int record)
{
    const int64_t npix = sky_npix(sky);
    const int64_t chunk = getenv("CHUNK") ? atoll(getenv("CHUNK")) /* else as the CLI */
                                          : sky_channels_chunk(npix, n);
    double **maps = calloc((size_t)n, sizeof *maps);
    const char **units = calloc((size_t)n, sizeof *units);
    double *rms_acc = calloc((size_t)(3 * n), sizeof(double));
    double *dmax = calloc((size_t)(3 * n), sizeof(double));
    for (int c = 0; c < n; c++) {
        maps[c] = sky_big_alloc((size_t)(3 * chunk) * sizeof(double)); /* as the CLI */
        units[c] = "uK_RJ";
    }
    double t = sky_clock_seconds();
    const double c0 = cpu_seconds();
    sky_error err;
    sky_bands *prepared; /* once for all chunks, as the CLI (its tables included) */
    if (sky_bands_prepare(sky, n, bands, units, &prepared, &err)) {
        fprintf(stderr, "bench_emission: %s\n", err.msg);
        exit(1);
    }
    t = sky_clock_seconds() - t;
    for (int64_t first = 0; first < npix; first += chunk) {
        const int64_t count = npix - first < chunk ? npix - first : chunk;
        const double t0 = sky_clock_seconds();
        if (sky_bands_emission(prepared, first, count, maps, count, &err)) {
            fprintf(stderr, "bench_emission: %s\n", err.msg);
            exit(1);
        }
        t += sky_clock_seconds() - t0;
        if (record)
            sample_chunk(s, n, maps, first, count, rms_acc, dmax);
    }
    last_cpu = cpu_seconds() - c0;
    if (record && s->ref)
        for (int m = 0; m < 3 * n; m++) {
            const double rms = sqrt(rms_acc[m] / (double)(npix / STRIDE));
            if (rms > 0 && dmax[m] / rms > s->worst_rms)
                s->worst_rms = dmax[m] / rms;
        }
    sky_bands_free(prepared);
    for (int c = 0; c < n; c++)
        free(maps[c]);
    free(maps);
    free(units);
    free(rms_acc);
    free(dmax);
    return t;
}

int main(int argc, char **argv)
{
    sky_heap_reuse_buffers();
    if (argc < 4) {
        fprintf(stderr, "usage: bench_emission NSIDE TEMPLATE_DIR INSTRUMENT_JSON [PRESETS] "
                        "[REPEAT] [--dump FILE | --compare FILE]\n");
        return 2;
    }
    const char *presets = "a1,d1,s1,f1";
    int repeat = 1;
    sample s = {NULL, NULL, 0, 0};
    int pos = 0, exact = 0;
    for (int a = 4; a < argc; a++) {
        if (!strcmp(argv[a], "--exact-sed"))
            exact = 1;
        else if (!strcmp(argv[a], "--dump") && a + 1 < argc)
            s.dump = fopen(argv[++a], "wb");
        else if (!strcmp(argv[a], "--compare") && a + 1 < argc)
            s.ref = fopen(argv[++a], "rb");
        else if (pos++ == 0)
            presets = argv[a];
        else
            repeat = atoi(argv[a]);
    }
    const char *dirs[] = {argv[2], NULL};
    sky_error err;
    sky_config *cfg = sky_config_new();
    sky_sky *sky = NULL;
    sky_options opt;
    sky_options_init(&opt);
    opt.nside = atoi(argv[1]);
    opt.data_dirs = dirs;
    opt.exact_sed = exact;
    char list[256];
    snprintf(list, sizeof list, "%s", presets);
    for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ","))
        if (sky_config_add_preset(cfg, tok, &err)) {
            fprintf(stderr, "bench_emission: %s\n", err.msg);
            return 1;
        }
    sky_instrument ins;
    if (sky_create(cfg, &opt, &sky, &err) || sky_instrument_read(argv[3], &ins, &err)) {
        fprintf(stderr, "bench_emission: %s\n", err.msg);
        return 1;
    }
    double f3[3][10];
    sky_band b3[3];
    const double lo[3] = {25, 85, 130}, hi[3] = {35, 115, 170};
    for (int c = 0; c < 3; c++) {
        for (int i = 0; i < 10; i++)
            f3[c][i] = lo[c] + (hi[c] - lo[c]) * i / 9.0;
        b3[c] = (sky_band){10, f3[c], NULL};
    }
    sky_band *bn = calloc((size_t)ins.nchan, sizeof *bn);
    for (int c = 0; c < ins.nchan; c++)
        bn[c] = (sky_band){ins.chan[c].nfreq, ins.chan[c].freq, ins.chan[c].weight};
    double best3 = 1e30, bestn = 1e30, cpun = 1e30;
    for (int r = 0; r < repeat; r++) {
        const int record = r == 0 && (s.dump || s.ref);
        double t = run(sky, 3, b3, &s, record);
        best3 = t < best3 ? t : best3;
        t = run(sky, ins.nchan, bn, &s, record);
        bestn = t < bestn ? t : bestn;
        cpun = last_cpu < cpun ? last_cpu : cpun;
    }
    printf("%s nside %d: 3 bands %.3f s, %d channels %.3f s (best of %d; CPU %.3f s)\n", presets,
           opt.nside, best3, ins.nchan, bestn, repeat, cpun);
    if (s.ref)
        printf("vs reference: worst |change| / map RMS %.3g, worst per-pixel relative change "
               "%.3g\n",
               s.worst_rms, s.worst_pix);
    if (s.dump)
        fclose(s.dump);
    if (s.ref)
        fclose(s.ref);
    free(bn);
    sky_instrument_free(&ins);
    sky_free(sky);
    sky_config_free(cfg);
    return 0;
}
