/*
 * cmd_info.c - `skymodel info`: what the presets are, what they read, and
 * whether it is here. Nothing is downloaded and no template is read but for
 * its header.
 *
 *   skymodel info            every preset: class, templates' nside, files here
 *                            out of those needed, description; then every
 *                            model family (class) with its summary, so that
 *                            a family no preset uses is listed too
 *   skymodel info d1 a1 ...  each preset's components with every parameter
 *                            as configured, and where each file is
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "core/constants.h"
#include "core/error.h"
#include "data/datapath.h"
#include "io/fits_map.h"
#include "io/toml.h"
#include "models/model.h"
#include "options.h"
#include "progress.h"

static const cli_option info_options[] = {
    {"data-dir", 'd', "DIR", "folders holding templates (repeatable; then $SKYMODEL_DATA, "
                             "$PYSM_LOCAL_DATA)", 1},
    {"cache-dir", 0, "DIR", "cache of downloaded templates", 0},
    {"config", 'c', "FILE", "list what a TOML component file (PySM's presets.cfg dialect) "
                            "defines", 0},
    {"help", 'h', NULL, "show this help", 0},
};
#define NOPT ((int)(sizeof info_options / sizeof *info_options))

/* Where a template is (NULL when it is not here) and its nside (0 when not
 * a readable HEALPix map, as text tables are). */
typedef struct found {
    const sky_datapath *dp;
    int nfiles, nhere, nside;
    const char *name; /* the preset, for the fetch hint */
} found;

static char *locate(const sky_datapath *dp, const char *rel, int *nside)
{
    sky_datapath local = *dp;
    local.offline = 1; /* never download */
    char *path = NULL;
    sky_error e;
    int ncols;
    *nside = 0;
    if (sky_datapath_find(&local, rel, &path, &e) != SKY_OK)
        return NULL;
    if (strstr(rel, ".fits") && sky_fits_map_shape(path, &ncols, nside, &e) != SKY_OK)
        *nside = 0;
    return path;
}

static int count_file(const char *rel, void *ctx)
{
    found *f = ctx;
    int nside;
    char *path = locate(f->dp, rel, &nside);
    f->nfiles++;
    f->nhere += path != NULL;
    if (nside > f->nside)
        f->nside = nside;
    free(path);
    return 0;
}

static int list_presets(const sky_datapath *dp, sky_error *err)
{
    printf("%-6s %-32s %-6s %-5s %-7s %s\n", "preset", "model", "nside", "max", "files",
           "description");
    for (int i = 0; i < sky_preset_count(); i++) {
        sky_config *cfg = sky_config_new();
        if (!cfg)
            return sky_nomem(err, "the configuration");
        int rc = sky_config_add_preset(cfg, sky_preset_name(i), err);
        if (rc) {
            sky_config_free(cfg);
            return rc;
        }
        char classes[64] = "";
        for (int c = 0; c < cfg->n; c++) {
            const char *m = cfg->comp[c].model_class;
            if (!strstr(classes, m))
                snprintf(classes + strlen(classes), sizeof classes - strlen(classes), "%s%s",
                         c ? " + " : "", m);
        }
        if (cfg->n == 2 && !strcmp(cfg->comp[0].model_class, cfg->comp[1].model_class))
            snprintf(classes, sizeof classes, "2 x %s", cfg->comp[0].model_class);
        found f = {dp, 0, 0, 0, NULL};
        sky_config_each_file(cfg, 0, count_file, &f);
        char nside[16], files[16];
        snprintf(nside, sizeof nside, f.nside ? "%d" : "-", f.nside);
        snprintf(files, sizeof files, "%d/%d", f.nhere, f.nfiles);
        printf("%-6s %-32s %-6s %-5d %-7s %s\n", sky_preset_name(i), classes, nside,
               SKY_NSIDE_MAX, files, sky_preset_description(i));
        sky_config_free(cfg);
    }
    printf("\n%-32s %s\n", "model family (class = ...)", "what it computes");
    for (int i = 0; i < sky_model_count(); i++)
        printf("%-32s %s\n", sky_model_at(i)->name, sky_model_at(i)->summary);
    printf("\nnside: the native resolution of the templates found here (PySM's are 512); max: "
           "the highest\noutput nside (coarser templates are evaluated at their own nside and "
           "expanded, finer ones\ndegraded). files: found here / needed. 'skymodel info "
           "PRESET' lists its parameters and files;\n'skymodel fetch --preset LIST' downloads "
           "them.\n");
    return SKY_OK;
}

static int print_file(const char *rel, void *ctx)
{
    const found *f = ctx;
    int nside;
    char *path = locate(f->dp, rel, &nside);
    if (!path)
        printf("    %-44s missing (skymodel fetch --preset %s)\n", rel, f->name);
    else if (nside)
        cli_line(stdout, "    %-44s nside %-5d %s", rel, nside, path); /* --data-dir's name */
    else
        cli_line(stdout, "    %-44s %-11s %s", rel, "", path);
    free(path);
    return 0;
}

