/*
 * fits_internal.h - what the FITS modules of src/io share: cfitsio errors as
 * one-line messages and the writer that builds a file under a temporary name
 * and moves it into place (fits_map.c). Not for use outside src/io.
 */
#ifndef SKY_IO_FITS_INTERNAL_H
#define SKY_IO_FITS_INTERNAL_H

#include <fitsio.h>
#include <stdint.h>

#include "fits_map.h"

struct sky_fits_writer {
    fitsfile *fp;
    char *path, *tmp;
    int nside, ncols, overwrite, dtype;
    int tmp_id; /* the temporary name's slot in core/tmpfiles.h, -1 for none */
    int64_t npix;
    char names[SKY_FITS_MAX_COLUMNS][72]; /* TTYPEn, for messages */
};

/* "path: doing: cfitsio's text" as error `code`. */
int sky_fits_fail(sky_error *err, int code, const char *path, int status, const char *doing);

/* TUNIT1 of the current HDU into unit, "" when absent (the unit PySM gives a
 * whole file). */
void sky_fits_first_unit(fitsfile *fp, char unit[64]);

/* A writer on a new temporary file beside `path` (compressed when `path`
 * ends in .gz), with cfitsio's handle open on an empty file; finish it with
 * sky_fits_writer_commit or sky_fits_writer_abort. Without `overwrite` an
 * existing `path` is an error. */
int sky_fits_writer_create(const char *path, int overwrite, sky_fits_writer **w,
                           sky_error *err);

#endif
