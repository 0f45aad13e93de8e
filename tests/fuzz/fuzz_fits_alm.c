/*
 * fuzz_fits_alm.c - spherical-harmonic coefficients and power spectra in FITS
 * (io/fits_alm.c), as the realisation models read their large scales (one
 * or three extensions) and their spectra.
 */
#include "fuzz.h"

#include "io/fits_alm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sky_error err = {0};
    const char *path = fuzz_file("alm.fits", data, size);
    char unit[64];
    for (int nhdu = 1; nhdu <= 3; nhdu += 2) {
        double complex *alm = NULL;
        int lmax = -1;
        int rc = sky_fits_read_alm(path, nhdu, &alm, &lmax, unit, &err);
        fuzz_check(rc, &err);
        if (!rc) {
            volatile double s = 0;
            const int64_t n = (int64_t)nhdu * (lmax + 1) * (lmax + 2) / 2;
            for (int64_t i = 0; i < n; i++)
                s += creal(alm[i]) + cimag(alm[i]);
            (void)s;
            free(alm);
        }
    }
    double *cl = NULL;
    int ncols = 0;
    long nl = 0;
    int rc = sky_fits_read_cl(path, &cl, &ncols, &nl, unit, &err);
    fuzz_check(rc, &err);
    if (!rc) {
        volatile double s = 0;
        for (long i = 0; i < ncols * nl; i++)
            s += cl[i];
        (void)s;
        free(cl);
    }
    return 0;
}
