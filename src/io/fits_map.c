/*
 * fits_map.c - HEALPix FITS input and output (see fits_map.h and skymodel.h).
 *
 * Layout (healpy 1.16 write_map): the map is the first extension, a binary
 * table with one column per field; maps of more than 1024 pixels use
 * 1024-element vector cells (TFORM '1024E'), smaller ones one pixel per row.
 * Header keywords PIXTYPE, ORDERING, COORDSYS, EXTNAME, NSIDE, FIRSTPIX,
 * LASTPIX, INDXSCHM and OBJECT follow healpy.
 *
 * Output is written to a unique temporary file beside the target and moved
 * into place only once complete: with overwrite, by rename(); without, by
 * link(), which fails atomically if the target appeared meanwhile.
 */
#define _DEFAULT_SOURCE /* mkstemps */
#include "fits_map.h"

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <fitsio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/tmpfiles.h"
#include "core/vmath.h"
#include "fits_internal.h"
#include "fits_open.h"
#include "provenance.h"
#include "written.h"

/* cfitsio's text for `status`, plus the first detail message it stacked
 * (which often says more, e.g. that the file is truncated). */
static void fits_text(int status, char *buf, size_t len)
{
    char text[FLEN_STATUS], msg[FLEN_ERRMSG];
    fits_get_errstatus(status, text);
    if (fits_read_errmsg(msg))
        snprintf(buf, len, "%.40s (%.80s)", text, msg);
    else
        snprintf(buf, len, "%.40s", text);
    fits_clear_errmsg();
}

int sky_fits_fail(sky_error *err, int code, const char *path, int status, const char *doing)
{
    char text[160];
    fits_text(status, text, sizeof text);
    return sky_fail(err, code, "%s: %s: %s", path, doing, text);
}

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\''))
        s[--n] = '\0';
    size_t i = 0;
    while (s[i] == ' ' || s[i] == '\'')
        i++;
    memmove(s, s + i, strlen(s + i) + 1);
}

int sky_fits_read_map(const char *path, int nfields, const int *fields, sky_hmap *maps,
                      char (*units)[64], sky_error *err)
{
    return sky_fits_read_map_part(path, nfields, fields, NULL, maps, units, err);
}

