/*
 * map_compare.c - `map_compare A.fits B.fits TOL`: exits 0 when every column
 * of the two HEALPix maps agrees within TOL times the column's RMS in A
 * (TOL 0: bit for bit), 1 otherwise, printing the worst column. Used by
 * test_mpi.sh for maps whose transforms sum the processes' alm in another
 * order than a serial run does.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "io/fits_map.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: map_compare A.fits B.fits TOL\n");
        return 2;
    }
    const double tol = atof(argv[3]);
    sky_error err;
    int ncols = 0, nb = 0;
    if (sky_fits_count_columns(argv[1], &ncols, &err) ||
        sky_fits_count_columns(argv[2], &nb, &err)) {
        fprintf(stderr, "map_compare: %s\n", err.msg);
        return 2;
    }
    if (ncols != nb) {
        fprintf(stderr, "map_compare: %d columns against %d\n", ncols, nb);
        return 1;
    }
    int bad = 0;
    for (int c = 0; c < ncols; c++) {
        sky_hmap a, b;
        char ua[1][64], ub[1][64];
        if (sky_fits_read_map(argv[1], 1, &c, &a, ua, &err) ||
            sky_fits_read_map(argv[2], 1, &c, &b, ub, &err)) {
            fprintf(stderr, "map_compare: %s\n", err.msg);
            return 2;
        }
        if (a.npix != b.npix) {
            fprintf(stderr, "map_compare: column %d: %lld pixels against %lld\n", c + 1,
                    (long long)a.npix, (long long)b.npix);
            return 1;
        }
        double ss = 0, worst = 0;
        for (int64_t p = 0; p < a.npix; p++) {
            const double x = sky_hmap_at(&a, p), y = sky_hmap_at(&b, p);
            ss += x * x;
            const double d = x == y ? 0 : fabs(x - y);
            worst = isnan(d) ? INFINITY : d > worst ? d : worst;
        }
        const double rms = sqrt(ss / (double)a.npix);
        if (tol == 0 ? worst != 0 : !(worst <= tol * rms)) {
            fprintf(stderr, "map_compare: %s column %d: max difference %.3g, %.3g of the RMS "
                    "(allowed %.3g)\n", argv[2], c + 1, worst, rms > 0 ? worst / rms : worst, tol);
            bad = 1;
        }
        sky_hmap_free(&a);
        sky_hmap_free(&b);
    }
    return bad;
}
