/*
 * fits_parts.h - one HEALPix file from a map distributed over the processes
 * of a run: each process holds its part (sky_region_part of the file's
 * nside, for its rank), rank 0 receives the parts in pixel order and writes
 * them through one sky_fits_writer (temporary name, renamed when complete).
 */
#ifndef SKY_IO_FITS_PARTS_H
#define SKY_IO_FITS_PARTS_H

#include "fits_map.h"

/* Collective: every process calls it with its part `local` (cols->ncols
 * blocks of the part's pixel count, segments back to back); cols->data is
 * not used; the provenance cards `prov` (may be NULL) are read on rank 0.
 * Every process returns the same status. */
int sky_fits_write_parts(const char *path, const sky_fits_columns *cols, const sky_prov *prov,
                         const double *local, sky_error *err);

#endif
