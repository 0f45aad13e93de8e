/*
 * sim_parts.c - `skymodel sim` under mpirun: one simulation shared by the
 * processes of the run.
 *
 * Each process holds part of the sky (sky_region_part for its rank: a band of
 * ring pairs, balanced by pixel count), reads its templates for that part
 * only and evaluates it; the transforms run on every process's rings with
 * the alm summed over processes (sht.c), and rank 0 writes the file from the
 * parts (fits_parts.c). Unsmoothed maps have the bits of a serial run; the
 * transforms add the parts' alm in another order, which changes the last
 * bits. Every step that can fail on one process ends with sky_par_agree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/heap.h"
#include "io/fits_parts.h"
#include "parallel/comm.h"
#include "sht/sht.h"
#include "sht/smooth.h"
#include "sim.h"
#include "smoothing.h"
#include "progress.h"

enum { CHUNK = 1 << 20 }; /* pixels evaluated and written at a time with --parts */

/* cli_smooth_part_and_write, and with `sky` and `ch` (may be NULL) the
 * components of `sky` that apply the beam themselves added to the channel */
static int smooth_part_and_write(const sky_sky *sky, const sky_channel *ch, double *map,
                                 int nside, int ncomp, const sky_smooth_opts *o,
                                 const char *beam_file, const char *out_path,
                                 const char *car_path, const char *const *units,
                                 const sky_prov *prov, int dtype, int overwrite, int verbose,
                                 sky_error *err)
{
    const int rank = sky_par_rank(), size = sky_par_size();
    const double t0 = sky_clock_seconds(), tsht = sky_sht_seconds();
    sky_smoothed r;
    cli_progress_start("transforms of %s over %d processes", out_path ? out_path : car_path,
                       size);
    int rc = sky && ch ? sky_channel_smooth_map_parts(sky, ch, map, out_path != NULL, &r, err)
                       : sky_smooth_map_parts(map, nside, ncomp, o, out_path != NULL, &r, err);
    cli_progress_done();
    if (rc)
        return rc;
    if (verbose > 1 && rank == 0)
        fprintf(stderr, "skymodel: transforms at lmax %d, %s, %d iterations, residual %.3g in "
                "%.2f s (libsharp %.2f s on rank 0)\n", r.rep.lmax, r.rep.method,
                r.rep.iterations, r.rep.residual, sky_clock_seconds() - t0,
                sky_sht_seconds() - tsht);
    rc = sky_write_smoothed_parts(&r, o, beam_file, out_path, car_path, units, prov, dtype,
                                  overwrite, err);
    if (!rc && verbose && rank == 0) {
        if (out_path)
            cli_line(stdout, "wrote %s (nside %d, smoothed; %d processes)", out_path, r.nside,
                     size);
        if (r.car)
            cli_line(stdout, "wrote %s (CAR %d x %d)", car_path, r.ny, r.nx);
    }
    sky_smoothed_free(&r);
    return rc;
}

int cli_smooth_part_and_write(double *map, int nside, int ncomp,
                              const sky_smooth_opts *o, const char *beam_file,
                              const char *out_path, const char *car_path,
                              const char *const *units, const sky_prov *prov, int dtype,
                              int overwrite, int verbose, sky_error *err)
{
    return smooth_part_and_write(NULL, NULL, map, nside, ncomp, o, beam_file, out_path,
                                 car_path, units, prov, dtype, overwrite, verbose, err);
}

