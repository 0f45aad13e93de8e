/*
 * sed_lanes.h - the tables of band-integrated spectra (sed_table.h) of many
 * channels at once: one stencil per pixel for all channels whose tables
 * share their axes (issue 21, section 2; docs/models.md).
 *
 * An evaluation of many channels (an instrument's detectors) interpolates
 * each channel's table at every pixel. The channels whose tables have the
 * same axes (the same steps and nodes: the channels of one band) also have
 * the same stencil at a pixel, so their tables are stored side by side
 * ("lanes": value (node, lane) at t[node * n + lane]) and a pixel's stencil
 * is applied to all of them in one pass over contiguous memory, instead of
 * gathering each channel's 6 or 36 nodes apart.
 *
 * The sky evaluates a block of pixels for one channel after the other. The
 * first channel that asks for a block has it computed for every channel
 * (sky_sed_lanes_results, per thread) and the next ones find it there. Every
 * lane computes what the one-channel path (sky_sed_interp2, sky_sed_dot)
 * computes, in the same order: a channel's values do not depend on the
 * other channels of its evaluation.
 *
 * Unless the group is large and its tables nearly dependent: the band
 * integrals of detectors of one band over the few parameters of a pixel
 * span a space of a handful of functions (a 90 GHz band's 200 detectors:
 * 8 to 1e-12 over the tables' fixed ranges, sed_table.h). A model that allows it (spec.basis_tol) then has its group's
 * tables replaced by K basis tables (a pivoted Gram-Schmidt over the lanes,
 * stopped when every lane's table is reproduced at every node within
 * basis_tol of the node's largest value over the lanes, checked on the
 * actual residual) and a
 * lane's coefficients: the stencils are applied to the K basis tables only
 * and a channel's value is the combination of K basis values
 * (sky_sed_lanes_values). A channel's values then depend on the other
 * channels of its evaluation at that tolerance; they do not depend on the
 * pixels held (parts, MPI) or the threads.
 */
#ifndef SKY_SPECTRA_SED_LANES_H
#define SKY_SPECTRA_SED_LANES_H

#include <stdint.h>

#include "core/combine.h"
#include "sed_table.h"

/* What a model's band data look like (bdata[0] != 0: tables follow). */
typedef struct sky_sed_lanes_spec {
    int (*ntab)(const double *bdata);                      /* tables per channel */
    int (*same_axes)(const double *a, const double *b);    /* tables side by side? */
    int64_t (*nodes)(const double *bdata);                 /* values per table */
    const double *(*table)(const double *bdata, int k);    /* table k of ntab */
    double basis_tol; /* > 0: groups of many lanes may become a basis (above) */
} sky_sed_lanes_spec;

/* A group becomes a basis from this many lanes, when K is at most half of
 * them; the tolerance of the smooth tables' bases (far below the tables'
 * own interpolation error, about 1e-10: sed_table.h). */
enum { SKY_SED_BASIS_MIN_LANES = 8 };
#define SKY_SED_BASIS_TOL 1e-12

typedef struct sky_sed_group {
    int n;               /* lanes */
    int *chan;           /* each lane's channel in the evaluation */
    const double *bdata; /* the first lane's band data: the group's axes */
    int64_t nodes;
    int ntab;
    int w;               /* lanes stored: n, or k when the tables are a basis */
    int k;               /* basis tables (0: every lane has its own) */
    double *t;           /* ntab tables: (k, node, lane) at t[(k * nodes + node) * w + lane] */
    double *u;           /* with a basis, lane l's coefficients at u[l * k] */
} sky_sed_group;

typedef struct sky_sed_lanes sky_sed_lanes;

/* The groups of the channels with tables (bdata[c] != NULL, bdata[c][0] != 0)
 * among `nchan`; NULL when there are none or no memory (the channels then
 * take the one-channel path: the same values). */
sky_sed_lanes *sky_sed_lanes_new(const sky_sed_lanes_spec *spec, int nchan,
                                 const double *const *bdata);
void sky_sed_lanes_free(sky_sed_lanes *l);

int sky_sed_lanes_groups(const sky_sed_lanes *l);
const sky_sed_group *sky_sed_lanes_group(const sky_sed_lanes *l, int g);
/* Stored lanes (sky_sed_group.w) before group g's, and of all groups (the
 * results of all groups are stored lane after lane). */
int sky_sed_lanes_offset(const sky_sed_lanes *l, int g);
int sky_sed_lanes_total(const sky_sed_lanes *l);

/* For -v (model.h's describe_shared, `l` a sky_sed_lanes): the groups with
 * a basis, e.g. "200 channels' tables as 8 basis tables"; 0 when none. */
int sky_sed_lanes_describe(const void *l, char *buf, size_t size);

/* The distance between two rows of a block's results of `count` pixels:
 * count rounded up to whole cache lines, plus one line. Rows of exactly
 * SKY_EVAL_BLOCK doubles would be a multiple of 4 KiB apart, so that a
 * lane's values written down a column (eight pixels of every lane in turn)
 * would all fall into the same few cache sets and evict one another. */
static inline int64_t sky_sed_lanes_ld(int64_t count)
{
    return (count + 7) / 8 * 8 + 8;
}

/* A model fills its rows SKY_SED_LANES_PER pixels at a time: their values
 * for all n lanes come pixel-major (s[j n + lane], a stencil applied to all
 * lanes at once) and are copied down each lane's row, the lane's at dst +
 * lane * step (np <= SKY_SED_LANES_PER pixels). A full column is copied
 * with a constant count, so that each lane's eight values go out as one
 * cache line. */
