/*
 * test_messages.c - the messages that help a user who mistyped (issue 17,
 * section 5), checked word for word through the library: "did you mean"
 * for units, presets, model classes and parameter keys; unknown keys
 * reported before missing ones; file:line on the semantic errors of a TOML
 * file; the hint for a temperature without a unit; numbers where PySM takes
 * them; and every preset passing the same parameter check.
 *
 *   test_messages TEMPLATE_DIR
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "config.h"
#include "core/constants.h"
#include "core/suggest.h"
#include "io/fits_map.h"
#include "models/presets.h"
#include "spectra/units.h"

static const char *tmpl;
static char tmp[256];

#define CHECK_MSG(rc, err, want)                                                                \
    CHECK((rc) != SKY_OK && !strcmp((err).msg, want), "message\n  got  '%s'\n  want '%s'",    \
          (rc) ? (err).msg : "(no error)", want)

static void test_suggest(void)
{
    CHECK(sky_edit_distance("map_mbb_indx", "map_mbb_index", 1) == 1, "insertion");
    CHECK(sky_edit_distance("uK_cmb", "uK_CMB", 1) == 0, "case ignored");
    CHECK(sky_edit_distance("uK_cmb", "uK_CMB", 0) == 3, "case kept");
    CHECK(sky_edit_distance("ab", "ba", 1) == 1, "transposition");
    sky_suggest s;
    char buf[256];
    sky_suggest_init(&s, "d13"); /* d1, d3, d10, d11, d12: no guess among five */
    const char *names[] = {"d0", "d1", "d3", "d10", "d11", "d12", "s1"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        sky_suggest_add(&s, names[i]);
    CHECK(!*sky_suggest_text(&s, buf, sizeof buf), "d13: '%s'", buf);
    sky_suggest_init(&s, "freq_ref");
    sky_suggest_add(&s, "freq_ref_I");
    sky_suggest_add(&s, "freq_ref_P");
    sky_suggest_add(&s, "map_I");
    CHECK(!strcmp(sky_suggest_text(&s, buf, sizeof buf),
                  " (did you mean freq_ref_I or freq_ref_P?)"), "freq_ref: '%s'", buf);
}

static void test_units(void)
{
    sky_error err;
    sky_unit u;
    int rc = sky_unit_check("uK_cmb", &err);
    CHECK_MSG(rc, err, "unit 'uK_cmb' not recognised: did you mean uK_CMB?");
    rc = sky_unit_check("K", &err);
    CHECK_MSG(rc, err, "unit 'K' is ambiguous: did you mean K_RJ or K_CMB?");
    rc = sky_unit_check("mK", &err);
    CHECK_MSG(rc, err, "unit 'mK' is ambiguous: did you mean mK_RJ or mK_CMB?");
    rc = sky_unit_check("mjy/sr", &err);
    CHECK_MSG(rc, err, "unit 'mjy/sr' not recognised: did you mean mJy/sr?");
    rc = sky_unit_check("furlong", &err);
    CHECK_MSG(rc, err, "unit 'furlong' not recognised: expected K_RJ, K_CMB or Jy/sr with an "
                       "optional prefix (e.g. uK_RJ, uK_CMB, mK_CMB, MJy/sr)");
    rc = sky_unit_parse("uk_rj", &u, &err); /* a template's unit */
    CHECK_MSG(rc, err, "unit 'uk_rj' not recognised: did you mean uK_RJ?");
    CHECK(sky_unit_parse("K", &u, &err) == SKY_OK && u.family == SKY_UNIT_K,
          "K for a temperature template");
}

