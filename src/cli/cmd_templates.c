/*
 * cmd_templates.c - `skymodel templates`: write a synthetic template set in
 * PySM's layout, so that every preset runs without the PySM data.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "core/error.h"
#include "options.h"
#include "progress.h"
#include "templates/synth.h"

static const cli_option templates_options[] = {
    {"nside", 'n', "N", "HEALPix nside of the maps: a power of two from 1 to 8192", 0},
    {"seed", 's', "S", "random seed, a non-negative integer (default 1)", 0},
    {"set", 0, "LIST", "comma-separated: pysm2 (d0-d8, s0-s3, f1, a1, a2, c1, c2), hires "
                       "(d9-d12, s4-s7: maps at this nside, alm and spectra to lmax 2 nside), "
                       "high-resolution presets one by one (d9, d10, d11, d12, s4, s5, s6, s7), "
                       "or all (default)", 0},
    {"force", 0, NULL, "replace files that exist", 0},
    {"quiet", 'q', NULL, "print nothing but errors", 0},
    {"help", 'h', NULL, "show this help", 0},
};
#define NOPT ((int)(sizeof templates_options / sizeof *templates_options))

static void log_line(void *ctx, const char *line)
{
    (void)ctx;
    cli_line(stdout, "wrote %s", line);
}

/* --set: a comma-separated list of sets and presets */
static int parse_sets(const char *list, int *sets, sky_error *err)
{
    static const struct {
        const char *name;
        int bits;
    } known[] = {{"all", SKY_SYNTH_ALL},   {"pysm2", SKY_SYNTH_PYSM2},
                 {"hires", SKY_SYNTH_HIRES}, {"d9", SKY_SYNTH_GNILC},
                 {"d10", SKY_SYNTH_GNILC}, {"s4", SKY_SYNTH_SYNCH},
                 {"s5", SKY_SYNTH_SYNCH},  {"s7", SKY_SYNTH_SYNCH},
                 {"d12", SKY_SYNTH_MKD},   {"d11", SKY_SYNTH_REALIZATION},
                 {"s6", SKY_SYNTH_REALIZATION}};
    const int nknown = (int)(sizeof known / sizeof *known);
    *sets = 0;
    for (const char *a = list; *a;) {
        const char *b = strchr(a, ',');
        const size_t n = b ? (size_t)(b - a) : strlen(a);
        int k = 0;
        while (k < nknown && !(strlen(known[k].name) == n && !strncmp(known[k].name, a, n)))
            k++;
        if (k == nknown)
            return sky_fail(err, SKY_EINVAL, "--set '%.*s': expected pysm2, hires, all or a "
                            "high-resolution preset (d9, d10, d11, d12, s4, s5, s6, s7)",
                            (int)n, a);
        *sets |= known[k].bits;
        a += n + (b != NULL);
    }
    return *sets ? SKY_OK : sky_fail(err, SKY_EINVAL, "--set '%s': expected a set name", list);
}

int sky_cmd_templates(int argc, char **argv)
{
    cli_parsed p;
    sky_error err = {0};
    long long nside = 0, seed = 1;
    int rc;
    if ((rc = cli_parse(templates_options, NOPT, argc, argv, &p, &err)))
        return cli_report(&err);
    if (cli_has(&p, "help")) {
        cli_print_help("skymodel templates --nside N [--seed S] [--force] DIR",
                       "Writes every template the built-in presets read, at PySM's relative\n"
                       "paths under DIR (DIR/pysm_2/...): seeded random fields with plausible\n"
                       "spectra and Galactic profiles, not sky data.",
                       templates_options, NOPT);
        cli_parsed_free(&p);
        return 0;
    }
    if (p.npos != 1)
        rc = sky_fail(&err, SKY_EINVAL, "expected one output folder, got %d (see skymodel "
                      "templates --help)", p.npos);
    else if (!cli_get(&p, "nside"))
        rc = sky_fail(&err, SKY_EINVAL, "--nside is required");
    else if (!(rc = cli_int("--nside", cli_get(&p, "nside"), 1, 1 << 30, &nside, &err)) &&
             (nside > 8192 || (nside & (nside - 1))))
        rc = sky_fail(&err, SKY_EINVAL, "--nside %lld: expected a power of two from 1 to 8192",
                      nside);
    if (!rc && cli_get(&p, "seed"))
        rc = cli_int("--seed", cli_get(&p, "seed"), 0, 9007199254740991LL, &seed, &err);
    if (!rc) {
        const int quiet = cli_has(&p, "quiet");
        const char *set = cli_get(&p, "set") ? cli_get(&p, "set") : "all";
        int sets = 0;
        rc = parse_sets(set, &sets, &err);
        if (!rc)
            rc = sky_synth_templates(p.pos[0], (int)nside, (uint64_t)seed, cli_has(&p, "force"),
                                     sets, quiet ? NULL : log_line, NULL, &err);
        if (!rc && !quiet)
            cli_line(stdout, "wrote synthetic templates (nside %lld, seed %lld) to %s", nside, seed,
                   p.pos[0]);
    }
    cli_parsed_free(&p);
    return rc ? cli_report(&err) : 0;
}
