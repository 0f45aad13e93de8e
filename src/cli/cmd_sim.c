/*
 * cmd_sim.c - `skymodel sim`: build a sky from presets, integrate it over a
 * frequency, a list of frequencies or a bandpass, convert it to the unit asked
 * for and write a HEALPix map. Everything that can be checked is checked
 * before any template is read, and the map appears only once complete.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#include "commands.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/heap.h"
#include "io/text_table.h"
#include "parallel/comm.h"
#include "parallel/threads.h"
#include "sht/smooth.h"
#include "options.h"
#include "progress.h"
#include "plot.h"
#include "spectra/sed_table.h"
#include "sim.h"
#include "smoothing.h"
#include "skymodel.h"

static const cli_option sim_options[] = {
    {"preset", 'p', "LIST", "comma-separated PySM presets, e.g. d1,s1,f1,a1,c2", 0},
    {"config", 'c', "FILE", "components from a TOML file in PySM's presets.cfg dialect, added "
                            "after the presets (repeatable)", 1},
    {"nside", 'n', "N", "HEALPix nside of the output: a power of two from 1 to 8192", 0},
    {"freq", 'f', "GHZ", "a single frequency in GHz", 0},
    {"freqs", 0, "LIST", "band frequencies in GHz, comma-separated (top-hat unless --weights)", 0},
    {"weights", 0, "LIST", "bandpass weights in power units, one per --freqs value", 0},
    {"bandpass", 0, "FILE", "bandpass text file: columns GHz and weight, '#' comments", 0},
    {"unit", 'u', "UNIT", "output unit: K_RJ, K_CMB, Jy/sr with a prefix (default uK_RJ)", 0},
    {"data-dir", 'd', "DIR", "folder holding PySM templates (repeatable; then $SKYMODEL_DATA, "
                             "$PYSM_LOCAL_DATA)", 1},
    {"cache-dir", 0, "DIR", "cache of downloaded templates (default $SKYMODEL_CACHE or "
                            "~/.cache/skymodel)", 0},
    {"data-url", 0, "URL", "template server (default $SKYMODEL_DATA_URL or PySM's)", 0},
    {"offline", 0, NULL, "never download; fail at once listing missing templates", 0},
    {"seed", 0, "N", "random seed (0..4294967295) replacing the presets' own: c1 cmb_seed, "
                     "d5/d7 seed, d6's numpy global seed (default 0), d11/s6 seeds (N, N+1, ...)", 0},
    {"instrument", 'i', "FILE", "instrument JSON: the sky and its channels, one map each "
                                "(see docs/instrument.md); -o is then a folder", 0},
    {"output", 'o', "FILE", "output FITS map (a folder with --instrument); none with "
                            "--car-output: the CAR map alone", 0},
    SKY_SMOOTHING_OPTIONS
    {"no-compress", 0, NULL, "with --instrument: smooth every channel on its own (default: "
                             "channels sharing a beam through a smoothed low-rank basis, "
                             "docs/smoothing.md)", 0},
    {"compress-tol", 0, "X", "with --instrument: largest reconstruction error of a compressed "
                             "channel over its RMS (default 1e-6)", 0},
    {"basis-out", 0, "DIR", "with --instrument: also write each compressed group's smoothed "
                            "basis maps and coefficients to DIR (docs/instrument.md)", 0},
    {"basis-only", 0, NULL, "with --basis-out: write no map of a compressed group's channels, "
                            "only the basis and coefficients they are combined from (a "
                            "time-stream simulator's input; other channels written as usual)", 0},
    {"dtype", 0, "TYPE", "float32 (default) or float64 columns", 0},
    {"exact-sed", 0, NULL, "integrate every band sample exactly (default: bands of 3 or more "
                           "samples at nside >= 128 through tabulated spectra, within about "
                           "1e-9; see docs/models.md)", 0},
    {"scale", 0, "X", "multiply every output map by X (default 1)", 0},
    {"plot", 0, "PNG", "also draw the map's I in Mollweide projection (see skymodel plot)", 0},
    {"force", 0, NULL, "overwrite an existing output file", 0},
    {"parts", 0, "K", "build and evaluate the sky in K parts one after the other, each reading "
                      "only its templates: peak memory about 1/K (unsmoothed maps, e.g. nside "
                      "8192 beyond memory; default 1)", 0},
    {"threads", 't', "N", "OpenMP threads (default: $OMP_NUM_THREADS, else the cores this "
                          "process may use, within its cgroup's CPU limit)", 0},
    {"verbose", 'v', NULL, "report each stage with its time and memory", 0},
    {"quiet", 'q', NULL, "print nothing but errors", 0},
    {"help", 'h', NULL, "show this help", 0},
};
#define NOPT ((int)(sizeof sim_options / sizeof *sim_options))

void cli_report_sed(const sky_sky *sky, int nchan, const sky_band *bands, int exact)
{
    char names[256];
    const int ncomp = sky_fast_sed_components(sky, names, sizeof names);
    int nfast = 0;
    for (int c = 0; c < nchan; c++)
        nfast += sky_fast_sed(sky, &bands[c]);
    if (exact)
        fprintf(stderr, "skymodel: band integration: every sample exactly (--exact-sed)\n");
    else if (!ncomp)
        fprintf(stderr, "skymodel: band integration: every sample exactly (no component has "
                        "tabulated spectra)\n");
    else if (!nfast)
        fprintf(stderr, "skymodel: band integration: every sample exactly (tabulated spectra "
                        "need bands of %d or more samples at nside %d or more)\n",
                SKY_FAST_SED_MIN_SAMPLES, SKY_FAST_SED_MIN_NSIDE);
    else
        fprintf(stderr, "skymodel: band integration: tabulated spectra for %s in %d of %d "
                        "band%s (--exact-sed: every sample exactly)\n",
                names, nfast, nchan, nchan == 1 ? "" : "s");
}

double cli_peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024.0;
}

static void log_stderr(void *ctx, const char *line)
{
    (void)ctx;
    cli_line(stderr, "skymodel: %s", line);
}

int cli_build_sky(const cli_parsed *p, const char *presets, int nside, long long seed,
                  int verbose, sky_config **cfg, sky_sky **sky, sky_prov **prov, sky_error *err)
{
    /* one process's share under mpirun, else the whole sky */
    return cli_build_sky_part(p, presets, nside, seed, verbose, sky_par_rank(), sky_par_size(),
                              cfg, sky, prov, err);
}

