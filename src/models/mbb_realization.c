/*
 * mbb_realization.c - modified black body dust whose templates are drawn at
 * load time (PySM class ModifiedBlackBodyRealization; preset d11, GNILC dust
 * with stochastic small scales to nside 8192).
 *
 * I, Q, U at freq_ref (realization.h): log-polarisation-tensor large scales
 * plus small scales drawn with seeds[0] and kept below
 * int(min(synalm_lmax, 2.5 nside)), modulated, converted back to IQU, fixed
 * on the Galactic plane, times the colour correction 0.911 (PySM issue 99).
 * beta and T: large scales plus small scales drawn with seeds[1] and
 * seeds[2], kept below int(min(2.5 nside + 1, synalm_lmax + 1)) (PySM's
 * cuts differ by one), modulated by the temperature modulation map and fixed
 * with galplane_fix_beta_Td. Then the sky is emitted as ModifiedBlackBody
 * with both reference frequencies at freq_ref. With seeds [8192, 777, 888]
 * and synalm_lmax 16384 this reproduces d10, as PySM documents.
 */
#include <math.h>
#include <string.h>

#include "core/error.h"
#include "mbb.h"
#include "realization.h"

static int build(sky_mbb *m, sky_realization *r, sky_params *ps, sky_loader *ld,
                 sky_error *err)
{
    const char *fix_bt = NULL;
    int rc;
    if ((rc = sky_realization_begin(r, ps, ld, 3, err)) ||
        (rc = sky_params_string(ps, "galplane_fix_beta_Td", 0, &fix_bt, err)))
        return rc;
    if (r->has_fix && !fix_bt)
        return sky_fail(err, SKY_EINVAL, "component %s: galplane_fix is given without "
                        "galplane_fix_beta_Td: expected both (the fix applies to beta and T too)",
                        ps->owner);
    const double n25 = 2.5 * r->nside;
    sky_hmap *iqu[3];
    if ((rc = sky_realization_template(r, ps, ld, (int)fmin(r->synalm_lmax, n25) - 1, iqu,
                                       err)))
        return rc;
    for (int k = 0; k < 3; k++)
#pragma omp parallel for schedule(static)
        for (int64_t p = 0; p < r->nloc; p++)
            iqu[k]->d[p] *= 0.911;
    /* beta and T, fixed with the two columns of galplane_fix_beta_Td */
    sky_hmap fix[2];
    memset(fix, 0, sizeof fix);
    const int fields[2] = {0, 1};
    if (r->has_fix &&
        ((rc = sky_load_part_maps_at(ld, fix_bt, 1, &fields[0], NULL, "", r->nside, &fix[0],
                                     err)) ||
         (rc = sky_load_part_maps_at(ld, fix_bt, 1, &fields[1], NULL, "K", r->nside, &fix[1],
                                     err)))) {
        sky_hmap_free(&fix[0]);
        return rc;
    }
    const int lkeep = (int)fmin(n25 + 1, r->synalm_lmax + 1.0) - 1;
    sky_hmap *beta = NULL, *temp = NULL;
    rc = sky_realization_field(r, ps, ld, "largescale_alm_mbb_index", "small_scale_cl_mbb_index",
                               "", r->seeds[1], lkeep, r->mod_i, r->has_fix ? &fix[0] : NULL,
                               &beta, err);
    if (!rc)
        rc = sky_realization_field(r, ps, ld, "largescale_alm_mbb_temperature",
                                   "small_scale_cl_mbb_temperature", "K", r->seeds[2], lkeep,
                                   r->mod_i, r->has_fix ? &fix[1] : NULL, &temp, err);
    sky_hmap_free(&fix[0]);
    sky_hmap_free(&fix[1]);
    if (rc)
        return rc;
    m->t.i = iqu[0];
    m->t.q = iqu[1];
    m->t.u = iqu[2];
    m->t.freq_ref_i = m->t.freq_ref_p = r->freq_ref;
    m->beta.map = beta;
    m->temp_k.map = temp;
    m->ln_ref_i = m->ln_ref_p = log(r->freq_ref);
    return SKY_OK;
}

static int mbb_realization_init(void *state, sky_params *ps, sky_loader *ld, sky_error *err)
{
    sky_realization r;
    int rc = build(state, &r, ps, ld, err);
    sky_realization_end(&r);
    return rc;
}

static const sky_param_spec sky_params_mbb_realization[] = {
    SKY_SPEC_REALIZATION, SKY_SPEC_PATH("galplane_fix_beta_Td", 0),
    SKY_SPEC_PATH("largescale_alm_mbb_index", 1), SKY_SPEC_PATH("small_scale_cl_mbb_index", 1),
    SKY_SPEC_PATH("largescale_alm_mbb_temperature", 1),
    SKY_SPEC_PATH("small_scale_cl_mbb_temperature", 1),
    SKY_SPEC_END,
};

const sky_model_type sky_model_mbb_realization = {
    .name = "ModifiedBlackBodyRealization",
    .summary =
        "modified black body dust from large-scale alm plus seeded, modulated Gaussian small "
        "scales in I, Q, U, beta and T (log-polarisation tensor)",
    .params = sky_params_mbb_realization,
    .state_size = sizeof(sky_mbb),
    .init = mbb_realization_init,
    .emission = sky_mbb_emission, /* the templates made, the sky is ModifiedBlackBody's */
    SKY_MBB_FAST_SED,
};
