/*
 * bench_sht_data.c - does libsharp's speed depend on the data? IQU
 * transforms at nside N (lmax 2.5 N) on bench_lsq's noise map ('n') or on a
 * map read from RAW ('s': 3 x npix float64 values, e.g. a skymodel sim
 * map written by healpy: m = hp.read_map(F, field=(0,1,2), dtype=float64);
 * m.tofile(RAW)), each with ('1') or without ('0') flush-to-zero and
 * denormals-are-zero set in every OpenMP thread (x86 MXCSR 0x8040), in the
 * order given, in one process: the comparison is then free of the
 * machine's drift between processes. Per variant: wall and process CPU
 * time, and the subnormal numbers found in the results.
 *   MODE pair: map2alm, then alm2map of the alm times a Gaussian beam of
 *              FWHM arcmin (the smoothing's last synthesis);
 *   MODE lsqN: the least-squares map2alm with at most N iterations
 *              (N + 2 pairs).
 * usage: bench_sht_data NSIDE MODE FWHM RAW|- VARIANT... (e.g. s0 s1 n0 n1)
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#define HAVE_MXCSR 1
#endif

#include "core/heap.h"
#include "skymodel.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static double seconds(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void set_ftz(int on)
{
#ifdef HAVE_MXCSR
#pragma omp parallel
    {
        const unsigned c = _mm_getcsr();
        _mm_setcsr(on ? (c | 0x8040u) : (c & ~0x8040u));
    }
    const unsigned c = _mm_getcsr();
    _mm_setcsr(on ? (c | 0x8040u) : (c & ~0x8040u));
#else
    (void)on;
#endif
}

static long long subnormals(const double *x, int64_t n)
{
    long long k = 0;
    for (int64_t i = 0; i < n; i++)
        k += fpclassify(x[i]) == FP_SUBNORMAL;
    return k;
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: bench_sht_data NSIDE pair|lsqN FWHM_ARCMIN RAW|- VARIANT...\n");
        return 2;
    }
    sky_heap_reuse_buffers();
    const int nside = atoi(argv[1]), lmax = (int)(2.5 * nside);
    const int lsq = !strncmp(argv[2], "lsq", 3), maxiter = lsq ? atoi(argv[2] + 3) : 0;
    const double sigma = atof(argv[3]) / 60 * M_PI / 180 / sqrt(8 * log(2.0));
    sky_error err;
    sky_sht *p;
    if (sky_plan_create(nside, lmax, &p, &err)) {
        fprintf(stderr, "bench_sht_data: %s\n", err.msg);
        return 1;
    }
    const int64_t npix = 12 * (int64_t)nside * nside, nalm = sky_plan_nalm(p);
    double *noise = malloc((size_t)(3 * npix) * sizeof *noise);
    double *sky = malloc((size_t)(3 * npix) * sizeof *sky);
    double *map = malloc((size_t)(3 * npix) * sizeof *map);
    double *alm = malloc((size_t)(6 * nalm) * sizeof *alm);
    if (!noise || !sky || !map || !alm)
        return 1;
    for (int64_t i = 0; i < 3 * npix; i++)
        noise[i] = (double)((i * 2654435761u) % 1000) / 1000.0;
    if (strcmp(argv[4], "-")) {
        FILE *f = fopen(argv[4], "rb");
        if (!f || fread(sky, sizeof *sky, (size_t)(3 * npix), f) != (size_t)(3 * npix)) {
            fprintf(stderr, "bench_sht_data: %s: expected %lld float64 values\n", argv[4],
                    (long long)(3 * npix));
            return 1;
        }
        fclose(f);
    } else {
        memcpy(sky, noise, (size_t)(3 * npix) * sizeof *sky);
    }
    printf("nside %d lmax %d %s, beam %s arcmin\n", nside, lmax, argv[2], argv[3]);
    for (int a = 5; a < argc; a++) {
        const int use_sky = argv[a][0] == 's', ftz = argv[a][1] == '1';
        memcpy(map, use_sky ? sky : noise, (size_t)(3 * npix) * sizeof *map);
        set_ftz(ftz);
        const double c0 = seconds(CLOCK_PROCESS_CPUTIME_ID), t0 = seconds(CLOCK_MONOTONIC);
        int it = 0;
        if (lsq) {
            if (sky_map2alm_lsq(p, 3, map, maxiter, 1e-7, alm, &it, NULL, &err)) {
                fprintf(stderr, "bench_sht_data: %s\n", err.msg);
                return 1;
            }
        } else {
            sky_map2alm(p, 3, map, alm);
            for (int c = 0; c < 3; c++) {
                int64_t i = 0;
                for (int m = 0; m <= lmax; m++)
                    for (int l = m; l <= lmax; l++, i++) {
                        const double s2 = sigma * sigma;
                        const double b = exp(-0.5 * l * (l + 1.0) * s2) * (c ? exp(2 * s2) : 1);
                        alm[2 * (c * nalm + i)] *= b;
                        alm[2 * (c * nalm + i) + 1] *= b;
                    }
            }
            sky_alm2map(p, 3, alm, map);
        }
        const double t1 = seconds(CLOCK_MONOTONIC), c1 = seconds(CLOCK_PROCESS_CPUTIME_ID);
        set_ftz(0);
        printf("%s (%s, FTZ/DAZ %s): %d pairs, wall %.2f s, CPU %.2f s (%.2f s a pair); "
               "subnormal: alm %lld, map %lld\n",
               argv[a], use_sky ? "RAW" : "noise", ftz ? "on" : "off", lsq ? it + 2 : 1, t1 - t0,
               c1 - c0, (c1 - c0) / (lsq ? it + 2 : 1), subnormals(alm, 6 * nalm),
               subnormals(map, 3 * npix));
        fflush(stdout);
    }
    free(noise);
    free(sky);
    free(map);
    free(alm);
    sky_plan_free(p);
    return 0;
}
