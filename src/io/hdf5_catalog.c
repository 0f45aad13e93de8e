/*
 * hdf5_catalog.c - PySM's point-source catalogue files (see hdf5_catalog.h),
 * through the serial HDF5 C library. HDF5's own error stack printing is
 * switched off: every failure becomes one sky_error line.
 */
#include "hdf5_catalog.h"

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"

enum { MAX_COEF = 64 };

static const char *const layout =
    "PySM's point-source catalogue (HDF5 datasets theta, phi, logpolycoefflux, "
    "logpolycoefpolflux)";

static void quiet(void)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

/* Reads the units attribute of dataset `ds` into buf ("" when it has none;
 * -1 when it is not a single string). */
static int read_units(hid_t ds, char *buf, size_t len)
{
    buf[0] = '\0';
    if (H5Aexists(ds, "units") <= 0)
        return 0;
    hid_t a = H5Aopen(ds, "units", H5P_DEFAULT);
    if (a < 0)
        return -1;
    int rc = -1;
    hid_t t = H5Aget_type(a), sp = H5Aget_space(a);
    if (t >= 0 && sp >= 0 && H5Tget_class(t) == H5T_STRING &&
        H5Sget_simple_extent_npoints(sp) == 1) {
        if (H5Tis_variable_str(t) > 0) {
            char *s = NULL;
            hid_t mt = H5Tcopy(H5T_C_S1);
            H5Tset_size(mt, H5T_VARIABLE);
            H5Tset_cset(mt, H5Tget_cset(t));
            if (H5Aread(a, mt, &s) >= 0 && s) {
                snprintf(buf, len, "%s", s);
                rc = 0;
            }
            if (s)
                H5free_memory(s);
            H5Tclose(mt);
        } else {
            const size_t n = H5Tget_size(t);
            char *s = n > 0 && n < 4096 ? calloc(n + 1, 1) : NULL;
            hid_t mt = H5Tcopy(t);
            if (s && H5Aread(a, mt, s) >= 0) {
                snprintf(buf, len, "%s", s); /* NUL padding dropped, as numpy does */
                rc = 0;
            }
            free(s);
            H5Tclose(mt);
        }
    }
    if (t >= 0)
        H5Tclose(t);
    if (sp >= 0)
        H5Sclose(sp);
    H5Aclose(a);
    return rc;
}

/* Opens dataset `name`, checks its units and rank; its dimensions into dims. */
static int open_dataset(hid_t f, const char *path, const char *name, const char *units,
                        int rank, hsize_t *dims, hid_t *out, sky_error *err)
{
    *out = -1;
    if (H5Lexists(f, name, H5P_DEFAULT) <= 0)
        return sky_fail(err, SKY_EFORMAT, "%s: no dataset '%s': expected %s", path, name,
                        layout);
    hid_t ds = H5Dopen2(f, name, H5P_DEFAULT);
    if (ds < 0)
        return sky_fail(err, SKY_EFORMAT, "%s: '%s' is not a dataset: expected %s", path, name,
                        layout);
    char got[128];
    if (read_units(ds, got, sizeof got) < 0) {
        H5Dclose(ds);
        return sky_fail(err, SKY_EFORMAT, "%s: dataset '%s': units attribute is not a string: "
                        "expected \"%s\"", path, name, units);
    }
    if (strcmp(got, units)) {
        H5Dclose(ds);
        if (!got[0])
            return sky_fail(err, SKY_EFORMAT, "%s: dataset '%s' has no units attribute: "
                            "expected units = \"%s\"", path, name, units);
        char esc[128];
        sky_escape_controls(got, esc, sizeof esc);
        return sky_fail(err, SKY_EFORMAT, "%s: dataset '%s' has units \"%s\": expected \"%s\"",
                        path, name, esc, units);
    }
    hid_t sp = H5Dget_space(ds);
    const int r = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
    if (r == rank)
        H5Sget_simple_extent_dims(sp, dims, NULL);
    if (sp >= 0)
        H5Sclose(sp);
    hid_t t = H5Dget_type(ds);
    const H5T_class_t cls = t >= 0 ? H5Tget_class(t) : H5T_NO_CLASS;
    if (t >= 0)
        H5Tclose(t);
    if (cls != H5T_FLOAT && cls != H5T_INTEGER) {
        H5Dclose(ds);
        return sky_fail(err, SKY_EFORMAT, "%s: dataset '%s' does not hold numbers: expected "
                        "floating-point values", path, name);
    }
    if (r != rank) {
        H5Dclose(ds);
        return sky_fail(err, SKY_EFORMAT, "%s: dataset '%s' has %d dimension%s: expected %s",
                        path, name, r, r == 1 ? "" : "s",
                        rank == 1 ? "1 (one value per source)" : "2 (n_coeff, N sources)");
    }
    *out = ds;
    return SKY_OK;
}

