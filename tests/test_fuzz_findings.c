/*
 * test_fuzz_findings.c - what the fuzz targets (tests/fuzz) found, checked in
 * every build: the fuzz stage itself needs clang.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "config.h"
#include "io/toml.h"
#include "models/params.h"
#include "skymodel.h"

/* A TOML array over several lines keeps its line ends and comments in its
 * text; integer lists read from it (available_nside, seeds) must skip them
 * (fuzz_toml, seed dialect.toml). */
static void test_int_list_over_lines(void)
{
    static const struct {
        const char *s;
        int n;
    } cases[] = {
        {"[2048, 4096,\n    8192,  # more\n]", 3},
        {"[16,\t32]", 2},
        {"[ 16, 32,]", 2},
        {"[\r\n  1,\r\n  2\r\n]", 2},
        {"[1 # one\n, 2] # two", 2},
        {"8192", 1},
        {"[]", 0},
        {"[1 2]", -1},
        {"[1, x]", -1},
        {"[1] 2", -1},
        {"[1,, 2]", -1},
        {"# only\n", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        long long v[8];
        const int n = sky_parse_int_list(cases[i].s, v, 8);
        CHECK(n == cases[i].n, "'%s': %d items, expected %d", cases[i].s, n, cases[i].n);
    }
    long long v[3];
    CHECK(sky_parse_int_list("[2048, 4096,\n 8192, # c\n]", v, 3) == 3 && v[0] == 2048 &&
              v[1] == 4096 && v[2] == 8192,
          "values");

    /* the whole path: a configuration file's multi-line available_nside */
    const char *text = "[ffsmall]\n"
                       "class = \"PowerLaw\"\n"
                       "map_I = \"ff/ff_t_nside{nside}.fits\"\n"
                       "unit_I = \"uK_RJ\"\n"
                       "map_pl_index = -2.14\n"
                       "freq_ref_I = \"30 GHz\"\n"
                       "has_polarization = false\n"
                       "available_nside = [\n    16,  # low\n    32,\n]\n";
    sky_error err = {0};
    sky_toml doc;
    int rc = sky_toml_parse(text, "multi.toml", &doc, &err);
    CHECK(rc == SKY_OK, "parse: %s", err.msg);
    sky_config *cfg = sky_config_new();
    if (!rc) {
        rc = sky_config_add_doc(cfg, &doc, "multi.toml", &err);
        CHECK(rc == SKY_OK, "add: %s", err.msg);
        sky_toml_free(&doc);
    }
    if (!rc && cfg->n == 1) {
        int tn = sky_templates_nside(&cfg->comp[0].params, 64, &err);
        CHECK(tn == 32, "templates nside %d (%s)", tn, tn < 0 ? err.msg : "");
        tn = sky_templates_nside(&cfg->comp[0].params, 8, &err);
        CHECK(tn == 16, "templates nside %d (%s)", tn, tn < 0 ? err.msg : "");
    }
    sky_config_free(cfg);
}

int main(void)
{
    test_int_list_over_lines();
    return check_report("test_fuzz_findings");
}
