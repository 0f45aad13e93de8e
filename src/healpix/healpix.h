/*
 * healpix.h - HEALPix resolution checks, pixel-index conversions, maps held in
 * their file precision, and healpy-compatible ud_grade.
 *
 * Indices are 64-bit everywhere: 12 * 8192^2 pixels overflow int once tripled.
 * Index conversions use chealpix's 64-bit interface.
 */
#ifndef SKY_HEALPIX_H
#define SKY_HEALPIX_H

#include <stdint.h>

#include "parallel/region.h"
#include "skymodel.h"

/* 1 when nside is a power of two from 1 to SKY_NSIDE_MAX. */
int sky_hpx_nside_ok(int64_t nside);
int64_t sky_hpx_npix(int64_t nside);
/* nside of a full-sky map of npix pixels, or -1 when npix is not 12 nside^2. */
int64_t sky_hpx_nside_of(int64_t npix);
int64_t sky_hpx_ring2nest(int64_t nside, int64_t ipring);
int64_t sky_hpx_nest2ring(int64_t nside, int64_t ipnest);
/* Ring number (1 .. 4 nside - 1, north to south) of RING pixel p. */
int64_t sky_hpx_ring_of(int64_t nside, int64_t p);
/* Pixel centre (colatitude, longitude in [0, 2 pi)) of a RING pixel, and the
 * RING pixel holding a direction (theta in [0, pi], any phi), as healpy. */
void sky_hpx_pix2ang_ring(int64_t nside, int64_t p, double *theta, double *phi);
/* The unit vector of pixel p's centre (healpy's pix2vec). */
void sky_hpx_pix2vec_ring(int64_t nside, int64_t p, double vec[3]);
int64_t sky_hpx_ang2pix_ring(int64_t nside, double theta, double phi);
/* First RING pixel of ring r (1 .. 4 nside - 1); r = 4 nside gives npix. */
int64_t sky_hpx_ring_start(int64_t nside, int64_t r);
/* A RING pixel range [*first, *first + *count) at nside_lo that contains the
 * parents of the pixels [first, first + count) at nside_hi (a child in ring r
 * has its parent within ring r / 2^k +- 1). */
void sky_hpx_parent_range(int64_t nside_hi, int64_t first, int64_t count, int64_t nside_lo,
                          int64_t *pfirst, int64_t *pcount);
/* The RING index at nside_lo of the pixel containing RING pixel p at nside_hi. */
int64_t sky_hpx_parent_ring(int64_t nside_hi, int64_t p, int64_t nside_lo);

/*
 * A HEALPix RING map of one field, stored as float32 or float64 as its file
 * was (PySM keeps the file's dtype). Exactly one of f / d is non-NULL (both
 * NULL when no pixel is held). A map holds the whole sky or the pixels of a
 * region (one process's part, see parallel/region.h); it is indexed by
 * full-sky pixel number either way.
 */
typedef struct sky_hmap {
    int nside;
    int64_t npix;  /* pixels of the full sky */
    int64_t nheld; /* pixels stored: npix, or those of the region */
    int64_t split, shift[2]; /* pixel p is stored at p - shift[p >= split] */
    float *f;
    double *d;
} sky_hmap;

/* The number of pixels held that are NaN, Inf or healpy's UNSEEN (as
 * healpy's mask_bad tells), and the RING index of the first (-1 for none). */
int64_t sky_hmap_count_bad(const sky_hmap *m, int64_t *first_pixel);

static inline int64_t sky_hmap_index(const sky_hmap *m, int64_t p)
{
    return p - m->shift[p >= m->split];
}

static inline double sky_hmap_at(const sky_hmap *m, int64_t p)
{
    const int64_t i = sky_hmap_index(m, p);
    return m->f ? (double)m->f[i] : m->d[i];
}

/* Allocates an uninitialised full-sky map; SKY_ENOMEM on failure. */
int sky_hmap_alloc(sky_hmap *m, int nside, int f32, sky_error *err);
/* The same for the pixels of region r (at its nside). */
int sky_hmap_alloc_region(sky_hmap *m, const sky_region *r, int f32, sky_error *err);
void sky_hmap_free(sky_hmap *m);
/* 1 when the map holds every pixel of the sky. */
int sky_hmap_is_full(const sky_hmap *m);

/*
 * Brings `m` to nside_out in place, as healpy.ud_grade does on a RING map and
 * PySM's read_map around it: degrading sums the children in double precision
 * (numpy's pairwise order), divides by the number of valid children (UNSEEN or
 * non-finite children are skipped; none valid gives UNSEEN) and rounds back to
 * the map's own precision; upgrading copies the parent's value. A map that
 * holds a region keeps the corresponding region (sky_region_at).
 */
int sky_hmap_ud_grade(sky_hmap *m, int nside_out, sky_error *err);

/* The values of `in` (ud_grade'd as above when the nsides differ) on region
 * `r` into a new map `out`; `in` must hold every pixel they come from. */
int sky_hmap_resample(const sky_hmap *in, const sky_region *r, sky_hmap *out, sky_error *err);

/* Keeps only the pixels of region r (at the map's nside), in place. */
int sky_hmap_restrict(sky_hmap *m, const sky_region *r, sky_error *err);

/* The region a map holds. */
void sky_hmap_region(const sky_hmap *m, sky_region *r);

/* Reorders a full-sky NESTED map to RING in place (healpy.reorder n2r). */
int sky_hmap_nest_to_ring(sky_hmap *m, sky_error *err);

#endif