/* Reads the whole of dataset ds (n doubles) into a new array. */
static int read_all(hid_t ds, const char *path, const char *name, hsize_t n, double **out,
                    sky_error *err)
{
    *out = malloc((size_t)(n ? n : 1) * sizeof **out);
    if (!*out)
        return sky_nomem(err, "a catalogue column");
    if (n && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out) < 0) {
        free(*out);
        *out = NULL;
        return sky_fail(err, SKY_EFORMAT, "%s: dataset '%s' cannot be read (corrupt or "
                        "truncated file?): expected %s", path, name, layout);
    }
    return SKY_OK;
}

static int open_file(const char *path, hid_t *f, sky_error *err)
{
    struct stat st;
    quiet();
    if (stat(path, &st) != 0)
        return sky_fail(err, SKY_ENOTFOUND, "%s: no such file: expected %s", path, layout);
    if (H5Fis_hdf5(path) <= 0)
        return sky_fail(err, SKY_EFORMAT, "%s: not an HDF5 file (or a corrupt one): expected %s",
                        path, layout);
    *f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (*f < 0)
        return sky_fail(err, SKY_EFORMAT, "%s: cannot be opened as HDF5 (corrupt file?): "
                        "expected %s", path, layout);
    return SKY_OK;
}

int sky_catalog_count(const char *path, int64_t *n, sky_error *err)
{
    hid_t f, ds;
    hsize_t dims[1];
    int rc = open_file(path, &f, err);
    if (rc)
        return rc;
    if (!(rc = open_dataset(f, path, "theta", "rad", 1, dims, &ds, err))) {
        *n = (int64_t)dims[0];
        H5Dclose(ds);
    }
    H5Fclose(f);
    return rc;
}

/* Keeps rows start, start + step, ... < stop of the `rows` x N array a. */
static void take(double *a, int rows, int64_t n, int64_t start, int64_t stop, int64_t step,
                 int64_t m)
{
    for (int r = 0; r < rows; r++)
        for (int64_t k = 0, s = start; s < stop; k++, s += step)
            a[(int64_t)r * m + k] = a[(int64_t)r * n + s];
}

void sky_catalog_free(sky_catalog *c)
{
    if (!c)
        return;
    free(c->theta);
    free(c->phi);
    free(c->coef);
    free(c->coef_pol);
    memset(c, 0, sizeof *c);
}

