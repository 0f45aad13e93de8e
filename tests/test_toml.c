/*
 * test_toml.c - the TOML reader of component files: every construct of
 * PySM's presets.cfg dialect parses to the right values, every unsupported
 * or malformed one is refused with file:line, and (when ../shared is there)
 * PySM's own presets.cfg parses completely.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "io/toml.h"

static void test_values(void)
{
    const char *text =
        "# a comment\n"
        "[d1]\n"
        "class = \"ModifiedBlackBody\"   # trailing comment\n"
        "map_I = 'pysm_2/dust_t_new.fits'\n"
        "freq_ref_I = \"545 GHz\"\n"
        "index = 1.54\n"
        "big = 1_000_000\n"
        "neg = -3e-2\n"
        "flag = true\n"
        "off = false\n"
        "\"quoted key\" = \"tab\\tquote\\\" \\u00e9\"\n"
        "available_nside = [2048, 4096,\n"
        "    8192,  # more\n"
        "]\n"
        "opts = { a = 1, \"b\" = 'x' }\n"
        "\n"
        "[d4]\n"
        "    [d4.comp1]\n"
        "    class = \"ModifiedBlackBody\"\n"
        "    [ d4 . comp2 ]\n"
        "    class = \"ModifiedBlackBody\"\r\n";
    sky_toml doc;
    sky_error err;
    int rc = sky_toml_parse(text, "t.toml", &doc, &err);
    CHECK(rc == SKY_OK, "parse: %s", err.msg);
    if (rc)
        return;
    CHECK(doc.n == 4, "%d tables", doc.n);
    const sky_toml_table *t = sky_toml_find(&doc, "d1");
    CHECK(t && t->n == 11 && t->line == 2, "d1: %d keys, line %d", t ? t->n : -1, t ? t->line : -1);
    const sky_toml_value *v;
    CHECK((v = sky_toml_get(t, "class")) && v->kind == SKY_TOML_STRING &&
              !strcmp(v->str, "ModifiedBlackBody") && v->line == 3,
          "class");
    CHECK((v = sky_toml_get(t, "map_I")) && !strcmp(v->str, "pysm_2/dust_t_new.fits"), "literal");
    CHECK((v = sky_toml_get(t, "index")) && v->kind == SKY_TOML_NUMBER && v->num == 1.54, "float");
    CHECK((v = sky_toml_get(t, "big")) && v->num == 1e6, "underscores");
    CHECK((v = sky_toml_get(t, "neg")) && v->num == -3e-2, "exponent");
    CHECK((v = sky_toml_get(t, "flag")) && v->kind == SKY_TOML_BOOL && v->num == 1, "true");
    CHECK((v = sky_toml_get(t, "off")) && v->kind == SKY_TOML_BOOL && v->num == 0, "false");
    CHECK((v = sky_toml_get(t, "quoted key")) && !strcmp(v->str, "tab\tquote\" \xc3\xa9"),
          "escapes: '%s'", v ? v->str : "");
    CHECK((v = sky_toml_get(t, "available_nside")) && v->kind == SKY_TOML_RAW &&
              !strncmp(v->str, "[2048, 4096,", 12) && v->line == 12,
          "multi-line array");
    CHECK((v = sky_toml_get(t, "opts")) && v->kind == SKY_TOML_RAW &&
              !strcmp(v->str, "{ a = 1, \"b\" = 'x' }"),
          "inline table");
    CHECK(sky_toml_find(&doc, "d4.comp1") && sky_toml_find(&doc, "d4.comp2") &&
              sky_toml_find(&doc, "d4")->n == 0,
          "sub-tables");
    sky_toml_free(&doc);
}

/* Each text is refused with `needle` in a message starting "t.toml:LINE:". */
static void test_errors(void)
{
    static const struct {
        const char *text;
        int line;
        const char *needle;
    } bad[] = {
        {"[a]\nk = \"open\n", 2, "unterminated string"},
        {"[a]\nk = 1\nk = 2\n", 3, "given twice"},
        {"[a]\n[a]\n", 2, "defined twice"},
        {"k = 1\n", 1, "outside any table"},
        {"[a]\nb.c = 1\n", 2, "dotted keys"},
        {"[a]\nk = \"\"\"x\"\"\"\n", 2, "multi-line strings"},
        {"[a]\nk = 1.2.3\n", 2, "not a TOML value"},
        {"[a]\nk = 0x1F\n", 2, "not a TOML value"},
        {"[a]\nk = 012\n", 2, "not a TOML value"},
        {"[a]\nk = 1__0\n", 2, "not a TOML value"},
        {"[a]\nk = yes\n", 2, "not a TOML value"},
        {"[a]\nk = 1 2\n", 2, "unexpected text"},
        {"[[a]]\n", 1, "arrays of tables"},
        {"[a]\nk = [1, 2\n", 2, "unterminated array"},
        {"[a]\nk = {x = 1,}\n", 2, "expected a key"},
        {"[a]\nk = \"bad \\q\"\n", 2, "unknown escape"},
        {"[a\n", 1, "expected ']'"},
        {"[a]\n= 3\n", 2, "expected a key"},
        {"[a]\nk = 1979-05-27\n", 2, "not a TOML value"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        sky_toml doc;
        sky_error err = {0};
        int rc = sky_toml_parse(bad[i].text, "t.toml", &doc, &err);
        char prefix[32];
        snprintf(prefix, sizeof prefix, "t.toml:%d: ", bad[i].line);
        CHECK(rc == SKY_EFORMAT && !strncmp(err.msg, prefix, strlen(prefix)) &&
                  strstr(err.msg, bad[i].needle),
              "case %zu: rc %d, message '%s' (expected '%s...%s')", i, rc, err.msg, prefix,
              bad[i].needle);
        if (!rc)
            sky_toml_free(&doc);
    }
}

/* PySM's own presets.cfg, when the shared reference folder is there. */
static void test_pysm_presets(void)
{
    static const char *path = "../../shared/pysm-ref/presets.cfg";
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("test_toml: %s not found, PySM's presets.cfg not checked\n", path);
        return;
    }
    fclose(f);
    sky_toml doc;
    sky_error err;
    int rc = sky_toml_read(path, &doc, &err);
    CHECK(rc == SKY_OK, "presets.cfg: %s", err.msg);
    if (rc)
        return;
    const sky_toml_table *d4 = sky_toml_find(&doc, "d4.comp2"), *d1 = sky_toml_find(&doc, "d1");
    CHECK(d1 && !strcmp(sky_toml_get(d1, "map_mbb_index")->str, "pysm_2/dust_beta.fits"), "d1");
    CHECK(d4 && !strcmp(sky_toml_get(d4, "class")->str, "ModifiedBlackBody"), "d4.comp2");
    CHECK(doc.n > 40, "%d tables", doc.n);
    sky_toml_free(&doc);
}

int main(void)
{
    test_values();
    test_errors();
    test_pysm_presets();
    return check_report("test_toml");
}
