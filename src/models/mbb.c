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
#include "core/error.h"
#include "mbb.h"

int sky_mbb_load(sky_mbb *m, sky_params *ps, sky_loader *ld, sky_error *err)
{
    const char *unit_t = NULL;
    int rc;
    if ((rc = sky_load_iqu_templates(ld, ps, &m->t, err)) ||
        (rc = sky_params_string(ps, "unit_mbb_temperature", 0, &unit_t, err)) ||
        (rc = sky_load_field(ld, ps, "map_mbb_index", "", "", &m->beta, err)) ||
        (rc = sky_load_field(ld, ps, "map_mbb_temperature", unit_t, "K", &m->temp_k, err)))
        return rc;
    m->ln_ref_i = log(m->t.freq_ref_i);
    m->ln_ref_p = m->t.q ? log(m->t.freq_ref_p) : 0.0;
    return SKY_OK;
}

static int mbb_init(void *state, sky_params *ps, sky_loader *ld, sky_error *err)
{
    return sky_mbb_load(state, ps, ld, err);
}

static void mbb_emission(const void *state, const sky_bandq *band, const double *bdata,
                         int64_t first, int64_t count, double *out_i, double *out_q,
                         double *out_u)
{
    (void)bdata;
    const sky_mbb *m = state;
    for (int64_t k = 0; k < count; k++) {
        sky_mbb_pixel x;
        sky_mbb_pixel_at(m, first + k, &x);
        double si = 0, sq = 0, su = 0;
        for (int n = 0; n < band->n; n++) {
            const double f = band->freq[n], c = band->coef[n];
            if (f == m->t.freq_ref_i) { /* PySM applies no scaling here, to I, Q or U */
                si += x.i0 * c;
                sq += x.q0 * c;
                su += x.u0 * c;
                continue;
            }
            const double s = sky_mbb_scale(m, &x, f, band->ln_freq[n]);
            const double sp = s * x.p_over_i;
            si += x.i0 * s * c;
            sq += x.q0 * sp * c;
            su += x.u0 * sp * c;
        }
        out_i[k] = si;
        out_q[k] = sq;
        out_u[k] = su;
    }
}

const sky_model_type sky_model_mbb = {
    "ModifiedBlackBody",
    "modified black body dust: I, Q, U templates scaled by (nu/nu0)^(beta-2) B_nu(T)/B_nu0(T)",
    sizeof(sky_mbb),
    mbb_init,
    NULL,
    NULL,
    NULL,
    mbb_emission,
    NULL,
};
