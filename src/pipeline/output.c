/*
 * output.c - the second half of a simulation's pipeline (skymodel.h,
 * "Channels"): a channel's evaluated map smoothed as its options say, its
 * header cards, the files written, and the channels' final maps in memory.
 * The shells add their messages and progress around these.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/heap.h"
#include "io/fits_map.h"
#include "io/fits_parts.h"
#include "parallel/comm.h"
#include "parallel/region.h"
#include "parallel/threads.h"
#include "sht/sht.h"
#include "sht/smooth.h"
#include "skymodel.h"
#include "sky_eval.h"

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

/* r set up for smoothing `map` as `o` says: its shapes, the HEALPix output
 * (unless `healpix` is 0: over `map` itself when the output nside is the
 * input's, the transforms having read the input by the time they write)
 * and the CAR map (zeros). */
static int smoothed_outputs(double *map, int nside, int ncomp, const sky_smooth_opts *o,
                            int healpix, sky_smoothed *r, sky_error *err)
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
    double *hp = !healpix            ? NULL
                 : nside_out == nside ? map
                                      : sky_big_alloc((size_t)(ncomp * npo) * sizeof *hp);
    double *car = r->ny ? calloc((size_t)ncomp * r->ny * r->nx, sizeof *car) : NULL;
    if ((healpix && !hp) || (r->ny && !car)) {
        if (hp != map)
            free(hp);
        free(car);
        return sky_nomem(err, "the smoothed maps");
    }
    r->hp = hp;
    r->own = hp && hp != map;
    r->car = car;
    return SKY_OK;
}

