/*
 * synth_catalog.c - rg2's point-source catalogue for the synthetic
 * templates: websky/0.4/radio_catalog/websky_high_flux_catalog_1mJy_2025.09.09.h5
 * in PySM's HDF5 layout (io/hdf5_catalog.h).
 *
 * Sources uniform on the sphere; a flux at 100 GHz above 1 mJy with radio
 * counts dN/dS ~ S^-2.5 (cut at 10 Jy); a spectrum S0 exp(a t), t = ln(nu /
 * 100 GHz), a ~ N(-0.5, 0.3), turned into PySM's polynomial in ln nu as its
 * 4th-order Taylor expansion in t (so that, as in the real file, the
 * polynomial goes negative far from 100 GHz for some sources and PySM's
 * clipping at 0 acts); a polarised flux 1-5 % of it, the same shape.
 * SYNTH_CATALOG_SMALL sources by default, the real catalogue's ~370k with
 * --real-nside.
 */
#define _POSIX_C_SOURCE 200809L
#include "synth_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/hdf5_catalog.h"

enum { SYNTH_CATALOG_SMALL = 3000, SYNTH_CATALOG_REAL = 370000, NCOEF = 5 };

#define CATALOG_PATH "websky/0.4/radio_catalog/websky_high_flux_catalog_1mJy_2025.09.09.h5"

/* Coefficients (highest power of x = ln nu first) of sum_k a_k (x - x0)^k. */
static void expand(const double *a, double x0, double *c)
{
    double b[NCOEF] = {0}; /* b[j]: coefficient of x^j */
    for (int k = 0; k < NCOEF; k++) {
        double binom = 1; /* C(k, j) (-x0)^(k-j), j from k down */
        for (int j = k; j >= 0; j--) {
            b[j] += a[k] * binom;
            binom *= (double)j / (double)(k - j + 1) * -x0;
        }
    }
    for (int j = 0; j < NCOEF; j++)
        c[j] = b[NCOEF - 1 - j];
}

int synth_catalog_file(gen *g, int real, sky_error *err)
{
    const int64_t n = real ? SYNTH_CATALOG_REAL : SYNTH_CATALOG_SMALL;
    char path[4096], tmp[4200], dir[4096];
    snprintf(path, sizeof path, "%s/%s", g->dir, CATALOG_PATH);
    if (g->list) {
        char line[512];
        snprintf(line, sizeof line, "%s %lld", CATALOG_PATH, (long long)n);
        if (g->log)
            g->log(g->log_ctx, line);
        return SKY_OK;
    }
    struct stat st;
    if (!g->overwrite && stat(path, &st) == 0)
        return sky_fail(err, SKY_EINVAL, "%s: file exists: use --force to overwrite it", path);
    snprintf(dir, sizeof dir, "%s", path);
    *strrchr(dir, '/') = '\0';
    int rc = synth_mkdir_p(dir, err);
    if (rc)
        return rc;
    sky_catalog c = {n, NCOEF, NCOEF, NULL, NULL, NULL, NULL};
    c.theta = malloc((size_t)n * sizeof *c.theta);
    c.phi = malloc((size_t)n * sizeof *c.phi);
    c.coef = malloc((size_t)n * NCOEF * sizeof *c.coef);
    c.coef_pol = malloc((size_t)n * NCOEF * sizeof *c.coef_pol);
    if (!c.theta || !c.phi || !c.coef || !c.coef_pol) {
        sky_catalog_free(&c);
        return sky_nomem(err, "the synthetic catalogue");
    }
    rng r;
    synth_rng_init(&r, g->seed, "rg2_catalog");
    const double x0 = log(100.0), smin = 1e-3, smax = 10.0;
    for (int64_t s = 0; s < n; s++) {
        c.theta[s] = acos(synth_rng_uniform(&r));
        c.phi[s] = M_PI * (1.0 + synth_rng_uniform(&r));
        /* inverse transform of S^-2.5 on [smin, smax] */
        const double u = 0.5 * (1.0 + synth_rng_uniform(&r));
        const double s0 = pow(pow(smin, -1.5) - u * (pow(smin, -1.5) - pow(smax, -1.5)), -1.0 / 1.5);
        const double alpha = -0.5 + 0.3 * synth_rng_gauss(&r);
        const double pfrac = 0.03 + 0.02 * synth_rng_uniform(&r);
        double a[NCOEF], cf[NCOEF];
        double term = s0;
        for (int k = 0; k < NCOEF; k++) { /* S0 alpha^k / k! */
            a[k] = term;
            term *= alpha / (k + 1);
        }
        expand(a, x0, cf);
        for (int k = 0; k < NCOEF; k++) {
            c.coef[(int64_t)k * n + s] = cf[k];
            c.coef_pol[(int64_t)k * n + s] = pfrac * cf[k];
        }
    }
    /* a temporary name of this process, created with the usual permissions */
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    rc = sky_catalog_write(tmp, &c, err);
    sky_catalog_free(&c);
    if (!rc && rename(tmp, path) != 0)
        rc = sky_fail(err, SKY_EIO, "%s: write failed: %s", path, strerror(errno));
    if (rc)
        unlink(tmp);
    return synth_wrote(g, path, rc);
}
