/*
 * config_file.c - components from a TOML file, as PySM's Sky(component_config)
 * reads one (see skymodel.h, sky_config_add_file, and io/toml.h for the
 * dialect).
 *
 * Each top-level table, in file order, is one entry: with a `class` key it
 * is a component labelled by the table's name, its other keys the
 * parameters; without one, its sub-tables ([d4.comp1], [d4.comp2], each with
 * a class) are the components of one group, summed first as PySM's nested
 * Sky is. Arrays and inline tables are passed as their text.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "core/error.h"
#include "io/toml.h"

static int add_table(sky_config *cfg, const char *file, const sky_toml_table *t, int group,
                     sky_error *err)
{
    const sky_toml_value *cls = sky_toml_get(t, "class");
    int index, rc;
    if (!cls || cls->kind != SKY_TOML_STRING)
        return sky_fail(err, SKY_EFORMAT, "%s:%d: [%s]: expected class = \"ModelName\"", file,
                        cls ? cls->line : t->line, t->name);
    if ((rc = sky_config_add_component(cfg, t->name, cls->str, group, &index, err)))
        return sky_prefix(err, rc, "%s:%d: ", file, cls->line);
    sky_config_component *c = &cfg->comp[index];
    if (!(c->file = strdup(file)))
        return sky_nomem(err, "a component");
    c->line = t->line;
    for (int k = 0; k < t->n && !rc; k++) {
        const sky_toml_value *v = &t->v[k];
        if (v == cls)
            continue;
        if (v->kind == SKY_TOML_NUMBER)
            rc = sky_config_set_number(cfg, index, v->key, v->num, err);
        else if (v->kind == SKY_TOML_BOOL)
            rc = sky_config_set_bool(cfg, index, v->key, (int)v->num, err);
        else
            rc = sky_config_set_string(cfg, index, v->key, v->str, err);
        if (rc)
            sky_prefix(err, rc, "%s:%d: ", file, v->line);
    }
    /* what the model reads, checked now: errors at the line they are on */
    int bad;
    if (!rc && (rc = sky_config_check_component(cfg, index, &bad, err))) {
        const sky_toml_value *v = bad >= 0 ? sky_toml_get(t, c->params.p[bad].key) : NULL;
        sky_prefix(err, rc, "%s:%d: [%s] ", file, v ? v->line : t->line, t->name);
    }
    return rc;
}

int sky_config_check_table(const sky_toml_table *t, const char *file, sky_error *err)
{
    sky_config *cfg = sky_config_new();
    if (!cfg)
        return sky_nomem(err, "the configuration");
    const int rc = add_table(cfg, file, t, 0, err);
    sky_config_free(cfg);
    return rc;
}

/* 1 when table name `sub` is `top.something` */
static int is_sub(const char *sub, const char *top)
{
    const size_t n = strlen(top);
    return !strncmp(sub, top, n) && sub[n] == '.';
}

int sky_config_add_doc(sky_config *cfg, const sky_toml *doc, const char *file, sky_error *err)
{
    int rc = SKY_OK;
    for (int i = 0; i < doc->n && !rc; i++) {
        const sky_toml_table *t = &doc->t[i];
        char top[256];
        snprintf(top, sizeof top, "%.*s", (int)strcspn(t->name, "."), t->name);
        /* each entry once, where it first appears */
        int seen = 0;
        for (int j = 0; j < i && !seen; j++)
            seen = !strcmp(doc->t[j].name, top) || is_sub(doc->t[j].name, top);
        if (seen)
            continue;
        const sky_toml_table *whole = sky_toml_find(doc, top);
        if (whole && sky_toml_get(whole, "class")) {
            rc = add_table(cfg, file, whole, 0, err);
            continue;
        }
        if (whole && whole->n)
            return sky_fail(err, SKY_EFORMAT, "%s:%d: [%s] has keys but no class: expected "
                            "class = \"ModelName\", or sub-tables [%s.name] with one",
                            file, whole->line, top, top);
        int nsub = 0;
        for (int j = i; j < doc->n && !rc; j++)
            if (is_sub(doc->t[j].name, top) && !strchr(doc->t[j].name + strlen(top) + 1, '.'))
                rc = add_table(cfg, file, &doc->t[j], nsub++ > 0, err);
        if (!rc && !nsub)
            rc = sky_fail(err, SKY_EFORMAT, "%s:%d: [%s] is empty: expected class = "
                          "\"ModelName\" or sub-tables", file, whole ? whole->line : t->line, top);
    }
    return rc;
}

int sky_config_add_file(sky_config *cfg, const char *path, sky_error *err)
{
    if (!cfg || !path)
        return sky_fail(err, SKY_EINVAL, "sky_config_add_file: NULL argument");
    sky_toml doc;
    int rc = sky_toml_read(path, &doc, err);
    if (rc)
        return rc;
    const int n0 = cfg->n, g0 = cfg->ngroups;
    rc = sky_config_add_doc(cfg, &doc, path, err);
    sky_toml_free(&doc);
    if (rc) /* all of the file or nothing */
        sky_config_truncate(cfg, n0, g0);
    return rc;
}
