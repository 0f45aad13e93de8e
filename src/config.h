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
} sky_config_component;

struct sky_config {
    int n, ngroups;
    sky_config_component *comp;
};

/* Drops the components from the n-th on (the configuration as it was with
 * n components in ngroups groups). */
void sky_config_truncate(sky_config *cfg, int n, int ngroups);

struct sky_toml;
/* The components of a parsed TOML document (config_file.c); `file` names it
 * in messages. */
int sky_config_add_doc(sky_config *cfg, const struct sky_toml *doc, const char *file,
                       sky_error *err);

/* 1 when a string parameter names a template file (.fits, .fits.gz, .txt, .dat). */
int sky_is_template_path(const char *s);

/* Calls fn(path, ctx) once for each distinct template file (a string
 * parameter ending in .fits, .fits.gz, .txt or .dat) the components name,
 * in order; stops at and returns the first non-zero result. */
int sky_config_each_file(const sky_config *cfg, int (*fn)(const char *path, void *ctx),
                         void *ctx);

#endif
