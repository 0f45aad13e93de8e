/*
 * model_fixture.h - one model on a few hand-written pixels: a test writes its
 * templates as tiny nside-1 maps (12 pixels) into a temporary folder, builds a
 * sky of that one component at nside 1, and compares each pixel with a hand
 * computation. No PySM map, no data server, no CLI.
 *
 *   model_fixture fx;
 *   fixture_open(&fx, "PowerLaw");
 *   fixture_map(&fx, "amp.fits", 3, iqu, "uK_RJ");    -> a template file
 *   fixture_string(&fx, "map_I", "amp.fits");         -> the component's keys
 *   fixture_number(&fx, "map_pl_index", -3);
 *   fixture_emission(&fx, 30.0, "uK_RJ", out);        -> 3 x 12 values
 *   fixture_close(&fx);
 */
#ifndef SKY_TESTS_MODEL_FIXTURE_H
#define SKY_TESTS_MODEL_FIXTURE_H

#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "skymodel.h"

enum { FIXTURE_NPIX = 12 }; /* nside 1 */

typedef struct model_fixture {
    char dir[128];
    sky_config *cfg;
    int index;
    int ok;
} model_fixture;

static void fixture_open(model_fixture *fx, const char *model_class)
{
    sky_error err = {0};
    snprintf(fx->dir, sizeof fx->dir, "/tmp/sky_fixture_XXXXXX");
    fx->ok = mkdtemp(fx->dir) != NULL;
    CHECK(fx->ok, "fixture: cannot make a temporary folder");
    fx->cfg = sky_config_new();
    fx->ok = fx->ok && fx->cfg &&
             sky_config_add_component(fx->cfg, "fixture", model_class, 0, &fx->index, &err) ==
                 SKY_OK;
    CHECK(fx->ok, "fixture %s: %s", model_class, err.msg);
}

/* A template `name` (a path relative to the fixture's folder, its folders
 * made) : nmaps (1 or 3) columns of 12 RING pixels, back to back, with TUNIT
 * `unit`. */
static void fixture_map(model_fixture *fx, const char *name, int nmaps, const double *maps,
                        const char *unit)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", fx->dir, name);
    for (char *slash = strchr(path + strlen(fx->dir) + 1, '/'); slash;
         slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        mkdir(path, 0755);
        *slash = '/';
    }
    sky_map_header hdr = {unit, "G", SKY_FLOAT64, 1, NULL, NULL};
    sky_error err = {0};
    int rc = sky_write_map(path, 1, nmaps, maps, &hdr, &err);
    CHECK(rc == SKY_OK, "fixture map %s: %s", name, err.msg);
    fx->ok = fx->ok && rc == SKY_OK;
}

static void fixture_string(model_fixture *fx, const char *key, const char *value)
{
    sky_error err = {0};
    int rc = sky_config_set_string(fx->cfg, fx->index, key, value, &err);
    CHECK(rc == SKY_OK, "fixture %s: %s", key, err.msg);
    fx->ok = fx->ok && rc == SKY_OK;
}

static void fixture_number(model_fixture *fx, const char *key, double value)
{
    sky_error err = {0};
    int rc = sky_config_set_number(fx->cfg, fx->index, key, value, &err);
    CHECK(rc == SKY_OK, "fixture %s: %s", key, err.msg);
    fx->ok = fx->ok && rc == SKY_OK;
}

static void fixture_bool(model_fixture *fx, const char *key, int value)
{
    sky_error err = {0};
    int rc = sky_config_set_bool(fx->cfg, fx->index, key, value, &err);
    CHECK(rc == SKY_OK, "fixture %s: %s", key, err.msg);
    fx->ok = fx->ok && rc == SKY_OK;
}

/* The component over a band (n frequencies in GHz, raw weights or NULL for
 * a top-hat) in `unit`: I, Q, U of 12 pixels into out (3 x 12). Returns 0
 * on success. */
static int fixture_band_emission(model_fixture *fx, int n, const double *freqs,
                                 const double *weights, const char *unit, double *out)
{
    if (!fx->ok)
        return -1;
    const char *dirs[] = {fx->dir, NULL};
    sky_options opt;
    sky_options_init(&opt);
    opt.nside = 1;
    opt.data_dirs = dirs;
    opt.offline = 1;
    sky_sky *sky = NULL;
    sky_error err = {0};
    sky_band band = {n, freqs, weights};
    int rc = sky_create(fx->cfg, &opt, &sky, &err);
    if (rc == SKY_OK)
        rc = sky_emission(sky, &band, unit, out, &err);
    CHECK(rc == SKY_OK, "fixture emission at %g GHz%s: %s", freqs[0], n > 1 ? " and up" : "",
          err.msg);
    sky_free(sky);
    return rc;
}

/* The same at one frequency. */
static int fixture_emission(model_fixture *fx, double freq_ghz, const char *unit, double *out)
{
    const double w = 1;
    return fixture_band_emission(fx, 1, &freq_ghz, &w, unit, out);
}

/* Removes the fixture's files and folder. */
static void fixture_close(model_fixture *fx)
{
    sky_config_free(fx->cfg);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
    if (fx->dir[0] && system(cmd) != 0)
        fprintf(stderr, "fixture: could not remove %s\n", fx->dir);
}

#endif
