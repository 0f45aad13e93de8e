/*
 * test_sky.h - skies for the C tests: the presets of a comma-separated list
 * (may be NULL) and the components of a --config file (may be NULL), read
 * offline from `dir` (NULL: data/templates, the tests' folder being the
 * working directory) with the options `opt` (from sky_options_init, with the
 * test's nside, part, seed ...). A failure is a failed CHECK and NULL.
 */
#ifndef SKY_TESTS_TEST_SKY_H
#define SKY_TESTS_TEST_SKY_H

#include <stdio.h>
#include <string.h>

#include "check.h"
#include "skymodel.h"

static inline sky_sky *test_sky(const char *presets, const char *toml, const char *dir,
                                sky_options opt)
{
    const char *dirs[2] = {dir ? dir : "data/templates", NULL};
    sky_error err = {0, ""};
    sky_config *cfg = sky_config_new();
    sky_sky *sky = NULL;
    int rc = SKY_OK;
    if (presets) {
        char list[256];
        snprintf(list, sizeof list, "%s", presets);
        for (char *save = NULL, *t = strtok_r(list, ",", &save); t && !rc;
             t = strtok_r(NULL, ",", &save))
            rc = sky_config_add_preset(cfg, t, &err);
    }
    if (!rc && toml)
        rc = sky_config_add_file(cfg, toml, &err);
    opt.data_dirs = dirs;
    opt.offline = 1;
    if (!rc)
        rc = sky_create(cfg, &opt, &sky, &err);
    CHECK(rc == SKY_OK, "%s%s%s at nside %d (part %d of %d): %s", presets ? presets : "",
          presets && toml ? " and " : "", toml ? toml : "", opt.nside, opt.part,
          opt.nparts ? opt.nparts : 1, err.msg);
    sky_config_free(cfg);
    return sky;
}

/* The presets at nside, part `part` of `nparts` (0 of 1: the whole sky). */
static inline sky_sky *test_sky_part(const char *presets, int nside, int part, int nparts)
{
    sky_options opt;
    sky_options_init(&opt);
    opt.nside = nside;
    opt.part = part;
    opt.nparts = nparts;
    return test_sky(presets, NULL, NULL, opt);
}

#endif
