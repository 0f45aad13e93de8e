/*
 * fits_alm.c - alm and spectra files (see fits_alm.h).
 *
 * healpy's alm layout: the coefficient (l, m) of an expansion to lmax sits at
 * m (2 lmax + 1 - m) / 2 + l. Its files number it INDEX = l^2 + l + m + 1,
 * one row per coefficient with m >= 0.
 */
#include "fits_alm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmplx.h"
#include "core/error.h"
#include "fits_internal.h"
#include "fits_open.h"

static int64_t nalm_of(int lmax)
{
    return (int64_t)(lmax + 1) * (lmax + 2) / 2;
}

/* l and m of a healpy file INDEX, -1 in *l when it is not one. */
static void index_lm(long long idx, int *l, int *m)
{
    *l = -1;
    if (idx < 1 || idx > (1LL << 40))
        return;
    long long ll = (long long)floor(sqrt((double)(idx - 1)));
    while (ll * ll > idx - 1)
        ll--;
    while ((ll + 1) * (ll + 1) <= idx - 1)
        ll++;
    const long long mm = idx - ll * ll - ll - 1;
    if (mm < 0)
        return;
    *l = (int)ll;
    *m = (int)mm;
}

/* One extension's rows (INDEX column `idx` already read) into `alm` (lmax
 * known), checked complete. */
static int read_block(fitsfile *fp, const char *path, int hdu, long nrows, const long long *idx,
                      int lmax, double complex *alm, sky_error *err)
{
    const int64_t n = nalm_of(lmax);
    double *re = malloc((size_t)nrows * sizeof *re), *im = malloc((size_t)nrows * sizeof *im);
    unsigned char *seen = calloc((size_t)n, 1);
    int status = 0, rc = SKY_OK;
    if (!re || !im || !seen) {
        rc = sky_nomem(err, "alm");
        goto done;
    }
    fits_read_col(fp, TDOUBLE, 2, 1, 1, nrows, NULL, re, NULL, &status);
    fits_read_col(fp, TDOUBLE, 3, 1, 1, nrows, NULL, im, NULL, &status);
    if (status) {
        rc = sky_fits_fail(err, SKY_EFORMAT, path, status, "reading the alm");
        goto done;
    }
    for (long r = 0; r < nrows; r++) {
        int l, m;
        index_lm(idx[r], &l, &m);
        if (l < 0 || l > lmax) {
            rc = sky_fail(err, SKY_EFORMAT,
                          "%s: extension %d row %ld: INDEX %lld: expected l^2 + l + m + 1 "
                          "with 0 <= m <= l <= %d",
                          path, hdu, r + 1, idx[r], lmax);
            goto done;
        }
        const int64_t i = (int64_t)m * (2 * lmax + 1 - m) / 2 + l;
        if (seen[i]++) {
            rc = sky_fail(err, SKY_EFORMAT, "%s: extension %d: (l, m) = (%d, %d) appears twice",
                          path, hdu, l, m);
            goto done;
        }
        alm[i] = CMPLX(re[r], im[r]);
    }
    if (nrows != n) {
        rc = sky_fail(err, SKY_EFORMAT,
                      "%s: extension %d holds %ld of the %lld coefficients to lmax = %d: "
                      "expected every (l, m) with m <= l",
                      path, hdu, nrows, (long long)n, lmax);
    }
done:
    free(re);
    free(im);
    free(seen);
    return rc;
}

/* The INDEX column of the current extension (malloc'ed into *idx) and its
 * lmax, the largest l it names. */
