/*
 * bench_paint.c - rg2's sources painted with a Gaussian beam on a HEALPix map
 * (healpix/paint.h), the step `sim --fwhm` runs for a point-source catalogue:
 * the catalogue read, then I, Q, U painted at nside N (3 float64 maps held).
 * Prints one line.
 * usage: bench_paint CATALOGUE.h5 NSIDE FWHM_ARCMIN
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/clock.h"
#include "core/heap.h"
#include "healpix/healpix.h"
#include "healpix/paint.h"
#include "io/hdf5_catalog.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bench_paint CATALOGUE.h5 NSIDE FWHM_ARCMIN\n");
        return 2;
    }
    sky_heap_reuse_buffers();
    const int nside = atoi(argv[2]);
    const double fwhm = atof(argv[3]) / 60 * 3.14159265358979323846 / 180;
    sky_error err;
    sky_catalog c;
    double t0 = sky_clock_seconds();
    if (sky_catalog_read(argv[1], 0, -1, 1, &c, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    const double t_read = sky_clock_seconds() - t0;
    /* flux at 100 GHz, polarised flux along an arbitrary angle */
    double *a = malloc(3 * (size_t)c.n * sizeof *a);
    const double x = log(100.0);
    for (int64_t s = 0; s < c.n; s++) {
        double f = 0, p = 0;
        for (int k = 0; k < c.ncoef; k++)
            f += c.coef[(int64_t)k * c.n + s] * pow(x, c.ncoef - 1 - k);
        for (int k = 0; k < c.ncoef_pol; k++)
            p += c.coef_pol[(int64_t)k * c.n + s] * pow(x, c.ncoef_pol - 1 - k);
        a[s] = fmax(f, 0);
        a[c.n + s] = fmax(p, 0) * cos(0.7 * s);
        a[2 * c.n + s] = fmax(p, 0) * sin(0.7 * s);
    }
    const double *amp[3] = {a, a + c.n, a + 2 * c.n};
    double total = 0;
    for (int64_t s = 0; s < c.n; s++)
        total += a[s];
    const int64_t npix = sky_hpx_npix(nside);
    double *m = sky_big_alloc(3 * (size_t)npix * sizeof *m);
    if (!m) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    double *maps[3] = {m, m + npix, m + 2 * npix};
#pragma omp parallel for schedule(static)
    for (int64_t k = 0; k < 3 * npix; k++) /* first touch, untimed */
        m[k] = 0;
    sky_rings g;
    sky_beam_profile p;
    t0 = sky_clock_seconds();
    if (sky_rings_healpix(nside, 1, 0, 0, &g, &err) || sky_beam_profile_gauss(fwhm, &p, &err) ||
        sky_paint_sources(&g, &p, c.n, c.theta, c.phi, 3, amp, maps, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    const double t_paint = sky_clock_seconds() - t0;
    double sum = 0;
    for (int64_t k = 0; k < npix; k++)
        sum += m[k];
    int threads = 1;
#ifdef _OPENMP
    threads = omp_get_max_threads();
#endif
    printf("%lld sources, nside %d, fwhm %s arcmin, %d threads: read %.2f s, paint IQU %.2f s "
           "(flux painted / given %.6f)\n", (long long)c.n, nside, argv[3], threads, t_read,
           t_paint, sum * 4 * 3.14159265358979323846 / npix / total);
    return 0;
}