int sky_fits_read_map_part(const char *path, int nfields, const int *fields,
                           const sky_region *part, sky_hmap *maps, char (*units)[64],
                           sky_error *err)
{
    fitsfile *fp = NULL;
    int status = 0, rc = SKY_OK, hdutype = 0, ncols = 0, nread = 0;
    long nrows = 0;

    if ((rc = sky_fits_open_read(path, &fp, err)))
        return rc;
    if (fits_movabs_hdu(fp, 2, &hdutype, &status)) {
        rc = sky_fits_fail(err, SKY_EFORMAT, path, status,
                       "expected a HEALPix map in a binary-table extension");
        goto done;
    }
    if (hdutype != BINARY_TBL) {
        rc = sky_fail(err, SKY_EFORMAT,
                      "%s: first extension is not a binary table: not a HEALPix map", path);
        goto done;
    }
    fits_get_num_cols(fp, &ncols, &status);
    fits_get_num_rows(fp, &nrows, &status);
    if (status) {
        rc = sky_fits_fail(err, SKY_EFORMAT, path, status, "reading the table layout");
        goto done;
    }
    if ((rc = sky_fits_table_in_file(fp, path, err)))
        goto done;

    char value[FLEN_VALUE], comment[FLEN_COMMENT];
    int nest = 0;
    if (fits_read_keyword(fp, "ORDERING", value, comment, &status) == 0) {
        trim(value);
        if (!strncmp(value, "NEST", 4))
            nest = 1;
        else if (strncmp(value, "RING", 4)) {
            rc = sky_fail(err, SKY_EFORMAT, "%s: ORDERING = '%s': expected RING or NESTED", path,
                          value);
            goto done;
        }
    } else {
        status = 0; /* healpy assumes RING without the keyword */
    }
    if (fits_read_keyword(fp, "INDXSCHM", value, comment, &status) == 0) {
        trim(value);
        if (!strcmp(value, "EXPLICIT")) {
            rc = sky_fail(err, SKY_EFORMAT,
                          "%s: partial-sky map (INDXSCHM = EXPLICIT): expected a full-sky map",
                          path);
            goto done;
        }
    }
    status = 0;
    fits_clear_errmsg();

    int need = 0;
    for (int k = 0; k < nfields; k++)
        need = fields[k] + 1 > need ? fields[k] + 1 : need;
    if (need > ncols) {
        rc = sky_fail(err, SKY_EFORMAT, "%s: has %d column%s, expected at least %d", path, ncols,
                      ncols == 1 ? "" : "s", need);
        goto done;
    }
    for (int k = 0; k < nfields; k++) {
        int col = fields[k] + 1, typecode = 0;
        long repeat = 0, width = 0;
        if (fits_get_coltype(fp, col, &typecode, &repeat, &width, &status)) {
            rc = sky_fits_fail(err, SKY_EFORMAT, path, status, "reading a column type");
            goto done;
        }
        int64_t npix = (int64_t)nrows * repeat;
        int64_t nside = sky_hpx_nside_of(npix);
        if (nside < 1 || !sky_hpx_nside_ok(nside)) {
            rc = sky_fail(err, SKY_EFORMAT,
                          "%s: column %d has %lld values: not a HEALPix map (expected 12*nside^2 "
                          "with nside a power of two up to 8192)",
                          path, col, (long long)npix);
            goto done;
        }
        if (typecode < 0 || typecode == TSTRING || typecode == TLOGICAL) {
            rc = sky_fail(err, SKY_EFORMAT, "%s: column %d is not numeric", path, col);
            goto done;
        }
        int f32 = typecode == TFLOAT;
        /* the rows of the part asked for (all of them for a NESTED file,
         * which is reordered and then cut) */
        sky_region want;
        if (part && !nest)
            sky_region_at(part, (int)nside, &want);
        else
            sky_region_full((int)nside, &want);
        if ((rc = sky_hmap_alloc_region(&maps[k], &want, f32, err)))
            goto done;
        nread = k + 1;
        int64_t at = 0;
        for (int g = 0; g < want.nseg && !status; g++) {
            int anynul = 0;
            const LONGLONG row = want.first[g] / repeat + 1, elem = want.first[g] % repeat + 1;
            if (f32)
                fits_read_col(fp, TFLOAT, col, row, elem, want.count[g], NULL, maps[k].f + at,
                              &anynul, &status);
            else
                fits_read_col(fp, TDOUBLE, col, row, elem, want.count[g], NULL, maps[k].d + at,
                              &anynul, &status);
            at += want.count[g];
        }
        if (status) {
            rc = sky_fits_fail(err, SKY_EFORMAT, path, status, "reading the map (truncated file?)");
            goto done;
        }
        char key[32];
        units[k][0] = '\0';
        snprintf(key, sizeof key, "TUNIT%d", col);
        if (fits_read_key(fp, TSTRING, key, value, comment, &status) == 0) {
            trim(value);
            snprintf(units[k], 64, "%.63s", value);
        }
        status = 0;
        fits_clear_errmsg();
        if (nest && (rc = sky_hmap_nest_to_ring(&maps[k], err)))
            goto done;
        if (nest && part) {
            sky_region_at(part, (int)nside, &want);
            if ((rc = sky_hmap_restrict(&maps[k], &want, err)))
                goto done;
        }
    }
done:
    if (fp) {
        int s2 = 0;
        fits_close_file(fp, &s2);
    }
    if (rc)
        for (int k = 0; k < nread; k++)
            sky_hmap_free(&maps[k]);
    return rc;
}

int sky_fits_map_coordsys(const char *path, char *coord, sky_error *err)
{
    int rc = sky_fits_map_frame(path, coord, err);
    if (!rc && !*coord)
        *coord = 'G';
    return rc;
}

/* healpy's check_coord, case aside: the first letter, but EQUATORIAL is C. */
static char frame_of(const char *v)
{
    char u[FLEN_VALUE];
    size_t n = 0;
    for (; v[n] && n + 1 < sizeof u; n++)
        u[n] = (char)(v[n] >= 'a' && v[n] <= 'z' ? v[n] - 'a' + 'A' : v[n]);
    u[n] = '\0';
    if (!strcmp(u, "EQUATORIAL") || !strcmp(u, "Q"))
        return 'C';
    return u[0] && strchr("GEC", u[0]) ? u[0] : 0;
}

