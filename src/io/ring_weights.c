/*
 * ring_weights.c - reading healpy-data's ring weights (see ring_weights.h).
 */
#include "ring_weights.h"

#include <fitsio.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "core/error.h"
#include "fits_open.h"

int sky_read_ring_weights(int nside, double *w, char *path, size_t pathlen, sky_error *err)
{
    const char *dir = getenv("SKYMODEL_HEALPY_DATA");
    snprintf(path, pathlen, "%s/weight_ring_n%05d.fits", dir ? dir : "/usr/share/healpy/data",
             nside);
    struct stat st;
    if (stat(path, &st) != 0)
        return sky_fail(err, SKY_ENOTFOUND,
                        "%s: no ring weights (install Debian's healpy-data, or set "
                        "$SKYMODEL_HEALPY_DATA)",
                        path);
    fitsfile *fp;
    int status = 0, anynul = 0;
    long nrows = 0, repeat = 1, width = 0;
    int typecode = 0;
    int rc = sky_fits_open_read(path, &fp, err);
    if (rc)
        return rc;
    fits_movabs_hdu(fp, 2, NULL, &status);
    fits_get_num_rows(fp, &nrows, &status);
    fits_get_coltype(fp, 1, &typecode, &repeat, &width, &status);
    /* small nsides store one weight per row, larger ones 1024 per row */
    if (!status && nrows * repeat != 2L * nside) {
        int s2 = 0;
        fits_close_file(fp, &s2);
        return sky_fail(err, SKY_EFORMAT, "%s: %ld weights, expected 2 nside = %d", path,
                        nrows * repeat, 2 * nside);
    }
    fits_read_col(fp, TDOUBLE, 1, 1, 1, 2L * nside, NULL, w, &anynul, &status);
    int s2 = 0;
    fits_close_file(fp, &s2);
    if (status) {
        fits_clear_errmsg();
        return sky_fail(err, SKY_EFORMAT, "%s: cannot read the ring weights", path);
    }
    for (int i = 0; i < 2 * nside; i++)
        w[i] += 1.0;
    return SKY_OK;
}
