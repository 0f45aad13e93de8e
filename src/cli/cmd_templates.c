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
    {"real-nside", 0, NULL, "instead of --nside: each extragalactic file at the nside of "
                            "PySM's (WebSky CMB 512 or 4096 as named, ksz 4096, the other SZ "
                            "maps 8192 (3.2 GB each), CO 512 or 2048 as named; the cib1 "
                            "and rg1 grids 4096, rg3's 2048, 4096, 8192 as named; rg2's "
                            "catalogue with the real 370k sources)", 0},
    {"seed", 's', "S", "random seed, a non-negative integer (default 1)", 0},
    {"set", 0, "LIST", "comma-separated: pysm2 (d0-d8, s0-s3, f1, a1, a2, c1, c2), hires "
                       "(d9-d12, s4-s7: maps at this nside, alm and spectra to lmax 2 nside), "
                       "websky (c3, c4, ksz1, tsz1), agora (ksz2, ksz3, tsz2, tsz3), halfdome "
                       "(tsz4), co (co1-co3), extragalactic (websky, agora, halfdome, co), "
                       "grids (cib1, rg1, rg3), presets one by one (d9-d12, s4-s7, c3, c4, "
                       "tsz1-tsz4, ksz1-ksz3, co1-co3, cib1, rg1, rg3; rg2: an HDF5 "
                       "catalogue of 3000 sources), or all (default)", 0},
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
    } known[] = {{"all", SKY_SYNTH_ALL},
                 {"pysm2", SKY_SYNTH_PYSM2},
                 {"hires", SKY_SYNTH_HIRES},
                 {"d9", SKY_SYNTH_GNILC},
                 {"d10", SKY_SYNTH_GNILC},
                 {"s4", SKY_SYNTH_SYNCH},
                 {"s5", SKY_SYNTH_SYNCH},
                 {"s7", SKY_SYNTH_SYNCH},
                 {"d12", SKY_SYNTH_MKD},
                 {"d11", SKY_SYNTH_REALIZATION},
                 {"s6", SKY_SYNTH_REALIZATION},
                 {"extragalactic", SKY_SYNTH_EXTRAGALACTIC},
                 {"websky", SKY_SYNTH_WEBSKY},
                 {"agora", SKY_SYNTH_AGORA},
                 {"halfdome", SKY_SYNTH_HALFDOME},
                 {"co", SKY_SYNTH_CO},
                 {"c3", SKY_SYNTH_C3},
                 {"c4", SKY_SYNTH_C4},
                 {"ksz1", SKY_SYNTH_KSZ1},
                 {"ksz2", SKY_SYNTH_KSZ2},
                 {"ksz3", SKY_SYNTH_KSZ3},
                 {"tsz1", SKY_SYNTH_TSZ1},
                 {"tsz2", SKY_SYNTH_TSZ2},
                 {"tsz3", SKY_SYNTH_TSZ3},
                 {"tsz4", SKY_SYNTH_TSZ4},
                 {"co1", SKY_SYNTH_CO_LINES},
                 {"co2", SKY_SYNTH_CO_LINES | SKY_SYNTH_CO_POL},
                 {"co3", SKY_SYNTH_CO},
                 {"grids", SKY_SYNTH_GRIDS},
                 {"cib1", SKY_SYNTH_CIB1},
                 {"rg1", SKY_SYNTH_RG1},
                 {"rg3", SKY_SYNTH_RG3},
                 {"rg2", SKY_SYNTH_RG2}};
    const int nknown = (int)(sizeof known / sizeof *known);
    *sets = 0;
    for (const char *a = list; *a;) {
        const char *b = strchr(a, ',');
        const size_t n = b ? (size_t)(b - a) : strlen(a);
        int k = 0;
        while (k < nknown && !(strlen(known[k].name) == n && !strncmp(known[k].name, a, n)))
            k++;
        if (k == nknown)
            return sky_fail(err, SKY_EINVAL, "--set '%.*s': expected all, pysm2, hires, "
                            "extragalactic, websky, agora, halfdome, co, grids or a preset "
                            "(d9-d12, s4-s7, c3, c4, tsz1-tsz4, ksz1-ksz3, co1-co3, cib1, rg1, "
                            "rg2, rg3)", (int)n, a);
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
        cli_print_help("skymodel templates (--nside N | --real-nside) [--set LIST] [--seed S] "
                       "[--force] DIR",
                       "Writes every template the built-in presets read, at PySM's relative\n"
                       "paths under DIR (DIR/pysm_2/..., DIR/websky/..., DIR/co/...): seeded\n"
                       "random fields with plausible spectra and Galactic profiles, not sky data.",
                       templates_options, NOPT);
        cli_parsed_free(&p);
        return 0;
    }
    const int real = cli_has(&p, "real-nside");
    const char *set = cli_get(&p, "set") ? cli_get(&p, "set") : "all";
    int sets = 0;
    if (p.npos != 1)
        rc = sky_fail(&err, SKY_EINVAL, "expected one output folder, got %d (see skymodel "
                      "templates --help)", p.npos);
    else if (real && cli_get(&p, "nside"))
        rc = sky_fail(&err, SKY_EINVAL, "--nside and --real-nside: expected one of them");
    else if (!real && !cli_get(&p, "nside"))
        rc = sky_fail(&err, SKY_EINVAL, "--nside is required (or --real-nside)");
    else if (!real &&
             !(rc = cli_int("--nside", cli_get(&p, "nside"), 1, 1 << 30, &nside, &err)) &&
             (nside > 8192 || (nside & (nside - 1))))
        rc = sky_fail(&err, SKY_EINVAL, "--nside %lld: expected a power of two from 1 to 8192",
                      nside);
    if (!rc && cli_get(&p, "seed"))
        rc = cli_int("--seed", cli_get(&p, "seed"), 0, 9007199254740991LL, &seed, &err);
    if (!rc)
        rc = parse_sets(set, &sets, &err);
    if (!rc && real && (sets & ~SKY_SYNTH_REAL_SETS))
        rc = sky_fail(&err, SKY_EINVAL, "--real-nside with --set '%s': expected only "
                      "extragalactic sets (extragalactic, websky, agora, halfdome, co, grids "
                      "or their presets, rg2)", set);
    if (!rc) {
        const int quiet = cli_has(&p, "quiet");
        rc = sky_synth_templates(p.pos[0], real ? SKY_SYNTH_REAL_NSIDE : (int)nside,
                                 (uint64_t)seed, cli_has(&p, "force"), sets,
                                 quiet ? NULL : log_line, NULL, &err);
        if (!rc && !quiet && real)
            cli_line(stdout, "wrote synthetic templates (PySM's nsides, seed %lld) to %s", seed,
                     p.pos[0]);
        else if (!rc && !quiet)
            cli_line(stdout, "wrote synthetic templates (nside %lld, seed %lld) to %s", nside,
                     seed, p.pos[0]);
    }
    cli_parsed_free(&p);
    return rc ? cli_report(&err) : 0;
}
