/*
 * bandpass.h - PySM's bandpass integration arithmetic.
 *
 * A sky_band (public) is frequencies and raw weights in power units. Before
 * the models see it, it is prepared into a sky_bandq holding, per sample, the
 * coefficient c_i such that the band-integrated emission of a component in
 * K_RJ is sum_i c_i * S(nu_i): PySM's normalize_weights (weights normalised to
 * unit trapezoid integral, times the K_RJ -> Jy/sr factor at nu_i, normalised
 * again) times the trapezoid interval weight (delta_i / 2). For one frequency
 * c_0 = 1.
 */
#ifndef SKY_SPECTRA_BANDPASS_H
#define SKY_SPECTRA_BANDPASS_H

#include "skymodel.h"
#include "units.h"

typedef struct sky_bandq {
    int n;
    const double *freq; /* GHz, the caller's array */
    double *coef;       /* n integration coefficients (see above) */
    double *ln_freq;    /* n natural logs of freq, for power laws as exp(index * ln ratio) */
    double *weight;     /* n normalised weights (normalize_weights; 1 for one frequency) */
    double *delta;      /* n trapezoid intervals (trapz_step_inplace; 2 for one frequency),
                           coef = 0.5 * weight * delta */
    double cmb_to_rj;   /* uK_CMB -> uK_RJ over the band, for CMB maps (PySM's CMBMap) */
    int fast;           /* models with tabulated band integrals use them (spectra/sed_table.h;
                           set by the evaluation, 0 from sky_bandq_prepare) */
    double jysr_to_rj;  /* Jy/sr -> uK_RJ over the band, for source fluxes (PySM's
                           PointSourceCatalog) */
} sky_bandq;

int sky_bandq_prepare(const sky_band *band, sky_bandq *q, sky_error *err);
void sky_bandq_free(sky_bandq *q);

/*
 * PySM's bandpass_unit_conversion: the factor turning a band-integrated map in
 * `in` into `out`. One frequency: the plain conversion at that frequency. A
 * band: int g(nu) in->Jy/sr dnu / int g(nu) out->Jy/sr dnu with g the weights
 * normalised to unit integral, after dropping samples whose normalised weight
 * is below 1e-10 and renormalising. When the cut leaves a single sample (PySM
 * divides by a zero integral there), the conversion at that sample is used.
 */
double sky_band_unit_factor(const sky_band *band, const sky_unit *in, const sky_unit *out);

#endif
