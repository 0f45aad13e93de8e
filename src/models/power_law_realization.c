/*
 * power_law_realization.c - synchrotron whose templates are drawn at load
 * time (PySM class PowerLawRealization; preset s6, stochastic small scales
 * to nside 8192).
 *
 * I, Q, U at freq_ref (realization.h): log-polarisation-tensor large scales
 * plus small scales drawn with seeds[0], both kept to
 * l <= int(min(synalm_lmax, 2.5 nside)), modulated, converted back to IQU and
 * fixed on the Galactic plane. The index: large scales plus small scales
 * drawn with seeds[1], modulated by amplitude_modulation_beta_alm when given
 * (else by the temperature modulation), minus 3.1 (the large-scale alm hold
 * the deviation from -3.1). Then the sky is emitted as PowerLaw with both
 * reference frequencies at freq_ref. With seeds [555, 444] and synalm_lmax
 * 16384 this is how PySM made s5.
 */
#include <math.h>
#include <stdlib.h>

#include "core/error.h"
#include "power_law.h"
#include "realization.h"

static int build(sky_power_law *m, sky_realization *r, sky_params *ps, sky_loader *ld,
                 sky_error *err)
{
    const char *beta_mod = NULL;
    double *mod_beta = NULL;
    int rc;
    if ((rc = sky_realization_begin(r, ps, ld, 2, err)) ||
        (rc = sky_params_string(ps, "amplitude_modulation_beta_alm", 0, &beta_mod, err)))
        return rc;
    const int lkeep = (int)fmin(r->synalm_lmax, 2.5 * r->nside);
    sky_hmap *iqu[3], *beta = NULL;
    if ((rc = sky_realization_template(r, ps, ld, lkeep, iqu, err)) ||
        (beta_mod &&
         (rc = sky_realization_alm_map(r, ps, ld, "amplitude_modulation_beta_alm", &mod_beta,
                                       err))))
        return rc;
    rc = sky_realization_field(r, ps, ld, "largescale_alm_pl_index", "small_scale_cl_pl_index",
                               "", r->seeds[1], lkeep, mod_beta ? mod_beta : r->mod_i, NULL,
                               &beta, err);
    free(mod_beta);
    if (rc)
        return rc;
#pragma omp parallel for schedule(static)
    for (int64_t p = 0; p < r->nloc; p++)
        beta->d[p] -= 3.1;
    m->t.i = iqu[0];
    m->t.q = iqu[1];
    m->t.u = iqu[2];
    m->t.freq_ref_i = m->t.freq_ref_p = r->freq_ref;
    m->beta.map = beta;
    return SKY_OK;
}

static int power_law_realization_init(void *state, sky_params *ps, sky_loader *ld,
                                      sky_error *err)
{
    sky_realization r;
    int rc = build(state, &r, ps, ld, err);
    sky_realization_end(&r);
    return rc;
}

static const sky_param_spec sky_params_power_law_realization[] = {
    SKY_SPEC_REALIZATION, SKY_SPEC_PATH("amplitude_modulation_beta_alm", 0),
    SKY_SPEC_PATH("largescale_alm_pl_index", 1), SKY_SPEC_PATH("small_scale_cl_pl_index", 1),
    SKY_SPEC_END,
};

const sky_model_type sky_model_power_law_realization = {
    .name = "PowerLawRealization",
    .summary =
        "synchrotron power law from large-scale alm plus seeded, modulated Gaussian small scales "
        "in I, Q, U and beta (log-polarisation tensor)",
    .params = sky_params_power_law_realization,
    .state_size = sizeof(sky_power_law),
    .init = power_law_realization_init,
    .emission = sky_power_law_emission, /* the templates made, the sky is PowerLaw's */
    SKY_POWER_LAW_FAST_SED,
};
