/*
 * config.c - sky_config: the list of components a sky is built from, as
 * presets or as model classes with parameters (see skymodel.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/suggest.h"
#include "healpix/healpix.h"
#include "models/model.h"
#include "models/presets.h"

sky_config *sky_config_new(void)
{
    return calloc(1, sizeof(sky_config));
}

void sky_config_truncate(sky_config *cfg, int n, int ngroups)
{
    for (int i = n; i < cfg->n; i++) {
        free(cfg->comp[i].label);
        free(cfg->comp[i].model_class);
        free(cfg->comp[i].file);
        sky_params_free(&cfg->comp[i].params);
    }
    cfg->n = n;
    cfg->ngroups = ngroups;
}

void sky_config_free(sky_config *cfg)
{
    if (!cfg)
        return;
    sky_config_truncate(cfg, 0, 0);
    free(cfg->comp);
    free(cfg);
}

int sky_config_count(const sky_config *cfg)
{
    return cfg ? cfg->n : 0;
}

int sky_config_add_component(sky_config *cfg, const char *label, const char *model_class,
                             int group, int *index, sky_error *err)
{
    if (!cfg || !label || !model_class)
        return sky_fail(err, SKY_EINVAL, "sky_config_add_component: NULL argument");
    if (!sky_model_find(model_class)) {
        char list[512] = "", hint[256];
        size_t used = 0;
        sky_suggest sg;
        sky_suggest_init(&sg, model_class);
        for (int i = 0; i < sky_model_count(); i++) {
            sky_suggest_add(&sg, sky_model_at(i)->name);
            if (used < sizeof list)
                used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                                         sky_model_at(i)->name);
        }
        if (*sky_suggest_text(&sg, hint, sizeof hint))
            return sky_fail(err, SKY_EINVAL, "component %s: model class '%s' is not "
                            "implemented%s", label, model_class, hint);
        return sky_fail(err, SKY_EINVAL, "component %s: model class '%s' is not implemented "
                        "(implemented: %s)", label, model_class, list);
    }
    if (group && cfg->n == 0)
        return sky_fail(err, SKY_EINVAL, "component %s: no previous component to group with",
                        label);
    sky_config_component *c = realloc(cfg->comp, (size_t)(cfg->n + 1) * sizeof *c);
    if (!c)
        return sky_nomem(err, "a component");
    cfg->comp = c;
    c = &cfg->comp[cfg->n];
    memset(c, 0, sizeof *c);
    c->label = strdup(label);
    c->model_class = strdup(model_class);
    if (!c->label || !c->model_class) {
        free(c->label);
        free(c->model_class);
        return sky_nomem(err, "a component");
    }
    c->group = group ? cfg->comp[cfg->n - 1].group : cfg->ngroups++;
    c->params.owner = c->label;
    if (index)
        *index = cfg->n;
    cfg->n++;
    return SKY_OK;
}

static int check_index(const sky_config *cfg, int index, sky_error *err)
{
    if (!cfg || index < 0 || index >= cfg->n)
        return sky_fail(err, SKY_EINVAL, "component index %d: expected 0 to %d", index,
                        cfg ? cfg->n - 1 : -1);
    return SKY_OK;
}

int sky_config_set_string(sky_config *cfg, int index, const char *key, const char *value,
                          sky_error *err)
{
    int rc = check_index(cfg, index, err);
    return rc ? rc
              : sky_params_set(&cfg->comp[index].params, key, SKY_PARAM_STRING, value, 0, err);
}

int sky_config_set_number(sky_config *cfg, int index, const char *key, double value,
                          sky_error *err)
{
    int rc = check_index(cfg, index, err);
    return rc ? rc
              : sky_params_set(&cfg->comp[index].params, key, SKY_PARAM_NUMBER, NULL, value, err);
}

int sky_config_set_bool(sky_config *cfg, int index, const char *key, int value, sky_error *err)
{
    int rc = check_index(cfg, index, err);
    return rc ? rc
              : sky_params_set(&cfg->comp[index].params, key, SKY_PARAM_BOOL, NULL, value != 0,
                               err);
}

int sky_config_add_preset(sky_config *cfg, const char *name, sky_error *err)
{
    const sky_preset *p = sky_preset_find(name ? name : "");
    if (!p) {
        char list[512] = "", hint[256];
        size_t used = 0;
        sky_suggest sg;
        sky_suggest_init(&sg, name);
        for (int i = 0; i < sky_preset_count(); i++) {
            sky_suggest_add(&sg, sky_preset_name(i));
            if (used < sizeof list)
                used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? " " : "",
                                         sky_preset_name(i));
        }
        if (*sky_suggest_text(&sg, hint, sizeof hint))
            return sky_fail(err, SKY_EINVAL, "unknown preset '%s'%s", name, hint);
        return sky_fail(err, SKY_EINVAL, "unknown preset '%s' (available: %s)",
                        name ? name : "(null)", list);
    }
    for (int k = 0; k < SKY_PRESET_MAX_COMPONENTS && p->comps[k].model_class; k++) {
        const sky_preset_component *pc = &p->comps[k];
        int idx, rc;
        rc = sky_config_add_component(cfg, pc->label ? pc->label : p->name, pc->model_class,
                                      k > 0, &idx, err);
        for (int j = 0; !rc && j < SKY_PRESET_MAX_PARAMS && pc->params[j].key; j++)
            rc = sky_params_set(&cfg->comp[idx].params, pc->params[j].key, pc->params[j].kind,
                                pc->params[j].str, pc->params[j].num, err);
        if (rc)
            return rc;
    }
    return SKY_OK;
}

int sky_config_check_component(const sky_config *cfg, int index, int *bad, sky_error *err)
{
    *bad = -1;
    int rc = check_index(cfg, index, err);
    if (rc)
        return rc;
    const sky_config_component *c = &cfg->comp[index];
    const sky_model_type *type = sky_model_find(c->model_class);
    if (!type) /* sky_config_add_component refuses it */
        return sky_fail(err, SKY_EINTERNAL, "model class '%s' unknown", c->model_class);
    rc = sky_params_check(&c->params, type->name, type->params, bad, err);
    if (!rc && type->check)
        rc = type->check(&c->params, bad, err);
    return rc;
}