int sky_fits_map_frame(const char *path, char *coord, sky_error *err)
{
    fitsfile *fp = NULL;
    int status = 0, hdutype = 0;
    char value[FLEN_VALUE], comment[FLEN_COMMENT];
    *coord = 0;
    int rc = sky_fits_open_read(path, &fp, err);
    if (rc)
        return rc;
    if (fits_movabs_hdu(fp, 2, &hdutype, &status) == 0 &&
        fits_read_keyword(fp, "COORDSYS", value, comment, &status) == 0) {
        trim(value);
        *coord = frame_of(value);
    }
    status = 0;
    fits_close_file(fp, &status);
    fits_clear_errmsg();
    return SKY_OK;
}

int sky_fits_count_columns(const char *path, int *ncols, sky_error *err)
{
    return sky_fits_map_shape(path, ncols, NULL, err);
}

int sky_fits_map_shape(const char *path, int *ncols, int *nside, sky_error *err)
{
    fitsfile *fp = NULL;
    int status = 0, hdutype = 0, typecode = 0;
    long nrows = 0, repeat = 0, width = 0;
    int rc = sky_fits_open_read(path, &fp, err);
    if (rc)
        return rc;
    if (fits_movabs_hdu(fp, 2, &hdutype, &status) || hdutype != BINARY_TBL ||
        fits_get_num_cols(fp, ncols, &status) || fits_get_num_rows(fp, &nrows, &status) ||
        fits_get_coltype(fp, 1, &typecode, &repeat, &width, &status)) {
        int s2 = 0;
        fits_close_file(fp, &s2);
        fits_clear_errmsg();
        return sky_fail(err, SKY_EFORMAT, "%s: expected a HEALPix map in a binary-table extension",
                        path);
    }
    rc = sky_fits_table_in_file(fp, path, err);
    fits_close_file(fp, &status);
    if (rc)
        return rc;
    if (nside) {
        const int64_t n = sky_hpx_nside_of((int64_t)nrows * repeat);
        if (n < 1 || !sky_hpx_nside_ok(n))
            return sky_fail(err, SKY_EFORMAT, "%s: column 1 has %lld values: not a HEALPix map",
                            path, (long long)nrows * repeat);
        *nside = (int)n;
    }
    return SKY_OK;
}

void sky_fits_first_unit(fitsfile *fp, char unit[64])
{
    char v[FLEN_VALUE] = "";
    int status = 0;
    if (fits_read_key(fp, TSTRING, "TUNIT1", v, NULL, &status))
        v[0] = '\0';
    snprintf(unit, 64, "%.63s", v);
}

int sky_fits_read_table(const char *path, int maxcols, double **data, int *ncols, long *nrows,
                        char unit[64], sky_error *err)
{
    fitsfile *fp = NULL;
    int status = 0, hdutype = 0, n = 0, anynul = 0, rc = SKY_OK;
    *data = NULL;
    if ((rc = sky_fits_open_read(path, &fp, err)))
        return rc;
    if (fits_movabs_hdu(fp, 2, &hdutype, &status) || fits_get_num_cols(fp, &n, &status) ||
        fits_get_num_rows(fp, nrows, &status)) {
        rc = sky_fits_fail(err, SKY_EFORMAT, path, status, "expected a table in the first extension");
        goto done;
    }
    if ((rc = sky_fits_table_in_file(fp, path, err)))
        goto done;
    if (unit)
        sky_fits_first_unit(fp, unit);
    if (n > maxcols)
        n = maxcols;
    long repeat = 1, width;
    int typecode;
    if (n < 1 || fits_get_coltype(fp, 1, &typecode, &repeat, &width, &status)) {
        rc = status ? sky_fits_fail(err, SKY_EFORMAT, path, status, "reading the table layout")
                    : sky_fail(err, SKY_EFORMAT, "%s: a table without columns", path);
        goto done;
    }
    /* the table lies in the file, so its cells number at most 8 per byte
     * (bit columns); the checks keep the products exact regardless */
    size_t len, bytes;
    if (__builtin_mul_overflow((size_t)*nrows, (size_t)(repeat > 0 ? repeat : 1), &len) ||
        __builtin_mul_overflow(len, (size_t)n * sizeof **data, &bytes) || len > LONG_MAX) {
        rc = sky_fail(err, SKY_EFORMAT, "%s: a table of %ld rows of %ld values: too large",
                      path, *nrows, repeat);
        goto done;
    }
    if (!(*data = malloc(bytes ? bytes : 1))) {
        rc = sky_nomem(err, "a table");
        goto done;
    }
    for (int c = 0; c < n && !status; c++)
        fits_read_col(fp, TDOUBLE, c + 1, 1, 1, (LONGLONG)len, NULL, *data + c * len, &anynul,
                      &status);
    if (status) {
        rc = sky_fits_fail(err, SKY_EFORMAT, path, status, "reading the table");
        free(*data);
        *data = NULL;
        goto done;
    }
    *ncols = n;
    *nrows = (long)len;
done:
    if (fp) {
        int s2 = 0;
        fits_close_file(fp, &s2);
    }
    return rc;
}

