/*
 * combine.h - a linear combination of rows, sum_k c_k row_k, built up a few
 * rows a pass over the output: a channel's values from the basis of many
 * detectors' tables (spectra/sed_lanes.h) and a compressed group's channel
 * maps from their smoothed basis maps (pipeline/compress.c).
 */
#ifndef SKY_CORE_COMBINE_H
#define SKY_CORE_COMBINE_H

#include <stdint.h>

/* Rows a pass at most. */
enum { SKY_COMBINE_PASS = 4 };

/* One pass of nr rows (1 to SKY_COMBINE_PASS): out[i] = 0 + c[0] r[0][i] +
 * ... + c[nr-1] r[nr-1][i] for i < n when `first`, else the same terms added
 * onto out[i]. Each term is added in turn to the running sum, so that passes
 * of up to four rows give the bits of one row a pass (out zeroed, then
 * out += c_k r_k for each k), while reading and writing out once a pass. */
static inline void sky_combine_pass(int nr, const double *const *r, const double *c, int first,
                                    int64_t n, double *restrict out)
{
    if (nr == SKY_COMBINE_PASS) {
        const double *restrict r0 = r[0], *restrict r1 = r[1], *restrict r2 = r[2],
                               *restrict r3 = r[3];
        const double c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3];
        if (first) {
#pragma omp simd
            for (int64_t i = 0; i < n; i++) {
                double acc = 0.0;
                acc += c0 * r0[i];
                acc += c1 * r1[i];
                acc += c2 * r2[i];
                acc += c3 * r3[i];
                out[i] = acc;
            }
        } else {
#pragma omp simd
            for (int64_t i = 0; i < n; i++) {
                double acc = out[i];
                acc += c0 * r0[i];
                acc += c1 * r1[i];
                acc += c2 * r2[i];
                acc += c3 * r3[i];
                out[i] = acc;
            }
        }
        return;
    }
    for (int b = 0; b < nr; b++) {
        const double cb = c[b];
        const double *restrict rb = r[b];
        if (first && b == 0) {
#pragma omp simd
            for (int64_t i = 0; i < n; i++)
                out[i] = 0.0 + cb * rb[i];
        } else {
#pragma omp simd
            for (int64_t i = 0; i < n; i++)
                out[i] += cb * rb[i];
        }
    }
}

#endif
