/*
 * fits_car.c - CAR maps read back (see fits_car.h).
 *
 * A CAR map is the primary image of its file, NAXIS1 = nx longitudes,
 * NAXIS2 = ny latitudes, NAXIS3 = the Stokes components; pixel (i, j)
 * (1-based FITS pixel coordinates) is at longitude CRVAL1 + (i - CRPIX1)
 * CDELT1 and latitude CRVAL2 + (j - CRPIX2) CDELT2, the plate carree
 * projection with its reference on the equator, as pixell and skymodel
 * write them.
 */
#define _POSIX_C_SOURCE 200809L
#include "fits_car.h"

#include <errno.h>
#include <fitsio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "fits_internal.h"
#include "fits_open.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static int ends_with(const char *s, const char *tail)
{
    const size_t n = strlen(s), m = strlen(tail);
    return n >= m && !strcmp(s + n - m, tail);
}

int sky_fits_is_car(const char *path)
{
    fitsfile *fp = NULL;
    int status = 0, naxis = 0, is = 0;
    char ctype[FLEN_VALUE] = "";
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || sky_fits_open_read(path, &fp, NULL))
        return 0;
    if (fits_get_img_dim(fp, &naxis, &status) == 0 && (naxis == 2 || naxis == 3) &&
        fits_read_key(fp, TSTRING, "CTYPE1", ctype, NULL, &status) == 0)
        is = ends_with(ctype, "-CAR");
    status = 0;
    fits_close_file(fp, &status);
    fits_clear_errmsg();
    return is;
}

void sky_car_map_free(sky_car_map *m)
{
    if (m) {
        free(m->data);
        m->data = NULL;
    }
}

static int read_double(fitsfile *fp, const char *key, double *v, int *status)
{
    return fits_read_key(fp, TDOUBLE, key, v, NULL, status);
}

int sky_fits_read_car(const char *path, sky_car_map *m, sky_error *err)
{
    fitsfile *fp = NULL;
    int status = 0, naxis = 0, bitpix = 0, rc = SKY_OK;
    long naxes[3] = {1, 1, 1};
    struct stat st;
    memset(m, 0, sizeof *m);
    if (stat(path, &st) != 0)
        return sky_fail(err, SKY_ENOTFOUND, "%s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return sky_fail(err, SKY_EFORMAT, "%s: not a regular file", path);
    if ((rc = sky_fits_open_read(path, &fp, err)))
        return rc;
    if (fits_get_img_param(fp, 3, &bitpix, &naxis, naxes, &status) || naxis < 2 || naxis > 3) {
        rc = status ? sky_fits_fail(err, SKY_EFORMAT, path, status, "reading the image")
                    : sky_fail(err, SKY_EFORMAT, "%s: %d axes: expected a CAR map of 2 or 3",
                               path, naxis);
        goto done;
    }
    if (naxes[0] < 2 || naxes[1] < 2 || naxes[2] < 1 || naxes[0] > (1L << 20) ||
        naxes[1] > (1L << 20) || naxes[2] > 16) {
        rc = sky_fail(err, SKY_EFORMAT, "%s: image of %ld x %ld x %ld: not a CAR map", path,
                      naxes[0], naxes[1], naxes[2]);
        goto done;
    }
    /* the data must be in the file before anything is allocated for it
     * (compressed files are checked by cfitsio as they are read) */
    const double bytes = (double)naxes[0] * naxes[1] * naxes[2] * (abs(bitpix) / 8);
    if (!ends_with(path, ".gz") && bytes > (double)st.st_size) {
        rc = sky_fail(err, SKY_EFORMAT, "%s: header declares %.0f bytes of data in a file of "
                      "%lld bytes (truncated?)", path, bytes, (long long)st.st_size);
        goto done;
    }
    if (read_double(fp, "CRVAL1", &m->crval[0], &status) ||
        read_double(fp, "CRVAL2", &m->crval[1], &status) ||
        read_double(fp, "CDELT1", &m->cdelt[0], &status) ||
        read_double(fp, "CDELT2", &m->cdelt[1], &status) ||
        read_double(fp, "CRPIX1", &m->crpix[0], &status) ||
        read_double(fp, "CRPIX2", &m->crpix[1], &status) || !(m->cdelt[0] != 0) ||
        !(m->cdelt[1] != 0) || !isfinite(m->crval[0] + m->crval[1] + m->crpix[0] + m->crpix[1])) {
        rc = status ? sky_fits_fail(err, SKY_EFORMAT, path, status, "reading its WCS")
                    : sky_fail(err, SKY_EFORMAT, "%s: CAR axes with a zero or non-finite step",
                               path);
        goto done;
    }
    char v[FLEN_VALUE] = "";
    m->coordsys = 'G';
    if (fits_read_key(fp, TSTRING, "COORDSYS", v, NULL, &status) == 0 && v[0] &&
        strchr("GCE", v[0])) {
        m->coordsys = v[0];
    } else {
        status = 0;
        if (fits_read_key(fp, TSTRING, "CTYPE1", v, NULL, &status) == 0)
            m->coordsys = v[0] == 'R' ? 'C' : v[0] == 'E' ? 'E' : 'G';
    }
    status = 0;
    if (fits_read_key(fp, TSTRING, "BUNIT", v, NULL, &status) == 0)
        snprintf(m->unit, sizeof m->unit, "%.63s", v);
    status = 0;
    fits_clear_errmsg();
    m->nx = (int)naxes[0];
    m->ny = (int)naxes[1];
    m->ncomp = (int)naxes[2];
    const LONGLONG n = (LONGLONG)m->nx * m->ny * m->ncomp;
    int anynul = 0;
    double nulval = NAN;
    if (!(m->data = malloc((size_t)n * sizeof *m->data))) {
        rc = sky_nomem(err, "the CAR map");
        goto done;
    }
    if (fits_read_img(fp, TDOUBLE, 1, n, &nulval, m->data, &anynul, &status)) {
        rc = sky_fits_fail(err, SKY_EFORMAT, path, status, "reading the CAR map (truncated?)");
        sky_car_map_free(m);
    }
done:
    if (fp) {
        int s2 = 0;
        fits_close_file(fp, &s2);
    }
    fits_clear_errmsg();
    return rc;
}

double sky_car_map_at(const sky_car_map *m, int comp, double theta, double phi)
{
    const double lon = phi * 180 / M_PI, lat = 90 - theta * 180 / M_PI;
    /* 1-based pixel coordinates; pixel k covers [k - 1/2, k + 1/2) */
    const double x = m->crpix[0] + remainder(lon - m->crval[0], 360.0) / m->cdelt[0];
    const double y = m->crpix[1] + (lat - m->crval[1]) / m->cdelt[1];
    const double around = 360.0 / fabs(m->cdelt[0]); /* pixels in a full turn */
    long j = (long)floor(x + 0.5) - 1, i = (long)floor(y + 0.5) - 1;
    if (j < 0 || j >= m->nx) { /* the same longitude a turn away */
        const long turn = lround(around);
        if (turn > 0 && fabs(around - (double)turn) < 1e-6)
            j = ((j % turn) + turn) % turn;
    }
    if (i == -1 || i == m->ny) /* the poles, on the edges of the first and last rows */
        i = i < 0 ? 0 : m->ny - 1;
    if (i < 0 || i >= m->ny || j < 0 || j >= m->nx || comp < 0 || comp >= m->ncomp)
        return NAN;
    return m->data[((int64_t)comp * m->ny + i) * m->nx + j];
}
