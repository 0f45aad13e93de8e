/*
 * region.h - the part of the sky one process holds: whole HEALPix rings, as
 * at most two RING pixel ranges (a northern band and its mirror in the
 * south, which libsharp transforms together as ring pairs).
 *
 * A run of N processes splits the sky into N parts by ring pairs (ring r and
 * ring 4 nside - r), contiguous and balanced by pixel count: part 0 holds the
 * polar caps, part N - 1 the equator. The same part at another nside (a
 * template's, a coarser evaluation's) is sky_region_at(): a margin of rings
 * when coarser, so that every parent of a held pixel is held, and exactly the
 * children when finer.
 */
#ifndef SKY_PARALLEL_REGION_H
#define SKY_PARALLEL_REGION_H

#include <stdint.h>

enum { SKY_REGION_MAXSEG = 2 };

typedef struct sky_region {
    int nside;
    int nseg; /* 0 (nothing held), 1 or 2 */
    int64_t first[SKY_REGION_MAXSEG], count[SKY_REGION_MAXSEG]; /* increasing, not touching */
} sky_region;

void sky_region_full(int nside, sky_region *r);
/* Part `part` (0 .. nparts - 1) of the sky at nside; nparts 1 is the full sky. */
void sky_region_part(int nside, int part, int nparts, sky_region *r);
/* The region at `nside` covering r (see above). */
void sky_region_at(const sky_region *r, int nside, sky_region *out);

int64_t sky_region_npix(const sky_region *r);
int sky_region_is_full(const sky_region *r);
/* 1 when the pixels [first, first + count) are all held. */
int sky_region_holds(const sky_region *r, int64_t first, int64_t count);
/* Position of held pixel p in the region's values (segments back to back). */
int64_t sky_region_index(const sky_region *r, int64_t p);
/* The ring numbers held (1 .. 4 nside - 1), increasing, into rings (room for
 * 4 nside - 1); returns how many. */
int sky_region_rings(const sky_region *r, int *rings);

#endif