static void test_presets_and_classes(void)
{
    sky_error err;
    sky_config *cfg = sky_config_new();
    int rc = sky_config_add_preset(cfg, "D1", &err);
    CHECK_MSG(rc, err, "unknown preset 'D1' (did you mean d1?)");
    rc = sky_config_add_preset(cfg, "x", &err);
    CHECK(rc && strstr(err.msg, "unknown preset 'x' (available: d0 d1 d2"), "x: %s", err.msg);
    rc = sky_config_add_component(cfg, "dust", "ModifiedBlackbody", 0, NULL, &err);
    CHECK_MSG(rc, err, "component dust: model class 'ModifiedBlackbody' is not implemented "
                       "(did you mean ModifiedBlackBody?)");
    CHECK(sky_config_count(cfg) == 0, "nothing added");
    /* every preset passes the check sky_create makes before reading anything */
    for (int i = 0; i < sky_preset_count(); i++) {
        sky_config *one = sky_config_new();
        rc = sky_config_add_preset(one, sky_preset_name(i), &err);
        if (!rc)
            rc = sky_config_check(one, &err);
        CHECK(rc == SKY_OK, "preset %s: %s", sky_preset_name(i), err.msg);
        sky_config_free(one);
    }
    sky_config_free(cfg);
}

/* d0's dust by hand, with `skip` left out and `extra` = 1.5 added */
static sky_config *dust(const char *skip, const char *extra)
{
    sky_error err;
    sky_config *cfg = sky_config_new();
    int c;
    sky_config_add_component(cfg, "dust", "ModifiedBlackBody", 0, &c, &err);
    const char *s[][2] = {{"map_I", "pysm_2/dust_t_new.fits"}, {"map_Q", "pysm_2/dust_q_new.fits"},
                          {"map_U", "pysm_2/dust_u_new.fits"}, {"freq_ref_I", "545 GHz"},
                          {"freq_ref_P", "353 GHz"},           {"unit_I", "uK_RJ"},
                          {"unit_Q", "uK_RJ"},                 {"unit_U", "uK_RJ"},
                          {"unit_mbb_temperature", "K"}};
    for (size_t k = 0; k < sizeof s / sizeof *s; k++)
        if (!skip || strcmp(skip, s[k][0]))
            sky_config_set_string(cfg, c, s[k][0], s[k][1], &err);
    if (!skip || strcmp(skip, "map_mbb_index"))
        sky_config_set_number(cfg, c, "map_mbb_index", 1.54, &err);
    if (!skip || strcmp(skip, "map_mbb_temperature"))
        sky_config_set_number(cfg, c, "map_mbb_temperature", 20, &err);
    if (extra)
        sky_config_set_number(cfg, c, extra, 1.5, &err);
    return cfg;
}

/* sky_create with no data folder and offline: a parameter error must come
 * before the search for templates (which would fail, listing them) */
static int create(const sky_config *cfg, sky_error *err)
{
    const char *dirs[] = {tmpl, tmp, NULL};
    sky_options opt;
    sky_options_init(&opt);
    opt.nside = 8;
    opt.data_dirs = dirs;
    opt.offline = 1;
    sky_sky *sky = NULL;
    int rc = sky_create(cfg, &opt, &sky, err);
    sky_free(sky);
    return rc;
}

static int create_nowhere(const sky_config *cfg, sky_error *err)
{
    const char *dirs[] = {"/nonexistent/skymodel", NULL};
    sky_options opt;
    sky_options_init(&opt);
    opt.nside = 8;
    opt.data_dirs = dirs;
    opt.offline = 1;
    opt.cache_dir = "/nonexistent/skymodel-cache";
    sky_sky *sky = NULL;
    int rc = sky_create(cfg, &opt, &sky, err);
    sky_free(sky);
    return rc;
}

