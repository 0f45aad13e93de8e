/*
 * fits_alm.h - spherical-harmonic coefficients and power spectra in FITS, as
 * healpy's read_alm/write_alm and read_cl/write_cl store them (PySM's
 * realisation models read their large scales and spectra this way). Files
 * may be gzip-compressed (.fits.gz), read and written.
 */
#ifndef SKY_IO_FITS_ALM_H
#define SKY_IO_FITS_ALM_H

#include <complex.h>

#include "skymodel.h"

/*
 * Reads extensions 1..nhdu of an alm file (columns INDEX = l^2 + l + m + 1,
 * REAL, IMAG) into one malloc'ed array of nhdu blocks of (lmax+1)(lmax+2)/2
 * coefficients in healpy's m-major layout. Every extension must hold each
 * (l, m) with m <= l <= lmax exactly once, with the same lmax; a missing
 * extension, an incomplete or inconsistent set is an error naming the file.
 * unit receives TUNIT1 of the first extension ("" when absent), the unit PySM
 * gives the whole file.
 */
int sky_fits_read_alm(const char *path, int nhdu, double complex **alm, int *lmax,
                      char unit[64], sky_error *err);

/* Writes nhdu blocks of alm (lmax, healpy layout) as write_alm does, REAL and
 * IMAG in float32 when f32, TUNIT1 = unit on every extension. */
int sky_fits_write_alm(const char *path, int nhdu, const double complex *alm, int lmax, int f32,
                       const char *unit, int overwrite, sky_error *err);

/*
 * Reads the columns of a spectra file (first extension, one row per l from
 * 0) into a malloc'ed ncols x nl column-major array; unit receives TUNIT1.
 */
int sky_fits_read_cl(const char *path, double **cl, int *ncols, long *nl, char unit[64],
                     sky_error *err);

/* Writes ncols spectra of nl values (column-major) with column names and
 * TUNIT1..n = unit. */
int sky_fits_write_cl(const char *path, int ncols, const char *const *names, const double *cl,
                      long nl, const char *unit, int overwrite, sky_error *err);

#endif
