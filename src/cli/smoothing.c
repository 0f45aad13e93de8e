/*
 * smoothing.c - parsing of the smoothing options (see smoothing.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "smoothing.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/heap.h"
#include "io/fits_map.h"
#include "sht/sht.h"
#include "parallel/comm.h"
#include "progress.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* The smoothing options; *on is set when any is given. */
int cli_read_smoothing(const cli_parsed *p, int nside, sky_smooth_opts *o, int *on,
                          sky_table *beam, sky_error *err)
{
    const char *fwhm = cli_get(p, "fwhm"), *bw = cli_get(p, "beam-window"),
               *lmax = cli_get(p, "lmax"), *iter = cli_get(p, "lsq-maxiter"),
               *onside = cli_get(p, "out-nside"), *rot = cli_get(p, "rotate"),
               *car = cli_get(p, "car-resol");
    long long v;
    int rc;
    sky_smooth_opts_init(o);
    *on = fwhm || bw || lmax || iter || onside || rot || car;
    if (car) {
        double arcmin;
        int ny, nx;
        if ((rc = cli_double("--car-resol", car, "one finite value (arcmin)", &arcmin, err)))
            return rc;
        o->car_res_rad = arcmin / 60.0 * M_PI / 180.0;
        if ((rc = sky_car_shape(o->car_res_rad, &ny, &nx, err)))
            return sky_prefix(err, rc, "--car-resol: ");
    } else if (cli_get(p, "car-output")) {
        return sky_fail(err, SKY_EINVAL, "--car-output needs --car-resol");
    }
    if (rot) {
        if (strlen(rot) != 3 || rot[1] != ':' || !strchr("GCE", rot[0]) || !strchr("GCE", rot[2]))
            return sky_fail(err, SKY_EINVAL, "--rotate '%s': expected A:B with A and B among G "
                            "(Galactic), C (Equatorial), E (Ecliptic)", rot);
        o->rot_from = rot[0];
        o->rot_to = rot[2];
    }
    if (fwhm) {
        static const char what[] = "one finite value >= 0 (arcmin)";
        double arcmin;
        if ((rc = cli_double("--fwhm", fwhm, what, &arcmin, err)))
            return rc;
        if (!(arcmin >= 0))
            return sky_fail(err, SKY_EINVAL, "--fwhm '%s': expected %s", fwhm, what);
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
    if (bw && (rc = cli_read_beam_window(bw, nside, o, beam, err)))
        return rc;
    return SKY_OK;
}

int cli_read_beam_window(const char *bw, int nside, sky_smooth_opts *o, sky_table *beam,
                         sky_error *err)
{
    double *cm;
    int cols, rows;
    int rc = sky_beam_window_read(bw, &cm, &cols, &rows, err);
    if (rc)
        return rc;
    /* the table owns the columns (its layout is not row-major here) */
    beam->data = cm;
    beam->ncols = cols;
    beam->nrows = rows;
    int need = o->lmax >= 0 ? o->lmax
                            : sky_smooth_default_lmax(nside, o->nside_out ? o->nside_out : nside);
    if (beam->nrows < need + 1)
        return sky_fail(err, SKY_EINVAL, "beam window %s: %d rows, expected at least lmax + 1 "
                        "= %d", bw, beam->nrows, need + 1);
    o->beam = cm;
    o->beam_ncols = beam->ncols;
    o->beam_len = beam->nrows;
    return SKY_OK;
}

char *cli_car_path(const cli_parsed *p, const char *out)
{
    const char *given = cli_get(p, "car-output");
    if (given)
        return strdup(given);
    if (!out) /* a CAR map alone has --car-output */
        return strdup("");
    size_t n = strlen(out);
    char *path = malloc(n + 16);
    if (!path)
        return NULL;
    if (n > 5 && !strcmp(out + n - 5, ".fits"))
        snprintf(path, n + 16, "%.*s_car.fits", (int)(n - 5), out);
    else
        snprintf(path, n + 16, "%s_car.fits", out);
    return path;
}

int cli_smooth_map(double *map, int nside, int ncomp, const sky_smooth_opts *o,
                   const char *label, int healpix, sky_smoothed *r, sky_error *err)
{
    const int nside_out = o->nside_out ? o->nside_out : nside;
    if (label)
        cli_progress_start("transforms of %s (nside %d, lmax %d)", label, nside,
                           o->lmax >= 0 ? o->lmax : sky_smooth_default_lmax(nside, nside_out));
    const int rc = sky_smooth_map(map, nside, ncomp, o, healpix, r, err);
    if (label)
        cli_progress_done();
    return rc;
}

int cli_write_smoothed(const sky_smoothed *r, const sky_smooth_opts *o, const char *beam_file,
                       const char *out, const char *car_path, const char *const *units,
                       const sky_prov *prov, int dtype, int overwrite, int verbose,
                       sky_error *err)
{
    if (verbose > 1)
        fprintf(stderr, "skymodel: transforms at lmax %d, %s, %d iterations, residual %.3g\n",
                r->rep.lmax, r->rep.method, r->rep.iterations, r->rep.residual);
    const int rc = sky_write_smoothed(r, o, beam_file, out, car_path, units, prov, dtype,
                                      overwrite, err);
    if (!rc && verbose) {
        if (out)
            cli_line(stdout, "wrote %s (nside %d, smoothed)", out, r->nside);
        if (r->car)
            cli_line(stdout, "wrote %s (CAR %d x %d)", car_path, r->ny, r->nx);
    }
    return rc;
}

int cli_smooth_and_write(double *map, int nside, int ncomp, const sky_smooth_opts *o,
                         const char *beam_file, const char *out, const char *car_path,
                         const char *const *units, const sky_prov *prov, int dtype,
                         int overwrite, int verbose, sky_error *err)
{
    sky_smoothed r;
    int rc = cli_smooth_map(map, nside, ncomp, o, out ? out : car_path, out != NULL, &r, err);
    if (rc)
        return rc;
    rc = cli_write_smoothed(&r, o, beam_file, out, car_path, units, prov, dtype, overwrite,
                            verbose, err);
    sky_smoothed_free(&r);
    return rc;
}

int cli_smooth_channel_and_write(const sky_sky *sky, const sky_channel *ch, double *map,
                                 const char *beam_file, const char *out, const char *car_path,
                                 const char *const *units, const sky_prov *prov, int overwrite,
                                 int verbose, sky_error *err)
{
    const sky_smooth_opts *o = ch->smooth;
    const int nside = sky_nside(sky), nside_out = o->nside_out ? o->nside_out : nside;
    sky_smoothed r;
    cli_progress_start("transforms of %s (nside %d, lmax %d)", out ? out : car_path, nside,
                       o->lmax >= 0 ? o->lmax : sky_smooth_default_lmax(nside, nside_out));
    int rc = sky_channel_smooth_map(sky, ch, map, out != NULL, &r, err);
    cli_progress_done();
    if (rc)
        return rc;
    rc = cli_write_smoothed(&r, o, beam_file, out, car_path, units, prov, ch->dtype, overwrite,
                            verbose, err);
    sky_smoothed_free(&r);
    return rc;
}

int cli_check_outputs(const cli_parsed *p, const char *out, const sky_smooth_opts *o,
                      sky_outdirs *made, sky_error *err)
{
    if (sky_par_rank() != 0) /* one process makes the folders; the others agree */
        return SKY_OK;
    const int force = cli_has(p, "force");
    /* out is NULL when only a CAR map is asked for (--car-output without -o) */
    int rc = out ? sky_output_file("-o", out, force, made, err) : SKY_OK;
    if (!rc && o && o->car_res_rad > 0) {
        char *car = cli_car_path(p, out);
        rc = car ? sky_output_file(cli_get(p, "car-output") ? "--car-output" : "-o", car, force,
                                   made, err)
                 : sky_nomem(err, "a path");
        free(car);
    }
    if (!rc && cli_get(p, "plot"))
        rc = sky_output_file("--plot", cli_get(p, "plot"), force, made, err);
    return rc;
}
