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

/* sky_smooth using `map` as scratch (its content is lost; `out` may be
 * `map`): one map less of memory, the same result. */
int sky_smooth_inplace(double *map, int nside, int ncomp, const sky_smooth_opts *o, double *out,
                       double *car, sky_smooth_report *rep, sky_error *err);

#endif