int sky_smooth_map(double *map, int nside, int ncomp, const sky_smooth_opts *o, int healpix,
                   sky_smoothed *r, sky_error *err)
{
    int rc = smoothed_outputs(map, nside, ncomp, o, healpix, r, err);
    if (!rc && (rc = sky_smooth_inplace(map, nside, ncomp, o, r->hp, r->car, &r->rep, err)))
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

/* sky_smooth_map's result for a map that is zero everywhere (a sky whose
 * every component applies the beam itself): zeros of the output shapes,
 * without the transforms (at nside 4096 they would cost minutes). */
static int smoothed_zeros(double *map, int nside, int ncomp, const sky_smooth_opts *o,
                          int healpix, sky_smoothed *r, sky_error *err)
{
    int rc = smoothed_outputs(map, nside, ncomp, o, healpix, r, err);
    if (rc)
        return rc;
    if (r->hp)
        memset(r->hp, 0, (size_t)ncomp * 12 * (size_t)r->nside * r->nside * sizeof *r->hp);
    r->rep.lmax = o->lmax >= 0 ? o->lmax : sky_smooth_default_lmax(nside, r->nside);
    r->rep.method = "none: self-smoothed"; /* no transform made */
    return SKY_OK;
}

int sky_channel_smooth_map(const sky_sky *sky, const sky_channel *ch, double *map, int healpix,
                           sky_smoothed *r, sky_error *err)
{
    if (!sky || !ch || !ch->smooth || !map || !r)
        return sky_fail(err, SKY_EINVAL, "sky_channel_smooth_map: NULL argument or an "
                        "unsmoothed channel");
    int rc = sky_self_smoothing_count(sky) == sky_component_total(sky)
                 ? smoothed_zeros(map, sky_nside(sky), 3, ch->smooth, healpix, r, err)
                 : sky_smooth_map(map, sky_nside(sky), 3, ch->smooth, healpix, r, err);
    if (!rc && (rc = sky_add_self_smoothed(sky, &ch->band, ch->unit ? ch->unit : "uK_RJ",
                                           ch->scale, ch->smooth, r, err)))
        sky_smoothed_free(r);
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
        sky_channel one = chans[c];
        one.smooth = &o;
        sky_smoothed r;
        if ((rc = sky_channel_smooth_map(sky, &one, maps[c], 1, &r, err)))
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

static const char *const NAMES[3] = {"I_STOKES", "Q_STOKES", "U_STOKES"};

/* Whole maps evaluated at once for a part of the sky: at most this many
 * bytes (of whole-sky maps: each process's share falls with their number),
 * but always at least one channel. */
static const double PART_BATCH_BYTES = 512.0 * 1024 * 1024;

int64_t sky_channels_chunk(int64_t npix, int nchan)
{
    /* small enough that the chunk's maps stay in the cache between the
     * evaluation and the writing, large enough that every thread gets two of
     * the evaluation's blocks */
    int64_t chunk = ((int64_t)(24 << 20) / (24 * (int64_t)(nchan > 0 ? nchan : 1))) / 1024 * 1024;
    const int64_t least = 2 * SKY_EVAL_BLOCK * (int64_t)sky_threads_max();
    if (chunk < least)
        chunk = least;
    if (chunk > (1 << 21))
        chunk = 1 << 21;
    return chunk < npix ? chunk : npix;
}

/* A part of the sky under mpirun: the channels evaluated in batches, each
 * map written by rank 0 from the processes' parts. Every process calls it. */
static int write_parts(const sky_sky *sky, int nchan, const sky_channel *chans,
                       const char *const *paths, const struct sky_prov *const *provs,
                       int overwrite, int *written, sky_error *err)
{
    const int64_t nloc = sky_held_npix(sky);
    int batch = (int)(PART_BATCH_BYTES / (3.0 * (double)sky_npix(sky) * 8));
    batch = batch < 1 ? 1 : batch > nchan ? nchan : batch;
    double **maps = calloc((size_t)batch, sizeof *maps);
    int rc = maps ? SKY_OK : sky_nomem(err, "the channel list");
    for (int k = 0; k < batch && !rc; k++)
        if (!(maps[k] = sky_big_alloc((size_t)(3 * (nloc > 0 ? nloc : 1)) * sizeof *maps[k])))
            rc = sky_nomem(err, "the channel maps");
    for (int b0 = 0; b0 < nchan && !rc; b0 += batch) {
        const int nb = nchan - b0 < batch ? nchan - b0 : batch;
        rc = sky_par_agree(sky_channels_evaluate(sky, nb, chans + b0, maps, err), err);
        for (int k = 0; k < nb && !rc; k++) {
            const sky_channel *ch = &chans[b0 + k];
            const char *cu[3] = {ch->unit, ch->unit, ch->unit};
            sky_fits_columns cols = {sky_nside(sky), 3, NAMES, cu, NULL, ch->dtype, "G",
                                     overwrite, NULL};
            rc = sky_fits_write_parts(paths[b0 + k], &cols, provs[b0 + k], maps[k], err);
            written[b0 + k] = !rc;
        }
    }
    for (int k = 0; maps && k < batch; k++)
        free(maps[k]);
    free(maps);
    return sky_par_agree(rc, err);
}

int sky_channels_write(const sky_sky *sky, int nchan, const sky_channel *chans,
                       const char *const *paths, const struct sky_prov *const *provs,
                       int overwrite, double *emission_seconds, sky_error *err)
{
    if (emission_seconds)
        *emission_seconds = 0;
    if (!sky || !chans || !paths || !provs || nchan < 1)
        return sky_fail(err, SKY_EINVAL, "sky_channels_write: NULL argument or no channel");
    for (int c = 0; c < nchan; c++)
        if (chans[c].smooth || !paths[c])
            return sky_fail(err, SKY_EINVAL, "sky_channels_write: channel %d: %s", c,
                            paths[c] ? "smoothed (use sky_smooth_map and sky_write_smoothed)"
                                     : "no path");
    const int64_t npix = sky_npix(sky);
    const int part = sky_held_npix(sky) != npix;
    if (part && sky_par_size() < 2)
        return sky_fail(err, SKY_EINVAL, "sky_channels_write: a part of the sky is written by "
                        "the MPI processes holding the others");
    int *written = calloc((size_t)nchan, sizeof *written);
    if (!written)
        return sky_nomem(err, "the channel list");
    int rc = SKY_OK;
    if (part) {
        rc = write_parts(sky, nchan, chans, paths, provs, overwrite, written, err);
        goto done;
    }
    const int64_t chunk = sky_channels_chunk(npix, nchan);
    sky_fits_writer **w = calloc((size_t)nchan, sizeof *w);
    double **maps = calloc((size_t)nchan, sizeof *maps);
    sky_bands *bands = NULL; /* prepared once for every chunk */
    if (!w || !maps)
        rc = sky_nomem(err, "the channel list");
    else
        rc = sky_channels_prepare(sky, nchan, chans, &bands, err);
    for (int c = 0; c < nchan && !rc; c++) {
        const char *cu[3] = {chans[c].unit, chans[c].unit, chans[c].unit};
        sky_fits_columns cols = {sky_nside(sky), 3, NAMES, cu, NULL, chans[c].dtype, "G",
                                 overwrite, NULL};
        if (!(maps[c] = sky_big_alloc((size_t)(3 * chunk) * sizeof *maps[c])))
            rc = sky_nomem(err, "the output chunks");
        else
            rc = sky_fits_writer_open_prov(paths[c], &cols, provs[c], &w[c], err);
    }
    for (int64_t first = 0; first < npix && !rc; first += chunk) {
        const int64_t count = npix - first < chunk ? npix - first : chunk;
        const double ta = sky_clock_seconds();
        rc = sky_channels_range_prepared(bands, nchan, chans, first, count, maps, count, err);
        if (emission_seconds)
            *emission_seconds += sky_clock_seconds() - ta;
        for (int c = 0; c < nchan && !rc; c++)
            rc = sky_fits_writer_write(w[c], first, count, maps[c], err);
    }
    for (int c = 0; c < nchan && !rc; c++) {
        rc = sky_fits_writer_commit(w[c], err);
        w[c] = NULL;
        written[c] = !rc;
    }
    for (int c = 0; w && c < nchan; c++)
        sky_fits_writer_abort(w[c]);
    for (int c = 0; maps && c < nchan; c++)
        free(maps[c]);
    sky_bands_free(bands);
    free(w);
    free(maps);
done:
    if (rc && sky_par_rank() == 0) /* all maps or none */
        for (int c = 0; c < nchan; c++)
            if (written[c])
                unlink(paths[c]);
    free(written);
    return rc;
}

int sky_smooth_map_parts(double *map, int nside, int ncomp, const sky_smooth_opts *o,
                         int healpix, sky_smoothed *r, sky_error *err)
{
    const int rank = sky_par_rank(), size = sky_par_size();
    if (size < 2) /* one process: its part is the whole map */
        return sky_smooth_map(map, nside, ncomp, o, healpix, r, err);
    const int nside_out = o->nside_out ? o->nside_out : nside;
    sky_region part, out_part;
    sky_region_part(nside, rank, size, &part);
    sky_region_part(nside_out, rank, size, &out_part);
    const int64_t nout = sky_region_npix(&out_part);
    double *out = NULL, *car = NULL;
    int rc = SKY_OK;
    memset(r, 0, sizeof *r);
    r->nside_in = nside;
    r->nside = nside_out;
    r->ncomp = ncomp;
    if (o->car_res_rad > 0)
        rc = sky_car_shape(o->car_res_rad, &r->ny, &r->nx, err);
    if (!rc) {
        out = !healpix ? NULL
              : nside_out == nside
                  ? map
                  : sky_big_alloc((size_t)(ncomp * (nout > 0 ? nout : 1)) * sizeof *out);
        if ((healpix && !out) ||
            (rank == 0 && r->ny && !(car = malloc((size_t)ncomp * r->ny * r->nx * sizeof *car))))
            rc = sky_nomem(err, "the smoothed maps");
    }
    if (!(rc = sky_par_agree(rc, err)))
        rc = sky_par_agree(sky_smooth_part(map, &part, ncomp, o, nside_out == nside ? &part
                                                                                 : &out_part,
                                           out, car, &r->rep, err), err);
    r->hp = out;
    r->own = out && out != map;
    r->car = car;
    if (rc)
        sky_smoothed_free(r);
    return rc;
}

int sky_channel_smooth_map_parts(const sky_sky *sky, const sky_channel *ch, double *map,
                                 int healpix, sky_smoothed *r, sky_error *err)
{
    if (!sky || !ch || !ch->smooth || !map || !r)
        return sky_fail(err, SKY_EINVAL, "sky_channel_smooth_map_parts: NULL argument or an "
                        "unsmoothed channel");
    const int size = sky_par_size();
    if (size < 2)
        return sky_channel_smooth_map(sky, ch, map, healpix, r, err);
    int rc = sky_smooth_map_parts(map, sky_nside(sky), 3, ch->smooth, healpix, r, err);
    if (rc)
        return rc;
    sky_region out_part;
    sky_region_part(r->nside, sky_par_rank(), size, &out_part);
    rc = sky_par_agree(sky_add_self_smoothed_part(sky, &ch->band, ch->unit ? ch->unit : "uK_RJ",
                                                  ch->scale, ch->smooth, &out_part, r, err),
                       err);
    if (rc)
        sky_smoothed_free(r);
    return rc;
}

int sky_write_smoothed_parts(const sky_smoothed *r, const sky_smooth_opts *o,
                             const char *beam_file, const char *out, const char *car_path,
                             const char *const *units, const struct sky_prov *prov, int dtype,
                             int overwrite, sky_error *err)
{
    if (sky_par_size() < 2)
        return sky_write_smoothed(r, o, beam_file, out, car_path, units, prov, dtype, overwrite,
                                  err);
    const char coord[2] = {o->rot_to ? o->rot_to : 'G', '\0'};
    sky_prov *hprov = sky_prov_smoothed(prov, o, beam_file, r->nside_in, &r->rep,
                                        sky_par_size());
    sky_prov *cprov = hprov && r->ny ? sky_prov_car(hprov, o) : NULL;
    int rc = !hprov || (r->ny && !cprov) ? sky_nomem(err, "the header cards") : SKY_OK;
    if ((rc = sky_par_agree(rc, err)))
        goto done;
    sky_fits_columns cols = {r->nside, r->ncomp, NAMES, units, NULL, dtype, coord, overwrite,
                             NULL};
    if (out && (rc = sky_fits_write_parts(out, &cols, hprov, r->hp, err)))
        goto done;
    if (r->car) { /* rank 0 */
        sky_car_image img = {r->ncomp, r->ny, r->nx, r->car, units[0], coord, dtype, overwrite,
                             cprov};
        if ((rc = sky_fits_write_car(car_path, &img, err)) && out)
            remove(out); /* all outputs or none */
    }
    rc = sky_par_agree(rc, err);
done:
    sky_prov_free(hprov);
    sky_prov_free(cprov);
    return rc;
}
