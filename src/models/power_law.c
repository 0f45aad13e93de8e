/*
 * power_law.c - power laws in Rayleigh-Jeans temperature: synchrotron and
 * free-free (PySM classes PowerLaw, presets s0-s2 and f1; CurvedPowerLaw, s3).
 *
 *   PowerLaw:       A(nu) = A(nu0) (nu/nu0)^beta
 *   CurvedPowerLaw: A(nu) = A(nu0) (nu/nu0)^(beta + C),
 *                   C = ln((nu/nu_c)^curvature)  (PySM's exact form)
 *
 * I scales from freq_ref_I, Q and U from freq_ref_P; beta (map_pl_index) and
 * the curvature (spectral_curvature) are constants or maps. With
 * has_polarization = false only I is computed (Q = U = 0).
 */
#include <math.h>

#include "core/error.h"
#include "model.h"

struct power_law {
    const sky_hmap *i, *q, *u; /* uK_RJ */
    sky_field beta;
    double freq_ref_i, freq_ref_p; /* GHz */
    int curved;
    sky_field curvature;
    double freq_curve; /* GHz */
};

static int load_templates(struct power_law *m, sky_params *ps, sky_loader *ld, sky_error *err)
{
    const char *map_i = NULL, *map_q = NULL, *map_u = NULL;
    const char *unit_i = NULL, *unit_q = NULL, *unit_u = NULL;
    int pol = 1, rc;
    if ((rc = sky_params_string(ps, "map_I", 1, &map_i, err)) ||
        (rc = sky_params_string(ps, "map_Q", 0, &map_q, err)) ||
        (rc = sky_params_string(ps, "map_U", 0, &map_u, err)) ||
        (rc = sky_params_string(ps, "unit_I", 0, &unit_i, err)) ||
        (rc = sky_params_string(ps, "unit_Q", 0, &unit_q, err)) ||
        (rc = sky_params_string(ps, "unit_U", 0, &unit_u, err)) ||
        (rc = sky_params_bool(ps, "has_polarization", 0, &pol, err)) ||
        (rc = sky_params_freq(ps, "freq_ref_I", 1, &m->freq_ref_i, err)) ||
        (rc = sky_params_freq(ps, "freq_ref_P", pol, &m->freq_ref_p, err)))
        return rc;
    if (pol && map_q && !map_u)
        return sky_fail(err, SKY_EINVAL, "component %s: map_Q given without map_U", ps->owner);
    const int f0 = 0;
    if (pol && !map_q) {
        const int f[3] = {0, 1, 2};
        const sky_hmap *iqu[3];
        if ((rc = sky_load_maps(ld, map_i, 3, f, unit_i, "uK_RJ", iqu, err)))
            return rc;
        m->i = iqu[0];
        m->q = iqu[1];
        m->u = iqu[2];
    } else {
        if ((rc = sky_load_maps(ld, map_i, 1, &f0, unit_i, "uK_RJ", &m->i, err)))
            return rc;
        if (pol && ((rc = sky_load_maps(ld, map_q, 1, &f0, unit_q, "uK_RJ", &m->q, err)) ||
                    (rc = sky_load_maps(ld, map_u, 1, &f0, unit_u, "uK_RJ", &m->u, err))))
            return rc;
    }
    return sky_load_field(ld, ps, "map_pl_index", "", "", &m->beta, err);
}

static int power_law_init(void *state, sky_params *ps, sky_loader *ld, sky_error *err)
{
    return load_templates(state, ps, ld, err);
}

static int curved_init(void *state, sky_params *ps, sky_loader *ld, sky_error *err)
{
    struct power_law *m = state;
    int rc = load_templates(m, ps, ld, err);
    if (rc)
        return rc;
    m->curved = 1;
    if ((rc = sky_load_field(ld, ps, "spectral_curvature", "", "", &m->curvature, err)))
        return rc;
    return sky_params_freq(ps, "freq_curve", 1, &m->freq_curve, err);
}

/* Powers as exp(index * ln ratio), a few ulp from PySM's pow(); the Q/U
 * scaling is the I scaling times (nu_I/nu_P)^index, per pixel for a plain
 * power law. */
static void power_law_emission(const void *state, const sky_bandq *band, int64_t first,
                               int64_t count, double *out_i, double *out_q, double *out_u)
{
    const struct power_law *m = state;
    const double ln_ref_i = log(m->freq_ref_i), ln_ref_p = m->q ? log(m->freq_ref_p) : 0.0;
    const double ln_curve = m->curved ? log(m->freq_curve) : 0.0;
    for (int64_t k = 0; k < count; k++) {
        const int64_t p = first + k;
        const double beta = sky_field_at(&m->beta, p);
        const double curv = m->curved ? sky_field_at(&m->curvature, p) : 0.0;
        const double i0 = sky_hmap_at(m->i, p);
        const double q0 = m->q ? sky_hmap_at(m->q, p) : 0.0;
        const double u0 = m->u ? sky_hmap_at(m->u, p) : 0.0;
        const double p_over_i = m->q && !m->curved ? exp(beta * (ln_ref_i - ln_ref_p)) : 0.0;
        double si = 0, sq = 0, su = 0;
        for (int n = 0; n < band->n; n++) {
            const double lnf = band->ln_freq[n], c = band->coef[n];
            if (!m->curved) {
                const double s = exp(beta * (lnf - ln_ref_i));
                si += i0 * s * c;
                if (m->q) {
                    sq += q0 * (s * p_over_i) * c;
                    su += u0 * (s * p_over_i) * c;
                }
                continue;
            }
            const double index = beta + curv * (lnf - ln_curve);
            si += i0 * exp(index * (lnf - ln_ref_i)) * c;
            if (m->q) {
                const double sp = exp(index * (lnf - ln_ref_p));
                sq += q0 * sp * c;
                su += u0 * sp * c;
            }
        }
        out_i[k] = si;
        out_q[k] = sq;
        out_u[k] = su;
    }
}

const sky_model_type sky_model_power_law = {
    "PowerLaw",
    "power law in K_RJ: templates scaled by (nu/nu0)^beta (synchrotron, free-free)",
    sizeof(struct power_law),
    power_law_init,
    NULL,
    power_law_emission,
    NULL,
};

const sky_model_type sky_model_curved_power_law = {
    "CurvedPowerLaw",
    "power law with curvature: (nu/nu0)^(beta + ln((nu/nu_c)^C))",
    sizeof(struct power_law),
    curved_init,
    NULL,
    power_law_emission,
    NULL,
};
