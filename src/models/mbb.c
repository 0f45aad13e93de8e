/*
 * mbb.c - modified black body: thermal dust (PySM class ModifiedBlackBody;
 * presets d0-d4).
 *
 * In Rayleigh-Jeans temperature, a template A(nu0) scales to nu as
 *
 *   A(nu) = A(nu0) (nu/nu0)^(beta - 2) B_nu(T) / B_nu0(T),
 *   B_nu(T) = 2 h nu^3 / c^2 / (exp(h nu / k T) - 1),
 *
 * the "-2" turning the optically thin emission nu^beta B_nu(T), a radiance,
 * into K_RJ. I scales from freq_ref_I, Q and U from freq_ref_P; beta
 * (map_mbb_index) and T (map_mbb_temperature, K) are constants or maps.
 *
 * PySM quirk kept: at a frequency exactly equal to freq_ref_I no scaling is
 * applied at all, so Q and U are their freq_ref_P templates there.
 */
#include <math.h>

#include "core/constants.h"
#include "core/error.h"
#include "model.h"

struct mbb {
    sky_iqu_templates t; /* uK_RJ; q = u = NULL when unpolarised */
    sky_field beta, temp_k;
};

/* PySM's blackbody_nu, up to the constant 2h/c^2 which cancels in ratios. */
static inline double planck(double freq_ghz, double temp_k)
{
    const double nu = freq_ghz * 1e9;
    return nu * nu * nu / expm1(SKY_H_PLANCK * nu / (SKY_K_BOLTZMANN * temp_k));
}

static int mbb_init(void *state, sky_params *ps, sky_loader *ld, sky_error *err)
{
    struct mbb *m = state;
    const char *unit_t = NULL;
    int rc;
    if ((rc = sky_load_iqu_templates(ld, ps, &m->t, err)) ||
        (rc = sky_params_string(ps, "unit_mbb_temperature", 0, &unit_t, err)) ||
        (rc = sky_load_field(ld, ps, "map_mbb_index", "", "", &m->beta, err)) ||
        (rc = sky_load_field(ld, ps, "map_mbb_temperature", unit_t, "K", &m->temp_k, err)))
        return rc;
    return SKY_OK;
}

/*
 * Per pixel, what does not depend on frequency is computed once: B_nu0(T) at
 * both reference frequencies and the ratio of the Q/U to the I scaling,
 *   s_P(nu) / s_I(nu) = (nu_I/nu_P)^(beta-2) B_nuI(T) / B_nuP(T),
 * so that each frequency costs one exp and one expm1. Powers are taken as
 * exp(a * ln ratio); this differs from PySM's pow() by a few ulp.
 */
static void mbb_emission(const void *state, const sky_bandq *band, const double *bdata,
                         int64_t first, int64_t count, double *out_i, double *out_q,
                         double *out_u)
{
    (void)bdata;
    const struct mbb *m = state;
    const double ln_ref_i = log(m->t.freq_ref_i), ln_ref_p = m->t.q ? log(m->t.freq_ref_p) : 0.0;
    for (int64_t k = 0; k < count; k++) {
        const int64_t p = first + k;
        const double a = sky_field_at(&m->beta, p) - 2.0, t = sky_field_at(&m->temp_k, p);
        const double i0 = sky_hmap_at(m->t.i, p);
        const double q0 = m->t.q ? sky_hmap_at(m->t.q, p) : 0.0;
        const double u0 = m->t.u ? sky_hmap_at(m->t.u, p) : 0.0;
        const double bb_ref_i = planck(m->t.freq_ref_i, t);
        const double p_over_i =
            m->t.q ? exp(a * (ln_ref_i - ln_ref_p)) * (bb_ref_i / planck(m->t.freq_ref_p, t)) : 0.0;
        double si = 0, sq = 0, su = 0;
        for (int n = 0; n < band->n; n++) {
            const double f = band->freq[n], c = band->coef[n];
            if (f == m->t.freq_ref_i) { /* PySM applies no scaling here, to I, Q or U */
                si += i0 * c;
                sq += q0 * c;
                su += u0 * c;
                continue;
            }
            const double s = exp(a * (band->ln_freq[n] - ln_ref_i)) * (planck(f, t) / bb_ref_i);
            const double sp = s * p_over_i;
            si += i0 * s * c;
            sq += q0 * sp * c;
            su += u0 * sp * c;
        }
        out_i[k] = si;
        out_q[k] = sq;
        out_u[k] = su;
    }
}

const sky_model_type sky_model_mbb = {
    "ModifiedBlackBody",
    "modified black body dust: I, Q, U templates scaled by (nu/nu0)^(beta-2) B_nu(T)/B_nu0(T)",
    sizeof(struct mbb),
    mbb_init,
    NULL,
    NULL,
    NULL,
    mbb_emission,
    NULL,
};
