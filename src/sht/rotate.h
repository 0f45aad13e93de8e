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

/* Rotates ncomp blocks of alm (healpy layout, lmax = mmax) by `mat`, in
 * place, as the alm of real fields (the imaginary part of a_l0 is taken as
 * zero). Extra memory O(lmax) per thread. */
int sky_rotate_alm(int lmax, int ncomp, double complex *alm, const double mat[3][3],
                   sky_error *err);

/*
 * A process's share of the same rotation in a distributed run: `alm` holds
 * every m (healpy layout) on every process; on return it holds the rotated
 * a_lm of the degrees l0 <= l < l1 and zero for the other degrees, so that
 * the sum over processes whose ranges tile 0 .. lmax is the rotated alm
 * (each degree is computed as sky_rotate_alm computes it, to the bit).
 */
int sky_rotate_alm_degrees(int lmax, int ncomp, double complex *alm, const double mat[3][3],
                           int l0, int l1, sky_error *err);

/* The degrees [*l0, *l1) of process `rank` out of `nproc`: consecutive
 * ranges tiling 0 .. lmax, balanced by the work of a degree (~ (l + 1)^2). */
void sky_rotate_split(int lmax, int rank, int nproc, int *l0, int *l1);

#endif
