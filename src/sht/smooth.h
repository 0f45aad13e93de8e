/*
 * smooth.h - PySM's apply_smoothing_and_coord_transform for HEALPix output:
 * map -> alm (plain, iterative or least-squares map2alm, as PySM chooses),
 * a Gaussian or tabulated beam, alm -> map at the output nside.
 */
#ifndef SKY_SHT_SMOOTH_H
#define SKY_SHT_SMOOTH_H

#include "skymodel.h"

typedef struct sky_smooth_opts {
    double fwhm_rad;       /* Gaussian beam FWHM in radians; 0 for none */
    const double *beam;    /* or a beam window: beam_ncols (1: all of T,E,B; 3: T,E,B)
                              columns of beam_len values, column-major; NULL for none */
    int beam_ncols, beam_len;
    int lmax;              /* < 0: PySM's default (2.5 nside, 1.5 nside if nside_out < nside) */
    int lsq_maxiter;       /* least-squares iterations (PySM default 10); 0: plain map2alm */
    int nside_out;         /* 0: the input nside */
    char rot_from, rot_to; /* coordinate change of the alm ('G', 'C', 'E'); 0: none */
    double car_res_rad;    /* > 0: also a CAR map (pixell fejer1 geometry) at this resolution */
} sky_smooth_opts;

void sky_smooth_opts_init(sky_smooth_opts *o);

typedef struct sky_smooth_report {
    int lmax;
    const char *method;  /* "map2alm_lsq", "map2alm iter=0", "map2alm iter=3" */
    int iterations;
    double residual;
} sky_smooth_report;

/* The lmax PySM uses for these nsides when none is given. */
int sky_smooth_default_lmax(int nside, int nside_out);

/* Smooths ncomp (1 or 3) maps at nside into `out` (ncomp x 12 nside_out^2;
 * NULL to skip the HEALPix output) and, with o->car_res_rad > 0, `car`
 * (ncomp x ny x nx, see sky_car_shape). */
int sky_smooth(const double *map, int nside, int ncomp, const sky_smooth_opts *o, double *out,
               double *car, sky_smooth_report *rep, sky_error *err);

#endif
