/*
 * simple_sz.c - thermal or kinetic Sunyaev-Zel'dovich emission from one map
 * (PySM class SimpleSZ, presets tsz1-tsz4 and ksz1-ksz3).
 *
 * The map (template_name, column 1) is read as uK_CMB whatever its header
 * says, as PySM does: thermal maps hold the Compton parameter y, kinetic ones
 * a temperature in uK_CMB. Per frequency the signal in uK_CMB is
 * - thermal: y * 1e6 T (x (e^x + 1)/(e^x - 1) - 4), x = h nu / (k T), with
 *   PySM's own cgs constants h = 6.62607004e-27, k = 1.380622e-16 (not
 *   CODATA's 1.380649e-16) and T = 2.725 K;
 * - kinetic: the map itself;
 * converted to uK_RJ at that frequency and integrated over the band with the
 * RJ-normalised weights (trapezoid). The frequency dependence is a scalar
 * per band, computed once; a pixel is its map value times it. I only.
 */
#include <math.h>
#include <string.h>

#include "core/error.h"
#include "model.h"
#include "spectra/units.h"

struct simple_sz {
    const sky_hmap *map;
    int thermal;
};

/* PySM's y2uK_CMB: the thermal SZ spectrum in uK_CMB per unit y (nu in GHz);
 * x / tanh(x / 2) is x (e^x + 1)/(e^x - 1) without overflow at large x. */
static double y_to_uk_cmb(double nu)
{
    const double h = 6.62607004e-27, k = 1.380622e-16, t = 2.725;
    const double x = h * nu * 1e9 / k / t;
    return 1e6 * t * (x / tanh(x / 2) - 4);
}

/* PySM takes any other word for kinetic; a misspelt "thermal" would silently
 * give the kinetic effect, so only the two names are taken */
static int sz_check(const sky_params *ps, int *bad, sky_error *err)
{
    const sky_param *t = sky_params_peek(ps, "sz_type");
    if (t && t->kind == SKY_PARAM_STRING && strcmp(t->str, "thermal") && strcmp(t->str, "kinetic")) {
        *bad = (int)(t - ps->p);
        return sky_fail(err, SKY_EINVAL, "sz_type = \"%s\": expected \"thermal\" or "
                        "\"kinetic\"", t->str);
    }
    return SKY_OK;
}

static int sz_init(void *state, sky_params *ps, sky_loader *ld, sky_error *err)
{
    struct simple_sz *m = state;
    const char *path = NULL, *type = NULL;
    int rc;
    if ((rc = sky_params_string(ps, "template_name", 1, &path, err)) ||
        (rc = sky_params_string(ps, "sz_type", 1, &type, err)))
        return rc;
    int bad;
    if ((rc = sz_check(ps, &bad, err)))
        return sky_prefix(err, rc, "component %s: ", ps->owner);
    m->thermal = !strcmp(type, "thermal");
    const int f0 = 0;
    return sky_load_maps(ld, path, 1, &f0, "uK_CMB", "uK_CMB", &m->map, err);
}

static int sz_band_data_len(const void *state, const sky_bandq *band)
{
    (void)state;
    (void)band;
    return 1;
}

/* bdata[0] = sum_i c_i k_i s(nu_i): c_i the band coefficients, k_i uK_CMB ->
 * uK_RJ at nu_i, s the thermal spectrum or 1 */
static int sz_prepare(const void *state, const sky_bandq *band, sky_np_rng *rng, double *bdata,
                      sky_error *err)
{
    (void)rng;
    const struct simple_sz *m = state;
    double a = 0;
    for (int i = 0; i < band->n; i++) {
        double k;
        const int rc = sky_unit_convert("uK_CMB", "uK_RJ", band->freq[i], &k, "the SZ map", err);
        if (rc)
            return rc;
        a += band->coef[i] * k * (m->thermal ? y_to_uk_cmb(band->freq[i]) : 1.0);
    }
    bdata[0] = a;
    return SKY_OK;
}

static void sz_emission(const void *state, const sky_bandq *band, const double *bdata,
                        int64_t first, int64_t count, double *out_i, double *out_q,
                        double *out_u)
{
    (void)band;
    const struct simple_sz *m = state;
    sky_hmap_load(m->map, first, count, out_i);
    for (int64_t k = 0; k < count; k++) {
        out_i[k] *= bdata[0];
        out_q[k] = 0;
        out_u[k] = 0;
    }
}

static const sky_param_spec sz_params[] = {
    SKY_SPEC_PATH("template_name", 1),
    SKY_SPEC("sz_type", SKY_WANT_STRING, 1),
    SKY_SPEC_END,
};

const sky_model_type sky_model_simple_sz = {
    .name = "SimpleSZ",
    .summary = "thermal (a Compton-y map) or kinetic SZ from one map read as uK_CMB, "
               "intensity only",
    .params = sz_params,
    .state_size = sizeof(struct simple_sz),
    .init = sz_init,
    .band_data_len = sz_band_data_len,
    .prepare = sz_prepare,
    .emission = sz_emission,
    .check = sz_check,
};
