/*
 * cmb.h - what the CMB models share: I, Q, U maps in uK_CMB turned into
 * uK_RJ over a band as PySM's CMBMap.get_emission does (cmb_map.c). A CMB
 * model's state begins with a sky_cmb_maps so that it can use these as its
 * f32_output and emission functions.
 */
#ifndef SKY_MODELS_CMB_H
#define SKY_MODELS_CMB_H

#include "model.h"

typedef struct sky_cmb_maps {
    const sky_hmap *i, *q, *u; /* uK_CMB; q, u NULL when absent */
} sky_cmb_maps;

int sky_cmb_f32(const void *state, const sky_bandq *band);
void sky_cmb_emission(const void *state, const sky_bandq *band, const double *bdata,
                      int64_t first, int64_t count, double *out_i, double *out_q, double *out_u);

#endif