enum { SKY_SED_LANES_PER = 8 };

static inline void sky_sed_lanes_columns(const double *restrict s, int n, int np,
                                         double *restrict dst, int64_t step)
{
    if (np == SKY_SED_LANES_PER)
        for (int lane = 0; lane < n; lane++)
            for (int j = 0; j < SKY_SED_LANES_PER; j++)
                dst[lane * step + j] = s[j * n + lane];
    else
        for (int lane = 0; lane < n; lane++)
            for (int j = 0; j < np; j++)
                dst[lane * step + j] = s[j * n + lane];
}

/* How a model fills a block's results (`rows` rows of `count` values at v,
 * sky_sed_lanes_ld(count) apart, its own layout): 0, or -1 when it cannot
 * (no memory). */
typedef int (*sky_sed_lanes_fill)(const void *state, const sky_sed_lanes *l, int64_t first,
                                  int64_t count, double *v);

/* The calling thread's results for pixels [first, first + count) (count at
 * most SKY_EVAL_BLOCK), filled by `fill` unless they are this block's
 * already, and channel c's group and lane. NULL when channel c has no
 * group, the thread has no slot (an evaluation by more threads than when
 * the groups were made) or the fill failed: the caller then takes the
 * one-channel path (the same values). */
const double *sky_sed_lanes_results(sky_sed_lanes *l, int c, int rows, int64_t first,
                                    int64_t count, sky_sed_lanes_fill fill, const void *state,
                                    int *group, int *lane);

/* Lane `lane` of group gr at pixels [k0, k0 + n) of a block, n at most
 * SKY_SED_LANES_SUB: its row's (the group's stored rows from `rows`, `step`
 * apart), or with a basis the combination of the basis rows with the lane's
 * coefficients, computed into buf (n values, core/combine.h). A model takes its block in pieces of SKY_SED_LANES_SUB so
 * that buf stays in the first-level cache. */
enum { SKY_SED_LANES_SUB = 256 };

static inline const double *sky_sed_lanes_values(const sky_sed_group *gr, int lane,
                                                 const double *rows, int64_t step, int64_t k0,
                                                 int64_t n, double *restrict buf)
{
    if (!gr->k)
        return rows + lane * step + k0;
    const double *u = gr->u + (int64_t)lane * gr->k;
    const double *r[SKY_COMBINE_PASS];
    for (int c = 0; c < gr->k; c += SKY_COMBINE_PASS) {
        const int nr = gr->k - c < SKY_COMBINE_PASS ? gr->k - c : SKY_COMBINE_PASS;
        for (int j = 0; j < nr; j++)
            r[j] = rows + (c + j) * step + k0;
        sky_combine_pass(nr, r, u + c, c == 0, n, buf);
    }
    return buf;
}

/* The 2-D stencil (node index `at` = jx * ny + jy, weights wx, wy) applied to
 * the n lanes of transposed table t: out[lane], as sky_sed_interp2 per lane.
 * `r` is scratch for 6 n values. A row of the stencil at a time, so that
 * each loop runs over a few contiguous arrays. */
static inline void sky_sed_interp2_lanes(const double *restrict t, int n, int64_t ny,
                                         int64_t at, const double wx[SKY_SED_POINTS],
                                         const double wy[SKY_SED_POINTS], double *restrict r,
                                         double *restrict out)
{
    const double y0 = wy[0], y1 = wy[1], y2 = wy[2], y3 = wy[3], y4 = wy[4], y5 = wy[5];
    for (int a = 0; a < SKY_SED_POINTS; a++) {
        const double *restrict q0 = t + (at + a * ny) * n, *restrict q1 = q0 + n,
                               *restrict q2 = q1 + n, *restrict q3 = q2 + n,
                               *restrict q4 = q3 + n, *restrict q5 = q4 + n;
        double *restrict ra = r + a * n;
#pragma omp simd
        for (int l = 0; l < n; l++)
            ra[l] = ((y0 * q0[l] + y1 * q1[l]) + (y2 * q2[l] + y3 * q3[l])) +
                    (y4 * q4[l] + y5 * q5[l]);
    }
    const double x0 = wx[0], x1 = wx[1], x2 = wx[2], x3 = wx[3], x4 = wx[4], x5 = wx[5];
    const double *restrict r0 = r, *restrict r1 = r + n, *restrict r2 = r + 2 * n,
                           *restrict r3 = r + 3 * n, *restrict r4 = r + 4 * n,
                           *restrict r5 = r + 5 * n;
#pragma omp simd
    for (int l = 0; l < n; l++)
        out[l] = ((x0 * r0[l] + x1 * r1[l]) + (x2 * r2[l] + x3 * r3[l])) + (x4 * r4[l] + x5 * r5[l]);
}

/* The 1-D stencil (first node j, weights w) applied to n lanes: as sky_sed_dot. */
static inline void sky_sed_interp1_lanes(const double *restrict t, int n, int64_t j,
                                         const double w[SKY_SED_POINTS], double *restrict out)
{
    const double *restrict q = t + j * n;
    const double w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4], w5 = w[5];
#pragma omp simd
    for (int l = 0; l < n; l++)
        out[l] = ((w0 * q[l] + w1 * q[n + l]) + (w2 * q[2 * n + l] + w3 * q[3 * n + l])) +
                 (w4 * q[4 * n + l] + w5 * q[5 * n + l]);
}

#endif
