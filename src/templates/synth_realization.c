/*
 * synth_realization.c - d11's and s6's files of the synthetic templates:
 * alm, spectra and Galactic-plane maps (dust_gnilc/raw/, synch/raw/).
 */
#define _POSIX_C_SOURCE 200809L
#include "synth_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <complex.h>

#include "core/cmplx.h"
#include "io/fits_alm.h"
#include "io/fits_map.h"

#undef I /* complex.h's imaginary unit: "I" names intensity maps here */

/* ---------------------------------------------------------------------- */
/* d11 and s6: alm and spectra of the realisation models                   */

/* One alm spectrum: C_l = amp (l + 1)^-slope for lmin <= l, and the l = 0
 * coefficient set to give the field mean `mean`. */
typedef struct alm_spec {
    double mean, amp, slope;
    int lmin;
} alm_spec;

static double spec_cl(const alm_spec *s, int l)
{
    return l < s->lmin ? 0.0 : s->amp * pow(l + 1.0, -s->slope);
}

/* n seeded Gaussian alm blocks to lmax (healpy layout) for spectra spec[k]. */
static double complex *random_alm(const gen *g, const char *stream, int n, const alm_spec *spec,
                                  int lmax, sky_error *err)
{
    const int64_t nalm = (int64_t)(lmax + 1) * (lmax + 2) / 2;
    double complex *a = malloc((size_t)(n * nalm) * sizeof *a);
    if (!a) {
        sky_nomem(err, "random alm");
        return NULL;
    }
    rng r;
    synth_rng_init(&r, g->seed, stream);
    for (int k = 0; k < n; k++) {
        int64_t i = 0;
        for (int m = 0; m <= lmax; m++)
            for (int l = m; l <= lmax; l++, i++) {
                const double sigma = sqrt(spec_cl(&spec[k], l)) * (m ? 0.70710678118654752440 : 1);
                const double re = synth_rng_gauss(&r), im = m ? synth_rng_gauss(&r) : 0.0;
                a[k * nalm + i] = sigma * CMPLX(re, im);
            }
        a[k * nalm] += spec[k].mean * sqrt(4 * M_PI);
    }
    return a;
}

static int write_alm(gen *g, const char *name, int n, const alm_spec *spec, int lmax, int f32,
                     const char *unit, sky_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/%s", g->dir, g->subdir, name);
    double complex *a = random_alm(g, name, n, spec, lmax, err);
    if (!a)
        return SKY_ENOMEM;
    int rc = sky_fits_write_alm(path, n, a, lmax, f32, unit, g->overwrite, err);
    free(a);
    return synth_wrote(g, path, rc);
}

/* n spectra (healpy's "new" order) of power-law shapes to lmax. */
static int write_spectra(gen *g, const char *name, int n, const alm_spec *spec, int lmax,
                         const char *unit, sky_error *err)
{
    static const char *names[] = {"TT", "EE", "BB", "TE", "EB", "TB"};
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/%s", g->dir, g->subdir, name);
    const long nl = lmax + 1;
    double *cl = malloc((size_t)(n * nl) * sizeof *cl);
    if (!cl)
        return sky_nomem(err, "spectra");
    for (int k = 0; k < n; k++)
        for (int l = 0; l <= lmax; l++)
            cl[k * nl + l] = spec_cl(&spec[k], l);
    int rc = sky_fits_write_cl(path, n, names, cl, nl, unit, g->overwrite, err);
    free(cl);
    return synth_wrote(g, path, rc);
}

/* the weight of the fixed map: 0 on the plane, 1 above |b| ~ 6 deg */
static double fix_weight(const gen *g, int64_t p)
{
    return clamp((lat_sin(g, p) - 0.03) / 0.08, 0.0, 1.0);
}

/* I, Q, U (ctx: their values away from the plane) and the weight */
static void fill_fix(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    (void)q;
    const double *iqu = ctx, f = plane(g, p, 0.5, 0.05);
    for (int c = 0; c < 3; c++)
        v[c] = iqu[c] * f;
    v[3] = fix_weight(g, p);
}

static void fill_fix_beta_td(const gen *g, const void *ctx, int64_t p, int64_t q, double *v)
{
    (void)ctx, (void)q;
    const double sb = lat_sin(g, p);
    v[0] = 1.55 - 0.05 * sb;
    v[1] = 20.5 - 2.0 * sb;
}

static int imin(int a, int b)
{
    return a < b ? a : b;
}

/*
 * d11's and s6's files, at PySM's names whatever their lmax: large scales as
 * log-polarisation-tensor alm (i = ln I, mean ln 100 uK_RJ for dust and ln 40
 * for synchrotron at the reference, (q, u) ~ 0.1), beta and T alm around
 * PySM's values, modulation alm around 1, power-law small-scale spectra to
 * 8 nside (at most 16384), and Galactic-plane fix maps at this nside. The
 * alm go to lmax min(PySM's, 2 nside), so small sets stay small.
 */
