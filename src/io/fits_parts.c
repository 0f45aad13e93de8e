/*
 * fits_parts.c - a distributed map written as one file by rank 0 (see
 * fits_parts.h).
 *
 * Rank 0 fills a staging buffer of whole table rows (1024 pixels each, the
 * writer's fast path) from the parts that overlap it, its own copied and the
 * others received in the order every process derives from the partition, and
 * writes it; the other processes send their pieces in that order. A failed
 * write on rank 0 does not stop the exchange (the pieces are still received,
 * then dropped), so that no process waits forever; the status is agreed at
 * the end.
 */
#include "fits_parts.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "parallel/comm.h"

enum { STAGE = 1 << 20 }; /* pixels written at a time: a multiple of 1024 */

typedef struct piece_src {
    int owner;
    int64_t first, count, offset; /* offset: where the segment starts in its owner's values */
} piece_src;

static int by_first(const void *a, const void *b)
{
    const piece_src *x = a, *y = b;
    return (x->first > y->first) - (x->first < y->first);
}

int sky_fits_write_parts(const char *path, const sky_fits_columns *cols, const sky_prov *prov,
                         const double *local, sky_error *err)
{
    const int rank = sky_par_rank(), size = sky_par_size(), ncol = cols->ncols;
    const int64_t npix = 12 * (int64_t)cols->nside * cols->nside;
    sky_region mine;
    sky_region_part(cols->nside, rank, size, &mine);
    const int64_t nloc = sky_region_npix(&mine);
    piece_src *segs = malloc((size_t)size * SKY_REGION_MAXSEG * sizeof *segs);
    /* rank 0: the stage, and pieces as they arrive; others: pieces to send */
    double *buf = malloc((size_t)ncol * STAGE * sizeof *buf);
    double *piece = rank == 0 ? malloc((size_t)ncol * STAGE * sizeof *piece) : NULL;
    sky_fits_writer *w = NULL;
    int rc = !segs || !buf || (rank == 0 && !piece) ? sky_nomem(err, "the map exchange") : SKY_OK;
    if (!rc && rank == 0)
        rc = sky_fits_writer_open_prov(path, cols, prov, &w, err);
    if ((rc = sky_par_agree(rc, err))) {
        sky_fits_writer_abort(w);
        free(segs);
        free(buf);
        free(piece);
        return rc;
    }
    int nsegs = 0;
    for (int r = 0; r < size; r++) {
        sky_region part;
        sky_region_part(cols->nside, r, size, &part);
        int64_t off = 0;
        for (int s = 0; s < part.nseg; s++) {
            segs[nsegs++] = (piece_src){r, part.first[s], part.count[s], off};
            off += part.count[s];
        }
    }
    qsort(segs, (size_t)nsegs, sizeof *segs, by_first);
    for (int64_t g = 0; g < npix; g += STAGE) {
        const int64_t n = npix - g < STAGE ? npix - g : STAGE;
        for (int k = 0; k < nsegs; k++) {
            const piece_src *s = &segs[k];
            const int64_t a = s->first > g ? s->first : g;
            const int64_t b = s->first + s->count < g + n ? s->first + s->count : g + n;
            if (a >= b || (s->owner != rank && rank != 0))
                continue;
            const int64_t len = b - a, src = s->offset + (a - s->first);
            if (s->owner == rank && rank == 0) { /* straight into the stage */
                for (int c = 0; c < ncol; c++)
                    memcpy(buf + c * n + (a - g), local + c * nloc + src,
                           (size_t)len * sizeof *buf);
            } else if (s->owner == rank) { /* packed and sent to rank 0 */
                for (int c = 0; c < ncol; c++)
                    memcpy(buf + c * len, local + c * nloc + src, (size_t)len * sizeof *buf);
                sky_par_send(buf, (size_t)(ncol * len), 0);
            } else { /* rank 0: received, then placed in the stage */
                sky_par_recv(piece, (size_t)(ncol * len), s->owner);
                for (int c = 0; c < ncol; c++)
                    memcpy(buf + c * n + (a - g), piece + c * len, (size_t)len * sizeof *buf);
            }
        }
        if (rank == 0 && !rc)
            rc = sky_fits_writer_write(w, g, n, buf, err);
    }
    if (rank == 0)
        rc = sky_fits_writer_close(w, rc, err);
    free(segs);
    free(buf);
    free(piece);
    return sky_par_agree(rc, err);
}
