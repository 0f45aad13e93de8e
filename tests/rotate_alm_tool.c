/*
 * rotate_alm_tool.c - `rotate_alm_tool A:B LMAX NCOMP IN OUT [NPROC]`:
 * reads NCOMP blocks of alm (healpy layout, lmax = mmax, complex doubles in
 * native order) from IN, rotates them from coordinates A to B with
 * sky_rotate_alm and writes them to OUT. With NPROC > 0 the rotation is
 * done as a distributed run of NPROC processes does it: each process's
 * degrees (sky_rotate_split) rotated with sky_rotate_alm_degrees on a copy,
 * and the copies summed. Used by oracle_rotate.py against healpy.
 */
#include <complex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sht/rotate.h"

static int fail(const char *msg)
{
    fprintf(stderr, "rotate_alm_tool: %s\n", msg);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc != 6 && argc != 7)
        return fail("usage: rotate_alm_tool A:B LMAX NCOMP IN OUT [NPROC]");
    const char *pair = argv[1];
    const int lmax = atoi(argv[2]), ncomp = atoi(argv[3]), nproc = argc == 7 ? atoi(argv[6]) : 0;
    if (strlen(pair) != 3 || pair[1] != ':' || lmax < 0 || ncomp < 1 || nproc < 0)
        return fail("expected A:B, LMAX >= 0, NCOMP >= 1, NPROC >= 0");
    const size_t nalm = (size_t)(lmax + 1) * (lmax + 2) / 2, n = nalm * ncomp;
    double complex *alm = malloc(n * sizeof *alm), *part = malloc(n * sizeof *part),
                   *sum = calloc(n, sizeof *sum);
    if (!alm || !part || !sum)
        return fail("out of memory");
    FILE *f = fopen(argv[4], "rb");
    if (!f || fread(alm, sizeof *alm, n, f) != n)
        return fail("cannot read the input alm");
    fclose(f);
    double mat[3][3];
    sky_error err;
    if (sky_coord_matrix(pair[0], pair[2], mat, &err))
        return fail(err.msg);
    if (!nproc) {
        if (sky_rotate_alm(lmax, ncomp, alm, mat, &err))
            return fail(err.msg);
    } else {
        for (int r = 0; r < nproc; r++) {
            int l0, l1;
            sky_rotate_split(lmax, r, nproc, &l0, &l1);
            memcpy(part, alm, n * sizeof *part);
            if (sky_rotate_alm_degrees(lmax, ncomp, part, mat, l0, l1, &err))
                return fail(err.msg);
            for (size_t i = 0; i < n; i++)
                sum[i] += part[i];
        }
        memcpy(alm, sum, n * sizeof *alm);
    }
    f = fopen(argv[5], "wb");
    if (!f || fwrite(alm, sizeof *alm, n, f) != n || fclose(f))
        return fail("cannot write the output alm");
    free(alm);
    free(part);
    free(sum);
    return 0;
}
