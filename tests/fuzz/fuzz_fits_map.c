/*
 * fuzz_fits_map.c - HEALPix maps and numeric tables in FITS (io/fits_map.c):
 * the shape, frame and columns of a map, the map whole and in parts (as the
 * templates and `smooth` read them), and its first extension as a table (a
 * beam window or spectra as `--beam-window x.fits` reads them).
 */
#include "fuzz.h"

#include "healpix/healpix.h"
#include "io/fits_map.h"
#include "parallel/region.h"

/* Every value read: a map shorter than it says shows as an overflow. */
static void touch(const sky_hmap *m)
{
    volatile double s = 0;
    for (int64_t i = 0; i < m->nheld; i++)
        s += m->f ? (double)m->f[i] : m->d[i];
    (void)s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sky_error err = {0};
    const char *path = fuzz_file("map.fits", data, size);
    int ncols = 0, nside = 0, rc;
    char coord;
    fuzz_check(sky_fits_count_columns(path, &ncols, &err), &err);
    fuzz_check(sky_fits_map_coordsys(path, &coord, &err), &err);
    rc = sky_fits_map_shape(path, &ncols, &nside, &err);
    fuzz_check(rc, &err);

    static const int fields[3] = {0, 1, 2};
    const int nf = !rc && ncols >= 3 ? 3 : 1;
    sky_hmap maps[3];
    char units[3][64];
    rc = sky_fits_read_map(path, nf, fields, maps, units, &err);
    fuzz_check(rc, &err);
    if (!rc)
        for (int i = 0; i < nf; i++) {
            touch(&maps[i]);
            sky_hmap_free(&maps[i]);
        }
    sky_region part;
    sky_region_part(4, 1, 3, &part);
    rc = sky_fits_read_map_part(path, 1, fields, &part, maps, units, &err);
    fuzz_check(rc, &err);
    if (!rc) {
        touch(&maps[0]);
        sky_hmap_free(&maps[0]);
    }

    double *table = NULL;
    long nrows = 0;
    char unit[64];
    rc = sky_fits_read_table(path, 3, &table, &ncols, &nrows, unit, &err);
    fuzz_check(rc, &err);
    if (!rc) {
        volatile double s = 0;
        for (long i = 0; i < ncols * nrows; i++)
            s += table[i];
        (void)s;
        free(table);
    }
    return 0;
}
