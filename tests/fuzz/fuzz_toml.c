/*
 * fuzz_toml.c - the TOML reader (io/toml.c) and the configuration layer on
 * top of it: sky_config_add_file (a component per table, parameters set and
 * checked), then the template files the components name, as `skymodel
 * fetch --config` and `info --config` list them.
 */
#include "fuzz.h"

#include "config.h"
#include "io/toml.h"

static int count_file(const char *path, void *ctx)
{
    (void)path;
    ++*(int *)ctx;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sky_error err = {0};
    /* the document itself: every table and key found again by name */
    char *text = fuzz_string(data, size);
    sky_toml doc;
    int rc = sky_toml_parse(text, "fuzz.toml", &doc, &err);
    fuzz_check(rc, &err);
    if (!rc) {
        for (int i = 0; i < doc.n; i++) {
            const sky_toml_table *t = sky_toml_find(&doc, doc.t[i].name);
            for (int k = 0; t && k < doc.t[i].n; k++)
                if (!sky_toml_get(t, doc.t[i].v[k].key))
                    abort();
        }
        sky_toml_free(&doc);
    }
    free(text);

    /* the file through the public API, as `sim --config` reads it */
    const char *path = fuzz_file("config.toml", data, size);
    sky_config *cfg = sky_config_new();
    if (!cfg)
        abort();
    rc = sky_config_add_file(cfg, path, &err);
    fuzz_check(rc, &err);
    if (!rc) {
        int nfiles = 0;
        sky_config_each_file(cfg, 64, count_file, &nfiles);
        sky_config_each_file(cfg, 0, count_file, &nfiles);
        for (int i = 0; i < cfg->n; i++)
            if (sky_templates_nside(&cfg->comp[i].params, 64, &err) < 0)
                fuzz_check(SKY_EINVAL, &err);
    }
    sky_config_free(cfg);
    return 0;
}