static int read_index(fitsfile *fp, const char *path, int hdu, long *nrows, long long **idx,
                      int *lmax, sky_error *err)
{
    int status = 0, ncols = 0;
    long long top = 0;
    if (fits_get_num_rows(fp, nrows, &status) || fits_get_num_cols(fp, &ncols, &status))
        return sky_fits_fail(err, SKY_EFORMAT, path, status, "reading the alm table");
    if (ncols < 3 || *nrows < 1)
        return sky_fail(err, SKY_EFORMAT,
                        "%s: extension %d has %d columns and %ld rows: expected an alm table "
                        "(INDEX, REAL, IMAG)",
                        path, hdu, ncols, *nrows);
    /* rows of at least one byte inside the file: *nrows is bounded by its size */
    int rc = sky_fits_table_in_file(fp, path, err);
    if (rc)
        return rc;
    size_t bytes;
    if (__builtin_mul_overflow((size_t)*nrows, sizeof **idx, &bytes))
        return sky_fail(err, SKY_EFORMAT, "%s: extension %d: %ld rows: too many", path, hdu,
                        *nrows);
    if (!(*idx = malloc(bytes)))
        return sky_nomem(err, "alm");
    fits_read_col(fp, TLONGLONG, 1, 1, 1, *nrows, NULL, *idx, NULL, &status);
    for (long r = 0; r < *nrows && !status; r++)
        if ((*idx)[r] > top)
            top = (*idx)[r];
    if (status)
        return sky_fits_fail(err, SKY_EFORMAT, path, status, "reading the alm INDEX column");
    int m;
    index_lm(top, lmax, &m);
    if (*lmax < 0)
        return sky_fail(err, SKY_EFORMAT, "%s: extension %d: INDEX %lld is not an alm index",
                        path, hdu, top);
    /* complete, as read_block checks, before anything is sized by lmax */
    if (nalm_of(*lmax) != *nrows)
        return sky_fail(err, SKY_EFORMAT,
                        "%s: extension %d holds %ld of the %lld coefficients to lmax = %d: "
                        "expected every (l, m) with m <= l",
                        path, hdu, *nrows, (long long)nalm_of(*lmax), *lmax);
    return SKY_OK;
}

int sky_fits_read_alm(const char *path, int nhdu, double complex **alm, int *lmax,
                      char unit[64], sky_error *err)
{
    fitsfile *fp = NULL;
    int status = 0, nhdus = 0, rc = SKY_OK, type;
    *alm = NULL;
    if ((rc = sky_fits_open_read(path, &fp, err)))
        return rc;
    fits_get_num_hdus(fp, &nhdus, &status);
    if (nhdus - 1 < nhdu) {
        rc = sky_fail(err, SKY_EFORMAT, "%s has %d extension%s: expected %d alm table%s (%s)",
                      path, nhdus - 1, nhdus == 2 ? "" : "s", nhdu, nhdu == 1 ? "" : "s",
                      nhdu == 3 ? "T, E, B" : "T");
        goto done;
    }
    for (int h = 1; h <= nhdu && !rc; h++) {
        long nrows;
        long long *idx = NULL;
        int l = -1;
        if (fits_movabs_hdu(fp, h + 1, &type, &status)) {
            rc = sky_fits_fail(err, SKY_EFORMAT, path, status, "reading an alm extension");
            break;
        }
        if (h == 1)
            sky_fits_first_unit(fp, unit);
        if (!(rc = read_index(fp, path, h, &nrows, &idx, &l, err))) {
            if (h == 1) {
                *lmax = l;
                if (!(*alm = malloc((size_t)(nhdu * nalm_of(l)) * sizeof **alm)))
                    rc = sky_nomem(err, "alm");
            } else if (l != *lmax) {
                rc = sky_fail(err, SKY_EFORMAT,
                              "%s: extension %d goes to lmax = %d: expected lmax = %d as "
                              "extension 1",
                              path, h, l, *lmax);
            }
        }
        if (!rc)
            rc = read_block(fp, path, h, nrows, idx, *lmax, *alm + (h - 1) * nalm_of(*lmax), err);
        free(idx);
    }
done:
    status = 0;
    fits_close_file(fp, &status);
    if (rc) {
        free(*alm);
        *alm = NULL;
    }
    return rc;
}