int cli_build_sky_part(const cli_parsed *p, const char *presets, int nside, long long seed,
                       int verbose, int part, int nparts, sky_config **cfg, sky_sky **sky,
                       sky_prov **prov, sky_error *err)
{
    int rc = SKY_OK;
    *sky = NULL;
    if (prov && !(*prov = sky_prov_new()))
        return sky_nomem(err, "the header cards");
    if (prov && presets)
        sky_prov_set_string(*prov, "PRESETS", presets, "PySM presets");
    if (!(*cfg = sky_config_new())) {
        rc = sky_nomem(err, "the configuration");
        goto fail;
    }
    if (presets && (rc = cli_add_presets(*cfg, presets, err)))
        goto fail;
    const char *const *files = cli_all(p, "config");
    for (int i = 0; files && files[i] && !rc; i++) {
        const int before = sky_config_count(*cfg);
        if ((rc = sky_config_add_file(*cfg, files[i], err)))
            break;
        if (prov) { /* the file, and which of the COMPn cards it defined */
            char key[24], comment[80];
            const int after = sky_config_count(*cfg);
            snprintf(key, sizeof key, "CONFIG%d", i + 1);
            if (after > before + 1)
                snprintf(comment, sizeof comment, "--config: COMP%d to COMP%d", before + 1,
                         after);
            else if (after == before + 1)
                snprintf(comment, sizeof comment, "--config: COMP%d", after);
            else
                snprintf(comment, sizeof comment, "--config: no component");
            if (i < 99) /* keywords of 8 characters at most */
                sky_prov_set_string(*prov, key, files[i], comment);
            else { /* the hundredth file on, as HISTORY lines */
                char line[4200];
                snprintf(line, sizeof line, "--config %s (%s)", files[i], comment + 10);
                sky_prov_history(*prov, line);
            }
        }
    }
    if (rc)
        goto fail;
    if (!sky_config_count(*cfg)) {
        rc = sky_fail(err, SKY_EINVAL, "no component: give --preset or --config");
        goto fail;
    }
    sky_options opt;
    sky_options_init(&opt);
    opt.nside = nside;
    opt.data_dirs = cli_all(p, "data-dir");
    opt.cache_dir = cli_get(p, "cache-dir");
    opt.data_url = cli_get(p, "data-url");
    opt.offline = cli_has(p, "offline");
    opt.seed = seed;
    opt.exact_sed = cli_has(p, "exact-sed");
    opt.part = part;
    opt.nparts = nparts;
    opt.verbose = verbose > 1 ? 2 : verbose;
    opt.log = verbose && sky_par_rank() == 0 ? log_stderr : NULL;
    cli_progress_start("reading templates (nside %d)", nside);
    rc = sky_create(*cfg, &opt, sky, err);
    cli_progress_done();
    if (rc)
        goto fail;
    if (prov) {
        const char *dtype = cli_get(p, "dtype");
        sky_prov_add_sky(*prov, *cfg, *sky);
        sky_prov_set_string(*prov, "DTYPE", dtype ? dtype : "float32", "--dtype");
        if (cli_get(p, "scale")) /* checked by cli_base_channel */
            sky_prov_set_real(*prov, "SCALE", strtod(cli_get(p, "scale"), NULL),
                              "--scale: the map multiplied by this");
        if ((rc = sky_prov_status(*prov, err)))
            goto fail;
    }
    return SKY_OK;
fail:
    sky_free(*sky);
    *sky = NULL;
    sky_config_free(*cfg);
    *cfg = NULL;
    if (prov) {
        sky_prov_free(*prov);
        *prov = NULL;
    }
    return rc;
}