/* ---------------------------------------------------------------------- */

static int write_header(fitsfile *fp, const sky_fits_columns *cols, int *status)
{
    const int64_t npix = sky_hpx_npix(cols->nside);
    const int vector = npix > 1024;
    const long nrows = vector ? (long)(npix / 1024) : (long)npix;
    char *ttype[SKY_FITS_MAX_COLUMNS], *tform[SKY_FITS_MAX_COLUMNS], *tunit[SKY_FITS_MAX_COLUMNS];
    char form[16];
    snprintf(form, sizeof form, "%s%s", vector ? "1024" : "", cols->dtype == SKY_FLOAT64 ? "D" : "E");
    for (int i = 0; i < cols->ncols; i++) {
        ttype[i] = (char *)cols->names[i];
        tform[i] = form;
        tunit[i] = (char *)(cols->units && cols->units[i] ? cols->units[i] : "");
    }
    long long lastpix = npix - 1;
    long nsidel = cols->nside;
    int firstpix = 0;
    fits_create_img(fp, 8, 0, NULL, status); /* empty primary HDU, as healpy */
    fits_create_tbl(fp, BINARY_TBL, nrows, cols->ncols, ttype, tform, tunit, "xtension", status);
    fits_write_key(fp, TSTRING, "PIXTYPE", "HEALPIX", "HEALPIX pixelisation", status);
    fits_write_key(fp, TSTRING, "ORDERING", "RING", "Pixel ordering scheme, either RING or NESTED",
                   status);
    fits_write_key(fp, TSTRING, "COORDSYS", (char *)(cols->coordsys ? cols->coordsys : "G"),
                   "Ecliptic, Galactic or Celestial (equatorial)", status);
    fits_write_key(fp, TLONG, "NSIDE", &nsidel, "Resolution parameter of HEALPIX", status);
    fits_write_key(fp, TINT, "FIRSTPIX", &firstpix, "First pixel # (0 based)", status);
    fits_write_key(fp, TLONGLONG, "LASTPIX", &lastpix, "Last pixel # (0 based)", status);
    fits_write_key(fp, TSTRING, "INDXSCHM", "IMPLICIT", "Indexing: IMPLICIT or EXPLICIT", status);
    fits_write_key(fp, TSTRING, "OBJECT", "FULLSKY", "Sky coverage, either FULLSKY or PARTIAL",
                   status);
    for (const char *const *c = cols->cards; c && *c && !*status; c++) {
        char card[FLEN_CARD];
        int keytype;
        fits_parse_template((char *)*c, card, &keytype, status);
        fits_write_record(fp, card, status);
    }
    return *status;
}

/* The header and the provenance cards of cols; a message in err on failure. */
static int write_map_header(fitsfile *fp, const sky_fits_columns *cols, const sky_prov *prov,
                            const char *path, sky_error *err)
{
    int status = 0;
    if (write_header(fp, cols, &status))
        return sky_fits_fail(err, SKY_EIO, path, status, "writing the map header");
    return sky_prov_write_fits(fp, prov, path, err);
}

