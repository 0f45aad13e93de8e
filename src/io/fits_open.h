/*
 * fits_open.h - the one way src/io opens a FITS file it reads.
 *
 * Files come from users and the network, and cfitsio trusts their headers:
 * Debian's cfitsio 4.2 overflows a buffer on a column name of 70 unquoted
 * characters (TTYPE1 = xxx...), and a header may declare far more data than
 * the file holds, which readers would then allocate. sky_fits_open_read
 * pre-scans the raw 2880-byte header blocks of every HDU before cfitsio
 * parses any of them and refuses such files with one line; the readers then
 * check each table against the file with sky_fits_table_in_file before
 * sizing anything from its header.
 */
#ifndef SKY_IO_FITS_OPEN_H
#define SKY_IO_FITS_OPEN_H

#include <fitsio.h>

#include "skymodel.h"

/* Opens `path` read-only after the checks above: SKY_ENOTFOUND when it does
 * not exist, SKY_EFORMAT for a folder or another non-regular file, a
 * malformed header card, an HDU whose data would run past the end of the
 * file, a file that is neither FITS nor gzip-compressed FITS, or what
 * cfitsio cannot open. A gzip-compressed file (whatever its name) is
 * decompressed by zlib for the pre-scan, then by cfitsio into memory; names
 * are taken literally, without cfitsio's extended file-name syntax. */
int sky_fits_open_read(const char *path, fitsfile **fp, sky_error *err);

/* SKY_OK when the current HDU, a table, lies inside the file as cfitsio
 * holds it (on disk, or decompressed): NAXIS1 x NAXIS2 + PCOUNT bytes from
 * its data start, without overflow, and rows of at least one byte when
 * there are any. Then any count of rows or cells taken from its header is
 * bounded by the file's size. */
int sky_fits_table_in_file(fitsfile *fp, const char *path, sky_error *err);

/* The header-block pre-scan alone (for tests). */
int sky_fits_prescan(const char *path, sky_error *err);

#endif
