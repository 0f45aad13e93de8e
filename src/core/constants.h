/*
 * constants.h - physical constants and numerical thresholds, each with its source.
 *
 * skymodel reproduces PySM 3.4.5, which takes its constants from astropy 5
 * (CODATA 2018, exact SI values) and the CMB temperature from astropy's default
 * cosmology (Planck 2018).
 */
#ifndef SKY_CORE_CONSTANTS_H
#define SKY_CORE_CONSTANTS_H

#define SKY_H_PLANCK 6.62607015e-34  /* J s, CODATA 2018 (exact) */
#define SKY_K_BOLTZMANN 1.380649e-23 /* J/K, CODATA 2018 (exact) */
#define SKY_C_LIGHT 299792458.0      /* m/s (exact) */
#define SKY_T_CMB 2.7255             /* K, astropy default cosmology Planck18 Tcmb0 */
#define SKY_JY 1e-26                 /* W m^-2 Hz^-1 per jansky */
#define SKY_GHZ 1e9                  /* Hz per GHz */

/* PySM's bandpass_unit_conversion drops samples whose normalised weight is
 * below this value (utils.bandpass_unit_conversion, cut=1e-10). */
#define SKY_BANDPASS_WEIGHT_CUT 1e-10

/* healpy's UNSEEN sentinel for missing pixels. */
#define SKY_UNSEEN (-1.6375e30)

#define SKY_NSIDE_MAX 8192

#endif