void sky_fits_writer_abort(sky_fits_writer *w)
{
    if (!w)
        return;
    if (w->fp) {
        int status = 0;
        fits_close_file(w->fp, &status);
    }
    if (w->tmp)
        unlink(w->tmp);
    sky_tmpfile_forget(w->tmp_id); /* after the unlink: a signal meanwhile removes it too */
    free(w->path);
    free(w->tmp);
    free(w);
}

int sky_fits_writer_create(const char *path, int overwrite, sky_fits_writer **out, sky_error *err)
{
    *out = NULL;
    struct stat st;
    if (!overwrite && stat(path, &st) == 0)
        return sky_fail(err, SKY_EINVAL, "%s: file exists: use --force to overwrite it", path);
    sky_fits_writer *w = calloc(1, sizeof *w);
    size_t len = strlen(path);
    char *bang = malloc(len + 34);
    if (w) {
        w->tmp_id = -1;
        w->path = strdup(path);
        w->tmp = malloc(len + 32);
    }
    if (!w || !bang || !w->path || !w->tmp) {
        free(bang);
        if (w) {
            free(w->tmp);
            w->tmp = NULL;
        }
        sky_fits_writer_abort(w);
        return sky_nomem(err, "a file name");
    }
    w->overwrite = overwrite;
    /* a name ending in .gz makes cfitsio compress the file as it closes it */
    const int gz = len > 3 && !strcmp(path + len - 3, ".gz");
    snprintf(w->tmp, len + 32, "%s.tmp.XXXXXX%s", path, gz ? ".gz" : "");
    int fd = mkstemps(w->tmp, gz ? 3 : 0);
    if (fd < 0) {
        int rc = sky_fail(err, SKY_EIO, "%s: cannot create a file in its folder: %s", path,
                          strerror(errno));
        free(w->tmp);
        w->tmp = NULL;
        free(bang);
        sky_fits_writer_abort(w);
        return rc;
    }
    close(fd);
    w->tmp_id = sky_tmpfile_note(w->tmp); /* removed by a signal handler (see tmpfiles.h) */
    snprintf(bang, len + 34, "!%s", w->tmp); /* '!' lets cfitsio replace the placeholder */
    int status = 0;
    fits_create_file(&w->fp, bang, &status);
    free(bang);
    if (status) {
        int rc = sky_fits_fail(err, SKY_EIO, path, status, "creating the file");
        sky_fits_writer_abort(w);
        return rc;
    }
    *out = w;
    return SKY_OK;
}

int sky_fits_writer_open(const char *path, const sky_fits_columns *cols, sky_fits_writer **out,
                         sky_error *err)
{
    return sky_fits_writer_open_prov(path, cols, NULL, out, err);
}

int sky_fits_writer_open_prov(const char *path, const sky_fits_columns *cols,
                              const sky_prov *prov, sky_fits_writer **out, sky_error *err)
{
    *out = NULL;
    if (!sky_hpx_nside_ok(cols->nside))
        return sky_fail(err, SKY_EINVAL, "%s: nside %d: expected a power of two from 1 to 8192",
                        path, cols->nside);
    if (cols->ncols < 1 || cols->ncols > SKY_FITS_MAX_COLUMNS)
        return sky_fail(err, SKY_EINVAL, "%s: %d columns: expected 1 to %d", path, cols->ncols,
                        SKY_FITS_MAX_COLUMNS);
    sky_fits_writer *w;
    int rc = sky_fits_writer_create(path, cols->overwrite, &w, err);
    if (rc)
        return rc;
    w->nside = cols->nside;
    w->ncols = cols->ncols;
    w->dtype = cols->dtype;
    w->npix = sky_hpx_npix(cols->nside);
    for (int c = 0; c < cols->ncols; c++)
        snprintf(w->names[c], sizeof w->names[c], "%s",
                 cols->names && cols->names[c] ? cols->names[c] : "");
    if ((rc = write_map_header(w->fp, cols, prov, path, err))) {
        sky_fits_writer_abort(w);
        return rc;
    }
    *out = w;
    return SKY_OK;
}

/* The index of the first value among n that is NaN or larger in magnitude
 * than `limit` (DBL_MAX: NaN or Inf), or -1. */
