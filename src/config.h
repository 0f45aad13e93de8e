/*
 * config.h - the inside of sky_config (see skymodel.h).
 */
#ifndef SKY_CONFIG_H
#define SKY_CONFIG_H

#include "models/params.h"
#include "skymodel.h"

typedef struct sky_config_component {
    char *label;
    char *model_class;
    int group; /* components of one group are summed together first, as a PySM nested Sky */
    sky_params params;
    char *file; /* the TOML file that defined it and its table's line, for messages; NULL */
    int line;   /* for a preset or a component the program added */
} sky_config_component;

struct sky_config {
    int n, ngroups;
    sky_config_component *comp;
};

/* Drops the components from the n-th on (the configuration as it was with
 * n components in ngroups groups). */
void sky_config_truncate(sky_config *cfg, int n, int ngroups);

/* Checks component `index`'s parameters against what its model reads,
 * before any template is read (sky_params_check: the message starts with
 * the key, *bad is the index of the value at fault or -1). */
int sky_config_check_component(const sky_config *cfg, int index, int *bad, sky_error *err);

/* The same for every component, the message prefixed with the component
 * (and file:line for one from a TOML file): what sky_create checks first. */
int sky_config_check(const sky_config *cfg, sky_error *err);

struct sky_toml;
struct sky_toml_table;
/* Checks one table of a TOML file as a component on its own (its class and
 * parameters, as sky_config_add_file would): `skymodel info --config`. */
int sky_config_check_table(const struct sky_toml_table *t, const char *file, sky_error *err);
/* The components of a parsed TOML document (config_file.c); `file` names it
 * in messages. */
int sky_config_add_doc(sky_config *cfg, const struct sky_toml *doc, const char *file,
                       sky_error *err);

/* 1 when a string parameter names a template file (.fits, .fits.gz, .txt, .dat). */
int sky_is_template_path(const char *s);

/* The nside of a component's templates at sky nside `nside`: the one of
 * its available_nside closest to it (the first of equals), as PySM's
 * Model.templates_nside; 0 without available_nside; -1 (message in err, if
 * not NULL) for a malformed list. */
int sky_templates_nside(const sky_params *ps, int nside, sky_error *err);
/* `path` with "{nside}" replaced by templates_nside into out: 0 when it has
 * none, 1 when replaced, -1 when it has one but templates_nside is not > 0. */
int sky_expand_nside(const char *path, int templates_nside, char *out, size_t n);

/* Calls fn(path, ctx) once for each distinct template file (a string
 * parameter ending in .fits, .fits.gz, .txt or .dat) the components name,
 * in order, with {nside} resolved for a sky at `nside` (left as it is when
 * nside is 0); stops at and returns the first non-zero result. */
int sky_config_each_file(const sky_config *cfg, int nside,
                         int (*fn)(const char *path, void *ctx), void *ctx);

#endif