static void test_params_api(void)
{
    sky_error err;
    /* the typo, and hence no map_mbb_index: the unknown key is the error */
    sky_config *cfg = dust("map_mbb_index", "map_mbb_indx");
    int rc = create_nowhere(cfg, &err);
    CHECK_MSG(rc, err, "component dust: map_mbb_indx: unknown parameter of ModifiedBlackBody "
                       "(did you mean map_mbb_index?)");
    sky_config_free(cfg);
    cfg = dust("map_mbb_index", NULL);
    rc = create_nowhere(cfg, &err);
    CHECK_MSG(rc, err, "component dust: map_mbb_index: missing parameter of ModifiedBlackBody: "
                       "expected a number or a template path");
    sky_config_free(cfg);
    cfg = dust("unit_mbb_temperature", NULL);
    rc = create_nowhere(cfg, &err);
    CHECK_MSG(rc, err, "component dust: map_mbb_temperature = 20 has no unit: add "
                       "unit_mbb_temperature = \"K\"");
    sky_config_free(cfg);
    cfg = dust(NULL, "zzz");
    rc = create_nowhere(cfg, &err);
    CHECK(rc && strstr(err.msg, "component dust: zzz: unknown parameter of ModifiedBlackBody "
                                "(it reads map_I, map_Q, map_U,"),
          "zzz: %s", err.msg);
    sky_config_free(cfg);
    cfg = dust(NULL, NULL); /* the good one builds */
    rc = create(cfg, &err);
    CHECK(rc == SKY_OK, "d0 by hand: %s", err.msg);
    sky_config_free(cfg);
}

static const char *write_text(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmp, name);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return path;
}

#define DUST_HEAD                                                                                \
    "# dust as d0\n"                                                                             \
    "[dust]\n"                                                                                   \
    "class = \"ModifiedBlackBody\"\n"                                                            \
    "map_I = \"pysm_2/dust_t_new.fits\"\n"                                                       \
    "map_Q = \"pysm_2/dust_q_new.fits\"\n"                                                       \
    "map_U = \"pysm_2/dust_u_new.fits\"\n"

static void expect_file(const char *what, const char *text, const char *want_after_path)
{
    sky_error err;
    const char *path = write_text("cfg.toml", text);
    char want[1024];
    snprintf(want, sizeof want, "%s:%s", path, want_after_path);
    sky_config *cfg = sky_config_new();
    int rc = sky_config_add_preset(cfg, "s0", &err);
    rc = rc ? rc : sky_config_add_file(cfg, path, &err);
    CHECK_MSG(rc, err, want);
    CHECK(sky_config_count(cfg) == 1, "%s: the file's components were kept", what);
    sky_config_free(cfg);
}