SKY_VECTOR_CLONES
static int64_t first_beyond(const double *x, int64_t n, double limit)
{
    enum { STEP = 4096 };
    for (int64_t a = 0; a < n; a += STEP) {
        const int64_t b = n - a < STEP ? n : a + STEP;
        int bad = 0;
        for (int64_t i = a; i < b; i++) /* branch-free, so that it vectorises */
            bad |= !(fabs(x[i]) <= limit);
        if (bad)
            for (int64_t i = a; i < b; i++)
                if (!(fabs(x[i]) <= limit))
                    return i;
    }
    return -1;
}

static const char *nonfinite_name(double v)
{
    return isnan(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
}

int sky_fits_write_car(const char *path, const sky_car_image *img, sky_error *err)
{
    const int64_t plane = (int64_t)img->ny * img->nx;
    for (int c = 0; c < img->ncomp; c++) {
        const int64_t i = first_beyond(img->data + c * plane, plane, DBL_MAX);
        if (i >= 0)
            return sky_fail(err, SKY_EINVAL, "%s: CAR %s pixel (row %lld, column %lld) is %s: a "
                            "map with NaN or Inf values is not written", path,
                            c == 0 ? "I" : c == 1 ? "Q" : "U", (long long)(i / img->nx),
                            (long long)(i % img->nx), nonfinite_name(img->data[c * plane + i]));
    }
    sky_fits_writer *w;
    int rc = sky_fits_writer_create(path, img->overwrite, &w, err);
    if (rc)
        return rc;
    const double res_deg = 180.0 / img->ny;
    long naxes[3] = {img->nx, img->ny, img->ncomp};
    int status = 0;
    fits_create_img(w->fp, img->dtype == SKY_FLOAT64 ? DOUBLE_IMG : FLOAT_IMG,
                    img->ncomp > 1 ? 3 : 2, naxes, &status);
    const char c = img->coordsys ? img->coordsys[0] : 'G';
    char *t1 = c == 'G' ? "GLON-CAR" : c == 'E' ? "ELON-CAR" : "RA---CAR";
    char *t2 = c == 'G' ? "GLAT-CAR" : c == 'E' ? "ELAT-CAR" : "DEC--CAR";
    double crval1 = res_deg / 2, crval2 = 0, cdelt1 = -360.0 / img->nx, cdelt2 = res_deg;
    double crpix1 = img->nx / 2 + 0.5, crpix2 = (img->ny + 1) / 2.0;
    fits_write_key(w->fp, TSTRING, "CTYPE1", t1, "pixell fullsky_geometry, variant fejer1", &status);
    fits_write_key(w->fp, TSTRING, "CTYPE2", t2, NULL, &status);
    fits_write_key(w->fp, TSTRING, "CUNIT1", "deg", NULL, &status);
    fits_write_key(w->fp, TSTRING, "CUNIT2", "deg", NULL, &status);
    fits_write_key(w->fp, TDOUBLE, "CRVAL1", &crval1, NULL, &status);
    fits_write_key(w->fp, TDOUBLE, "CRVAL2", &crval2, NULL, &status);
    fits_write_key(w->fp, TDOUBLE, "CDELT1", &cdelt1, NULL, &status);
    fits_write_key(w->fp, TDOUBLE, "CDELT2", &cdelt2, NULL, &status);
    fits_write_key(w->fp, TDOUBLE, "CRPIX1", &crpix1, NULL, &status);
    fits_write_key(w->fp, TDOUBLE, "CRPIX2", &crpix2, NULL, &status);
    if (c == 'C') {
        double equinox = 2000.0;
        fits_write_key(w->fp, TSTRING, "RADESYS", "FK5", "healpy's equatorial frame", &status);
        fits_write_key(w->fp, TDOUBLE, "EQUINOX", &equinox, NULL, &status);
    }
    if (img->ncomp == 3)
        fits_write_key(w->fp, TSTRING, "POLCCONV", "COSMO", "HEALPix polarisation convention",
                       &status);
    fits_write_key(w->fp, TSTRING, "BUNIT", (char *)(img->unit ? img->unit : ""), NULL, &status);
    fits_write_key(w->fp, TSTRING, "COORDSYS", (char *)(img->coordsys ? img->coordsys : "G"),
                   NULL, &status);
    if (status)
        rc = sky_fits_fail(err, SKY_EIO, path, status, "writing the CAR header");
    if (!rc)
        rc = sky_prov_write_fits(w->fp, img->prov, path, err);
    if (!rc && fits_write_img(w->fp, TDOUBLE, 1, (LONGLONG)img->ncomp * img->ny * img->nx,
                              (double *)img->data, &status))
        rc = sky_fits_fail(err, SKY_EIO, path, status, "writing the CAR map");
    return sky_fits_writer_close(w, rc, err);
}

/* FITS stores numbers big-endian. */
static inline uint32_t big_endian32(uint32_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return x;
#else
    return (x >> 24) | ((x >> 8) & 0xff00u) | ((x << 8) & 0xff0000u) | (x << 24);
#endif
}

static inline uint64_t big_endian64(uint64_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return x;
#else
    return ((uint64_t)big_endian32((uint32_t)x) << 32) | big_endian32((uint32_t)(x >> 32));
#endif
}

/* n values as big-endian float32 or float64 at dst (4- or 8-byte aligned,
 * in memory from malloc). Compiled for the vector units: the byte swaps are
 * then shuffles, many values at a time. */
SKY_VECTOR_CLONES
static void big_endian_f32(const double *restrict src, int64_t n, uint32_t *restrict dst)
{
    for (int64_t j = 0; j < n; j++) {
        const float v = (float)src[j];
        uint32_t b;
        memcpy(&b, &v, 4);
        dst[j] = big_endian32(b);
    }
}

SKY_VECTOR_CLONES
static void big_endian_f64(const double *restrict src, int64_t n, uint64_t *restrict dst)
{
    for (int64_t j = 0; j < n; j++) {
        uint64_t b;
        memcpy(&b, &src[j], 8);
        dst[j] = big_endian64(b);
    }
}

/* Whole table rows from row0 (0-based) holding `count` pixels: converted to
 * big-endian float32 or float64 here and written as raw bytes, which is
 * many times faster than cfitsio's column-by-column writes into a
 * row-interleaved table. The values are finite and fit the type
 * (sky_fits_writer_write checked them). -1 without memory (nothing
 * written: the caller lets cfitsio write). */
static int write_rows(sky_fits_writer *w, int64_t row0, int64_t count, int64_t repeat,
                      const double *data, int *status)
{
    const int f32 = w->dtype == SKY_FLOAT32;
    const size_t el = f32 ? 4 : 8;
    const int64_t nrows = (count + repeat - 1) / repeat;
    const size_t rowbytes = (size_t)w->ncols * repeat * el;
    enum { ROWS = 256 }; /* rows converted at a time */
    unsigned char *buf = malloc(ROWS * rowbytes);
    if (!buf)
        return -1;
    for (int64_t r0 = 0; r0 < nrows && !*status; r0 += ROWS) {
        const int64_t nr = nrows - r0 < ROWS ? nrows - r0 : ROWS;
        for (int64_t r = 0; r < nr; r++)
            for (int c = 0; c < w->ncols; c++) {
                unsigned char *dst = buf + r * rowbytes + (size_t)c * repeat * el;
                const double *src = data + (int64_t)c * count + (r0 + r) * repeat;
                const int64_t n = (r0 + r + 1) * repeat <= count ? repeat : count - (r0 + r) * repeat;
                if (f32)
                    big_endian_f32(src, n, (uint32_t *)(void *)dst);
                else
                    big_endian_f64(src, n, (uint64_t *)(void *)dst);
            }
        fits_write_tblbytes(w->fp, (LONGLONG)(row0 + r0 + 1), 1, (LONGLONG)(nr * rowbytes), buf,
                            status);
    }
    free(buf);
    return 0;
}

int sky_fits_writer_write(sky_fits_writer *w, int64_t first, int64_t count, const double *data,
                          sky_error *err)
{
    if (first < 0 || count < 0 || first + count > w->npix)
        return sky_fail(err, SKY_EINTERNAL, "%s: pixels [%lld, +%lld) outside the map", w->path,
                        (long long)first, (long long)count);
    /* a map with NaN or Inf is never written: the caller aborts the writer,
     * which removes the temporary file */
    const double limit = w->dtype == SKY_FLOAT32 ? FLT_MAX : DBL_MAX;
    for (int c = 0; c < w->ncols; c++) {
        const double *col = data + (int64_t)c * count;
        const int64_t i = first_beyond(col, count, limit);
        if (i >= 0 && !isfinite(col[i]))
            return sky_fail(err, SKY_EINVAL, "%s: %s pixel %lld is %s: a map with NaN or Inf "
                            "values is not written", w->path, w->names[c],
                            (long long)(first + i), nonfinite_name(col[i]));
        if (i >= 0)
            return sky_fail(err, SKY_EINVAL, "%s: %s pixel %lld is %g, beyond float32 (Inf in "
                            "the file): use --dtype float64", w->path, w->names[c],
                            (long long)(first + i), col[i]);
    }
    const int64_t repeat = w->npix > 1024 ? 1024 : 1;
    int status = 0;
    if (count > 0 && first % repeat == 0 && (count % repeat == 0 || first + count == w->npix) &&
        write_rows(w, first / repeat, count, repeat, data, &status) == 0)
        return status ? sky_fits_fail(err, SKY_EIO, w->path, status, "writing the map") : SKY_OK;
    for (int c = 0; c < w->ncols && !status && count > 0; c++)
        fits_write_col(w->fp, TDOUBLE, c + 1, first / repeat + 1, first % repeat + 1, count,
                       (double *)(data + (int64_t)c * count), &status);
    if (status)
        return sky_fits_fail(err, SKY_EIO, w->path, status, "writing the map");
    return SKY_OK;
}

int sky_fits_writer_commit(sky_fits_writer *w, sky_error *err)
{
    int status = 0, rc = SKY_OK;
    fits_close_file(w->fp, &status);
    w->fp = NULL;
    if (status) {
        rc = sky_fits_fail(err, SKY_EIO, w->path, status, "writing the map");
    } else if (w->overwrite) {
        if (rename(w->tmp, w->path) != 0)
            rc = sky_fail(err, SKY_EIO, "%s: cannot move the finished map into place: %s",
                          w->path, strerror(errno));
    } else if (link(w->tmp, w->path) != 0) {
        rc = errno == EEXIST
                 ? sky_fail(err, SKY_EINVAL, "%s: file exists: use --force to overwrite it",
                            w->path)
                 : sky_fail(err, SKY_EIO, "%s: cannot move the finished map into place: %s",
                            w->path, strerror(errno));
    }
    if (!rc)
        sky_written_file(w->path); /* its pages leave the cache in their turn */
    sky_fits_writer_abort(w); /* removes the temporary name (gone already after rename) */
    return rc;
}

int sky_fits_writer_close(sky_fits_writer *w, int rc, sky_error *err)
{
    if (rc) {
        sky_fits_writer_abort(w);
        return rc;
    }
    return sky_fits_writer_commit(w, err);
}

int sky_fits_write_columns(const char *path, const sky_fits_columns *cols, sky_error *err)
{
    return sky_fits_write_columns_prov(path, cols, NULL, err);
}

int sky_fits_write_columns_prov(const char *path, const sky_fits_columns *cols,
                                const sky_prov *prov, sky_error *err)
{
    sky_fits_writer *w;
    int rc = sky_fits_writer_open_prov(path, cols, prov, &w, err);
    if (rc)
        return rc;
    return sky_fits_writer_close(w, sky_fits_writer_write(w, 0, w->npix, cols->data, err), err);
}

int sky_write_map(const char *path, int nside, int nmaps, const double *maps,
                  const sky_map_header *hdr, sky_error *err)
{
    static const char *names[] = {"I_STOKES", "Q_STOKES", "U_STOKES"};
    if (nmaps != 1 && nmaps != 3)
        return sky_fail(err, SKY_EINVAL, "%s: %d maps: expected 1 or 3", path, nmaps);
    const char *units[3] = {hdr->unit, hdr->unit, hdr->unit};
    sky_fits_columns cols = {nside, nmaps, names, units, maps, hdr->dtype, hdr->coordsys,
                             hdr->overwrite, hdr->cards};
    return sky_fits_write_columns_prov(path, &cols, hdr->prov, err);
}
