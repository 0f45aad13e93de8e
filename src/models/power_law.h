/*
 * power_law.h - the power-law scaling (power_law.c), shared with the models
 * that make their templates themselves (PowerLawRealization, s6).
 */
#ifndef SKY_MODELS_POWER_LAW_H
#define SKY_MODELS_POWER_LAW_H

#include "model.h"

typedef struct sky_power_law {
    sky_iqu_templates t; /* uK_RJ; q = u = NULL when unpolarised */
    sky_field beta;
    int curved;
    sky_field curvature;
    double freq_curve; /* GHz */
} sky_power_law;

/* PowerLaw's and CurvedPowerLaw's emission() (sky_model_type), of a
 * sky_power_law state. */
void sky_power_law_emission(const void *state, const sky_bandq *band, const double *bdata,
                            int64_t first, int64_t count, double *out_i, double *out_q,
                            double *out_u);

#endif
