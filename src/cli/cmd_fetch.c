/*
 * cmd_fetch.c - `skymodel fetch`: download exactly the templates some presets
 * need into the cache before a batch job, or list them with their sizes and
 * where they are (`--list`).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "config.h"
#include "core/error.h"
#include "data/datapath.h"
#include "options.h"
#include "progress.h"

static const cli_option fetch_options[] = {
    {"preset", 'p', "LIST", "comma-separated presets whose templates to fetch", 0},
    {"nside", 'n', "N", "the nside the job will run at (for templates chosen by nside)", 0},
    {"list", 'l', NULL, "list the files with sizes and whether each is here; fetch nothing", 0},
    {"data-dir", 'd', "DIR", "folders holding templates already (repeatable)", 1},
    {"cache-dir", 0, "DIR", "cache of downloaded templates", 0},
    {"data-url", 0, "URL", "template server (default $SKYMODEL_DATA_URL or PySM's)", 0},
    {"offline", 0, NULL, "never download (with --list: no size look-ups)", 0},
    {"quiet", 'q', NULL, "print nothing but errors", 0},
    {"help", 'h', NULL, "show this help", 0},
};
#define NOPT ((int)(sizeof fetch_options / sizeof *fetch_options))

typedef struct job {
    sky_datapath *dp;
    int list, quiet, nfiles, nmissing;
    long long bytes;
    sky_error *err;
} job;

static void log_stderr(void *ctx, const char *line)
{
    (void)ctx;
    cli_line(stderr, "skymodel: %s", line);
}

static int one_file(const char *rel, void *ctx)
{
    job *j = ctx;
    j->nfiles++;
    if (!j->list) {
        char *path = NULL;
        int rc = sky_datapath_find(j->dp, rel, &path, j->err);
        if (!rc && !j->quiet)
            printf("%s -> %s\n", rel, path);
        free(path);
        return rc;
    }
    char *path = NULL;
    struct stat st;
    sky_error e;
    sky_datapath local = *j->dp;
    local.offline = 1;
    if (sky_datapath_find(&local, rel, &path, &e) == SKY_OK && stat(path, &st) == 0) {
        const int cached = !strncmp(path, j->dp->cache, strlen(j->dp->cache));
        printf("%-60s %12lld  %s %s\n", rel, (long long)st.st_size, cached ? "cached" : "local",
               path);
        j->bytes += st.st_size;
    } else {
        long long size = -1;
        j->nmissing++;
        if (!j->dp->offline && sky_fetch_size(&j->dp->fetch, rel, &size, &e) != SKY_OK)
            printf("%-60s %12s  missing (%s)\n", rel, "?", e.msg);
        else if (size >= 0)
            printf("%-60s %12lld  missing, to download\n", rel, size);
        else
            printf("%-60s %12s  missing\n", rel, "?");
        if (size > 0)
            j->bytes += size;
    }
    free(path);
    return 0;
}

int sky_cmd_fetch(int argc, char **argv)
{
    cli_parsed p;
    sky_error err = {0};
    sky_config *cfg = NULL;
    sky_datapath dp = {0};
    int rc, have_dp = 0;
    if ((rc = cli_parse(fetch_options, NOPT, argc, argv, &p, &err)))
        return cli_report(&err);
    if (cli_has(&p, "help")) {
        cli_print_help("skymodel fetch --preset LIST [--nside N] [--list]",
                       "Downloads the templates the presets read into the cache, checked and\n"
                       "renamed into place, so that batch jobs can then run --offline.",
                       fetch_options, NOPT);
        cli_parsed_free(&p);
        return 0;
    }
    const char *presets = cli_get(&p, "preset");
    long long nside = 0;
    if (!presets) {
        rc = sky_fail(&err, SKY_EINVAL, "--preset is required (e.g. --preset d1,s1,f1)");
        goto done;
    }
    if (cli_get(&p, "nside") &&
        ((rc = cli_int("--nside", cli_get(&p, "nside"), 1, 8192, &nside, &err)) ||
         (nside & (nside - 1) &&
          (rc = sky_fail(&err, SKY_EINVAL, "--nside %lld: expected a power of two from 1 to "
                         "8192", nside)))))
        goto done;
    if (!(cfg = sky_config_new())) {
        rc = sky_nomem(&err, "the configuration");
        goto done;
    }
    if ((rc = cli_add_presets(cfg, presets, &err)))
        goto done;
    sky_options opt;
    sky_options_init(&opt);
    opt.data_dirs = cli_all(&p, "data-dir");
    opt.cache_dir = cli_get(&p, "cache-dir");
    opt.data_url = cli_get(&p, "data-url");
    opt.offline = cli_has(&p, "offline");
    opt.log = cli_has(&p, "quiet") ? NULL : log_stderr;
    if ((rc = sky_datapath_init(&dp, &opt, &err)))
        goto done;
    have_dp = 1;
    job j = {&dp, cli_has(&p, "list"), cli_has(&p, "quiet"), 0, 0, 0, &err};
    if ((rc = sky_config_each_file(cfg, (int)nside, one_file, &j)))
        goto done;
    if (j.list)
        printf("%d files, %.1f MB; %d missing; cache %s\n", j.nfiles, j.bytes / 1e6, j.nmissing,
               dp.cache);
    else if (!j.quiet)
        printf("%d templates ready in %s or the data folders\n", j.nfiles, dp.cache);
done:
    if (have_dp)
        sky_datapath_free(&dp);
    sky_config_free(cfg);
    cli_parsed_free(&p);
    return rc ? cli_report(&err) : 0;
}
