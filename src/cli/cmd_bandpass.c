/*
 * cmd_bandpass.c - `skymodel bandpass sample FILE --count N [--seed S] -o DIR`:
 * N bandpasses resampled from FILE as PySM's bandpass sampler makes them
 * (sky_bandpass_sample), written with an instrument file naming them
 * (sky_band_samples_write), ready for `skymodel sim --instrument`.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "core/error.h"
#include "io/outpath.h"
#include "options.h"
#include "progress.h"

static const cli_option sample_options[] = {
    {"count", 'n', "N", "number of bandpasses to make (PySM's --num-wafers), 1 to 100000", 0},
    {"seed", 's', "S", "seed of numpy's default_rng, 0 to 2^53 - 1 (default: a new one, "
                       "printed and written in the files)", 0},
    {"bootstrap-size", 'b', "B", "draws per bandpass, also its number of frequencies "
                                 "(default 128, PySM's), 8 to 10000", 0},
    {"output", 'o', "DIR", "folder for <stem>_<k>.txt (k from 0) and instrument.json", 0},
    {"force", 0, NULL, "replace files that exist", 0},
    {"quiet", 'q', NULL, "print nothing but errors", 0},
    {"help", 'h', NULL, "show this help", 0},
};
#define NOPT ((int)(sizeof sample_options / sizeof *sample_options))

/* The file name without its folder and last extension. */
static void stem_of(const char *path, char *out, size_t n)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(out, n, "%s", base);
    char *dot = strrchr(out, '.');
    if (dot && dot != out)
        *dot = '\0';
}

static int sample(int argc, char **argv)
{
    cli_parsed p;
    sky_error err = {0};
    int rc;
    if ((rc = cli_parse(sample_options, NOPT, argc, argv, &p, &err)))
        return cli_report(&err);
    if (cli_has(&p, "help")) {
        cli_print_help("skymodel bandpass sample FILE --count N [--seed S] [--bootstrap-size B] "
                       "-o DIR",
                       "Makes N bandpasses resampled from FILE (two columns: GHz, weight) as\n"
                       "PySM's bandpass sampler does: the bandpass as a density over frequency,\n"
                       "bootstrap draws from its inverse CDF, each new bandpass a Gaussian\n"
                       "kernel density of its draws (docs/instrument.md). With the same seed,\n"
                       "PySM's resample_bandpass gives the same bandpasses.",
                       sample_options, NOPT);
        cli_parsed_free(&p);
        return 0;
    }
    long long count = 0, seed = -1, boot = 128;
    const char *dir = cli_get(&p, "output");
    if (p.npos != 1)
        rc = sky_fail(&err, SKY_EINVAL, "expected one bandpass file, got %d (see skymodel "
                      "bandpass sample --help)", p.npos);
    else if (!cli_get(&p, "count"))
        rc = sky_fail(&err, SKY_EINVAL, "--count is required: the number of bandpasses");
    else if (!dir || !*dir)
        rc = sky_fail(&err, SKY_EINVAL, "-o/--output is required: the folder for the "
                      "bandpasses");
    if (!rc)
        rc = cli_int("--count", cli_get(&p, "count"), 1, SKY_BANDPASS_MAX_COUNT, &count, &err);
    if (!rc && cli_get(&p, "seed"))
        rc = cli_int("--seed", cli_get(&p, "seed"), 0, 9007199254740991LL, &seed, &err);
    if (!rc && cli_get(&p, "bootstrap-size"))
        rc = cli_int("--bootstrap-size", cli_get(&p, "bootstrap-size"), 8,
                     SKY_BANDPASS_MAX_BOOTSTRAP, &boot, &err);
    double *freq = NULL, *weight = NULL;
    int n = 0;
    if (!rc)
        rc = sky_band_read(p.pos[0], &freq, &weight, &n, &err);
    const uint64_t s = seed >= 0 ? (uint64_t)seed : sky_random_seed();
    sky_band_sample *out = NULL;
    double sigma = 0;
    if (!rc && !(out = calloc((size_t)count, sizeof *out)))
        rc = sky_nomem(&err, "the bandpasses");
    if (!rc) {
        sky_band band = {n, freq, weight};
        if ((rc = sky_bandpass_sample(&band, (int)count, (int)boot, s, out, &sigma, &err)))
            sky_prefix(&err, rc, "bandpass file %s: ", p.pos[0]);
    }
    sky_outdirs made = {0, NULL};
    if (!rc)
        rc = sky_output_folder("-o", dir, &made, &err);
    if (!rc) {
        char stem[256], header[1024];
        stem_of(p.pos[0], stem, sizeof stem);
        snprintf(header, sizeof header, "resampled from %s by skymodel bandpass sample: seed "
                 "%llu, bootstrap size %lld, kernel sigma %.6g GHz", p.pos[0],
                 (unsigned long long)s, boot, sigma);
        rc = sky_band_samples_write(dir, stem, out, (int)count, header, cli_has(&p, "force"),
                                    &err);
        if (!rc && !cli_has(&p, "quiet"))
            cli_line(stdout, "wrote %lld bandpasses (%s_0.txt ...) and instrument.json to %s "
                     "(seed %llu, kernel sigma %.4g GHz)", count, stem, dir,
                     (unsigned long long)s, sigma);
    }
    if (rc)
        sky_outdirs_undo(&made);
    else
        sky_outdirs_free(&made);
    if (out)
        sky_band_samples_free(out, (int)count);
    free(out);
    free(freq);
    free(weight);
    cli_parsed_free(&p);
    return rc ? cli_report(&err) : 0;
}

int sky_cmd_bandpass(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "sample"))
        return sample(argc - 1, argv + 1);
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: skymodel bandpass sample FILE --count N [--seed S] -o DIR\n\n"
               "Bandpass tools. 'skymodel bandpass sample --help' describes sample.\n");
        return 0;
    }
    sky_error err = {0};
    char name[128];
    if (argc < 2) {
        sky_fail(&err, SKY_EINVAL, "bandpass: expected the subcommand 'sample' (skymodel "
                 "bandpass sample FILE --count N -o DIR)");
        return cli_report(&err);
    }
    sky_escape_controls(argv[1], name, sizeof name);
    sky_fail(&err, SKY_EINVAL, "bandpass '%s': expected the subcommand 'sample' (skymodel "
             "bandpass sample FILE --count N -o DIR)", name);
    return cli_report(&err);
}
