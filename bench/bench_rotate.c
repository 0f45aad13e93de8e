/*
 * bench_rotate.c - the alm rotation alone: T, E and B alm at LMAX (healpy
 * layout, pseudo-random values, real a_l0) rotated from Galactic to
 * equatorial with sky_rotate_alm_coord, REPS times (default 1). Prints the
 * best time, the alm's size and the process's peak RSS.
 * usage: bench_rotate LMAX [REPS]   (threads: OMP_NUM_THREADS)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/clock.h"
#include "skymodel.h"

int main(int argc, char **argv)
{
    const int lmax = argc > 1 ? atoi(argv[1]) : 1280, reps = argc > 2 ? atoi(argv[2]) : 1;
    if (lmax < 0 || reps < 1) {
        fprintf(stderr, "usage: bench_rotate LMAX [REPS]\n");
        return 2;
    }
    const int64_t nalm = (int64_t)(lmax + 1) * (lmax + 2) / 2, n = 2 * 3 * nalm;
    double *alm = malloc((size_t)n * sizeof *alm);
    if (!alm) {
        fprintf(stderr, "bench_rotate: no memory for the alm\n");
        return 1;
    }
    uint64_t s = 88172645463325252u;
    for (int64_t i = 0; i < n; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        alm[i] = (double)(s >> 11) / 9007199254740992.0 - 0.5;
    }
    for (int c = 0; c < 3; c++)
        for (int l = 0; l <= lmax; l++)
            alm[2 * (c * nalm + l) + 1] = 0; /* m = 0: real */
    double best = 1e300;
    sky_error err;
    for (int r = 0; r < reps; r++) {
        const double t0 = sky_clock_seconds();
        if (sky_rotate_alm_coord(lmax, 3, alm, 'G', 'C', &err)) {
            fprintf(stderr, "bench_rotate: %s\n", err.msg);
            return 1;
        }
        const double t = sky_clock_seconds() - t0;
        best = t < best ? t : best;
    }
    /* VmHWM, not getrusage: ru_maxrss survives exec (a parent's size) */
    double hwm = 0;
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %lf", &hwm) == 1)
            break;
    if (f)
        fclose(f);
    printf("lmax %d TEB G->C rotation %.3f s (best of %d); alm %.0f MB, peak RSS %.0f MB\n", lmax,
           best, reps, n * 8.0 / 1e6, hwm / 1e3);
    free(alm);
    return 0;
}
