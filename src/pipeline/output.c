/*
 * output.c - the second half of a simulation's pipeline (skymodel.h,
 * "Channels"): a channel's evaluated map smoothed as its options say, its
 * header cards, the files written, and the channels' final maps in memory.
 * The shells add their messages and progress around these.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "core/heap.h"
#include "io/fits_map.h"
#include "sht/sht.h"
#include "sht/smooth.h"
#include "skymodel.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

sky_prov *sky_prov_smoothed(const sky_prov *base, const sky_smooth_opts *o,
                            const char *beam_file, int nside, const sky_smooth_report *rep,
                            int mpi_procs)
{
    sky_prov *p = sky_prov_copy(base);
    if (!p)
        return NULL;
    sky_prov_add_smoothing(p, o, beam_file, nside, rep);
    if (mpi_procs > 1)
        sky_prov_set_int(p, "NPROCS", mpi_procs, "MPI processes (order of the alm sums)");
    else /* an input's, made by another run */
        sky_prov_remove(p, "NPROCS");
    return p;
}

sky_prov *sky_prov_car(const sky_prov *smoothed, const sky_smooth_opts *o)
{
    sky_prov *p = sky_prov_copy(smoothed);
    if (p)
        sky_prov_set_real(p, "CARRES", o->car_res_rad * 180 / M_PI * 60,
                          "[arcmin] CAR resolution (pixell fejer1)");
    return p;
}

int sky_smooth_map(double *map, int nside, int ncomp, const sky_smooth_opts *o, int healpix,
                   sky_smoothed *r, sky_error *err)
{
    const int nside_out = o->nside_out ? o->nside_out : nside;
    const int64_t npo = 12 * (int64_t)nside_out * nside_out;
    int rc;
    memset(r, 0, sizeof *r);
    r->nside_in = nside;
    r->nside = nside_out;
    r->ncomp = ncomp;
    if (o->car_res_rad > 0 && (rc = sky_car_shape(o->car_res_rad, &r->ny, &r->nx, err)))
        return rc;
    /* the result overwrites the input when it has the same size (sky_smooth
     * has read the input by the time it writes the output); none without a
     * HEALPix output */
    double *hp = !healpix            ? NULL
                 : nside_out == nside ? map
                                      : sky_big_alloc((size_t)(ncomp * npo) * sizeof *hp);
    double *car = r->ny ? malloc((size_t)ncomp * r->ny * r->nx * sizeof *car) : NULL;
    if ((healpix && !hp) || (r->ny && !car)) {
        if (hp != map)
            free(hp);
        free(car);
        return sky_nomem(err, "the smoothed maps");
    }
    rc = sky_smooth_inplace(map, nside, ncomp, o, hp, car, &r->rep, err);
    r->hp = hp;
    r->own = hp && hp != map;
    r->car = car;
    if (rc)
        sky_smoothed_free(r);
    return rc;
}

void sky_smoothed_free(sky_smoothed *r)
{
    if (r->own)
        free(r->hp);
    free(r->car);
    r->hp = r->car = NULL;
    r->own = 0;
}

int sky_write_smoothed(const sky_smoothed *r, const sky_smooth_opts *o, const char *beam_file,
                       const char *out, const char *car_path, const char *const *units,
                       const struct sky_prov *prov, int dtype, int overwrite, sky_error *err)
{
    static const char *names[] = {"I_STOKES", "Q_STOKES", "U_STOKES"};
    int rc = SKY_OK;
    const char coord[2] = {o->rot_to ? o->rot_to : 'G', '\0'};
    sky_prov *hprov = sky_prov_smoothed(prov, o, beam_file, r->nside_in, &r->rep, 1);
    sky_prov *cprov = hprov && r->car ? sky_prov_car(hprov, o) : NULL;
    if (!hprov || (r->car && !cprov))
        rc = sky_nomem(err, "the header cards");
    if (!rc && out) {
        sky_fits_columns cols = {r->nside, r->ncomp, names, units, r->hp, dtype, coord,
                                 overwrite, NULL};
        rc = sky_fits_write_columns_prov(out, &cols, hprov, err);
    }
    if (!rc && r->car) {
        sky_car_image img = {r->ncomp, r->ny, r->nx, r->car, units[0], coord, dtype, overwrite,
                             cprov};
        rc = sky_fits_write_car(car_path, &img, err);
        if (rc && out)
            unlink(out); /* all outputs or none */
    }
    sky_prov_free(hprov);
    sky_prov_free(cprov);
    return rc;
}

int sky_channels_maps(const sky_sky *sky, int nchan, const sky_channel *chans, double **maps,
                      sky_error *err)
{
    if (!sky || !chans || !maps || nchan < 1)
        return sky_fail(err, SKY_EINVAL, "sky_channels_maps: NULL argument or no channel");
    const int64_t nloc = sky_held_npix(sky);
    for (int c = 0; c < nchan; c++) {
        maps[c] = NULL;
        if (chans[c].smooth && nloc != sky_npix(sky))
            return sky_fail(err, SKY_EINVAL, "channel %d: smoothing needs the whole sky, not a "
                            "part", c);
    }
    int rc = SKY_OK;
    for (int c = 0; c < nchan && !rc; c++)
        if (!(maps[c] = sky_big_alloc((size_t)(3 * (nloc > 0 ? nloc : 1)) * sizeof *maps[c])))
            rc = sky_nomem(err, "the channel maps");
    if (!rc)
        rc = sky_channels_evaluate(sky, nchan, chans, maps, err);
    for (int c = 0; c < nchan && !rc; c++) {
        if (!chans[c].smooth)
            continue;
        sky_smooth_opts o = *chans[c].smooth;
        o.car_res_rad = 0; /* a HEALPix map only */
        sky_smoothed r;
        if ((rc = sky_smooth_map(maps[c], sky_nside(sky), 3, &o, 1, &r, err)))
            break;
        if (r.own) {
            free(maps[c]);
            maps[c] = r.hp;
        }
    }
    if (rc)
        for (int c = 0; c < nchan; c++) {
            free(maps[c]);
            maps[c] = NULL;
        }
    return rc;
}
