/*
 * sim_instrument.c - `skymodel sim --instrument FILE -o DIR`: one map per
 * channel, DIR/<name>.fits (and DIR/<name>_car.fits with --car-resol).
 *
 * The sky is built once. Channels without a beam or other smoothing are
 * evaluated together in one pass over the pixels and streamed to their files
 * in chunks (memory does not grow with nside). Channels with a beam need
 * their whole map for the transforms: they are evaluated together in as few
 * passes as a memory budget allows (one full IQU map in double per channel),
 * then smoothed and written one at a time; the sky is freed after the last
 * pass. When building the sky costs little next to a channel's transforms
 * (sky_rebuild_choice), they are instead evaluated one at a time, the sky
 * freed during each channel's transforms and built again for the next: the
 * same bits, with neither the sky nor the other maps held under the
 * transforms' memory. Before them, channels sharing every smoothing option
 * (two or more) are made from a compressed basis (write_compressed: the
 * library's sky_channels_compress, docs/smoothing.md) unless --no-compress.
 *
 * Command-line options apply to every channel and take precedence over the
 * file: --unit over a channel's unit and the file's output_unit, --fwhm or
 * --beam-window over the channels' beams, --preset over the file's sky.
 * Everything is checked before the sky is built; outputs are written through
 * temporary names, and when a channel fails the maps already written by this
 * run are removed, so that a run leaves all its maps or none.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/clock.h"
#include "core/error.h"
#include "core/heap.h"
#include "io/outpath.h"
#include "parallel/comm.h"
#include "parallel/threads.h"
#include "pipeline/rebuild.h"
#include "sht/sht.h"
#include "sht/smooth.h"
#include "sim.h"
#include "sky_eval.h"
#include "smoothing.h"
#include "progress.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* Full maps evaluated at once for smoothing: at most this many bytes, but
 * always at least one channel. Fusing saves little time (the emission of a
 * channel costs a fraction of one transform) while every map held adds to
 * the transforms' own memory, so the budget is small: all three benchmark
 * channels at nside 512, one at a time from nside 1024. */
static const double SMOOTH_BATCH_BYTES = 512.0 * 1024 * 1024;

typedef struct plan {
    const sky_instrument_channel *ch;
    sky_channel chan; /* its band, unit and dtype (the smoothing is `smooth`) */
    sky_smooth_opts smooth;
    sky_table beam; /* the channel's own beam window */
    const char *beam_file; /* its file (or --beam-window's), for the header */
    int smoothed;
    char *out, *car;
    int written;
} plan;

/* The header of a channel's map: the sky's cards, the channel and its band. */
static sky_prov *channel_prov(const sky_prov *base, const plan *q)
{
    sky_prov *p = sky_prov_copy(base);
    if (!p)
        return NULL;
    sky_prov_set_string(p, "CHANNEL", q->ch->name, "instrument channel");
    sky_prov_add_band(p, &q->chan.band, q->ch->bandpass_file);
    return p;
}

/* dir/name suffix, with one '/' between however many dir ends with */
static char *join(const char *dir, const char *name, const char *suffix)
{
    size_t d = strlen(dir);
    while (d > 1 && dir[d - 1] == '/')
        d--;
    const size_t n = d + strlen(name) + strlen(suffix) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%.*s%s%s%s", (int)d, dir, dir[d - 1] == '/' ? "" : "/", name, suffix);
    return p;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Checks every channel's options and outputs; nothing is written. The
 * command line's smoothing options (and its beam window, read once into
 * `cli_beam_table`) are every channel's starting point. */
static int make_plans(const cli_parsed *p, const sky_instrument *ins, const char *dir, int nside,
                      plan *pl, sky_table *cli_beam_table, sky_error *err)
{
    const char *cli_unit = cli_get(p, "unit");
    const int cli_beam = cli_get(p, "fwhm") || cli_get(p, "beam-window");
    sky_smooth_opts base;
    int base_on = 0;
    int rc = cli_read_smoothing(p, nside, &base, &base_on, cli_beam_table, err);
    if (rc)
        return rc;
    for (int c = 0; c < ins->nchan; c++) {
        plan *q = &pl[c];
        const sky_instrument_channel *ch = q->ch = &ins->chan[c];
        if ((rc = cli_base_channel(p, &q->chan, err)))
            return rc;
        q->chan.band = (sky_band){ch->nfreq, ch->freq, ch->weight};
        q->chan.unit = cli_unit    ? cli_unit
                       : ch->unit  ? ch->unit
                       : ins->unit ? ins->unit
                                   : "uK_RJ";
        q->smooth = base;
        q->smoothed = base_on;
        q->beam_file = cli_get(p, "beam-window");
        if (!cli_beam && ch->fwhm_arcmin > 0) {
            q->smooth.fwhm_rad = ch->fwhm_arcmin / 60.0 * M_PI / 180.0;
            q->smoothed = 1;
        }
        if (!cli_beam && ch->beam_window) {
            if ((rc = cli_read_beam_window(ch->beam_window, nside, &q->smooth, &q->beam, err)))
                return sky_prefix(err, rc, "channel %s: ", ch->name);
            q->beam_file = ch->beam_window;
            q->smoothed = 1;
        }
        q->out = join(dir, ch->name, ".fits");
        q->car = q->smooth.car_res_rad > 0 ? join(dir, ch->name, "_car.fits") : NULL;
        if (!q->out || (q->smooth.car_res_rad > 0 && !q->car))
            return sky_nomem(err, "the output names");
        if (!cli_has(p, "force")) {
            if (exists(q->out))
                return sky_fail(err, SKY_EINVAL, "%s: file exists: use --force to overwrite it",
                                q->out);
            if (q->car && exists(q->car))
                return sky_fail(err, SKY_EINVAL, "%s: file exists: use --force to overwrite it",
                                q->car);
        }
    }
    return SKY_OK;
}

