/*
 * mbb_layers.c - dust as a sum of modified black bodies, one per layer
 * along the line of sight (PySM class ModifiedBlackBodyLayers; preset d12,
 * the MKD 3D dust model of Martinez-Solaeche, Karakci & Delabrouille 2018).
 *
 * Layer l (1-based, "{layer}" in the paths) has I, Q, U at freq_ref in
 * unit_layers (MJy/sr for d12) times color_correction, converted to uK_RJ at
 * freq_ref, and its own beta and T maps; each scales as a modified black
 * body, I and P alike:
 *   A_l(nu) = A_l(nu0) (nu/nu0)^(beta_l - 2) B_nu(T_l) / B_nu0(T_l).
 * As PySM, layers are read into double, scaled by the colour correction then
 * by the unit factor; here those two products are taken per pixel when
 * emitted, with the same roundings, instead of holding float64 copies.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/error.h"
#include "mbb.h"
#include "spectra/units.h"

enum { MAX_LAYERS = 64 };

typedef struct layers {
    int n;
    const sky_hmap *iqu[MAX_LAYERS][3];
    sky_field beta[MAX_LAYERS], temp[MAX_LAYERS]; /* maps, or constants as PySM allows */
    double freq_ref, cc, to_uk; /* GHz, colour correction, unit_layers -> uK_RJ at freq_ref */
} layers;

/* path with "{layer}" replaced by l */
static int layer_path(const char *pattern, int l, char *out, size_t n)
{
    const char *at = strstr(pattern, "{layer}");
    if (!at)
        return snprintf(out, n, "%s", pattern) < (int)n ? 0 : -1;
    return snprintf(out, n, "%.*s%d%s", (int)(at - pattern), pattern, l, at + 7) < (int)n ? 0
                                                                                          : -1;
}

static int layers_init(void *state, sky_params *ps, sky_loader *ld, sky_error *err)
{
    layers *m = state;
    const char *maps = NULL, *unit = NULL, *unit_t = NULL;
    double n = 1;
    int rc;
    m->cc = 1;
    if ((rc = sky_params_string(ps, "map_layers", 1, &maps, err)) ||
        (rc = sky_params_freq(ps, "freq_ref", 1, &m->freq_ref, err)) ||
        (rc = sky_params_number(ps, "num_layers", 0, &n, err)) ||
        (rc = sky_params_number(ps, "color_correction", 0, &m->cc, err)) ||
        (rc = sky_params_string(ps, "unit_layers", 0, &unit, err)) ||
        (rc = sky_params_string(ps, "unit_mbb_temperature", 0, &unit_t, err)))
        return rc;
    if (!(n >= 1 && n <= MAX_LAYERS && n == floor(n)))
        return sky_fail(err, SKY_EINVAL, "component %s: num_layers = %g: expected an integer "
                        "from 1 to %d", ps->owner, n, MAX_LAYERS);
    m->n = (int)n;
    char path[1024];
    static const int iqu[3] = {0, 1, 2};
    for (int l = 1; l <= m->n; l++) {
        if (layer_path(maps, l, path, sizeof path) ||
            (rc = sky_load_maps(ld, path, 3, iqu, unit, NULL, m->iqu[l - 1], err)))
            return rc ? rc : sky_fail(err, SKY_EINVAL, "component %s: path too long", ps->owner);
        if ((rc = sky_load_field_layer(ld, ps, "map_mbb_index", l, "", "", &m->beta[l - 1],
                                       err)) ||
            (rc = sky_load_field_layer(ld, ps, "map_mbb_temperature", l, unit_t, "K",
                                       &m->temp[l - 1], err)))
            return rc;
    }
    /* the layers' unit, to uK_RJ at freq_ref (astropy's cmb_equivalencies) */
    sky_unit from, uk = {SKY_UNIT_K_RJ, 1e-6};
    if ((rc = sky_unit_parse(unit ? unit : "MJy/sr", &from, err)))
        return sky_prefix(err, rc, "component %s: unit_layers: ", ps->owner);
    m->to_uk = sky_unit_to_jysr(&from, m->freq_ref) / sky_unit_to_jysr(&uk, m->freq_ref);
    return SKY_OK;
}

static void layers_emission(const void *state, const sky_bandq *band, const double *bdata,
                            int64_t first, int64_t count, double *out_i, double *out_q,
                            double *out_u)
{
    (void)bdata;
    const layers *m = state;
    const double nu0 = m->freq_ref;
    for (int64_t k = 0; k < count; k++) {
        const int64_t p = first + k;
        double o[3] = {0, 0, 0};
        for (int j = 0; j < band->n; j++) {
            const double f = band->freq[j], c = band->coef[j];
            for (int l = 0; l < m->n; l++) {
                const double beta = sky_field_at(&m->beta[l], p);
                const double t = sky_field_at(&m->temp[l], p);
                const double s = pow(f / nu0, beta - 2.0) * (sky_planck(f, t) / sky_planck(nu0, t));
                for (int s3 = 0; s3 < 3; s3++) {
                    const double a = sky_hmap_at(m->iqu[l][s3], p) * m->cc * m->to_uk;
                    o[s3] += a * s * c;
                }
            }
        }
        out_i[k] = o[0];
        out_q[k] = o[1];
        out_u[k] = o[2];
    }
}

static const sky_param_spec sky_params_mbb_layers[] = {
    SKY_SPEC_PATH("map_layers", 1), SKY_SPEC_FREQ("freq_ref", 1), SKY_SPEC_MBB_FIELDS,
    SKY_SPEC_NUMBER("num_layers", 0), SKY_SPEC_NUMBER("color_correction", 0), SKY_SPEC_UNIT("unit_layers"),
    SKY_SPEC_END,
};

const sky_model_type sky_model_mbb_layers = {
    .name = "ModifiedBlackBodyLayers",
    .summary = "dust as modified black bodies in layers along the line of sight (MKD 3D dust), "
        "each with its IQU, beta and T maps",
    .params = sky_params_mbb_layers,
    .state_size = sizeof(layers),
    .init = layers_init,
    .emission = layers_emission,
};
