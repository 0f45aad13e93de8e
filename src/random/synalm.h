/*
 * synalm.h - Gaussian alm with given (cross-)spectra, drawn exactly as
 * healpy 1.16's synalm(cls, lmax, new=True) draws them after
 * np.random.seed: the same random numbers in the same order, the same
 * Cholesky combination, so that PySM's CMB realisations can be reproduced.
 */
#ifndef SKY_RANDOM_SYNALM_H
#define SKY_RANDOM_SYNALM_H

#include <complex.h>

#include "numpy_rng.h"
#include "skymodel.h"

/*
 * n fields (n(n+1)/2 spectra in healpy's "new" order: the diagonal TT, EE,
 * BB, ..., then the first off-diagonal TE, EB, ..., and so on). cls[k] is
 * NULL for a zero spectrum, else len[k] values from l = 0. alm receives n
 * blocks of (lmax+1)(lmax+2)/2 coefficients in healpy's layout.
 */
int sky_synalm(int n, const double *const *cls, const int *len, int lmax, sky_np_rng *rng,
               double complex *alm, sky_error *err);

/* The same draws, keeping only l <= lkeep (alm in the layout of lkeep), as
 * synalm followed by almxfl with lkeep + 1 ones, without holding the rest. */
int sky_synalm_cut(int n, const double *const *cls, const int *len, int lmax, int lkeep,
                   sky_np_rng *rng, double complex *alm, sky_error *err);

#endif