/* The unsmoothed channels: one pass, streamed to their files in chunks (under
 * mpirun: in batches, written by rank 0 from the parts). */
static int write_direct(const sky_sky *sky, const sky_prov *prov, plan *pl, int n,
                        int overwrite, int verbose, sky_error *err)
{
    const int parts = sky_par_size() > 1;
    sky_channel *chans = calloc((size_t)n, sizeof *chans);
    const char **paths = calloc((size_t)n, sizeof *paths);
    sky_prov **cards = calloc((size_t)n, sizeof *cards);
    int rc = chans && paths && cards ? SKY_OK : sky_nomem(err, "the channel list");
    for (int c = 0; c < n && !rc; c++) {
        chans[c] = pl[c].chan;
        paths[c] = pl[c].out;
        if (!(cards[c] = channel_prov(prov, &pl[c])))
            rc = sky_nomem(err, parts ? "the header cards" : "the output chunks");
    }
    if ((rc = sky_par_agree(rc, err)))
        goto done;
    double t_emission = 0, t0 = sky_clock_seconds();
    if (!parts)
        cli_progress_start("%d channel%s without beam: emission and writing", n,
                           n == 1 ? "" : "s");
    rc = sky_channels_write(sky, n, chans, paths, (const sky_prov *const *)cards, overwrite,
                            &t_emission, err);
    if (!parts)
        cli_progress_done();
    for (int c = 0; c < n && !rc; c++)
        pl[c].written = 1;
    if (!rc && verbose > 1 && parts && sky_par_rank() == 0)
        fprintf(stderr, "skymodel: %d channel%s without beam written\n", n, n == 1 ? "" : "s");
    else if (!rc && verbose > 1 && !parts)
        fprintf(stderr,
                "skymodel: %d channel%s without beam: emission %.2f s, writing %.2f s, peak "
                "memory %.0f MB\n",
                n, n == 1 ? "" : "s", t_emission, sky_clock_seconds() - t0 - t_emission,
                cli_peak_rss_mb());
done:
    for (int c = 0; cards && c < n; c++)
        sky_prov_free(cards[c]);
    free(chans);
    free(paths);
    free(cards);
    return rc;
}

/* 1 when the batch's maps are best smoothed side by side: several, on
 * several threads, each small enough for its transforms to run on one
 * thread (sky_smooth_small). Their threads then share no work and never
 * wait for each other, which is as fast as splitting each transform when
 * the cores are free, and much faster when they are busy with other work. */
static int side_by_side(const plan *pl, int nb, int nside)
{
#ifdef _OPENMP
    if (nb < 2 || omp_get_max_threads() < 2)
        return 0;
    for (int k = 0; k < nb; k++)
        if (!sky_smooth_small(nside, &pl[k].smooth))
            return 0;
    return 1;
#else
    (void)pl, (void)nb, (void)nside;
    return 0;
#endif
}

/* The batch's maps smoothed one per thread, and written in channel order
 * (the same files, messages and bits as one after the other). After a
 * failure no more maps are smoothed or written, and the first failure in
 * channel order is the one reported. `last`: the maps are freed as they
 * are written. */