int cli_sim_parts(const cli_parsed *p, int nside, long long seed, int verbose,
                  const cli_sim_target *t, sky_error *err)
{
    const sky_smooth_opts *smooth = t->ch.smooth;
    const int rank = sky_par_rank(), size = sky_par_size();
    const int say = verbose > 1 && rank == 0;
    sky_config *cfg = NULL;
    sky_sky *sky = NULL;
    double *map = NULL;
    sky_prov *prov = NULL;
    sky_region part;
    sky_region_part(nside, rank, size, &part);
    const int64_t nloc = sky_region_npix(&part);
    const double t0 = sky_clock_seconds();

    int rc = cli_build_sky(p, cli_get(p, "preset"), nside, seed, verbose, &cfg, &sky, &prov, err);
    if (!rc)
        rc = sky_prov_add_band(prov, &t->ch.band, t->bandpass) ? sky_prov_status(prov, err)
                                                               : SKY_OK;
    if (!rc && !(map = sky_big_alloc((size_t)(3 * (nloc > 0 ? nloc : 1)) * sizeof *map)))
        rc = sky_nomem(err, "this process's part of the map");
    if ((rc = sky_par_agree(rc, err)))
        goto done;
    if (say)
        fprintf(stderr, "skymodel: %d processes; templates of each part read in %.2f s\n", size,
                sky_clock_seconds() - t0);
    const double t1 = sky_clock_seconds();
    cli_progress_start("emission of each process's part");
    rc = sky_channels_evaluate(sky, 1, &t->ch, &map, err);
    cli_progress_done();
    if (!smooth) { /* the templates are not needed again (smoothed: components that apply
                      the beam themselves add their map after the transforms) */
        sky_free(sky);
        sky = NULL;
    }
    if ((rc = sky_par_agree(rc, err)))
        goto done;
    if (say)
        fprintf(stderr, "skymodel: emission in %.2f s\n", sky_clock_seconds() - t1);

    static const char *names[] = {"I_STOKES", "Q_STOKES", "U_STOKES"};
    const char *units[] = {t->ch.unit, t->ch.unit, t->ch.unit};
    sky_fits_columns cols = {nside, 3, names, units, NULL, t->ch.dtype, "G", t->overwrite, NULL};
    if (!smooth) {
        rc = sky_fits_write_parts(t->out, &cols, prov, map, err);
        goto done;
    }

    rc = smooth_part_and_write(sky, &t->ch, map, nside, 3, smooth, cli_get(p, "beam-window"),
                               t->out, t->car, units, prov, t->ch.dtype, t->overwrite, verbose,
                               err);
done:
    if (!rc) {
        const double peak = sky_par_max(cli_peak_rss_mb());
        if (say)
            fprintf(stderr, "skymodel: total %.2f s, peak memory %.0f MB on the largest "
                    "process\n", sky_clock_seconds() - t0, peak);
        if (verbose && rank == 0 && !smooth)
            cli_line(stdout, "wrote %s (nside %d, %s, %s; %d processes)", t->out, nside,
                     t->presets, t->ch.unit, size);
    }
    free(map);
    sky_free(sky);
    sky_config_free(cfg);
    sky_prov_free(prov);
    return rc;
}

int cli_sim_in_parts(const cli_parsed *p, int nside, long long seed, int verbose,
                     const cli_sim_target *t, int nparts, sky_error *err)
{
    static const char *names[] = {"I_STOKES", "Q_STOKES", "U_STOKES"};
    const char *units[] = {t->ch.unit, t->ch.unit, t->ch.unit};
    sky_fits_writer *w = NULL;
    sky_prov *prov = NULL;
    double t_read = 0, t_emission = 0;
    const double t0 = sky_clock_seconds();
    double *buf = sky_big_alloc((size_t)(3 * CHUNK) * sizeof *buf);
    int rc = buf ? SKY_OK : sky_nomem(err, "the evaluation chunk");
    for (int k = 0; k < nparts && !rc; k++) {
        sky_config *cfg = NULL;
        sky_sky *sky = NULL;
        double ta = sky_clock_seconds();
        cli_progress_start("part %d of %d: reading templates", k + 1, nparts);
        /* the components say what they read once, for the first part */
        rc = cli_build_sky_part(p, cli_get(p, "preset"), nside, seed, k == 0 ? verbose : 0, k,
                                nparts, &cfg, &sky, k == 0 ? &prov : NULL, err);
        cli_progress_done();
        if (!rc && !w) { /* the header (seeds included) from the first part's sky */
            sky_fits_columns cols = {nside, 3, names, units, NULL, t->ch.dtype, "G",
                                     t->overwrite, NULL};
            if (sky_prov_add_band(prov, &t->ch.band, t->bandpass))
                rc = sky_prov_status(prov, err);
            if (!rc)
                rc = sky_fits_writer_open_prov(t->out, &cols, prov, &w, err);
        }
        double tb = sky_clock_seconds();
        t_read += tb - ta;
        int64_t first[2], count[2];
        const int nseg = rc ? 0 : sky_part_ranges(sky, first, count);
        cli_progress_start("part %d of %d: emission and writing", k + 1, nparts);
        for (int s = 0; s < nseg && !rc; s++)
            for (int64_t a = first[s]; a < first[s] + count[s] && !rc; a += CHUNK) {
                const int64_t n = first[s] + count[s] - a < CHUNK ? first[s] + count[s] - a
                                                                  : CHUNK;
                if (!(rc = sky_channels_range(sky, 1, &t->ch, a, n, &buf, err)))
                    rc = sky_fits_writer_write(w, a, n, buf, err);
            }
        cli_progress_done();
        t_emission += sky_clock_seconds() - tb;
        sky_free(sky);
        sky_config_free(cfg);
        if (verbose > 1 && !rc)
            fprintf(stderr, "skymodel: part %d of %d done, peak memory %.0f MB\n", k + 1, nparts,
                    cli_peak_rss_mb());
    }
    free(buf);
    sky_prov_free(prov);
    if ((rc = sky_fits_writer_close(w, rc, err)))
        return rc;
    if (verbose > 1)
        fprintf(stderr, "skymodel: %d parts: templates read in %.2f s, emission and writing "
                "%.2f s; total %.2f s, peak memory %.0f MB\n", nparts, t_read, t_emission,
                sky_clock_seconds() - t0, cli_peak_rss_mb());
    if (verbose)
        cli_line(stdout, "wrote %s (nside %d, %s, %s; %d parts)", t->out, nside, t->presets,
                 t->ch.unit, nparts);
    return SKY_OK;
}