int sky_fits_write_alm(const char *path, int nhdu, const double complex *alm, int lmax, int f32,
                       const char *unit, int overwrite, sky_error *err)
{
    sky_fits_writer *w;
    int rc = sky_fits_writer_create(path, overwrite, &w, err), status = 0;
    if (rc)
        return rc;
    const int64_t n = nalm_of(lmax);
    char *ttype[3] = {"INDEX", "REAL", "IMAG"};
    char *tform[3] = {"1K", f32 ? "1E" : "1D", f32 ? "1E" : "1D"};
    char *tunit[3] = {(char *)(unit ? unit : ""), "", ""};
    long long *idx = malloc((size_t)n * sizeof *idx);
    double *re = malloc((size_t)n * sizeof *re), *im = malloc((size_t)n * sizeof *im);
    if (!idx || !re || !im) {
        rc = sky_nomem(err, "alm");
        goto done;
    }
    fits_create_img(w->fp, 8, 0, NULL, &status);
    for (int h = 0; h < nhdu && !status; h++) {
        const double complex *a = alm + h * n;
        int64_t i = 0;
        for (int m = 0; m <= lmax; m++)
            for (int l = m; l <= lmax; l++, i++) {
                idx[i] = (long long)l * l + l + m + 1;
                re[i] = creal(a[i]);
                im[i] = cimag(a[i]);
            }
        fits_create_tbl(w->fp, BINARY_TBL, n, 3, ttype, tform, tunit, NULL, &status);
        fits_write_key(w->fp, TINT, "MAX-LPOL", &lmax, "Maximum L multipole order", &status);
        fits_write_key(w->fp, TINT, "MAX-MPOL", &lmax, "Maximum M multipole order", &status);
        fits_write_col(w->fp, TLONGLONG, 1, 1, 1, n, idx, &status);
        fits_write_col(w->fp, TDOUBLE, 2, 1, 1, n, re, &status);
        fits_write_col(w->fp, TDOUBLE, 3, 1, 1, n, im, &status);
    }
    if (status)
        rc = sky_fits_fail(err, SKY_EIO, path, status, "writing the alm");
done:
    free(idx);
    free(re);
    free(im);
    return sky_fits_writer_close(w, rc, err);
}

int sky_fits_read_cl(const char *path, double **cl, int *ncols, long *nl, char unit[64],
                     sky_error *err)
{
    return sky_fits_read_table(path, SKY_FITS_MAX_COLUMNS, cl, ncols, nl, unit, err);
}

int sky_fits_write_cl(const char *path, int ncols, const char *const *names, const double *cl,
                      long nl, const char *unit, int overwrite, sky_error *err)
{
    if (ncols < 1 || ncols > SKY_FITS_MAX_COLUMNS)
        return sky_fail(err, SKY_EINVAL, "%s: %d spectra: expected 1 to %d", path, ncols,
                        SKY_FITS_MAX_COLUMNS);
    sky_fits_writer *w;
    int rc = sky_fits_writer_create(path, overwrite, &w, err), status = 0;
    if (rc)
        return rc;
    char *ttype[SKY_FITS_MAX_COLUMNS], *tform[SKY_FITS_MAX_COLUMNS], *tunit[SKY_FITS_MAX_COLUMNS];
    for (int c = 0; c < ncols; c++) {
        ttype[c] = (char *)names[c];
        tform[c] = "1D";
        tunit[c] = (char *)(unit ? unit : "");
    }
    fits_create_img(w->fp, 8, 0, NULL, &status);
    fits_create_tbl(w->fp, BINARY_TBL, nl, ncols, ttype, tform, tunit, NULL, &status);
    for (int c = 0; c < ncols; c++)
        fits_write_col(w->fp, TDOUBLE, c + 1, 1, 1, nl, (double *)(cl + (int64_t)c * nl),
                       &status);
    if (status)
        rc = sky_fits_fail(err, SKY_EIO, path, status, "writing the spectra");
    return sky_fits_writer_close(w, rc, err);
}
