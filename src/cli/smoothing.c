/*
 * smoothing.c - parsing of the smoothing options (see smoothing.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "smoothing.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* The smoothing options; *on is set when any is given. */
int cli_read_smoothing(const cli_parsed *p, int nside, sky_smooth_opts *o, int *on,
                          sky_table *beam, sky_error *err)
{
    const char *fwhm = cli_get(p, "fwhm"), *bw = cli_get(p, "beam-window"),
               *lmax = cli_get(p, "lmax"), *iter = cli_get(p, "lsq-maxiter"),
               *onside = cli_get(p, "out-nside"), *rot = cli_get(p, "rotate");
    long long v;
    int rc;
    sky_smooth_opts_init(o);
    *on = fwhm || bw || lmax || iter || onside || rot;
    if (rot) {
        if (strlen(rot) != 3 || rot[1] != ':' || !strchr("GCE", rot[0]) || !strchr("GCE", rot[2]))
            return sky_fail(err, SKY_EINVAL, "--rotate '%s': expected A:B with A and B among G "
                            "(Galactic), C (Equatorial), E (Ecliptic)", rot);
        o->rot_from = rot[0];
        o->rot_to = rot[2];
    }
    if (fwhm) {
        double *f;
        int n;
        if ((rc = cli_double_list("--fwhm", fwhm, &f, &n, err)))
            return rc;
        double arcmin = f[0];
        free(f);
        if (n != 1 || !(arcmin >= 0) || !isfinite(arcmin))
            return sky_fail(err, SKY_EINVAL, "--fwhm '%s': expected one finite value >= 0 "
                            "(arcmin)", fwhm);
        o->fwhm_rad = arcmin / 60.0 * M_PI / 180.0;
    }
    if (fwhm && bw)
        return sky_fail(err, SKY_EINVAL, "--fwhm and --beam-window: give one beam, not both");
    if (onside) {
        if ((rc = cli_int("--out-nside", onside, 1, 1 << 30, &v, err)))
            return rc;
        if (v > 8192 || (v & (v - 1)))
            return sky_fail(err, SKY_EINVAL,
                            "--out-nside %lld: expected a power of two from 1 to 8192", v);
        o->nside_out = (int)v;
    }
    if (lmax) {
        if ((rc = cli_int("--lmax", lmax, 0, 4LL * nside, &v, err)))
            return rc;
        o->lmax = (int)v;
    }
    if (iter) {
        if ((rc = cli_int("--lsq-maxiter", iter, 0, 100000, &v, err)))
            return rc;
        o->lsq_maxiter = (int)v;
    }
    if (bw) {
        if ((rc = sky_table_read(bw, "beam window", beam, err)))
            return rc;
        if (beam->ncols != 1 && beam->ncols != 3)
            return sky_fail(err, SKY_EFORMAT, "beam window %s: %d columns, expected 1 (T, E, B "
                            "alike) or 3 (T, E, B)", bw, beam->ncols);
        for (int64_t i = 0; i < (int64_t)beam->nrows * beam->ncols; i++)
            if (!isfinite(beam->data[i]))
                return sky_fail(err, SKY_EFORMAT, "beam window %s: row %lld is not finite", bw,
                                (long long)(i / beam->ncols + 1));
        int need = o->lmax >= 0 ? o->lmax
                                : sky_smooth_default_lmax(nside, o->nside_out ? o->nside_out : nside);
        if (beam->nrows < need + 1)
            return sky_fail(err, SKY_EINVAL, "beam window %s: %d rows, expected at least lmax + 1 "
                            "= %d", bw, beam->nrows, need + 1);
        /* column-major copy for the smoother */
        double *cm = malloc((size_t)beam->nrows * beam->ncols * sizeof *cm);
        if (!cm)
            return sky_nomem(err, "the beam window");
        for (int r = 0; r < beam->nrows; r++)
            for (int c = 0; c < beam->ncols; c++)
                cm[(int64_t)c * beam->nrows + r] = sky_table_at(beam, r, c);
        free(beam->data);
        beam->data = cm;
        o->beam = cm;
        o->beam_ncols = beam->ncols;
        o->beam_len = beam->nrows;
    }
    return SKY_OK;
}

