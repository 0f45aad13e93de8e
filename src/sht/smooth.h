/*
 * smooth.h - PySM's apply_smoothing_and_coord_transform for HEALPix output:
 * map -> alm (plain, iterative or least-squares map2alm, as PySM chooses),
 * a Gaussian or tabulated beam, alm -> map at the output nside.
 */
#ifndef SKY_SHT_SMOOTH_H
#define SKY_SHT_SMOOTH_H

#include "skymodel.h"

/* The lmax PySM uses for these nsides when none is given. */
int sky_smooth_default_lmax(int nside, int nside_out);

/* sky_smooth_opts, sky_smooth_report and sky_smooth are public: see skymodel.h. */

#endif