static int smooth_side_by_side(plan *pl, double **maps, sky_prov *const *cards, int nb,
                               int nside, int dtype, int overwrite, int verbose, int last,
                               sky_error *err)
{
    int rc = SKY_OK, failed = 0;
    cli_progress_start("smoothing %d channels side by side", nb);
#pragma omp parallel for schedule(dynamic, 1) ordered
    for (int k = 0; k < nb; k++) {
        plan *q = &pl[k];
        sky_error e = {0};
        sky_smoothed r;
        int stop;
#pragma omp atomic read
        stop = failed;
        const double ts = sky_clock_seconds(), tsht = sky_sht_thread_seconds();
        int krc = stop ? SKY_OK : cli_smooth_map(maps[k], nside, 3, &q->smooth, NULL, 1, &r, &e);
        const int made = !stop && !krc;
        const double tsmooth = sky_sht_thread_seconds() - tsht;
#pragma omp ordered
        {
            if (!stop && !rc) {
                const char *cu[3] = {q->chan.unit, q->chan.unit, q->chan.unit};
                if (made) {
                    cli_progress_done();
                    krc = cli_write_smoothed(&r, &q->smooth, q->beam_file, q->out, q->car, cu,
                                             cards[k], dtype, overwrite, verbose, &e);
                }
                q->written = !krc;
                if (krc) {
                    *err = e;
                    rc = sky_prefix(err, krc, "channel %s: ", q->ch->name);
#pragma omp atomic write
                    failed = 1;
                } else if (verbose > 1) {
                    fprintf(stderr, "skymodel: channel %s smoothed and written in %.2f s "
                            "(transforms %.2f s), peak memory %.0f MB\n", q->ch->name,
                            sky_clock_seconds() - ts, tsmooth, cli_peak_rss_mb());
                }
            }
            if (made)
                sky_smoothed_free(&r);
            if (last) {
                free(maps[k]);
                maps[k] = NULL;
            }
        }
    }
    cli_progress_done();
    return rc;
}

/* How to build the sky again: cli_build_sky's arguments, and the time the
 * first build took. */
typedef struct rebuild_ctx {
    const cli_parsed *p;
    const char *presets;
    int nside;
    long long seed;
    double seconds;
    int mode;        /* sky_rebuild_mode of $SKYMODEL_SKY_REBUILD */
    sky_config *cfg; /* the configuration of a sky built again */
} rebuild_ctx;

/* 1 when the smoothed channels are evaluated one at a time, the sky built
 * again for each (sky_rebuild_choice): one process, components that leave
 * their smoothing to the pipeline, channels not smoothed side by side. */
static int choose_rebuild(const sky_sky *sky, const plan *pl, int n, const rebuild_ctx *rb,
                          int *rebuild, sky_error *err)
{
    *rebuild = 0;
    sky_smooth_opts *opts = malloc((size_t)n * sizeof *opts);
    if (!opts)
        return sky_nomem(err, "the channel list");
    for (int k = 0; k < n; k++)
        opts[k] = pl[k].smooth;
    *rebuild = sky_rebuild_choice(rb->mode, rb->seconds, rb->nside, 3, n, opts,
                                  sky_threads_max()) &&
               sky_par_size() == 1 && !sky_self_smoothing_count(sky) &&
               !side_by_side(pl, n, rb->nside);
    free(opts);
    return SKY_OK;
}

/* The sky built again (quietly), as the first time. */
static int build_again(rebuild_ctx *rb, sky_sky **skyp, int verbose, sky_error *err)
{
    const double t0 = sky_clock_seconds();
    sky_config_free(rb->cfg);
    rb->cfg = NULL;
    int rc = cli_build_sky(rb->p, rb->presets, rb->nside, rb->seed, 0, &rb->cfg, skyp, NULL, err);
    if (!rc && verbose > 1)
        fprintf(stderr, "skymodel: sky built again in %.2f s, peak memory %.0f MB\n",
                sky_clock_seconds() - t0, cli_peak_rss_mb());
    return rc;
}

/* The smoothed channels: evaluated in batches of whole maps, then smoothed
 * and written one by one. The sky (its templates) is freed as soon as the
 * last batch is evaluated, before the transforms need their memory; with
 * `rebuild`, batches of one channel, the sky freed after each evaluation and
 * built again before the next. */
