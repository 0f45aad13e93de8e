/*
 * rotate.h - coordinate changes of alm as healpy's Rotator(coord=(a, b))
 * .rotate_alm does them: G (Galactic), C (Equatorial), E (Ecliptic).
 */
#ifndef SKY_SHT_ROTATE_H
#define SKY_SHT_ROTATE_H

#include <complex.h>

#include "skymodel.h"

/* The rotation matrix from coordinate system `from` to `to` (letters G, C, E). */
int sky_coord_matrix(char from, char to, double mat[3][3], sky_error *err);

/* Rotates ncomp blocks of alm (healpy layout, lmax = mmax) by `mat`, in place. */
int sky_rotate_alm(int lmax, int ncomp, double complex *alm, const double mat[3][3],
                   sky_error *err);

#endif
