/*
 * power_law.h - the power-law scaling (power_law.c), shared with the models
 * that make their templates themselves (PowerLawRealization, s6).
 */
#ifndef SKY_MODELS_POWER_LAW_H
#define SKY_MODELS_POWER_LAW_H

#include "model.h"
#include "spectra/sed_lanes.h"

typedef struct sky_power_law {
    sky_iqu_templates t; /* uK_RJ; q = u = NULL when unpolarised */
    sky_field beta;
    int curved;
    sky_field curvature;
    double freq_curve; /* GHz */
    /* the fast path (spectra/sed_table.h): the ranges of the index and the
     * curvature over the pixels held; fast = 0 when they are not finite */
    int fast;
    double beta_lo, beta_hi, curv_lo, curv_hi;
} sky_power_law;

/* The fast path's hooks (sky_model_type), of a sky_power_law state: per band
 * the I and Q/U scalings tabulated over the index (and a curvature map). */
void sky_power_law_after_load(void *state);
int sky_power_law_fast_sed(const void *state);
int sky_power_law_band_data_len(const void *state, const sky_bandq *band);
int sky_power_law_prepare(const void *state, const sky_bandq *band, sky_np_rng *rng,
                          double *bdata, sky_error *err);
void *sky_power_law_shared(const void *state, int nchan, const double *const *bdata);
void sky_power_law_free_shared(void *shared);
void sky_power_law_emission_shared(const void *state, void *shared, int c, const sky_bandq *band,
                                   const double *bdata, int64_t first, int64_t count,
                                   double *out_i, double *out_q, double *out_u);
int sky_power_law_emission_add(const void *state, void *shared, int c, const sky_bandq *band,
                               const double *bdata, int64_t first, int64_t count, double *out_i,
                               double *out_q, double *out_u);
#define SKY_POWER_LAW_FAST_SED                                                                 \
    .after_load = sky_power_law_after_load, .fast_sed = sky_power_law_fast_sed,                \
    .band_data_len = sky_power_law_band_data_len, .prepare = sky_power_law_prepare,            \
    .shared = sky_power_law_shared, .free_shared = sky_power_law_free_shared,                  \
    .emission_shared = sky_power_law_emission_shared,                                          \
    .emission_add = sky_power_law_emission_add,                                                \
    .describe_shared = sky_sed_lanes_describe

/* PowerLaw's and CurvedPowerLaw's emission() (sky_model_type), of a
 * sky_power_law state. */
void sky_power_law_emission(const void *state, const sky_bandq *band, const double *bdata,
                            int64_t first, int64_t count, double *out_i, double *out_q,
                            double *out_u);

#endif
