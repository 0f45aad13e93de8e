/*
 * config.c - sky_config: the list of components a sky is built from, as
 * presets or as model classes with parameters (see skymodel.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
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
        char list[512] = "";
        size_t used = 0;
        for (int i = 0; i < sky_model_count() && used < sizeof list; i++)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                                     sky_model_at(i)->name);
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
        char list[512] = "";
        size_t used = 0;
        for (int i = 0; i < sky_preset_count() && used < sizeof list; i++)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? " " : "",
                                     sky_preset_name(i));
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

int sky_config_each_file(const sky_config *cfg, int (*fn)(const char *path, void *ctx),
                         void *ctx)
{
    for (int i = 0; i < cfg->n; i++)
        for (int k = 0; k < cfg->comp[i].params.n; k++) {
            const sky_param *p = &cfg->comp[i].params.p[k];
            if (p->kind != SKY_PARAM_STRING || !sky_is_template_path(p->str))
                continue;
            int dup = 0; /* named before? */
            for (int j = 0; j <= i && !dup; j++)
                for (int q = 0; q < (j == i ? k : cfg->comp[j].params.n) && !dup; q++) {
                    const sky_param *o = &cfg->comp[j].params.p[q];
                    dup = o->kind == SKY_PARAM_STRING && !strcmp(o->str, p->str);
                }
            if (dup)
                continue;
            int rc = fn(p->str, ctx);
            if (rc)
                return rc;
        }
    return 0;
}