static void test_toml(void)
{
    expect_file("typo",
                DUST_HEAD "map_mbb_indx = 1.54\n"
                          "unit_I = \"uK_RJ\"\nunit_Q = \"uK_RJ\"\nunit_U = \"uK_RJ\"\n"
                          "freq_ref_I = \"545 GHz\"\nfreq_ref_P = \"353 GHz\"\n"
                          "map_mbb_temperature = 20\nunit_mbb_temperature = \"K\"\n",
                "7: [dust] map_mbb_indx: unknown parameter of ModifiedBlackBody (did you mean "
                "map_mbb_index?)");
    expect_file("missing",
                DUST_HEAD "freq_ref_I = \"545 GHz\"\nfreq_ref_P = \"353 GHz\"\n"
                          "map_mbb_temperature = 20\nunit_mbb_temperature = \"K\"\n",
                "2: [dust] map_mbb_index: missing parameter of ModifiedBlackBody: expected a "
                "number or a template path");
    expect_file("no unit",
                DUST_HEAD "freq_ref_I = \"545 GHz\"\nfreq_ref_P = \"353 GHz\"\n"
                          "map_mbb_index = 1.54\nmap_mbb_temperature = 20\n",
                "10: [dust] map_mbb_temperature = 20 has no unit: add unit_mbb_temperature = "
                "\"K\"");
    expect_file("frequency",
                DUST_HEAD "freq_ref_I = \"545 GH\"\nfreq_ref_P = \"353 GHz\"\n"
                          "map_mbb_index = 1.54\nmap_mbb_temperature = 20\n"
                          "unit_mbb_temperature = \"K\"\n",
                "7: [dust] freq_ref_I = \"545 GH\": expected a positive frequency like "
                "\"353 GHz\" or \"408 MHz\"");
    expect_file("frequency without unit",
                DUST_HEAD "freq_ref_I = 545\nfreq_ref_P = \"353 GHz\"\n"
                          "map_mbb_index = 1.54\nmap_mbb_temperature = 20\n"
                          "unit_mbb_temperature = \"K\"\n",
                "7: [dust] freq_ref_I = 545 has no unit: expected a quantity string like "
                "\"353 GHz\"");
    expect_file("unit",
                DUST_HEAD "freq_ref_I = \"545 GHz\"\nfreq_ref_P = \"353 GHz\"\n"
                          "map_mbb_index = 1.54\nmap_mbb_temperature = 20\n"
                          "unit_mbb_temperature = \"K\"\nunit_I = \"uK_rj\"\n",
                "12: [dust] unit_I: unit 'uK_rj' not recognised: did you mean uK_RJ?");
    expect_file("kind",
                DUST_HEAD "freq_ref_I = \"545 GHz\"\nfreq_ref_P = \"353 GHz\"\n"
                          "map_mbb_index = true\nmap_mbb_temperature = 20\n"
                          "unit_mbb_temperature = \"K\"\n",
                "9: [dust] map_mbb_index is a boolean, expected a number or a template path");
    expect_file("class",
                "[dust]\n\nclass = \"ModifiedBlackbody\"\n",
                "3: component dust: model class 'ModifiedBlackbody' is not implemented (did you "
                "mean ModifiedBlackBody?)");
    expect_file("by nside",
                "[synch]\nclass = \"PowerLaw\"\nmap_I = \"synch/s_{nside}.fits\"\n"
                "freq_ref_I = \"23 GHz\"\nmap_pl_index = -3\nhas_polarization = false\n",
                "3: [synch] map_I = \"synch/s_{nside}.fits\" is named by {nside}: expected "
                "available_nside too, e.g. [2048, 4096, 8192]");
    expect_file("group",
                "[a1]\n[a1.comp1]\nclass = \"SpDust\"\nmap_I = \"pysm_2/ame_t_new.fits\"\n"
                "emissivity = \"pysm_2/emissivity.txt\"\nfreq_ref_I = \"22.8 GHz\"\n"
                "freq_ref_peak = \"30 GHz\"\nfreq_peak = 30\n",
                "8: [a1.comp1] freq_peak = 30 has no unit: expected a quantity string like "
                "\"353 GHz\"");

    /* an error while the component loads: the table's file:line */
    sky_error err;
    const char *path = write_text("layers.toml",
                                  "[layers]\nclass = \"ModifiedBlackBodyLayers\"\n"
                                  "map_layers = \"pysm_2/lensed_cmb.fits\"\n"
                                  "freq_ref = \"353 GHz\"\nmap_mbb_index = 1.5\n"
                                  "map_mbb_temperature = 20\nunit_mbb_temperature = \"K\"\n"
                                  "num_layers = 100\n");
    sky_config *cfg = sky_config_new();
    int rc = sky_config_add_file(cfg, path, &err);
    CHECK(rc == SKY_OK, "layers.toml: %s", err.msg);
    rc = create(cfg, &err);
    char want[1024];
    snprintf(want, sizeof want, "%s:1: component layers: num_layers = 100: expected an integer "
             "from 1 to 64", path);
    CHECK_MSG(rc, err, want);
    sky_config_free(cfg);
}

/* B_nu(T) up to constants */
static double planck(double ghz, double t)
{
    const double nu = ghz * 1e9;
    return nu * nu * nu / expm1(SKY_H_PLANCK * nu / (SKY_K_BOLTZMANN * t));
}

/* ModifiedBlackBodyLayers with numbers for beta and T, as PySM allows: every
 * layer scales by the same factor, so the sky at nu is the sky at freq_ref
 * times it. */
