/*
 * units.h - the units PySM users write, and conversions between them.
 *
 * A unit is a family (Rayleigh-Jeans temperature, thermodynamic CMB
 * temperature, spectral radiance, plain kelvin, frequency, dimensionless)
 * times an SI-prefix scale. Conversions between families go through spectral
 * radiance in Jy/sr at a given frequency, as astropy's brightness_temperature
 * and thermodynamic_temperature equivalencies do (PySM's cmb_equivalencies).
 */
#ifndef SKY_SPECTRA_UNITS_H
#define SKY_SPECTRA_UNITS_H

#include "skymodel.h"

enum sky_unit_family {
    SKY_UNIT_NONE,  /* dimensionless: spectral indices */
    SKY_UNIT_K_RJ,  /* Rayleigh-Jeans brightness temperature */
    SKY_UNIT_K_CMB, /* thermodynamic temperature of a CMB-like black body */
    SKY_UNIT_JY_SR, /* spectral radiance */
    SKY_UNIT_K,     /* plain kelvin: dust temperature maps */
    SKY_UNIT_HZ     /* frequency: AME peak-frequency maps */
};

typedef struct sky_unit {
    int family;   /* enum sky_unit_family */
    double scale; /* multiple of the family's base unit (K_RJ, K_CMB, Jy/sr, K, Hz, 1) */
} sky_unit;

/* Parses any unit above ("uK_RJ", "MJy / sr", "K", "GHz", ""); SKY_EINVAL otherwise. */
int sky_unit_parse(const char *s, sky_unit *u, sky_error *err);

/* Parses an output-map unit: K_RJ, K_CMB or Jy/sr with a prefix. */
int sky_unit_parse_output(const char *s, sky_unit *u, sky_error *err);

/* Spectral radiance in Jy/sr of one `u` at freq_ghz (u: K_RJ, K_CMB or Jy/sr family). */
double sky_unit_to_jysr(const sky_unit *u, double freq_ghz);

/* Factor turning a value labelled `from` into `to` without any equivalency
 * (same family, prefixes only); SKY_EINVAL when the families differ. `what`
 * names the value in the message. */
int sky_unit_scale(const sky_unit *from, const sky_unit *to, double *factor, const char *what,
                   const char *from_s, const char *to_s, sky_error *err);

/* Factor turning values labelled `from` into `to` as astropy's .to() does
 * under PySM's cmb_equivalencies(freq_ghz): between K_RJ, K_CMB and Jy/sr
 * through the radiance at freq_ghz, otherwise prefixes only. `what` names
 * the value in the message. */
int sky_unit_convert(const char *from, const char *to, double freq_ghz, double *factor,
                     const char *what, sky_error *err);

/* The same for squared units (power spectra), `from` written "X2" (astropy's
 * form), "X^2", "X**2" or "(X)^2" and `to` a unit X without the square:
 * prefixes only, as astropy applies no equivalency to squared units. */
int sky_unit_convert_squared(const char *from, const char *to, double *factor,
                             const char *what, sky_error *err);

#endif