int synth_realization_files(gen *g, sky_error *err)
{
    const int n2 = 2 * g->nside, lcl = imin(16384, 8 * g->nside);
    static const char *iquw[] = {"I_STOKES", "Q_STOKES", "U_STOKES", "WEIGHT"};
    static const char *uk4[] = {"uK_RJ", "uK_RJ", "uK_RJ", ""};
    static const char *bt[] = {"BETA", "TEMP"}, *bt_units[] = {"", "K"};
    const alm_spec mod = {1.0, 0.004, 3.0, 1};
    const alm_spec dust_ls[3] = {{log(100.0), 1.0, 2.4, 1}, {0, 0.01, 2.4, 2}, {0, 0.005, 2.4, 2}};
    const alm_spec synch_ls[3] = {{log(40.0), 0.8, 2.6, 1}, {0, 0.02, 2.6, 2}, {0, 0.01, 2.6, 2}};
    /* TT, EE, BB, TE (correlation 0.3), EB = TB = 0 */
    const alm_spec small[6] = {{0, 0.05, 2.0, 2}, {0, 0.002, 2.0, 2}, {0, 0.001, 2.0, 2},
                               {0, 0.3 * sqrt(0.05 * 0.002), 2.0, 2}, {0, 0, 0, 0}, {0, 0, 0, 0}};
    const alm_spec beta_ls = {1.53, 0.003, 2.5, 1}, td_ls = {19.5, 1.0, 2.5, 1};
    const alm_spec beta_ss = {0, 1e-4, 2.0, 2}, td_ss = {0, 0.05, 2.0, 2};
    const alm_spec pl_ls = {0.0, 0.004, 2.5, 1}, pl_ss = {0, 1e-4, 2.0, 2};
    static const double dust_fix[3] = {900.0, 25.0, -30.0}, synch_fix[3] = {60.0, 4.0, -3.0};
    int rc;
    if ((rc = synth_use_subdir(g, "dust_gnilc/raw", err)) ||
        (rc = write_alm(g, "gnilc_dust_temperature_modulation_alms_lmax768.fits.gz", 1, &mod,
                        imin(768, n2), 0, "", err)) ||
        (rc = write_alm(g, "gnilc_dust_polarization_modulation_alms_lmax768.fits.gz", 1, &mod,
                        imin(768, n2), 0, "", err)) ||
        (rc = write_alm(g, "gnilc_dust_largescale_template_logpoltens_alm_nside2048_lmax1024_"
                        "complex64.fits.gz", 3, dust_ls, imin(1024, n2), 1, "uK_RJ", err)) ||
        (rc = write_spectra(g, "gnilc_dust_small_scales_logpoltens_cl_lmax16384.fits.gz", 6,
                            small, lcl, "uK_RJ^2", err)) ||
        (rc = write_alm(g, "gnilc_dust_largescale_template_beta_alm_nside2048_lmax1024.fits.gz",
                        1, &beta_ls, imin(1024, n2), 0, "", err)) ||
        (rc = write_spectra(g, "gnilc_dust_small_scales_beta_cl_lmax16384_2023.06.06.fits.gz", 1,
                            &beta_ss, lcl, "", err)) ||
        (rc = write_alm(g, "gnilc_dust_largescale_template_Td_alm_nside2048_lmax1024.fits.gz", 1,
                        &td_ls, imin(1024, n2), 0, "K", err)) ||
        (rc = write_spectra(g, "gnilc_dust_small_scales_Td_cl_lmax16384_2023.06.06.fits.gz", 1,
                            &td_ss, lcl, "K^2", err)) ||
        (rc = synth_write_stream(g, "gnilc_dust_galplane.fits.gz", 4, iquw, uk4, fill_fix, dust_fix,
                           err)) ||
        (rc = synth_write_stream(g, "gnilc_dust_beta_Td_galplane.fits.gz", 2, bt, bt_units,
                           fill_fix_beta_td, NULL, err)))
        return rc;
    if ((rc = synth_use_subdir(g, "synch/raw", err)) ||
        (rc = write_alm(g, "synch_largescale_template_logpoltens_alm_lmax128_2023.02.24.fits.gz",
                        3, synch_ls, imin(128, n2), 0, "uK_RJ", err)) ||
        (rc = write_alm(g, "synch_temperature_modulation_alms_lmax64_2023.02.24.fits.gz", 1, &mod,
                        imin(64, n2), 0, "", err)) ||
        (rc = write_alm(g, "synch_polarization_modulation_alms_lmax64_2023.02.24.fits.gz", 1,
                        &mod, imin(64, n2), 0, "", err)) ||
        (rc = write_alm(g, "synch_amplitude_modulation_alms_lmax768.fits.gz", 1, &mod,
                        imin(768, n2), 0, "", err)) ||
        (rc = write_spectra(g, "synch_small_scales_cl_lmax16384_2023.02.24.fits.gz", 6, small,
                            lcl, "uK_RJ^2", err)) ||
        (rc = write_alm(g, "synch_largescale_beta_alm_nside512_lmax768.fits.gz", 1, &pl_ls,
                        imin(768, n2), 0, "", err)) ||
        (rc = write_spectra(g, "synch_small_scales_beta_cl_lmax16384.fits.gz", 1, &pl_ss, lcl,
                            "", err)) ||
        (rc = synth_write_stream(g, "synch_galplane.fits.gz", 4, iquw, uk4, fill_fix, synch_fix,
                           err)))
        return rc;
    return SKY_OK;
}