int sky_catalog_read(const char *path, int64_t start, int64_t stop, int64_t step,
                     sky_catalog *out, sky_error *err)
{
    static const char *const names[4] = {"theta", "phi", "logpolycoefflux",
                                         "logpolycoefpolflux"};
    static const char *const units[4] = {"rad", "rad", "Jy", "Jy"};
    memset(out, 0, sizeof *out);
    hid_t f, ds[4] = {-1, -1, -1, -1};
    hsize_t dims[4][2] = {{0, 0}, {0, 0}, {0, 0}, {0, 0}};
    int rc = open_file(path, &f, err);
    if (rc)
        return rc;
    for (int k = 0; k < 4 && !rc; k++)
        rc = open_dataset(f, path, names[k], units[k], k < 2 ? 1 : 2, dims[k], &ds[k], err);
    const hsize_t n = dims[0][0];
    if (!rc && dims[1][0] != n)
        rc = sky_fail(err, SKY_EFORMAT, "%s: dataset 'phi' has %llu values and 'theta' %llu: "
                      "expected one of each per source", path, (unsigned long long)dims[1][0],
                      (unsigned long long)n);
    for (int k = 2; k < 4 && !rc; k++)
        if (dims[k][1] != n || dims[k][0] < 1 || dims[k][0] > MAX_COEF)
            rc = sky_fail(err, SKY_EFORMAT, "%s: dataset '%s' has shape (%llu, %llu): expected "
                          "(n_coeff, %llu), 1 to %d coefficients for each of the %llu sources",
                          path, names[k], (unsigned long long)dims[k][0],
                          (unsigned long long)dims[k][1], (unsigned long long)n, MAX_COEF,
                          (unsigned long long)n);
    double *col[4] = {NULL, NULL, NULL, NULL};
    for (int k = 0; k < 4 && !rc; k++)
        rc = read_all(ds[k], path, names[k], k < 2 ? n : dims[k][0] * n, &col[k], err);
    for (int k = 0; k < 4; k++)
        if (ds[k] >= 0)
            H5Dclose(ds[k]);
    H5Fclose(f);
    for (int k = 0; k < 4 && !rc; k++) {
        const hsize_t len = k < 2 ? n : dims[k][0] * n;
        for (hsize_t i = 0; i < len && !rc; i++) {
            const double v = col[k][i];
            const hsize_t src = k < 2 ? i : i % n;
            if (!isfinite(v) || (k == 0 && (v < 0 || v > 3.14159265358979323846)))
                rc = sky_fail(err, SKY_EFORMAT, "%s: dataset '%s', source %llu: %g: expected %s",
                              path, names[k], (unsigned long long)src, v,
                              k == 0 ? "a colatitude from 0 to pi" : "a finite value");
        }
    }
    if (rc) {
        for (int k = 0; k < 4; k++)
            free(col[k]);
        return rc;
    }
    if (stop < 0 || stop > (int64_t)n) /* the whole catalogue */
        stop = (int64_t)n;
    if (start < 0 || step < 1)
        start = 0, step = 1;
    const int64_t m = stop > start ? (stop - start + step - 1) / step : 0;
    out->n = m;
    out->ncoef = (int)dims[2][0];
    out->ncoef_pol = (int)dims[3][0];
    take(col[0], 1, (int64_t)n, start, stop, step, m);
    take(col[1], 1, (int64_t)n, start, stop, step, m);
    take(col[2], out->ncoef, (int64_t)n, start, stop, step, m);
    take(col[3], out->ncoef_pol, (int64_t)n, start, stop, step, m);
    out->theta = col[0];
    out->phi = col[1];
    out->coef = col[2];
    out->coef_pol = col[3];
    return SKY_OK;
}

/* Writes one double dataset with a byte-string units attribute. */
static int write_dataset(hid_t f, const char *name, int rank, const hsize_t *dims,
                         const double *v, const char *units)
{
    hid_t sp = H5Screate_simple(rank, dims, NULL);
    hid_t ds = H5Dcreate2(f, name, H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int ok = ds >= 0 && H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0;
    if (ok) {
        hid_t st = H5Tcopy(H5T_C_S1);
        H5Tset_size(st, strlen(units));
        H5Tset_strpad(st, H5T_STR_NULLPAD);
        hid_t as = H5Screate(H5S_SCALAR);
        hid_t a = H5Acreate2(ds, "units", st, as, H5P_DEFAULT, H5P_DEFAULT);
        ok = a >= 0 && H5Awrite(a, st, units) >= 0;
        if (a >= 0)
            H5Aclose(a);
        H5Sclose(as);
        H5Tclose(st);
    }
    if (ds >= 0)
        H5Dclose(ds);
    H5Sclose(sp);
    return ok;
}

int sky_catalog_write(const char *path, const sky_catalog *c, sky_error *err)
{
    quiet();
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0)
        return sky_fail(err, SKY_EIO, "%s: cannot create the HDF5 file", path);
    const hsize_t n1[1] = {(hsize_t)c->n};
    const hsize_t nf[2] = {(hsize_t)c->ncoef, (hsize_t)c->n};
    const hsize_t np[2] = {(hsize_t)c->ncoef_pol, (hsize_t)c->n};
    int ok = write_dataset(f, "theta", 1, n1, c->theta, "rad") &&
             write_dataset(f, "phi", 1, n1, c->phi, "rad") &&
             write_dataset(f, "logpolycoefflux", 2, nf, c->coef, "Jy") &&
             write_dataset(f, "logpolycoefpolflux", 2, np, c->coef_pol, "Jy");
    if (H5Fclose(f) < 0)
        ok = 0;
    if (!ok) {
        remove(path);
        return sky_fail(err, SKY_EIO, "%s: writing the HDF5 catalogue failed", path);
    }
    return SKY_OK;
}