static void test_layer_numbers(void)
{
    sky_error err;
    sky_config *cfg = sky_config_new();
    int c, rc;
    rc = sky_config_add_component(cfg, "layers", "ModifiedBlackBodyLayers", 0, &c, &err);
    rc = rc ? rc : sky_config_set_string(cfg, c, "map_layers", "pysm_2/lensed_cmb.fits", &err);
    rc = rc ? rc : sky_config_set_string(cfg, c, "unit_layers", "uK_RJ", &err);
    rc = rc ? rc : sky_config_set_string(cfg, c, "freq_ref", "353 GHz", &err);
    rc = rc ? rc : sky_config_set_number(cfg, c, "num_layers", 2, &err);
    rc = rc ? rc : sky_config_set_number(cfg, c, "map_mbb_index", 1.5, &err);
    rc = rc ? rc : sky_config_set_number(cfg, c, "map_mbb_temperature", 20, &err);
    rc = rc ? rc : sky_config_set_string(cfg, c, "unit_mbb_temperature", "K", &err);
    const char *dirs[] = {tmpl, NULL};
    sky_options opt;
    sky_options_init(&opt);
    opt.nside = 8;
    opt.data_dirs = dirs;
    opt.offline = 1;
    sky_sky *sky = NULL;
    rc = rc ? rc : sky_create(cfg, &opt, &sky, &err);
    CHECK(rc == SKY_OK, "layers with numbers: %s", err.msg);
    if (!rc) {
        const int64_t npix = sky_npix(sky);
        double *a = malloc(6 * (size_t)npix * sizeof *a), *b = a + 3 * npix;
        double f0 = 353, f1 = 100;
        sky_band b0 = {1, &f0, NULL}, b1 = {1, &f1, NULL};
        CHECK(!sky_emission(sky, &b0, "uK_RJ", a, &err) &&
                  !sky_emission(sky, &b1, "uK_RJ", b, &err),
              "emission: %s", err.msg);
        const double s = pow(f1 / f0, 1.5 - 2) * planck(f1, 20) / planck(f0, 20);
        int bad = 0, nonzero = 0;
        for (int64_t p = 0; p < 3 * npix; p++) {
            nonzero += a[p] != 0;
            bad += !(fabs(b[p] - s * a[p]) <= 1e-12 * fabs(s * a[p]) + 1e-300);
        }
        CHECK(!bad && nonzero > npix, "layers: %d pixels off the factor %g", bad, s);
        free(a);
    }
    sky_free(sky);
    sky_config_free(cfg);
}

/* a temperature template whose file says no unit, and no unit_mbb_temperature */
static void test_template_without_unit(void)
{
    const int nside = 1, npix = 12;
    double t[12];
    for (int p = 0; p < npix; p++)
        t[p] = 20;
    const char *names[] = {"TEMPERATURE"};
    sky_fits_columns cols = {nside, 1, names, NULL, t, SKY_FLOAT64, "G", 1, NULL};
    char path[512];
    snprintf(path, sizeof path, "%s/temp_nounit.fits", tmp);
    sky_error err;
    int rc = sky_fits_write_columns(path, &cols, &err);
    CHECK(rc == SKY_OK, "write %s: %s", path, err.msg);
    sky_config *cfg = dust("map_mbb_temperature", NULL);
    sky_config_set_string(cfg, 0, "map_mbb_temperature", "temp_nounit.fits", &err);
    sky_params *ps = &cfg->comp[0].params; /* drop unit_mbb_temperature */
    for (int k = 0; k < ps->n; k++)
        if (!strcmp(ps->p[k].key, "unit_mbb_temperature")) {
            free(ps->p[k].key);
            free(ps->p[k].str);
            ps->p[k] = ps->p[--ps->n];
        }
    rc = create(cfg, &err);
    char want[1024];
    snprintf(want, sizeof want, "component dust: template %s column 1 has no unit (no TUNIT1): "
             "add unit_mbb_temperature = \"K\"", path);
    CHECK_MSG(rc, err, want);
    sky_config_free(cfg);
    unlink(path);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_messages TEMPLATE_DIR\n");
        return 2;
    }
    tmpl = argv[1];
    snprintf(tmp, sizeof tmp, "/tmp/skymodel_msg_XXXXXX");
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return 1;
    }
    test_suggest();
    test_units();
    test_presets_and_classes();
    test_params_api();
    test_toml();
    test_layer_numbers();
    test_template_without_unit();
    unlink(write_text("cfg.toml", ""));
    unlink(write_text("layers.toml", ""));
    rmdir(tmp);
    return check_report("test_messages");
}
