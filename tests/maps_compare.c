/*
 * maps_compare.c - `maps_compare TOL A1.fits B1.fits [A2.fits B2.fits ...]`: map_compare
 * (every column of B within TOL times the column's RMS in A) for many pairs in one process:
 * test_compress.sh compares a hundred channels per case, and a process per pair is most of
 * its time under the sanitizers. Exits 0 when every pair agrees, 1 otherwise (each failing
 * column printed), 2 on a file that cannot be read.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "io/fits_map.h"

/* 0: within tol; 1: not; 2: unreadable */
static int compare(const char *pa, const char *pb, double tol)
{
    sky_error err;
    int ncols = 0, nb = 0, bad = 0;
    if (sky_fits_count_columns(pa, &ncols, &err) || sky_fits_count_columns(pb, &nb, &err)) {
        fprintf(stderr, "maps_compare: %s\n", err.msg);
        return 2;
    }
    if (ncols != nb) {
        fprintf(stderr, "maps_compare: %s: %d columns against %d\n", pb, nb, ncols);
        return 1;
    }
    for (int c = 0; c < ncols; c++) {
        sky_hmap a, b;
        char ua[1][64], ub[1][64];
        if (sky_fits_read_map(pa, 1, &c, &a, ua, &err)) {
            fprintf(stderr, "maps_compare: %s\n", err.msg);
            return 2;
        }
        if (sky_fits_read_map(pb, 1, &c, &b, ub, &err)) {
            fprintf(stderr, "maps_compare: %s\n", err.msg);
            sky_hmap_free(&a);
            return 2;
        }
        if (a.npix != b.npix) {
            fprintf(stderr, "maps_compare: %s column %d: %lld pixels against %lld\n", pb, c + 1,
                    (long long)b.npix, (long long)a.npix);
            bad = 1;
        } else {
            double ss = 0, worst = 0;
            for (int64_t p = 0; p < a.npix; p++) {
                const double x = sky_hmap_at(&a, p), y = sky_hmap_at(&b, p);
                const double d = x == y ? 0 : fabs(x - y);
                ss += x * x;
                worst = isnan(d) ? INFINITY : d > worst ? d : worst;
            }
            const double rms = sqrt(ss / (double)a.npix);
            if (!(worst <= tol * rms)) {
                fprintf(stderr, "maps_compare: %s column %d: max difference %.3g, %.3g of the "
                        "RMS (allowed %.3g)\n", pb, c + 1, worst, rms > 0 ? worst / rms : worst,
                        tol);
                bad = 1;
            }
        }
        sky_hmap_free(&a);
        sky_hmap_free(&b);
    }
    return bad;
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc % 2) {
        fprintf(stderr, "usage: maps_compare TOL A1.fits B1.fits [A2.fits B2.fits ...]\n");
        return 2;
    }
    const double tol = atof(argv[1]);
    int worst = 0;
    for (int k = 2; k + 1 < argc; k += 2) {
        const int r = compare(argv[k], argv[k + 1], tol);
        worst = r > worst ? r : worst;
    }
    return worst;
}
