/*
 * cmb_dipole.c - the CMB dipole seen by an observer moving through the CMB
 * rest frame (PySM class CMBDipole, presets dip1 and dip2). No templates.
 *
 * With cos(theta) the cosine between a pixel and the dipole direction
 * (dip_lon, dip_lat, Galactic), delta = amp / T_cmb, the velocity
 * beta = delta (delta + 2) / (delta^2 + 2 delta + 2) and gamma = 1/sqrt(1 - beta^2):
 * - dip1: the relativistic Doppler shift of the temperature,
 *   dT = T_cmb / (gamma (1 - beta cos(theta))) - T_cmb, the same at every
 *   frequency in K_CMB;
 * - dip2 (quadrupole_correction): PySM's first-order expansion with the
 *   frequency-dependent kinematic quadrupole, dT = T_cmb (b + f(x) b^2),
 *   b = beta cos(theta), f = x/2 (e^x + 1)/(e^x - 1), x = h nu / (k T_cmb);
 *   its b term has no gamma, so dip2 is not dip1 plus a quadrupole.
 * Each sample is turned from K_CMB into uK_RJ at its frequency (the unit
 * conversion's T_CMB 2.7255 K, while the dipole uses T_cmb = 2.72548 K, as
 * PySM) and the samples are integrated over the band (trapezoid, with the
 * RJ-normalised weights).
 *
 * The dipole is intensity only. PySM returns a one-row map, which numpy
 * adds to I, Q and U of the components before it and which fails when the
 * dipole comes first; here Q = U = 0 and it adds to I in any position
 * (docs/models.md).
 */
#include <math.h>

#include "core/constants.h"
#include "core/error.h"
#include "model.h"
#include "spectra/units.h"

struct cmb_dipole {
    int nside;
    double dir[3]; /* unit vector towards (dip_lon, dip_lat) */
    double t_cmb;  /* K_CMB */
    double beta, gamma;
    int quadrupole;
};

/* The value of quantity `key` (already checked by the parameter list). */
static double quantity(const sky_params *ps, const char *key, const char *unit)
{
    const sky_param *p = sky_params_peek(ps, key);
    double v = 0;
    if (p && p->kind == SKY_PARAM_STRING)
        sky_parse_quantity(p->str, unit, &v);
    return v;
}

/* *bad for the value of `key` (the check's message is in err) */
static int refused(const sky_params *ps, const char *key, int *bad)
{
    const sky_param *p = sky_params_peek(ps, key);
    *bad = p ? (int)(p - ps->p) : -1;
    return SKY_EINVAL;
}

static int dipole_check(const sky_params *ps, int *bad, sky_error *err)
{
    const double amp = quantity(ps, "amp", "K_CMB"), t = quantity(ps, "T_cmb", "K_CMB");
    const double lat = quantity(ps, "dip_lat", "deg");
    if (!(t > 0)) {
        sky_fail(err, SKY_EINVAL, "T_cmb = %g K_CMB: expected a positive temperature", t);
        return refused(ps, "T_cmb", bad);
    }
    if (!(fabs(lat) <= 90)) {
        sky_fail(err, SKY_EINVAL, "dip_lat = %g deg: expected a latitude from -90 to 90 deg",
                 lat);
        return refused(ps, "dip_lat", bad);
    }
    if (!(amp > -t)) {
        sky_fail(err, SKY_EINVAL, "amp = %g K_CMB: expected more than -T_cmb (a speed below "
                 "that of light)", amp);
        return refused(ps, "amp", bad);
    }
    return SKY_OK;
}