int cli_base_channel(const cli_parsed *p, sky_channel *ch, sky_error *err)
{
    const char *unit = cli_get(p, "unit"), *dtype = cli_get(p, "dtype"),
               *scale = cli_get(p, "scale");
    sky_channel_init(ch);
    if (unit)
        ch->unit = unit;
    ch->dtype = dtype && !strcmp(dtype, "float64") ? SKY_FLOAT64 : SKY_FLOAT32;
    static const char what[] = "a finite number other than 0";
    int rc = scale ? cli_double("--scale", scale, what, &ch->scale, err) : SKY_OK;
    if (!rc && ch->scale == 0)
        rc = sky_fail(err, SKY_EINVAL, "--scale '%s': expected %s", scale, what);
    return rc;
}

/* Where the map of channel `ch` goes: -o `out` (NULL: a CAR map alone), and
 * the CAR map `car` (or NULL). */
static cli_sim_target sim_target(const cli_parsed *p, const sky_channel *ch,
                                 const char *presets, const char *out, const char *car)
{
    return (cli_sim_target){.ch = *ch,
                            .presets = presets,
                            .out = out,
                            .car = car,
                            .overwrite = cli_has(p, "force"),
                            .bandpass = cli_get(p, "bandpass")};
}

/* The band from --freq, --freqs/--weights or --bandpass (exactly one). */
static int read_band(const cli_parsed *p, double **freq, double **weight, int *n, sky_error *err)
{
    const char *f1 = cli_get(p, "freq"), *fl = cli_get(p, "freqs"), *wl = cli_get(p, "weights"),
               *bp = cli_get(p, "bandpass");
    int given = (f1 != NULL) + (fl != NULL) + (bp != NULL);
    int rc;
    *freq = *weight = NULL;
    if (given != 1)
        return sky_fail(err, SKY_EINVAL, "%s: give exactly one of --freq, --freqs or --bandpass",
                        given ? "conflicting frequency options" : "no frequency");
    if (wl && !fl)
        return sky_fail(err, SKY_EINVAL, "--weights needs --freqs");
    if (bp)
        return sky_band_read(bp, freq, weight, n, err);
    if (f1) {
        if ((rc = cli_double_list("--freq", f1, freq, n, err)))
            return rc;
        if (*n != 1) {
            free(*freq);
            *freq = NULL;
            return sky_fail(err, SKY_EINVAL, "--freq '%s': expected one frequency (use --freqs "
                            "for a band)", f1);
        }
        if (isfinite(**freq) && **freq > 0 && (rc = sky_freq_check(**freq, err))) {
            free(*freq);
            *freq = NULL;
            return sky_prefix(err, rc, "--freq ");
        }
    } else if ((rc = cli_double_list("--freqs", fl, freq, n, err))) {
        return rc;
    }
    if (wl) {
        int nw;
        if ((rc = cli_double_list("--weights", wl, weight, &nw, err))) {
            free(*freq);
            *freq = NULL;
            return rc;
        }
        if (nw != *n) {
            free(*freq);
            free(*weight);
            *freq = *weight = NULL;
            return sky_fail(err, SKY_EINVAL, "--weights has %d values but --freqs has %d: expected "
                            "one weight per frequency", nw, *n);
        }
    }
    sky_band b = {*n, *freq, *weight};
    if ((rc = sky_band_check(&b, err))) {
        if (fl)
            sky_prefix(err, rc, "--freqs: ");
        free(*freq);
        free(*weight);
        *freq = *weight = NULL;
    }
    return rc;
}

