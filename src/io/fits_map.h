/*
 * fits_map.h - HEALPix maps in FITS binary tables, read and written as healpy
 * does (read_map / write_map). cfitsio's status codes stay inside this module.
 */
#ifndef SKY_IO_FITS_MAP_H
#define SKY_IO_FITS_MAP_H

#include "healpix/healpix.h"
#include "skymodel.h"

/*
 * Reads columns `fields[0..nfields)` (0-based) of the first extension of a
 * HEALPix FITS file into `maps`, RING ordered (NESTED files are reordered),
 * float32 columns kept as float32 and others read as float64. units[i]
 * receives TUNITn ("" when absent). On failure nothing is allocated.
 */
int sky_fits_read_map(const char *path, int nfields, const int *fields, sky_hmap *maps,
                      char (*units)[64], sky_error *err);

/* The same for one process's part of the sky: with `part` (a region at any
 * nside) the maps hold only sky_region_at(part, the file's nside), read row
 * by row; NULL reads the whole sky. */
int sky_fits_read_map_part(const char *path, int nfields, const int *fields,
                           const sky_region *part, sky_hmap *maps, char (*units)[64],
                           sky_error *err);

/* The number of columns of the map table (first extension) of `path`. */
int sky_fits_count_columns(const char *path, int *ncols, sky_error *err);
/* The map's coordinate frame (COORDSYS: 'G', 'C' or 'E'; 'G' when absent). */
int sky_fits_map_coordsys(const char *path, char *coord, sky_error *err);
/* The same, 0 when the header has no COORDSYS or one not understood. Read as
 * healpy's check_coord reads a frame, case aside: G..., GALACTIC -> 'G';
 * E..., ECLIPTIC -> 'E'; C..., CELESTIAL, EQUATORIAL (not ecliptic) -> 'C'. */
int sky_fits_map_frame(const char *path, char *coord, sky_error *err);

/* The same and the map's nside (of its first column), without reading it. */
int sky_fits_map_shape(const char *path, int *ncols, int *nside, sky_error *err);

/* Up to maxcols numeric columns of the first extension's table (as healpy's
 * write_cl stores spectra and beams), column-major in a malloc'ed array of
 * ncols x nrows values; unit (when not NULL) receives TUNIT1 ("" when
 * absent). */
int sky_fits_read_table(const char *path, int maxcols, double **data, int *ncols, long *nrows,
                        char unit[64], sky_error *err);

enum { SKY_FITS_MAX_COLUMNS = 16 };

/* A set of full-sky RING columns to write as one binary-table HEALPix file. */
typedef struct sky_fits_columns {
    int nside;
    int ncols;
    const char *const *names;   /* TTYPEn */
    const char *const *units;   /* TUNITn ("" or NULL entries for none); NULL for all none */
    const double *data;         /* ncols blocks of 12 nside^2 values */
    int dtype;                  /* enum sky_dtype */
    const char *coordsys;       /* "G" when NULL */
    int overwrite;
    const char *const *cards;   /* extra header cards, NULL-terminated, or NULL */
} sky_fits_columns;

/* Writes `cols` to `path` as healpy.write_map would, through a temporary file
 * renamed into place (see sky_write_map). */
int sky_fits_write_columns(const char *path, const sky_fits_columns *cols, sky_error *err);
/* The same with provenance cards `prov` (may be NULL) after cols->cards. */
int sky_fits_write_columns_prov(const char *path, const sky_fits_columns *cols,
                                const sky_prov *prov, sky_error *err);

/*
 * The same in pieces, for maps too large to hold: open writes the header to a
 * temporary file (cols->data is not used), write stores pixels
 * [first, first + count) of every column (`data` holds ncols blocks of
 * `count`), commit closes and moves the file into place, abort removes it.
 * After commit or abort the writer is freed.
 */
typedef struct sky_fits_writer sky_fits_writer;
int sky_fits_writer_open(const char *path, const sky_fits_columns *cols, sky_fits_writer **w,
                         sky_error *err);
int sky_fits_writer_write(sky_fits_writer *w, int64_t first, int64_t count, const double *data,
                          sky_error *err);
int sky_fits_writer_commit(sky_fits_writer *w, sky_error *err);
void sky_fits_writer_abort(sky_fits_writer *w);
/* sky_fits_writer_open with provenance cards `prov` (may be NULL) in the header. */
int sky_fits_writer_open_prov(const char *path, const sky_fits_columns *cols,
                              const sky_prov *prov, sky_fits_writer **w, sky_error *err);
/* Ends a writer after work whose status is rc: commits when rc is SKY_OK,
 * aborts otherwise; returns the final status. */
int sky_fits_writer_close(sky_fits_writer *w, int rc, sky_error *err);

/* A CAR map as pixell writes one: a FITS image (ra, dec[, Stokes]) with the
 * WCS of fullsky_geometry(variant="fejer1"); data ncomp x ny x nx. */
typedef struct sky_car_image {
    int ncomp, ny, nx;
    const double *data;
    const char *unit;
    const char *coordsys; /* "G", "C" or "E" */
    int dtype, overwrite;
    const sky_prov *prov; /* provenance cards, or NULL */
} sky_car_image;

int sky_fits_write_car(const char *path, const sky_car_image *img, sky_error *err);

#endif
