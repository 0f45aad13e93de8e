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

/*
 * A process's share of the same rotation in a distributed run: `alm` holds
 * every m (healpy layout) on every process; on return it holds the rotated
 * a_lm for m = l - i with i in [row0, row1), and zero elsewhere, so that the
 * sum over processes whose rows tile 0 .. lmax is the rotated alm. `halo`
 * is called at every half step of the recursion (with NULL it is not
 * needed: row0 = 0): it sends `last`, this process's row row1 - 1, to the
 * process holding the next rows and fills `prev` with row row0 - 1 from the
 * process holding the previous ones (n values each).
 */
typedef void (*sky_rotate_halo)(void *ctx, const double *last, double *prev, int n);
int sky_rotate_alm_rows(int lmax, int ncomp, double complex *alm, const double mat[3][3],
                        int row0, int row1, sky_rotate_halo halo, void *ctx, sky_error *err);

#endif
