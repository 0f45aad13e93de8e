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

/* The PowerLaw family, whose emission() takes a sky_power_law. */
extern const sky_model_type sky_model_power_law;

#endif