int sky_config_check(const sky_config *cfg, sky_error *err)
{
    for (int i = 0; i < cfg->n; i++) {
        const sky_config_component *c = &cfg->comp[i];
        int bad, rc = sky_config_check_component(cfg, i, &bad, err);
        if (rc && c->file)
            return sky_prefix(err, rc, "%s:%d: [%s] ", c->file, c->line, c->label);
        if (rc)
            return sky_prefix(err, rc, "component %s: ", c->label);
    }
    return SKY_OK;
}

int sky_is_template_path(const char *s)
{
    static const char *ext[] = {".fits", ".fits.gz", ".txt", ".dat"};
    size_t n = strlen(s);
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
        size_t m = strlen(ext[i]);
        if (n > m && !strcmp(s + n - m, ext[i]))
            return 1;
    }
    return 0;
}

int sky_templates_nside(const sky_params *ps, int nside, sky_error *err)
{
    const sky_param *a = NULL;
    for (int k = 0; k < ps->n && !a; k++)
        if (!strcmp(ps->p[k].key, "available_nside"))
            a = &ps->p[k];
    if (!a)
        return 0;
    /* PySM: min(available_nside, key=|x - nside|), the first of equals */
    int best = 0;
    if (a->kind == SKY_PARAM_NUMBER) {
        /* range first: converting 1e10, 1e300 or nan to int is undefined */
        best = a->num >= 1 && a->num <= (1 << 29) && a->num == floor(a->num) ? (int)a->num : -1;
    } else if (a->kind == SKY_PARAM_STRING) {
        long long v[64];
        const int n = sky_parse_int_list(a->str, v, 64);
        for (int k = 0; k < n && best >= 0; k++) {
            if (!(v[k] > 0 && v[k] <= (1 << 29) && sky_hpx_nside_ok((int)v[k])))
                best = -1;
            else if (!best || llabs(v[k] - nside) < llabs((long long)best - nside))
                best = (int)v[k];
        }
        if (n <= 0)
            best = -1;
    }
    if (best <= 0 || !sky_hpx_nside_ok(best)) {
        char num[32];
        snprintf(num, sizeof num, "%.17g", a->kind == SKY_PARAM_NUMBER ? a->num : 0.0);
        sky_fail(err, SKY_EINVAL, "component %s: available_nside %s: expected a list of powers "
                 "of two, e.g. [2048, 4096, 8192]", ps->owner,
                 a->kind == SKY_PARAM_STRING ? a->str
                 : a->kind == SKY_PARAM_NUMBER ? num : "(not a list)");
        return -1;
    }
    return best;
}

