/*
 * smooth.h - PySM's apply_smoothing_and_coord_transform for HEALPix output:
 * map -> alm (plain, iterative or least-squares map2alm, as PySM chooses),
 * a Gaussian or tabulated beam, alm -> map at the output nside.
 */
#ifndef SKY_SHT_SMOOTH_H
#define SKY_SHT_SMOOTH_H

#include "parallel/region.h"
#include "skymodel.h"

/* The tolerance of PySM's least-squares map2alm (atol = btol). */
#define SKY_LSQ_TOL 1e-7

/* The lmax PySM uses for these nsides when none is given. */
int sky_smooth_default_lmax(int nside, int nside_out);
/* 1 when every transform of smoothing a map at nside as `o` says is small
 * (sky_sht_small): each then runs on one thread, and several such maps are
 * best smoothed side by side, one per thread. */
int sky_smooth_small(int nside, const sky_smooth_opts *o);

/* A rough estimate of the seconds the transforms of smoothing one map of
 * ncomp (1 or 3) components at nside as `o` says take on `threads` threads
 * (least-squares solves counted at their lsq_maxiter iterations), from
 * sky_sht_work and libsharp's speed on a recent x86-64 core: for choices
 * between doing something once more and holding memory meanwhile. */
double sky_smooth_seconds(int nside, int ncomp, const sky_smooth_opts *o, int threads);

/* sky_smooth_opts, sky_smooth_report and sky_smooth are public: see skymodel.h. */

/* sky_smooth using `map` as scratch (its content is lost; `out` may be
 * `map`): one map less of memory, the same result. */
int sky_smooth_inplace(double *map, int nside, int ncomp, const sky_smooth_opts *o, double *out,
                       double *car, sky_smooth_report *rep, sky_error *err);

/* The same over distributed maps (MPI): `map` holds this process's part
 * `in_part` (destroyed), `out` receives part `out_part` (at the output
 * nside); every process calls it, with the same options. `car` (may be
 * NULL) is filled where given, from the alm every process holds. */
int sky_smooth_part(double *map, const sky_region *in_part, int ncomp, const sky_smooth_opts *o,
                    const sky_region *out_part, double *out, double *car,
                    sky_smooth_report *rep, sky_error *err);

#endif
