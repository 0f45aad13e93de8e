/*
 * hdf5_catalog.h - a point-source catalogue in PySM's HDF5 layout (the file
 * of PySM's PointSourceCatalog, preset rg2, as xarray writes it):
 *
 *   theta               (N)          colatitude, attribute units = "rad"
 *   phi                 (N)          longitude,  attribute units = "rad"
 *   logpolycoefflux     (n_coeff, N) polynomial in ln(nu / GHz) giving the
 *                                    flux in Jy, highest power first;
 *                                    attribute units = "Jy"
 *   logpolycoefpolflux  (n_coeff, N) the same for the polarised flux
 *
 * The units attributes may be byte strings (what PySM asserts) or strings
 * (fixed or variable length). Any numeric type is read as double.
 */
#ifndef SKY_IO_HDF5_CATALOG_H
#define SKY_IO_HDF5_CATALOG_H

#include <stdint.h>

#include "skymodel.h"

typedef struct sky_catalog {
    int64_t n;             /* sources */
    int ncoef, ncoef_pol;  /* polynomial coefficients of each flux */
    double *theta, *phi;   /* n each, radians */
    double *coef;          /* ncoef rows of n: coef[k * n + s], power ncoef-1-k */
    double *coef_pol;      /* ncoef_pol rows of n */
} sky_catalog;

/*
 * Reads the sources start, start + step, ... below stop of `path` (Python's
 * slice(start, stop, step) after slice.indices(N): the caller resolves
 * negative and missing bounds with sky_catalog_rows first; step >= 1). Every
 * failure is one line naming the file and what was expected: SKY_EFORMAT
 * for a file that is not HDF5 or not in the layout above (a missing
 * dataset, a wrong units attribute, a wrong shape, colatitudes outside
 * [0, pi] or non-finite values), SKY_ENOTFOUND when it does not exist.
 */
int sky_catalog_read(const char *path, int64_t start, int64_t stop, int64_t step,
                     sky_catalog *out, sky_error *err);

/* The number of sources of `path` (the length of theta), checked as above
 * for the file's kind only. */
int sky_catalog_count(const char *path, int64_t *n, sky_error *err);

void sky_catalog_free(sky_catalog *c);

/* Writes a catalogue in the layout above (byte-string units attributes, as
 * xarray writes PySM's), for the synthetic templates and the tests. */
int sky_catalog_write(const char *path, const sky_catalog *c, sky_error *err);

#endif