static int dipole_init(void *state, sky_params *ps, sky_loader *ld, sky_error *err)
{
    struct cmb_dipole *d = state;
    double amp, lon, lat;
    int bad, rc;
    if ((rc = dipole_check(ps, &bad, err))) /* sky_create checked it: for direct callers */
        return sky_prefix(err, rc, "component %s: ", ps->owner);
    if ((rc = sky_params_quantity(ps, "amp", 1, "K_CMB", &amp, err)) ||
        (rc = sky_params_quantity(ps, "T_cmb", 1, "K_CMB", &d->t_cmb, err)) ||
        (rc = sky_params_quantity(ps, "dip_lon", 1, "deg", &lon, err)) ||
        (rc = sky_params_quantity(ps, "dip_lat", 1, "deg", &lat, err)) ||
        (rc = sky_params_bool(ps, "quadrupole_correction", 0, &d->quadrupole, err)))
        return rc;
    const double delta = amp / d->t_cmb;
    d->beta = delta * (delta + 2) / (delta * delta + 2 * delta + 2);
    d->gamma = 1 / sqrt(1 - d->beta * d->beta);
    /* healpy's ang2vec(lon, lat, lonlat=True) */
    const double deg = 0.017453292519943295769, theta = (90 - lat) * deg, phi = lon * deg;
    d->dir[0] = sin(theta) * cos(phi);
    d->dir[1] = sin(theta) * sin(phi);
    d->dir[2] = cos(theta);
    d->nside = sky_loader_nside(ld);
    return SKY_OK;
}

/* Band data: a = sum_i c_i k_i and b = sum_i c_i k_i f(x_i), with c_i the
 * band's integration coefficients and k_i the K_CMB -> uK_RJ factor at nu_i. */
static int dipole_band_data_len(const void *state, const sky_bandq *band)
{
    (void)state;
    (void)band;
    return 2;
}

static int dipole_prepare(const void *state, const sky_bandq *band, sky_np_rng *rng,
                          double *bdata, sky_error *err)
{
    (void)rng;
    const struct cmb_dipole *d = state;
    double a = 0, b = 0;
    for (int i = 0; i < band->n; i++) {
        double k;
        const int rc = sky_unit_convert("K_CMB", "uK_RJ", band->freq[i], &k, "the dipole", err);
        if (rc)
            return rc;
        const double x = SKY_H_PLANCK * band->freq[i] * SKY_GHZ / (SKY_K_BOLTZMANN * d->t_cmb);
        const double f = x / 2 / tanh(x / 2); /* x/2 (e^x + 1)/(e^x - 1), finite at large x */
        a += band->coef[i] * k;
        b += band->coef[i] * k * f;
    }
    bdata[0] = a;
    bdata[1] = b;
    return SKY_OK;
}

static void dipole_emission(const void *state, const sky_bandq *band, const double *bdata,
                            int64_t first, int64_t count, double *out_i, double *out_q,
                            double *out_u)
{
    (void)band;
    const struct cmb_dipole *d = state;
    const double t = d->t_cmb, a = bdata[0], b = bdata[1];
    for (int64_t k = 0; k < count; k++) {
        double v[3];
        sky_hpx_pix2vec_ring(d->nside, first + k, v);
        const double c = d->dir[0] * v[0] + d->dir[1] * v[1] + d->dir[2] * v[2];
        const double bt = d->beta * c;
        out_i[k] = d->quadrupole ? t * (a * bt + b * bt * bt)
                                 : (t / (d->gamma * (1 - bt)) - t) * a;
        out_q[k] = 0;
        out_u[k] = 0;
    }
}

static const sky_param_spec dipole_params[] = {
    {"amp", SKY_WANT_QUANTITY, 1, NULL, "K_CMB"},
    {"T_cmb", SKY_WANT_QUANTITY, 1, NULL, "K_CMB"},
    {"dip_lon", SKY_WANT_QUANTITY, 1, NULL, "deg"},
    {"dip_lat", SKY_WANT_QUANTITY, 1, NULL, "deg"},
    SKY_SPEC_BOOL("quadrupole_correction"),
    SKY_SPEC_END,
};

const sky_model_type sky_model_cmb_dipole = {
    .name = "CMBDipole",
    .summary = "the CMB dipole (relativistic Doppler, or PySM's first order with the "
               "kinematic quadrupole), intensity only, no templates",
    .params = dipole_params,
    .state_size = sizeof(struct cmb_dipole),
    .init = dipole_init,
    .band_data_len = dipole_band_data_len,
    .prepare = dipole_prepare,
    .emission = dipole_emission,
    .check = dipole_check,
};