static void print_param(const sky_param *p)
{
    if (p->kind == SKY_PARAM_STRING)
        printf("    %-22s = \"%s\"\n", p->key, p->str);
    else if (p->kind == SKY_PARAM_BOOL)
        printf("    %-22s = %s\n", p->key, p->num ? "true" : "false");
    else
        printf("    %-22s = %.17g\n", p->key, p->num);
}

static int show_preset(const sky_datapath *dp, const char *name, sky_error *err)
{
    sky_config *cfg = sky_config_new();
    if (!cfg)
        return sky_nomem(err, "the configuration");
    int rc = sky_config_add_preset(cfg, name, err);
    if (rc) {
        sky_config_free(cfg);
        return rc;
    }
    for (int i = 0; i < sky_preset_count(); i++)
        if (!strcmp(sky_preset_name(i), name))
            printf("%s: %s\n", name, sky_preset_description(i));
    for (int c = 0; c < cfg->n; c++) {
        const sky_config_component *cc = &cfg->comp[c];
        const sky_model_type *t = sky_model_find(cc->model_class);
        printf("  [%s] class = \"%s\"%s%s\n", cc->label, cc->model_class, t ? ": " : "",
               t ? t->summary : "");
        for (int k = 0; k < cc->params.n; k++)
            print_param(&cc->params.p[k]);
    }
    printf("  files:\n");
    found f = {dp, 0, 0, 0, name};
    sky_config_each_file(cfg, 0, print_file, &f);
    sky_config_free(cfg);
    return SKY_OK;
}

/* Each entry of a TOML file: its components' classes and whether skymodel
 * implements them, each checked as sim would (class and parameters, no
 * template read); the first invalid one is then the error, as sim reports
 * it. */
static int list_file(const char *path, sky_error *err)
{
    sky_toml doc;
    int rc = sky_toml_read(path, &doc, err);
    if (rc)
        return rc;
    int nentries = 0, nok = 0, first_rc = SKY_OK;
    printf("%-8s %-6s %-44s %s\n", "entry", "line", "model", "status");
    for (int i = 0; i < doc.n; i++) {
        const sky_toml_table *t = &doc.t[i];
        const sky_toml_value *cls = sky_toml_get(t, "class");
        const char *dot = strchr(t->name, '.');
        if (!cls && !dot) /* a group: its sub-tables follow */
            continue;
        const int known = cls && cls->kind == SKY_TOML_STRING && sky_model_find(cls->str);
        sky_error e;
        const int check = known ? sky_config_check_table(t, path, &e) : SKY_OK;
        if (check && !first_rc) {
            first_rc = check;
            *err = e;
        }
        const int ok = known && !check;
        nentries++;
        nok += ok;
        /* names and classes as the file spells them, one line each */
        char name[256], model[256];
        sky_escape_controls(t->name, name, sizeof name);
        sky_escape_controls(cls && cls->kind == SKY_TOML_STRING ? cls->str : "(no class)", model,
                            sizeof model);
        printf("%-8s %-6d %-44s %s\n", name, t->line, model,
               ok ? "implemented"
               : known ? "invalid parameters (see the error)"
               : cls   ? "not implemented yet"
                       : "error: no class");
    }
    char where[1024];
    sky_escape_controls(path, where, sizeof where);
    printf("\n%s: %d of %d components implemented ('skymodel sim --config' needs all of a "
           "file's)\n", where, nok, nentries);
    sky_toml_free(&doc);
    fflush(stdout);
    return first_rc;
}

int sky_cmd_info(int argc, char **argv)
{
    cli_parsed p;
    sky_error err = {0};
    sky_datapath dp = {0};
    int rc;
    if ((rc = cli_parse(info_options, NOPT, argc, argv, &p, &err)))
        return cli_report(&err);
    if (cli_has(&p, "help")) {
        cli_print_help("skymodel info [PRESET ...] | --config FILE",
                       "Lists the presets (model, templates' nside, files here, description)\n"
                       "and the model families a --config file can name (class = ...),\n"
                       "or for the presets named, every parameter and where each file is.",
                       info_options, NOPT);
        cli_parsed_free(&p);
        return 0;
    }
    sky_options opt;
    sky_options_init(&opt);
    opt.data_dirs = cli_all(&p, "data-dir");
    opt.cache_dir = cli_get(&p, "cache-dir");
    opt.offline = 1;
    if ((rc = sky_datapath_init(&dp, &opt, &err)))
        goto done;
    if (cli_get(&p, "config")) {
        rc = list_file(cli_get(&p, "config"), &err);
    } else if (p.npos == 0) {
        rc = list_presets(&dp, &err);
    } else {
        for (int i = 0; i < p.npos && !rc; i++) {
            if (i)
                printf("\n");
            rc = show_preset(&dp, p.pos[i], &err);
        }
    }
    sky_datapath_free(&dp);
done:
    cli_parsed_free(&p);
    return rc ? cli_report(&err) : 0;
}
