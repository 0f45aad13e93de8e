/*
 * mbb.h - the modified black body scaling (mbb.c), shared with the models
 * built on it (the decorrelated dust of d6).
 *
 * Per pixel, what does not depend on frequency is computed once: B_nu0(T) at
 * the I reference frequency and the ratio of the Q/U to the I scaling,
 *   s_P(nu) / s_I(nu) = (nu_I/nu_P)^(beta-2) B_nuI(T) / B_nuP(T),
 * so that each frequency costs one exp and one expm1. Powers are taken as
 * exp(a * ln ratio); this differs from PySM's pow() by a few ulp.
 */
#ifndef SKY_MODELS_MBB_H
#define SKY_MODELS_MBB_H

#include <math.h>

#include "core/constants.h"
#include "model.h"
#include "spectra/sed_lanes.h"

typedef struct sky_mbb {
    sky_iqu_templates t; /* uK_RJ; q = u = NULL when unpolarised */
    sky_field beta, temp_k;
    double ln_ref_i, ln_ref_p;
    /* the fast path (spectra/sed_table.h): the ranges of beta and y = 1/T
     * (1/K) over the pixels held; fast = 0 when they are not finite */
    int fast;
    double beta_lo, beta_hi, y_lo, y_hi;
    uint64_t id; /* unique over the process's components (the fast path's block cache) */
} sky_mbb;

/* The fast path's hooks (sky_model_type), of a sky_mbb state: the ranges
 * after loading, and per band the tables of the band-integrated scaling and
 * of the Q/U to I ratio over (beta, 1/T). */
void sky_mbb_after_load(void *state);
int sky_mbb_fast_sed(const void *state);
int sky_mbb_band_data_len(const void *state, const sky_bandq *band);
int sky_mbb_prepare(const void *state, const sky_bandq *band, sky_np_rng *rng, double *bdata,
                    sky_error *err);
void *sky_mbb_shared(const void *state, int nchan, const double *const *bdata);
void sky_mbb_free_shared(void *shared);
void sky_mbb_emission_shared(const void *state, void *shared, int c, const sky_bandq *band,
                             const double *bdata, int64_t first, int64_t count, double *out_i,
                             double *out_q, double *out_u);
int sky_mbb_emission_add(const void *state, void *shared, int c, const sky_bandq *band,
                         const double *bdata, int64_t first, int64_t count, double *out_i,
                         double *out_q, double *out_u);
#define SKY_MBB_FAST_SED                                                                       \
    .after_load = sky_mbb_after_load, .fast_sed = sky_mbb_fast_sed,                            \
    .band_data_len = sky_mbb_band_data_len, .prepare = sky_mbb_prepare,                        \
    .shared = sky_mbb_shared, .free_shared = sky_mbb_free_shared,                              \
    .emission_shared = sky_mbb_emission_shared, .emission_add = sky_mbb_emission_add,          \
    .describe_shared = sky_sed_lanes_describe

/* ModifiedBlackBody's emission() (sky_model_type), of a sky_mbb state. */
void sky_mbb_emission(const void *state, const sky_bandq *band, const double *bdata,
                      int64_t first, int64_t count, double *out_i, double *out_q,
                      double *out_u);

/* Reads ModifiedBlackBody's parameters and templates. */
int sky_mbb_load(sky_mbb *m, sky_params *ps, sky_loader *ld, sky_error *err);

/* PySM's blackbody_nu, up to the constant 2h/c^2 which cancels in ratios. */
static inline double sky_planck(double freq_ghz, double temp_k)
{
    const double nu = freq_ghz * 1e9;
    return nu * nu * nu / expm1(SKY_H_PLANCK * nu / (SKY_K_BOLTZMANN * temp_k));
}

/* One pixel's templates and frequency-independent factors. */
typedef struct sky_mbb_pixel {
    double a, t, i0, q0, u0, bb_ref_i, p_over_i;
} sky_mbb_pixel;

static inline void sky_mbb_pixel_at(const sky_mbb *m, int64_t p, sky_mbb_pixel *x)
{
    x->a = sky_field_at(&m->beta, p) - 2.0;
    x->t = sky_field_at(&m->temp_k, p);
    x->i0 = sky_hmap_at(m->t.i, p);
    x->q0 = m->t.q ? sky_hmap_at(m->t.q, p) : 0.0;
    x->u0 = m->t.u ? sky_hmap_at(m->t.u, p) : 0.0;
    x->bb_ref_i = sky_planck(m->t.freq_ref_i, x->t);
    x->p_over_i = m->t.q ? exp(x->a * (m->ln_ref_i - m->ln_ref_p)) *
                               (x->bb_ref_i / sky_planck(m->t.freq_ref_p, x->t))
                         : 0.0;
}

/* The I scaling from freq_ref_I to f (ln_f = log f); Q and U scale by
 * this times p_over_i. PySM quirk: at exactly freq_ref_I no scaling at all
 * is applied, to I, Q or U (the caller tests f == freq_ref_i). */
static inline double sky_mbb_scale(const sky_mbb *m, const sky_mbb_pixel *x, double f,
                                   double ln_f)
{
    return exp(x->a * (ln_f - m->ln_ref_i)) * (sky_planck(f, x->t) / x->bb_ref_i);
}

#endif
