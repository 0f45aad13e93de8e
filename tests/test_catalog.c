/*
 * test_catalog.c - rg2's PointSourceCatalog by hand (issue 20): a few
 * sources written with sky_catalog_write, evaluated at nside 1 and compared
 * with the formula worked out here: a source on a pixel centre, the flux
 * polynomial in ln nu, clipping at 0, the float32 accumulation of two
 * sources in one pixel in file order, the polarisation angle of numpy's
 * generator seeded 56567, catalog_slice; and the reader's one-line errors
 * for files not in PySM's layout.
 */
#define _POSIX_C_SOURCE 200809L
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/hdf5_catalog.h"
#include "model_fixture.h"
#include "random/numpy_rng.h"

#define PI 3.14159265358979323846
#define CAT "cat.h5"

/* Jy/sr -> uK_RJ at nu GHz: c^2 / (2 k nu^2), 1 Jy = 1e-26 W m^-2 Hz^-1 */
static double jysr_to_ukrj(double nu)
{
    const double c = 299792458.0, k = 1.380649e-23, f = nu * 1e9;
    return 1e-26 * c * c / (2 * k * f * f) * 1e6;
}

/* Sources: 0 on the centre of pixel 5 (theta = phi = pi/2 at nside 1) with
 * S = 0.01 x^2 - 0.3 x + 3 (x = ln nu) and polarised flux 0.1 Jy; 1 in
 * pixel 0 with S = 4 - x (negative above e^4 = 54.6 GHz), unpolarised; 2
 * and 3 in pixel 11 with 1000 Jy then 1e-5 Jy, polarised 0. */
static void write_catalogue(const char *dir)
{
    enum { N = 4 };
    double theta[N] = {PI / 2, 0.3, 2.9, 2.95}, phi[N] = {PI / 2, 0.5, 5.0, 5.1};
    double coef[3 * N] = {0.01, 0, 0, 0, -0.3, -1, 0, 0, 3, 4, 1000, 1e-5};
    double pol[N] = {0.1, 0, 0, 0};
    sky_catalog c = {N, 3, 1, theta, phi, coef, pol};
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, CAT);
    sky_error err = {0};
    CHECK(sky_catalog_write(path, &c, &err) == SKY_OK, "%s", err.msg);
}

static void test_by_hand(void)
{
    model_fixture fx;
    fixture_open(&fx, "PointSourceCatalog");
    write_catalogue(fx.dir);
    fixture_string(&fx, "catalog_filename", CAT);
    double m[3 * FIXTURE_NPIX];
    const double omega = 4 * PI / 12;
    sky_np_rng rng;
    sky_np_seed(&rng, 56567);
    const double psi0 = -PI / 2 + PI * sky_np_random(&rng);
    if (fixture_emission(&fx, 100.0, "uK_RJ", m) == 0) {
        const double x = log(100.0), f = jysr_to_ukrj(100.0);
        const double s = 0.01 * x * x - 0.3 * x + 3;
        CHECK_CLOSE(m[5], (float)(s / omega * f), 1e-6, "I on the source: %g", m[5]);
        CHECK_CLOSE(m[12 + 5], (float)(0.1 / omega * f * cos(2 * psi0)), 1e-6, "Q: %g",
                    m[12 + 5]);
        CHECK_CLOSE(m[24 + 5], (float)(0.1 / omega * f * sin(2 * psi0)), 1e-6, "U: %g",
                    m[24 + 5]);
        CHECK(m[0] == 0, "pixel 0: %g, expected 0 (the polynomial is negative at 100 GHz)",
              m[0]);
        /* float32 after each source, in file order: 1e-5 Jy is lost below
         * float32's precision of 1000 Jy's value */
        const float big = (float)(1000 / omega * f);
        const double want = (double)(float)((double)big + 1e-5 / omega * f);
        CHECK(m[11] == want && want == (double)big, "pixel 11: %.9g, expected %.9g", m[11],
              want);
        for (int p = 0; p < 12; p++)
            if (p != 5 && p != 11)
                CHECK(m[p] == 0 && m[12 + p] == 0 && m[24 + p] == 0, "pixel %d not empty", p);
    }
    if (fixture_emission(&fx, 10.0, "uK_RJ", m) == 0) {
        const double x = log(10.0);
        CHECK_CLOSE(m[0], (float)((4 - x) / omega * jysr_to_ukrj(10.0)), 1e-6,
                    "pixel 0 at 10 GHz: %g", m[0]);
    }
    fixture_close(&fx);

    /* catalog_slice [1, 3]: sources 1 and 2; source 1 takes the first angle */
    fixture_open(&fx, "PointSourceCatalog");
    write_catalogue(fx.dir);
    fixture_string(&fx, "catalog_filename", CAT);
    fixture_string(&fx, "catalog_slice", "[1, 3]");
    if (fixture_emission(&fx, 100.0, "uK_RJ", m) == 0) {
        CHECK(m[5] == 0, "sliced out source 0: %g", m[5]);
        CHECK(m[11] == (double)(float)(1000 / omega * jysr_to_ukrj(100.0)), "pixel 11: %g",
              m[11]);
    }
    fixture_close(&fx);
}

