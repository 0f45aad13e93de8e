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
    sky_iqu_templates t; /* uK_RJ; q = u = NULL when unpolarised */
    sky_field beta;
    int curved;
    sky_field curvature;
    double freq_curve; /* GHz */
};

static int load_templates(struct power_law *m, sky_params *ps, sky_loader *ld, sky_error *err)
{
    int rc = sky_load_iqu_templates(ld, ps, &m->t, err);
    if (rc)
        return rc;
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
static void power_law_emission(const void *state, const sky_bandq *band, const double *bdata,
                               int64_t first, int64_t count, double *out_i, double *out_q,
                               double *out_u)
{
    (void)bdata;
    const struct power_law *m = state;
    const double ln_ref_i = log(m->t.freq_ref_i), ln_ref_p = m->t.q ? log(m->t.freq_ref_p) : 0.0;
    const double ln_curve = m->curved ? log(m->freq_curve) : 0.0;
    enum { MAXN = 256 };
    if (!m->curved && !m->beta.map && band->n <= MAXN) {
        /* A constant index (free-free): the scalings are the same for every
         * pixel, computed once; each pixel's sums run in the same order. */
        const double beta = m->beta.value, p_over_i = exp(beta * (ln_ref_i - ln_ref_p));
        double s[MAXN], sp[MAXN];
        for (int n = 0; n < band->n; n++) {
            s[n] = exp(beta * (band->ln_freq[n] - ln_ref_i));
            sp[n] = s[n] * p_over_i;
        }
        for (int64_t k = 0; k < count; k++)
            out_i[k] = out_q[k] = out_u[k] = 0;
        for (int n = 0; n < band->n; n++) {
            const double c = band->coef[n];
            for (int64_t k = 0; k < count; k++)
                out_i[k] += sky_hmap_at(m->t.i, first + k) * s[n] * c;
            if (!m->t.q)
                continue;
            for (int64_t k = 0; k < count; k++) {
                out_q[k] += sky_hmap_at(m->t.q, first + k) * sp[n] * c;
                out_u[k] += sky_hmap_at(m->t.u, first + k) * sp[n] * c;
            }
        }
        return;
    }
    for (int64_t k = 0; k < count; k++) {
        const int64_t p = first + k;
        const double beta = sky_field_at(&m->beta, p);
        const double curv = m->curved ? sky_field_at(&m->curvature, p) : 0.0;
        const double i0 = sky_hmap_at(m->t.i, p);
        const double q0 = m->t.q ? sky_hmap_at(m->t.q, p) : 0.0;
        const double u0 = m->t.u ? sky_hmap_at(m->t.u, p) : 0.0;
        const double p_over_i = m->t.q && !m->curved ? exp(beta * (ln_ref_i - ln_ref_p)) : 0.0;
        double si = 0, sq = 0, su = 0;
        for (int n = 0; n < band->n; n++) {
            const double lnf = band->ln_freq[n], c = band->coef[n];
            if (!m->curved) {
                const double s = exp(beta * (lnf - ln_ref_i));
                si += i0 * s * c;
                if (m->t.q) {
                    sq += q0 * (s * p_over_i) * c;
                    su += u0 * (s * p_over_i) * c;
                }
                continue;
            }
            const double index = beta + curv * (lnf - ln_curve);
            si += i0 * exp(index * (lnf - ln_ref_i)) * c;
            if (m->t.q) {
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
    NULL,
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
    NULL,
    NULL,
    power_law_emission,
    NULL,
};
