/*
 * paint.h - point sources painted with a beam directly on the pixels of a
 * map made of iso-latitude rings of equally spaced pixels (HEALPix RING, or
 * the CAR grid of pixell's fejer1 geometry), instead of a delta per pixel
 * smoothed in harmonic space: each source adds amp * b(d) to every pixel
 * whose centre lies within the profile's radius, d the exact angular
 * distance from the source to the pixel centre.
 *
 * Determinism: the rings are shared among threads (each ring painted by one
 * thread), and within a ring the sources are added in a fixed order
 * (colatitude, then index), so the map is the same bits for any number of
 * threads and for any split of the rings (a process's part paints exactly
 * the values the whole sky has there).
 */
#ifndef SKY_HEALPIX_PAINT_H
#define SKY_HEALPIX_PAINT_H

#include <stdint.h>

#include "parallel/region.h"
#include "skymodel.h"

/* The rings of a map: ring r has npix[r] pixels at colatitude theta[r];
 * pixel k of the ring (k = 0 .. npix - 1) is centred at longitude
 * phi0[r] + k * 2 pi / npix[r] and stored at ofs[r] + k * stride[r]. */
typedef struct sky_rings {
    int nrings;
    double *theta, *phi0;
    int64_t *npix, *ofs;
    int *stride;
} sky_rings;

/* HEALPix RING rings ring0 .. ring0 + nrings - 1 (1-based ring numbers, all
 * 4 nside - 1 with ring0 = 1, nrings = 0), stored from pixel `base`
 * (sky_hpx_ring_start(ring0) for a map holding only those rings, 0 for a
 * whole-sky map). */
int sky_rings_healpix(int nside, int ring0, int nrings, int64_t base, sky_rings *g,
                      sky_error *err);
/* The rings of a region (parallel/region.h: whole rings, at most two ranges)
 * of a map holding only the region's pixels, back to back (as
 * sky_region_index places them). */
int sky_rings_region(const sky_region *r, sky_rings *g, sky_error *err);
/* The ny x nx CAR grid of sky_car_shape (row-major, declination rows from
 * the south, columns of decreasing longitude from 180 deg). */
int sky_rings_car(int ny, int nx, sky_rings *g, sky_error *err);
void sky_rings_free(sky_rings *g);

/* A circular beam profile b(d), normalised to unit integral over the
 * sphere (a source of flux S gives S b(d) per steradian). */
typedef struct sky_beam_profile {
    double sigma;  /* > 0: Gaussian exp(-d^2 / 2 sigma^2) / (2 pi sigma^2), PySM's
                      (pixell's) normalisation: peak S / (2 pi sigma^2) */
    double rmax;   /* radius beyond which the profile is taken as 0 */
    int n;         /* tabulated profile (sigma = 0): n samples d = k dr */
    double dr;
    double *b;
} sky_beam_profile;

/* A Gaussian of this FWHM (radians), cut at 6 sigma (1.5e-8 of the flux
 * lies beyond). */
int sky_beam_profile_gauss(double fwhm_rad, sky_beam_profile *p, sky_error *err);
/* The profile of a beam window B_l (l = 0 .. lmax), b(d) = sum_l (2l + 1) /
 * (4 pi) B_l P_l(cos d), divided by B_0, tabulated with 32 samples per
 * period of the highest multipole out to the radius where the beam has
 * fallen to 1e-7 of its peak for good (at most pi), and interpolated by
 * cubic Lagrange polynomials (relative error ~1e-9 of the peak). */
int sky_beam_profile_window(const double *bl, int lmax, sky_beam_profile *p, sky_error *err);
double sky_beam_profile_at(const sky_beam_profile *p, double d);
void sky_beam_profile_free(sky_beam_profile *p);

/*
 * Adds the n sources at (theta[s], phi[s]) with amplitudes amp[c][s]
 * (c < ncomp) times the profile to maps[c] on the rings of g (maps[c] are
 * indexed by the ring's storage indices). With ncomp 3 (I, Q, U), Q and U
 * are parallel-transported from the source to each pixel along the great
 * circle joining them (a rotation by the difference of the circle's angles
 * to the local meridians), as harmonic smoothing with equal E and B beams
 * moves them. Parallel over rings (OpenMP), deterministic (see above).
 */
int sky_paint_sources(const sky_rings *g, const sky_beam_profile *p, int64_t n,
                      const double *theta, const double *phi, int ncomp,
                      const double *const *amp, double *const *maps, sky_error *err);

#endif