/* A file with datasets given by the caller, for the error tests. */
static void write_raw(const char *path, const char *skip, const char *bad_units, int wrong_rank,
                      int str_units)
{
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    static const char *names[4] = {"theta", "phi", "logpolycoefflux", "logpolycoefpolflux"};
    static const char *units[4] = {"rad", "rad", "Jy", "Jy"};
    const double v[6] = {1, 1, 1, 1, 1, 1};
    for (int k = 0; k < 4; k++) {
        if (skip && !strcmp(skip, names[k]))
            continue;
        hsize_t dims[2] = {k < 2 ? 3 : 2, 3};
        const int rank = k < 2 ? 1 : (wrong_rank && k == 2 ? 1 : 2);
        hid_t sp = H5Screate_simple(rank, dims, NULL);
        hid_t ds = H5Dcreate2(f, names[k], H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT,
                              H5P_DEFAULT);
        H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
        const char *u = bad_units && k == 1 ? bad_units : units[k];
        hid_t st = H5Tcopy(H5T_C_S1);
        H5Tset_size(st, str_units ? H5T_VARIABLE : strlen(u));
        hid_t as = H5Screate(H5S_SCALAR);
        hid_t a = H5Acreate2(ds, "units", st, as, H5P_DEFAULT, H5P_DEFAULT);
        H5Awrite(a, st, str_units ? (const void *)&u : (const void *)u);
        H5Aclose(a);
        H5Sclose(as);
        H5Tclose(st);
        H5Dclose(ds);
        H5Sclose(sp);
    }
    H5Fclose(f);
}

static void expect_error(const char *path, const char *want)
{
    sky_catalog c;
    sky_error err = {0};
    const int rc = sky_catalog_read(path, 0, -1, 1, &c, &err);
    CHECK(rc == SKY_EFORMAT && !strcmp(err.msg, want), "%s:\n  got  %s\n  want %s", path,
          err.msg, want);
    if (rc == SKY_OK)
        sky_catalog_free(&c);
}

static void test_errors(void)
{
    char dir[] = "/tmp/sky_catalog_XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    char p[256], want[1024];
    const char *layout = "PySM's point-source catalogue (HDF5 datasets theta, phi, "
                         "logpolycoefflux, logpolycoefpolflux)";
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);

    snprintf(p, sizeof p, "%s/ok.h5", dir); /* variable-length string units are read too */
    write_raw(p, NULL, NULL, 0, 1);
    sky_catalog c;
    sky_error err = {0};
    CHECK(sky_catalog_read(p, 0, -1, 1, &c, &err) == SKY_OK && c.n == 3 && c.ncoef == 2,
          "string units: %s", err.msg);
    if (c.n == 3)
        sky_catalog_free(&c);

    snprintf(p, sizeof p, "%s/nophi.h5", dir);
    write_raw(p, "phi", NULL, 0, 0);
    snprintf(want, sizeof want, "%s: no dataset 'phi': expected %s", p, layout);
    expect_error(p, want);

    snprintf(p, sizeof p, "%s/deg.h5", dir);
    write_raw(p, NULL, "deg", 0, 0);
    snprintf(want, sizeof want, "%s: dataset 'phi' has units \"deg\": expected \"rad\"", p);
    expect_error(p, want);

    snprintf(p, sizeof p, "%s/rank.h5", dir);
    write_raw(p, NULL, NULL, 1, 0);
    snprintf(want, sizeof want, "%s: dataset 'logpolycoefflux' has 1 dimension: expected 2 "
             "(n_coeff, N sources)", p);
    expect_error(p, want);

    snprintf(p, sizeof p, "%s/text.h5", dir);
    FILE *f = fopen(p, "w");
    if (f) {
        fputs("not hdf5\n", f);
        fclose(f);
    }
    snprintf(want, sizeof want, "%s: not an HDF5 file (or a corrupt one): expected %s", p,
             layout);
    expect_error(p, want);

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0, "%s", cmd);
}

int main(void)
{
    (void)fixture_map; /* the fixture's helpers this test does not need */
    (void)fixture_number;
    (void)fixture_bool;
    test_by_hand();
    test_errors();
    return check_report("test_catalog");
}