int sky_expand_nside(const char *path, int templates_nside, char *out, size_t n)
{
    const char *at = strstr(path, "{nside}");
    if (!at) {
        snprintf(out, n, "%s", path);
        return 0;
    }
    if (templates_nside <= 0)
        return -1;
    snprintf(out, n, "%.*s%d%s", (int)(at - path), path, templates_nside, at + 7);
    return 1;
}

/* num_layers of a component (1 when absent or not a sensible count) */
static int layer_count(const sky_params *ps)
{
    for (int k = 0; k < ps->n; k++)
        if (!strcmp(ps->p[k].key, "num_layers") && ps->p[k].kind == SKY_PARAM_NUMBER &&
            ps->p[k].num >= 1 && ps->p[k].num <= 64)
            return (int)ps->p[k].num;
    return 1;
}

/* The files named so far, each passed on once. */
typedef struct file_list {
    char (*seen)[1024];
    int nseen;
    int (*fn)(const char *path, void *ctx);
    void *ctx;
} file_list;

static int once(const char *name, void *ctx)
{
    file_list *f = ctx;
    for (int j = 0; j < f->nseen; j++)
        if (!strcmp(f->seen[j], name))
            return 0;
    char(*ns)[1024] = realloc(f->seen, (size_t)(f->nseen + 1) * sizeof *ns);
    if (!ns)
        return SKY_ENOMEM;
    f->seen = ns;
    snprintf(f->seen[f->nseen++], sizeof *ns, "%s", name);
    return f->fn(name, f->ctx);
}

int sky_config_each_file(const sky_config *cfg, int nside,
                         int (*fn)(const char *path, void *ctx), void *ctx)
{
    file_list f = {NULL, 0, fn, ctx};
    int rc = 0;
    for (int i = 0; i < cfg->n && !rc; i++) {
        const sky_params *ps = &cfg->comp[i].params;
        const sky_model_type *type = sky_model_find(cfg->comp[i].model_class);
        if (type && type->files) { /* file names the model builds */
            rc = type->files(ps, nside, once, &f);
            continue;
        }
        const int tn = nside > 0 ? sky_templates_nside(ps, nside, NULL) : 0;
        for (int k = 0; k < ps->n && !rc; k++) {
            const sky_param *p = &ps->p[k];
            if (p->kind != SKY_PARAM_STRING || !sky_is_template_path(p->str))
                continue;
            char pattern[1024];
            if (sky_expand_nside(p->str, tn, pattern, sizeof pattern) < 0) /* no nside yet */
                snprintf(pattern, sizeof pattern, "%s", p->str);
            /* one file per layer for "{layer}" (ModifiedBlackBodyLayers) */
            const char *at = strstr(pattern, "{layer}");
            const int nlayers = at ? layer_count(ps) : 1;
            for (int l = 1; l <= nlayers && !rc; l++) {
                char name[1024];
                if (at)
                    snprintf(name, sizeof name, "%.*s%d%s", (int)(at - pattern), pattern, l,
                             at + 7);
                else
                    snprintf(name, sizeof name, "%s", pattern);
                rc = once(name, &f);
            }
        }
    }
    free(f.seen);
    return rc;
}
