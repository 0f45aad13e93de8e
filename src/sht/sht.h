/*
 * sht.h - spherical harmonic transforms of HEALPix maps with libsharp, as
 * healpy does them: a plan per (nside, lmax) built once, alm in healpy's
 * triangular layout (index m (2 lmax + 1 - m) / 2 + l), I alone (spin 0) or
 * I, Q, U as T, E, B (spin 0 and spin 2, HEALPix polarisation convention).
 */
#ifndef SKY_SHT_SHT_H
#define SKY_SHT_SHT_H

#include <complex.h>
#include <stdint.h>

#include "parallel/region.h"
#include "skymodel.h"

typedef struct sky_sht sky_sht;

int sky_sht_create(int nside, int lmax, sky_sht **plan, sky_error *err);
enum { SKY_SHT_LMAX_MAX = 65536 };
/* The same with HEALPix ring weights (2 nside values, northern rings) in the
 * map2alm quadrature, as healpy's map2alm(use_weights=True). */
int sky_sht_create_weighted(int nside, int lmax, const double *ring_weights, sky_sht **plan,
                            sky_error *err);
/* The same for one process's part of distributed maps and alm (MPI): the
 * maps passed hold the part's pixels (a region at nside), the alm the m this
 * process owns (sky_sht_nm / sky_sht_m: a range of m, in healpy's layout
 * cut to it). Every process must make the same calls: a transform gathers
 * or reduces the alm of all processes in a whole-sky buffer of the plan.
 * NULL part: the whole sky on one process, in healpy's layout. */
int sky_sht_create_part(int nside, int lmax, const double *ring_weights, const sky_region *part,
                        sky_sht **plan, sky_error *err);
/* A plan for this process alone on the rings of `part` (a region at nside):
 * maps hold the part's pixels, alm are whole (healpy's layout). For
 * synthesising a part of the sky from alm every process has. */
int sky_sht_create_rings(int nside, int lmax, const sky_region *part, sky_sht **plan,
                         sky_error *err);
void sky_sht_free(sky_sht *plan);
/* The work of one spin-0 transform at (nside, lmax) in units of about a
 * nanosecond on one core (rings x lmax^2 / 2), and whether it is small:
 * small transforms, and any transform called from inside a parallel
 * region, run on the calling thread (libsharp's SHARP_NO_OPENMP, and the
 * least-squares solve's own loops), since splitting a few milliseconds of
 * work costs more than it saves when the cores are busy with other work.
 * Below SKY_SHT_SMALL_WORK: nside 128 at lmax 2.5 nside. */
#define SKY_SHT_SMALL_WORK 4e7
double sky_sht_work(int nside, int lmax);
int sky_sht_small(int nside, int lmax);
/* Pixels per component of the maps this process passes (npix, or its part's). */
int64_t sky_sht_nloc(const sky_sht *plan);
/* Wall time spent in libsharp's transforms so far by this process (every
 * plan and thread): the transform floor of what ran, for -v and benchmarks. */
double sky_sht_seconds(void);
/* The same for the calling thread alone. */
double sky_sht_thread_seconds(void);
/* Complex alm per component this process holds (all of them on one process). */
int64_t sky_sht_nalm(const sky_sht *plan);
/* The m this process holds: i from 0 to sky_sht_nm() - 1; a_lm is at
 * *start + l (l = m .. lmax) of each component's block. */
int sky_sht_nm(const sky_sht *plan);
int sky_sht_m(const sky_sht *plan, int i, int64_t *start);
int sky_sht_distributed(const sky_sht *plan);
/* Distributed plans (collective): every process's alm, in healpy's layout,
 * on rank 0 (returned there, NULL elsewhere; the plan's own buffer), and
 * that buffer's content back to the processes. */
/* Distributed plans (collective): every process's alm into the plan's
 * whole-sky buffer on every process (returned), and that buffer, summed over
 * processes, back onto the owners of each m. */
double complex *sky_sht_share_alm(const sky_sht *plan, int ncomp, const double complex *own);
void sky_sht_collect_alm(const sky_sht *plan, int ncomp, double complex *own);
double complex *sky_sht_gather_alm(const sky_sht *plan, int ncomp, const double complex *own);
void sky_sht_scatter_alm(const sky_sht *plan, int ncomp, double complex *own);
int sky_sht_lmax(const sky_sht *plan);
int sky_sht_nside(const sky_sht *plan);

/* ncomp (1 or 3) maps of npix -> alm (ncomp blocks of nalm): plain map2alm
 * with uniform weights 4 pi / npix and no iteration (healpy iter=0). */
void sky_sht_map2alm(const sky_sht *plan, int ncomp, const double *map, double complex *alm);
/* alm -> maps (healpy alm2map, no pixel window). */
void sky_sht_alm2map(const sky_sht *plan, int ncomp, const double complex *alm, double *map);

/* map += alm2map(alm), each pixel's value added once (map[i] + v). */
void sky_sht_alm2map_add(const sky_sht *plan, int ncomp, const double complex *alm, double *map);

/* E, B alm -> Q, U maps (the spin-2 half of an IQU alm2map), anywhere in
 * memory; whole-sky plans only. The _add form adds to the maps. */
void sky_sht_alm2map_pol(const sky_sht *plan, const double complex *alm_e,
                         const double complex *alm_b, double *q, double *u);
void sky_sht_alm2map_pol_add(const sky_sht *plan, const double complex *alm_e,
                             const double complex *alm_b, double *q, double *u);

/* The gradient of the map of a scalar alm (healpy alm2map_der1): d/dtheta and
 * d/dphi / sin(theta), each npix. */
void sky_sht_alm2map_der1(const sky_sht *plan, const double complex *alm, double *dtheta,
                          double *dphi);

/*
 * The CAR pixelisation of pixell's fullsky_geometry(res, variant="fejer1"):
 * ny = round(pi / res) rows of declination -90 + (i + 1/2) res, nx =
 * round(2 pi / res) columns of right ascension 180 deg - j res (decreasing,
 * as the WCS has CDELT1 < 0). SKY_EINVAL, naming resolutions that would do,
 * when res does not divide the sky.
 */
int sky_car_shape(double res_rad, int *ny, int *nx, sky_error *err);

/* alm (healpy layout, lmax) -> ncomp CAR maps of ny x nx (row-major, dec rows). */
int sky_sht_alm2car(int lmax, int ncomp, const double complex *alm, int ny, int nx, double *map,
                    sky_error *err);

/*
 * healpy's map2alm_lsq: the alm minimising |alm2map(alm) - map| by scipy's
 * LSQR (atol = btol = tol), started from the plain map2alm and stopped after
 * maxiter iterations, with the same operator scaling so that the iterates are
 * PySM's. Reports the iterations done and the relative residual.
 */
int sky_sht_map2alm_lsq(const sky_sht *plan, int ncomp, const double *map, int maxiter,
                        double tol, double complex *alm, int *iterations, double *residual,
                        sky_error *err);

/* The same, using `map` as the solver's map-sized vector (its content is
 * lost): one map less of memory, the same alm. */
int sky_sht_map2alm_lsq_inplace(const sky_sht *plan, int ncomp, double *map, int maxiter,
                                double tol, double complex *alm, int *iterations,
                                double *residual, sky_error *err);

#endif