/* -v: the threads and why, and how idle threads wait */
static void report_threads(int verbose)
{
    if (verbose < 2 || sky_par_rank() != 0)
        return;
    const sky_threads *t = sky_threads_current();
    const char *wait = getenv("OMP_WAIT_POLICY");
    fprintf(stderr, "skymodel: %d thread%s (%s), OMP_WAIT_POLICY=%s\n", t->n,
            t->n == 1 ? "" : "s", t->why, wait ? wait : "(unset)");
}

int sky_cmd_sim(int argc, char **argv)
{
    cli_parsed p;
    sky_error err = {0};
    sky_config *cfg = NULL;
    sky_sky *sky = NULL;
    double *freq = NULL, *weight = NULL, *iqu = NULL;
    sky_prov *prov = NULL;
    char *car_plot = NULL; /* the CAR map alone, drawn by --plot */
    sky_smooth_opts smooth;
    sky_table beam = {0, 0, NULL};
    int smoothing = 0, agreed = 0;
    sky_outdirs made = {0, NULL}; /* folders this run made for its outputs */
    int nfreq = 0, rc;
    long long nside = 0, threads = 0, seed = SKY_SEED_PRESET, nparts = 1;

    if ((rc = cli_parse(sim_options, NOPT, argc, argv, &p, &err)))
        return cli_report(&err);
    if (cli_has(&p, "help")) {
        if (sky_par_rank() == 0)
            cli_print_help("skymodel sim --preset LIST --nside N (--freq GHZ | --freqs LIST "
                       "[--weights LIST] | --bandpass FILE) [--unit UNIT] -o FILE\n"
                       "       skymodel sim --instrument FILE --nside N [--preset LIST] -o DIR",
                       "Simulates the sky PySM 3.4.5 gives for the same presets, band and unit:\n"
                       "Sky(nside, preset_strings, output_unit).get_emission(freqs, weights).",
                       sim_options, NOPT);
        cli_parsed_free(&p);
        return 0;
    }
    const char *out = cli_get(&p, "output"), *unit = cli_get(&p, "unit"),
               *dtype = cli_get(&p, "dtype");
    /* what the sky is made of, for messages and the header */
    const char *presets = cli_get(&p, "preset") ? cli_get(&p, "preset") : cli_get(&p, "config");
    const char *instrument = cli_get(&p, "instrument");
    const char *plot_png = cli_get(&p, "plot");
    const int verbose = cli_has(&p, "verbose") ? 2 : cli_has(&p, "quiet") ? 0 : 1;
    cli_progress_init(verbose);
    if (p.npos) {
        rc = sky_fail(&err, SKY_EINVAL, "unexpected argument '%s' (see skymodel sim --help)",
                      p.pos[0]);
        goto done;
    }
    if (!presets && !instrument) {
        rc = sky_fail(&err, SKY_EINVAL, "--preset or --config is required (e.g. --preset d1,s1)");
        goto done;
    }
    if (!cli_get(&p, "nside")) {
        rc = sky_fail(&err, SKY_EINVAL, "--nside is required");
        goto done;
    }
    /* a CAR map alone: --car-resol with --car-output and no -o */
    const int car_only = !out && !instrument && cli_get(&p, "car-output");
    if (!out && !car_only) {
        rc = sky_fail(&err, SKY_EINVAL, "-o/--output is required (for a CAR map alone: "
                      "--car-resol ARCMIN --car-output FILE)");
        goto done;
    }
    if ((rc = cli_int("--nside", cli_get(&p, "nside"), 1, 1 << 30, &nside, &err)))
        goto done;
    if (nside > 8192 || (nside & (nside - 1))) {
        rc = sky_fail(&err, SKY_EINVAL, "--nside %lld: expected a power of two from 1 to 8192",
                      nside);
        goto done;
    }
    if (cli_get(&p, "threads") &&
        (rc = cli_int("--threads", cli_get(&p, "threads"), 1, 4096, &threads, &err)))
        goto done;
    if (cli_get(&p, "parts") &&
        (rc = cli_int("--parts", cli_get(&p, "parts"), 1, 12 * nside * nside, &nparts, &err)))
        goto done;
    if (nparts > 1 && (instrument || sky_par_size() > 1)) {
        rc = sky_fail(&err, SKY_EINVAL, "--parts %lld: for one map in one process (under "
                      "mpirun every process already holds only its part)", nparts);
        goto done;
    }
    if (cli_get(&p, "seed") &&
        (rc = cli_int("--seed", cli_get(&p, "seed"), 0, 4294967295LL, &seed, &err)))
        goto done;
    if (dtype && strcmp(dtype, "float32") && strcmp(dtype, "float64")) {
        rc = sky_fail(&err, SKY_EINVAL, "--dtype '%s': expected float32 or float64", dtype);
        goto done;
    }
    if (unit && (rc = sky_unit_check(unit, &err)))
        goto done;
    sky_channel ch; /* the one channel of the command line, every channel's start */
    if ((rc = cli_base_channel(&p, &ch, &err)))
        goto done;
    if ((rc = cli_compress_checks(&p, instrument != NULL, &err)))
        goto done;
    if (instrument && plot_png) {
        rc = sky_fail(&err, SKY_EINVAL, "--plot cannot be used with --instrument (draw each "
                      "channel's map with skymodel plot)");
        plot_png = NULL;
        goto done;
    }
    if (instrument) {
        if (threads)
            sky_threads_set((int)threads);
        report_threads(verbose);
        agreed = 1; /* it agrees on its own checks */
        rc = cli_sim_instrument(&p, instrument, (int)nside, seed, verbose, &err);
        goto done;
    }
    if ((rc = cli_read_smoothing(&p, (int)nside, &smooth, &smoothing, &beam, &err)))
        goto done;
    if ((rc = read_band(&p, &freq, &weight, &nfreq, &err)))
        goto done;
    if ((rc = cli_check_outputs(&p, out, smoothing ? &smooth : NULL, &made, &err))) {
        plot_png = NULL;
        goto done;
    }
    if (threads)
        sky_threads_set((int)threads);
    report_threads(verbose);

    ch.band = (sky_band){nfreq, freq, weight};
    ch.smooth = smoothing ? &smooth : NULL;
    if (nparts > 1) {
        if (smoothing) {
            rc = sky_fail(&err, SKY_EINVAL, "--parts %lld: for unsmoothed maps only (the "
                          "transforms need the whole map; use mpirun to share it)", nparts);
            goto done;
        }
        cli_sim_target t = sim_target(&p, &ch, presets, out, NULL);
        rc = cli_sim_in_parts(&p, (int)nside, seed, verbose, &t, (int)nparts, &err);
        goto done;
    }
    if (sky_par_size() > 1) { /* under mpirun: every process its part */
        agreed = 1;
        if ((rc = sky_par_agree(SKY_OK, &err)))
            goto done;
        char *car_path = smoothing && smooth.car_res_rad > 0 ? cli_car_path(&p, out) : NULL;
        cli_sim_target t = sim_target(&p, &ch, presets, out, car_path);
        rc = cli_sim_parts(&p, (int)nside, seed, verbose, &t, &err);
        if (car_only)
            car_plot = car_path; /* what --plot draws */
        else
            free(car_path);
        goto done;
    }
    double t0 = sky_clock_seconds();
    if ((rc = cli_build_sky(&p, cli_get(&p, "preset"), (int)nside, seed, verbose, &cfg, &sky,
                            &prov, &err)))
        goto done;
    double t1 = sky_clock_seconds();
    if (verbose > 1)
        fprintf(stderr, "skymodel: templates read in %.2f s, peak memory %.0f MB\n", t1 - t0,
                cli_peak_rss_mb());
    if (verbose > 1)
        cli_report_sed(sky, 1, &ch.band, cli_has(&p, "exact-sed"));
    const char *units[] = {ch.unit, ch.unit, ch.unit};
    const int overwrite = cli_has(&p, "force");
    const int64_t npix = sky_npix(sky);
    if ((rc = sky_prov_add_band(prov, &ch.band, cli_get(&p, "bandpass"))) &&
        (rc = sky_prov_status(prov, &err)))
        goto done;

    if (smoothing) { /* the transforms need the whole map */
        char *car_path = cli_car_path(&p, out);
        if (!(iqu = sky_big_alloc((size_t)(3 * npix) * sizeof *iqu)) || !car_path) {
            free(car_path);
            rc = sky_nomem(&err, "the map to smooth");
            goto done;
        }
        cli_progress_start("emission over %d frequenc%s", nfreq, nfreq == 1 ? "y" : "ies");
        rc = sky_channels_evaluate(sky, 1, &ch, &iqu, &err);
        cli_progress_done();
        if (!rc)
            rc = cli_smooth_channel_and_write(sky, &ch, iqu, cli_get(&p, "beam-window"), out,
                                              car_path, units, prov, overwrite, verbose, &err);
        if (car_only)
            car_plot = car_path; /* what --plot draws */
        else
            free(car_path);
        goto done;
    }

    /* Evaluated and written in chunks of pixels, so that the output map never
     * has to be held whole (3.2 GB per Stokes component in double at nside 8192). */
    double t_emission = 0;
    const sky_prov *cards = prov;
    cli_progress_start("emission and writing, %lld pixels", (long long)npix);
    rc = sky_channels_write(sky, 1, &ch, &out, &cards, overwrite, &t_emission, &err);
    cli_progress_done();
    if (rc)
        goto done;
    if (verbose > 1)
        fprintf(stderr, "skymodel: emission over %d frequenc%s in %.2f s, peak memory %.0f MB\n",
                nfreq, nfreq == 1 ? "" : "ies", t_emission, cli_peak_rss_mb());
    if (verbose > 1)
        fprintf(stderr, "skymodel: map written in %.2f s; total %.2f s, peak memory %.0f MB\n",
                sky_clock_seconds() - t1 - t_emission, sky_clock_seconds() - t0,
                cli_peak_rss_mb());
    if (verbose)
        cli_line(stdout, "wrote %s (nside %lld, %s, %s)", out, nside, presets, ch.unit);
done:
    if (!rc && plot_png) { /* the picture of the map just written */
        cli_plot pa = {"I", NAN, NAN, 0, 800, 0, 0, NULL};
        if (sky_par_rank() == 0)
            rc = cli_plot_file(out ? out : car_plot, plot_png, &pa, cli_has(&p, "force"), &err);
        if (agreed)
            rc = sky_par_agree(rc, &err);
        if (!rc && verbose && sky_par_rank() == 0)
            cli_line(stdout, "wrote %s", plot_png);
        if (rc && sky_par_rank() == 0) { /* all outputs or none */
            if (out)
                unlink(out);
            char *car_path = smoothing && smooth.car_res_rad > 0 ? cli_car_path(&p, out) : NULL;
            if (car_path)
                unlink(car_path);
            free(car_path);
        }
    }
    if (!agreed) /* under mpirun: a check that failed here fails every process */
        rc = sky_par_agree(rc, &err);
    if (rc)
        sky_outdirs_undo(&made);
    else
        sky_outdirs_free(&made);
    sky_prov_free(prov);
    free(car_plot);
    sky_table_free(&beam);
    free(iqu);
    free(freq);
    free(weight);
    sky_free(sky);
    sky_config_free(cfg);
    cli_parsed_free(&p);
    return rc ? cli_report(&err) : 0;
}