static int write_smoothed(sky_sky **skyp, const sky_prov *prov, plan *pl, int n, int dtype,
                          int overwrite, int verbose, int rebuild, rebuild_ctx *rb,
                          sky_error *err)
{
    const int nside = sky_nside(*skyp);
    /* under mpirun each process holds its part (else the whole sky) */
    const int64_t npix = sky_held_npix(*skyp);
    const int parts = sky_par_size() > 1;
    /* components that apply the beam themselves (rg3: includes_smoothing)
     * are left out of the evaluation and added by sky_channel_smooth_map
     * after the transform: the sky is then kept to the end */
    const int self_smoothing = sky_self_smoothing_count(*skyp) > 0;
    /* batches as large as one process would make them: under mpirun each
     * process's share of the memory then falls with the number of processes */
    const double map_bytes = 3.0 * (double)sky_npix(*skyp) * sizeof(double);
    int batch = (int)(SMOOTH_BATCH_BYTES / map_bytes);
    if (batch < 1)
        batch = 1;
    if (batch > n || rebuild)
        batch = rebuild ? 1 : n;
    sky_channel *chans = calloc((size_t)batch, sizeof *chans);
    double **maps = calloc((size_t)batch, sizeof *maps);
    sky_prov **cards = calloc((size_t)batch, sizeof *cards);
    int rc = SKY_OK;
    if (!chans || !maps || !cards)
        rc = sky_nomem(err, "the channel list");
    for (int b0 = 0; b0 < n && !rc; b0 += batch) {
        const int nb = n - b0 < batch ? n - b0 : batch;
        for (int k = 0; k < nb && !rc; k++) {
            chans[k] = pl[b0 + k].chan;
            if (self_smoothing)
                chans[k].smooth = &pl[b0 + k].smooth;
            sky_prov_free(cards[k]);
            if (!(cards[k] = channel_prov(prov, &pl[b0 + k])))
                rc = sky_nomem(err, "the header cards");
            else if (!maps[k] &&
                !(maps[k] = sky_big_alloc((size_t)(3 * (npix > 0 ? npix : 1)) * sizeof *maps[k])))
                rc = sky_nomem(err, "the channel maps");
        }
        if (!rc && !*skyp)
            rc = build_again(rb, skyp, verbose, err);
        double ta = sky_clock_seconds();
        cli_progress_start("emission of %d channel%s", nb, nb == 1 ? "" : "s");
        if (!rc)
            rc = sky_channels_evaluate(*skyp, nb, chans, maps, err);
        cli_progress_done();
        rc = sky_par_agree(rc, err);
        if (!rc && verbose > 1 && sky_par_rank() == 0)
            fprintf(stderr, "skymodel: emission of %d channel%s in %.2f s, peak memory %.0f MB\n",
                    nb, nb == 1 ? "" : "s", sky_clock_seconds() - ta, cli_peak_rss_mb());
        if ((b0 + nb == n || rebuild) && !self_smoothing) {
            sky_free(*skyp);
            *skyp = NULL;
            sky_heap_release(); /* its templates' pages, before the transforms' */
        }
        if (!rc && !parts && !self_smoothing && side_by_side(pl + b0, nb, nside)) {
            rc = smooth_side_by_side(pl + b0, maps, cards, nb, nside, dtype, overwrite, verbose,
                                     b0 + nb == n, err);
            continue;
        }
        for (int k = 0; k < nb && !rc; k++) {
            plan *q = &pl[b0 + k];
            const char *cu[3] = {q->chan.unit, q->chan.unit, q->chan.unit};
            const double ts = sky_clock_seconds(), tsht = sky_sht_seconds();
            if (self_smoothing && !parts) {
                sky_channel one = q->chan;
                one.smooth = &q->smooth;
                one.dtype = dtype;
                rc = cli_smooth_channel_and_write(*skyp, &one, maps[k], q->beam_file, q->out,
                                                  q->car, cu, cards[k], overwrite, verbose, err);
            } else {
                rc = parts ? cli_smooth_part_and_write(maps[k], nside, 3, &q->smooth,
                                                       q->beam_file, q->out, q->car, cu,
                                                       cards[k], dtype, overwrite, verbose, err)
                           : cli_smooth_and_write(maps[k], nside, 3, &q->smooth, q->beam_file,
                                                  q->out, q->car, cu, cards[k], dtype,
                                                  overwrite, verbose, err);
            }
            q->written = !rc;
            if (b0 + nb == n) { /* not needed again */
                free(maps[k]);
                maps[k] = NULL;
            }
            if (rc)
                sky_prefix(err, rc, "channel %s: ", q->ch->name);
            else if (verbose > 1 && sky_par_rank() == 0)
                fprintf(stderr, "skymodel: channel %s smoothed and written in %.2f s "
                        "(transforms %.2f s), peak memory %.0f MB\n", q->ch->name,
                        sky_clock_seconds() - ts, sky_sht_seconds() - tsht, cli_peak_rss_mb());
        }
    }
    for (int k = 0; maps && k < batch; k++)
        free(maps[k]);
    for (int k = 0; cards && k < batch; k++)
        sky_prov_free(cards[k]);
    free(chans);
    free(maps);
    free(cards);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Compressed groups (issue 22, docs/smoothing.md)                          */
/* ------------------------------------------------------------------------ */

/* The default largest reconstruction error over a channel's RMS. */
static const double COMPRESS_TOL = 1e-6;

int cli_compress_checks(const cli_parsed *p, int instrument, sky_error *err)
{
    const char *tol = cli_get(p, "compress-tol");
    if (tol) {
        static const char what[] = "a positive number (the largest reconstruction error over "
                                   "a channel's RMS, e.g. 1e-6)";
        double v;
        int rc = cli_double("--compress-tol", tol, what, &v, err);
        if (rc)
            return rc;
        if (!(v > 0))
            return sky_fail(err, SKY_EINVAL, "--compress-tol '%s': expected %s", tol, what);
    }
    if (cli_get(p, "basis-out") && !instrument)
        return sky_fail(err, SKY_EINVAL, "--basis-out needs --instrument (the basis of the "
                        "instrument's channels that share a beam)");
    if (cli_get(p, "basis-out") && cli_has(p, "no-compress"))
        return sky_fail(err, SKY_EINVAL, "--basis-out cannot be used with --no-compress");
    if (cli_has(p, "basis-only") && !cli_get(p, "basis-out"))
        return sky_fail(err, SKY_EINVAL, "--basis-only needs --basis-out DIR (the compressed "
                        "channels' basis and coefficients are their only output)");
    return SKY_OK;
}

/* A channel of a compressed group, r (sky_compressed_channels), written as
 * write_smoothed writes it, but silently (the caller reports, in order).
 * Under mpirun every process calls it; else it may run in threads, each
 * writing another channel. */
static int write_compressed_channel(const sky_compressed *cm, const sky_smoothed *r,
                                    const sky_channel *ch, const plan *q, const sky_prov *prov,
                                    int overwrite, sky_error *err)
{
    const char *cu[3] = {q->chan.unit, q->chan.unit, q->chan.unit};
    sky_prov *cards = channel_prov(prov, q);
    int rc = cards ? SKY_OK : sky_nomem(err, "the header cards");
    if (!rc && (sky_prov_set_int(cards, "CMPRNI", cm->k_i, "I basis maps of its group") ||
                sky_prov_set_int(cards, "CMPRNP", cm->k_p, "Q, U basis maps of its group") ||
                sky_prov_set_real(cards, "CMPRTOL", cm->tol, "compression tolerance (of RMS)")))
        rc = sky_nomem(err, "the header cards");
    if (sky_par_size() > 1) {
        rc = sky_par_agree(rc, err);
        if (!rc)
            rc = sky_write_smoothed_parts(r, &q->smooth, q->beam_file, q->out, q->car, cu,
                                          cards, ch->dtype, overwrite, err);
    } else if (!rc) {
        rc = sky_write_smoothed(r, &q->smooth, q->beam_file, q->out, q->car, cu, cards,
                                ch->dtype, overwrite, err);
    }
    sky_prov_free(cards);
    return rc;
}

/* Files written at once: copying a map into the page cache takes one core
 * (38 MB at nside 512 in 0.04-0.07 s here), two take two. */
enum { WRITERS_MAX = 4 };

/* The m channels of a compressed group (members: their plans), made a batch
 * at a time (sky_compressed_batch) and written, the batch's files at once
 * in a serial run. */
static int write_compressed_group(const sky_sky *sky, const sky_compressed *cm,
                                  const sky_channel *chans, plan *pl, const int *members, int m,
                                  int *done, const sky_prov *prov, int overwrite, int verbose,
                                  sky_error *err)
{
    const int batch = sky_compressed_batch(cm);
    const int serial = sky_par_size() < 2;
    int writers = serial ? sky_threads_max() : 1;
    writers = writers < WRITERS_MAX ? writers : WRITERS_MAX;
    sky_smoothed *r = calloc((size_t)batch, sizeof *r);
    sky_error *errs = calloc((size_t)batch, sizeof *errs);
    int *rcs = calloc((size_t)batch, sizeof *rcs);
    int rc = r && errs && rcs ? SKY_OK : sky_nomem(err, "the channel maps");
    for (int k0 = 0; k0 < m && !rc; k0 += batch) {
        const int nc = m - k0 < batch ? m - k0 : batch;
        if ((rc = sky_compressed_channels(sky, cm, chans + k0, k0, nc, r, err))) {
            sky_prefix(err, rc, "channel %s: ", pl[members[k0]].ch->name);
            break;
        }
#pragma omp parallel for schedule(dynamic, 1) num_threads(writers) if (serial && writers > 1)
        for (int j = 0; j < nc; j++)
            rcs[j] = write_compressed_channel(cm, &r[j], &chans[k0 + j], &pl[members[k0 + j]],
                                              prov, overwrite, &errs[j]);
        /* in channel order: each file marked written (all are removed on a
         * failure), the reports up to the first failure, and that failure */
        for (int j = 0; j < nc; j++) {
            plan *q = &pl[members[k0 + j]];
            done[members[k0 + j]] = 1;
            q->written = !rcs[j];
            if (rc)
                continue;
            if ((rc = rcs[j])) {
                *err = errs[j];
                sky_prefix(err, rc, "channel %s: ", q->ch->name);
            } else if (verbose && sky_par_rank() == 0) {
                if (q->out)
                    cli_line(stdout, "wrote %s (nside %d, smoothed)", q->out, r[j].nside);
                if (r[j].car)
                    cli_line(stdout, "wrote %s (CAR %d x %d)", q->car, r[j].ny, r[j].nx);
            }
        }
    }
    for (int j = 0; r && j < batch; j++)
        sky_smoothed_free(&r[j]);
    free(r);
    free(errs);
    free(rcs);
    return rc;
}

/* The smoothed channels whose smoothing is the same (sky_smooth_opts_equal),
 * two or more of them, compressed (sky_channels_compress) and written; with
 * --basis-out DIR their basis too (its paths added to *extra), and with
 * --basis-only the basis alone (the channels not written). The channels
 * left for write_smoothed (groups of one, groups that do not compress) are
 * moved to the front of pl, their number in *nleft. */
static int write_compressed(const cli_parsed *p, const sky_sky *sky, const sky_prov *prov,
                            plan *pl, int n, int *nleft, int dtype, int overwrite, int verbose,
                            char ***extra, int *nextra, sky_error *err)
{
    const double tol = cli_get(p, "compress-tol") ? strtod(cli_get(p, "compress-tol"), NULL)
                                                  : COMPRESS_TOL;
    const char *basis_dir = cli_get(p, "basis-out");
    const int basis_only = cli_has(p, "basis-only");
    const int rank0 = sky_par_rank() == 0;
    int *group = malloc((size_t)n * sizeof *group), *done = calloc((size_t)n, sizeof *done);
    int *members = malloc((size_t)n * sizeof *members);
    sky_channel *chans = malloc((size_t)n * sizeof *chans);
    const sky_smooth_opts **opts = malloc((size_t)n * sizeof *opts);
    int rc = group && done && members && chans && opts ? SKY_OK
                                                        : sky_nomem(err, "the channel groups");
    for (int c = 0; c < n && !rc; c++)
        opts[c] = &pl[c].smooth;
    if (!rc) /* each channel's group: its first channel */
        sky_smooth_groups(n, opts, group);
    free(opts);
    int ngroup = 0;
    for (int g = 0; g < n && !rc; g++) {
        if (group[g] != g)
            continue;
        ngroup++;
        int m = 0;
        for (int c = g; c < n; c++)
            if (group[c] == g)
                members[m++] = c;
        if (m < 2) /* a group of one: today's path */
            continue;
        for (int k = 0; k < m; k++) {
            chans[k] = pl[members[k]].chan;
            chans[k].smooth = &pl[members[k]].smooth;
            chans[k].dtype = dtype;
        }
        sky_compressed cm;
        const double t0 = sky_clock_seconds();
        if (sky_par_size() < 2)
            cli_progress_start("compressing %d channels sharing a beam", m);
        rc = sky_channels_compress(sky, m, chans, tol, &cm, err);
        if (sky_par_size() < 2)
            cli_progress_done();
        if (rc)
            break;
        if (cm.fallback) {
            if (verbose > 1 && rank0)
                fprintf(stderr, "skymodel: group %d (%d channels from %s): not compressed, "
                        "each channel smoothed on its own: %s\n", ngroup, m,
                        pl[members[0]].ch->name, cm.fallback);
            sky_compressed_free(&cm);
            continue;
        }
        const double tw = sky_clock_seconds();
        if (basis_only) /* the basis below is the group's output */
            for (int k = 0; k < m; k++)
                done[members[k]] = 1;
        else
            rc = write_compressed_group(sky, &cm, chans, pl, members, m, done, prov, overwrite,
                                        verbose, err);
        const double write_seconds = sky_clock_seconds() - tw;
        if (!rc && basis_dir) {
            char stem[32];
            snprintf(stem, sizeof stem, "group%d", ngroup);
            const char **names = malloc((size_t)m * sizeof *names),
                       **units = malloc((size_t)m * sizeof *units);
            char **paths = NULL;
            int np = 0;
            rc = names && units ? SKY_OK : sky_nomem(err, "the channel list");
            for (int k = 0; k < m && !rc; k++) {
                names[k] = pl[members[k]].ch->name;
                units[k] = pl[members[k]].chan.unit;
            }
            if (!rc)
                rc = sky_compressed_write_basis(&cm, &pl[g].smooth, pl[g].beam_file, basis_dir,
                                                stem, names, units, prov, dtype, overwrite,
                                                &paths, &np, err);
            char **all = rc ? NULL : realloc(*extra, (size_t)(*nextra + np) * sizeof *all);
            if (!rc && !all) {
                rc = sky_nomem(err, "the file list");
                for (int k = 0; k < np; k++)
                    unlink(paths[k]);
            }
            for (int k = 0; k < np; k++) {
                if (all)
                    all[(*nextra)++] = paths[k];
                else
                    free(paths[k]);
            }
            if (all)
                *extra = all;
            free(paths);
            free(names);
            free(units);
            if (!rc && verbose && rank0)
                cli_line(stdout, "wrote %s/%s.json and %d basis map%s", basis_dir, stem,
                         cm.nbasis, cm.nbasis == 1 ? "" : "s");
        }
        if (!rc && verbose > 1 && rank0) {
            const double one = cm.smooth_seconds / cm.nbasis;
            fprintf(stderr, "skymodel: group %d (%d channels from %s): K_I %d, K_P %d, worst "
                    "reconstruction error %.2g of the RMS (tolerance %g, %d check pass%s), "
                    "in %.2f s (passes %.2f s, of which evaluation %.2f s; basis smoothing "
                    "%.2f s; channels combined and written %.2f s%s); time saved about "
                    "%.1f s ((%d - %d) x %.2f s)\n",
                    ngroup, m, pl[members[0]].ch->name, cm.k_i, cm.k_p,
                    cm.worst_i > cm.worst_p ? cm.worst_i : cm.worst_p, tol, cm.passes,
                    cm.passes == 1 ? "" : "es", sky_clock_seconds() - t0, cm.passes_seconds,
                    cm.evaluate_seconds, cm.smooth_seconds, write_seconds,
                    basis_only ? ": none, --basis-only" : "", (m - cm.nbasis) * one, m, cm.nbasis, one);
        }
        sky_compressed_free(&cm);
    }
    /* the channels left, in order, to the front (the compressed ones after) */
    if (!rc) {
        plan *tmp = malloc((size_t)n * sizeof *tmp);
        if (!tmp) {
            rc = sky_nomem(err, "the channel list");
        } else {
            int k = 0;
            for (int c = 0; c < n; c++)
                if (!done[c])
                    tmp[k++] = pl[c];
            *nleft = k;
            for (int c = 0; c < n; c++)
                if (done[c])
                    tmp[k++] = pl[c];
            memcpy(pl, tmp, (size_t)n * sizeof *pl);
            free(tmp);
        }
    }
    free(group);
    free(done);
    free(members);
    free(chans);
    return rc;
}

int cli_sim_instrument(const cli_parsed *p, const char *file, int nside, long long seed,
                       int verbose, sky_error *err)
{
    static const char *const band_opts[] = {"freq", "freqs", "weights", "bandpass",
                                            "car-output", NULL};
    /* every check of every process ends in one agreement (under mpirun) */
    const char *dir = cli_get(p, "output"), *dtype = cli_get(p, "dtype");
    sky_instrument ins;
    memset(&ins, 0, sizeof ins);
    const char *presets = NULL;
    sky_config *cfg = NULL;
    sky_sky *sky = NULL;
    sky_prov *prov = NULL;
    plan *pl = NULL, *direct = NULL, *smoothed = NULL;
    int ndirect = 0, nsmoothed = 0, rc = SKY_OK;
    sky_outdirs made = {0, NULL}; /* the folders made for the maps */
    sky_table cli_beam_table = {0, 0, NULL};
    char **extra = NULL; /* --basis-out's files */
    int nextra = 0;
    rebuild_ctx rb = {0};
    for (int k = 0; band_opts[k] && !rc; k++)
        if (cli_get(p, band_opts[k]))
            rc = sky_fail(err, SKY_EINVAL, "--%s cannot be used with --instrument (the file "
                          "gives each channel's band and output)", band_opts[k]);
    if (!rc && !dir)
        rc = sky_fail(err, SKY_EINVAL, "-o/--output is required: the folder for the maps");
    if (!rc)
        rc = sky_rebuild_mode(getenv(SKY_REBUILD_ENV), &rb.mode, err);
    if (!rc && !*dir)
        rc = sky_fail(err, SKY_EINVAL, "-o '': expected a folder name");
    if (!rc && (rc = sky_instrument_read(file, &ins, err)))
        memset(&ins, 0, sizeof ins);
    if (!rc) {
        presets = cli_get(p, "preset") ? cli_get(p, "preset") : ins.presets;
        if (!(pl = calloc((size_t)ins.nchan, sizeof *pl)))
            rc = sky_nomem(err, "the channels");
        else if (!presets && !cli_get(p, "config"))
            rc = sky_fail(err, SKY_EINVAL, "%s has no \"sky\": give --preset or --config", file);
    }
    if (!rc && !(rc = make_plans(p, &ins, dir, nside, pl, &cli_beam_table, err)) &&
        sky_par_rank() == 0) /* one process makes the folder */
        rc = sky_output_folder("-o", dir, &made, err);
    if (!rc && cli_get(p, "basis-out") && sky_par_rank() == 0)
        rc = sky_output_folder("--basis-out", cli_get(p, "basis-out"), &made, err);
    if ((rc = sky_par_agree(rc, err)))
        goto done;
    /* channels grouped by how they are made, each group in file order */
    direct = calloc((size_t)ins.nchan, sizeof *direct);
    smoothed = calloc((size_t)ins.nchan, sizeof *smoothed);
    if (!direct || !smoothed) {
        rc = sky_nomem(err, "the channels");
        goto done;
    }
    for (int c = 0; c < ins.nchan; c++) {
        if (pl[c].smoothed)
            smoothed[nsmoothed++] = pl[c];
        else
            direct[ndirect++] = pl[c];
    }
    double t0 = sky_clock_seconds();
    rc = cli_build_sky(p, presets, nside, seed, verbose, &cfg, &sky, &prov, err);
    rb.p = p, rb.presets = presets, rb.nside = nside, rb.seed = seed;
    rb.seconds = sky_clock_seconds() - t0;
    if (!rc && sky_prov_set_string(prov, "INSTFILE", file, "--instrument file"))
        rc = sky_prov_status(prov, err);
    if (!presets) /* for messages and headers */
        presets = cli_get(p, "config");
    if (!rc && cli_has(p, "basis-only") && sky_self_smoothing_count(sky) > 0)
        rc = sky_fail(err, SKY_EINVAL, "--basis-only: the sky has components that apply the "
                      "beam themselves (rg2, rg3), which no basis holds: the channels' maps "
                      "are needed");
    if ((rc = sky_par_agree(rc, err)))
        goto done;
    if (verbose > 1 && sky_par_rank() == 0) {
        fprintf(stderr, "skymodel: templates read in %.2f s, peak memory %.0f MB\n",
                sky_clock_seconds() - t0, cli_peak_rss_mb());
        sky_band *bands = malloc((size_t)ins.nchan * sizeof *bands);
        for (int c = 0; bands && c < ins.nchan; c++)
            bands[c] = pl[c].chan.band;
        if (bands)
            cli_report_sed(sky, ins.nchan, bands, cli_has(p, "exact-sed"));
        free(bands);
    }
    const int dt = dtype && !strcmp(dtype, "float64") ? SKY_FLOAT64 : SKY_FLOAT32;
    const int overwrite = cli_has(p, "force");
    if (ndirect)
        rc = write_direct(sky, prov, direct, ndirect, overwrite, verbose, err);
    int nleft = nsmoothed; /* the smoothed channels not compressed */
    if (!rc && nsmoothed > 1 && !cli_has(p, "no-compress"))
        rc = write_compressed(p, sky, prov, smoothed, nsmoothed, &nleft, dt, overwrite, verbose,
                              &extra, &nextra, err);
    int rebuild = 0;
    if (!rc && nleft)
        rc = choose_rebuild(sky, smoothed, nleft, &rb, &rebuild, err);
    if (!rc && rebuild && verbose > 1)
        fprintf(stderr, "skymodel: the sky (built in %.2f s) is built again for each smoothed "
                "channel, to free its memory during the transforms\n", rb.seconds);
    if (!rc && nleft)
        rc = write_smoothed(&sky, prov, smoothed, nleft, dt, overwrite, verbose, rebuild, &rb,
                            err);
    if (rc && sky_par_rank() == 0) { /* all maps or none */
        for (int c = 0; c < ndirect; c++)
            if (direct[c].written)
                unlink(direct[c].out);
        for (int c = 0; c < nsmoothed; c++)
            if (smoothed[c].written) {
                unlink(smoothed[c].out);
                if (smoothed[c].car)
                    unlink(smoothed[c].car);
            }
        for (int k = 0; k < nextra; k++)
            unlink(extra[k]);
        goto done;
    }
    if (rc)
        goto done;
    const double peak = sky_par_max(cli_peak_rss_mb());
    if (verbose > 1 && sky_par_rank() == 0)
        fprintf(stderr, "skymodel: %d channel%s in %.2f s (transforms %.2f s), peak memory "
                "%.0f MB%s\n", ins.nchan, ins.nchan == 1 ? "" : "s", sky_clock_seconds() - t0,
                sky_sht_seconds(), peak, sky_par_size() > 1 ? " on the largest process" : "");
    /* with --basis-only the compressed channels (after the nleft others) have no map */
    const int unwritten = cli_has(p, "basis-only") ? nsmoothed - nleft : 0;
    if (verbose && sky_par_rank() == 0) {
        cli_line(stdout, "wrote %d map%s to %s (nside %d, %s)", ins.nchan - unwritten,
                 ins.nchan - unwritten == 1 ? "" : "s", dir, nside, presets);
        if (unwritten)
            cli_line(stdout, "%d channel%s as basis maps and coefficients in %s (--basis-only)",
                     unwritten, unwritten == 1 ? "" : "s", cli_get(p, "basis-out"));
    }
done:
    if (rc)
        sky_outdirs_undo(&made); /* the folders this run made, empty again */
    else
        sky_outdirs_free(&made);
    for (int c = 0; pl && c < ins.nchan; c++) {
        sky_table_free(&pl[c].beam);
        free(pl[c].out);
        free(pl[c].car);
    }
    sky_table_free(&cli_beam_table);
    for (int k = 0; k < nextra; k++)
        free(extra[k]);
    free(extra);
    free(pl);
    free(direct);
    free(smoothed);
    sky_free(sky);
    sky_config_free(cfg);
    sky_config_free(rb.cfg);
    sky_prov_free(prov);
    sky_instrument_free(&ins);
    return rc;
}
