/*
 * params.c - typed component parameters (see params.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "params.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "core/suggest.h"
#include "spectra/units.h"

int sky_params_set(sky_params *ps, const char *key, int kind, const char *str, double num,
                   sky_error *err)
{
    sky_param *p = NULL;
    for (int i = 0; i < ps->n; i++)
        if (!strcmp(ps->p[i].key, key))
            p = &ps->p[i];
    if (!p) {
        sky_param *np = realloc(ps->p, (size_t)(ps->n + 1) * sizeof *np);
        if (!np)
            return sky_nomem(err, "a parameter");
        ps->p = np;
        p = &ps->p[ps->n];
        memset(p, 0, sizeof *p);
        if (!(p->key = strdup(key)))
            return sky_nomem(err, "a parameter");
        ps->n++;
    }
    free(p->str);
    p->str = NULL;
    p->kind = kind;
    p->num = num;
    p->used = 0;
    if (kind == SKY_PARAM_STRING && !(p->str = strdup(str ? str : "")))
        return sky_nomem(err, "a parameter");
    return SKY_OK;
}

int sky_params_copy(sky_params *dst, const sky_params *src, sky_error *err)
{
    dst->n = 0;
    dst->p = NULL;
    dst->owner = src->owner;
    for (int i = 0; i < src->n; i++) {
        const sky_param *p = &src->p[i];
        int rc = sky_params_set(dst, p->key, p->kind, p->str, p->num, err);
        if (rc) {
            sky_params_free(dst);
            return rc;
        }
    }
    return SKY_OK;
}

void sky_params_free(sky_params *ps)
{
    if (!ps)
        return;
    for (int i = 0; i < ps->n; i++) {
        free(ps->p[i].key);
        free(ps->p[i].str);
    }
    free(ps->p);
    ps->p = NULL;
    ps->n = 0;
}

/* The index of parameter `key`, or -1. */
static int index_of(const sky_params *ps, const char *key)
{
    for (int i = 0; i < ps->n; i++)
        if (!strcmp(ps->p[i].key, key))
            return i;
    return -1;
}

sky_param *sky_params_take(sky_params *ps, const char *key)
{
    const int i = index_of(ps, key);
    if (i < 0)
        return NULL;
    ps->p[i].used = 1;
    return &ps->p[i];
}

static const char *kind_name(int k)
{
    return k == SKY_PARAM_STRING ? "a string" : k == SKY_PARAM_NUMBER ? "a number" : "a boolean";
}

static int get(sky_params *ps, const char *key, int required, int kind, sky_param **out,
               sky_error *err)
{
    *out = sky_params_take(ps, key);
    if (!*out) {
        if (required)
            return sky_fail(err, SKY_EINVAL, "component %s: missing parameter '%s'", ps->owner,
                            key);
        return SKY_OK;
    }
    if ((*out)->kind != kind)
        return sky_fail(err, SKY_EINVAL, "component %s: parameter '%s' is %s, expected %s",
                        ps->owner, key, kind_name((*out)->kind), kind_name(kind));
    return SKY_OK;
}

int sky_params_string(sky_params *ps, const char *key, int required, const char **out,
                      sky_error *err)
{
    sky_param *p;
    int rc = get(ps, key, required, SKY_PARAM_STRING, &p, err);
    if (!rc && p)
        *out = p->str;
    return rc;
}

int sky_params_number(sky_params *ps, const char *key, int required, double *out, sky_error *err)
{
    sky_param *p;
    int rc = get(ps, key, required, SKY_PARAM_NUMBER, &p, err);
    if (!rc && p) {
        if (!isfinite(p->num))
            return sky_fail(err, SKY_EINVAL, "component %s: parameter '%s' = %g: expected a "
                            "finite number", ps->owner, key, p->num);
        *out = p->num;
    }
    return rc;
}

int sky_params_bool(sky_params *ps, const char *key, int required, int *out, sky_error *err)
{
    sky_param *p;
    int rc = get(ps, key, required, SKY_PARAM_BOOL, &p, err);
    if (!rc && p)
        *out = p->num != 0;
    return rc;
}

/* Blanks, line ends and # comments: a TOML array keeps them in its text
 * when it spans lines. */
static const char *skip_space(const char *s)
{
    for (;;) {
        s += strspn(s, " \t\r\n");
        if (*s != '#')
            return s;
        s += strcspn(s, "\n");
    }
}

int sky_parse_int_list(const char *s, long long *out, int max)
{
    int n = 0;
    s = skip_space(s);
    const int bracket = *s == '[';
    s += bracket;
    for (;;) {
        s = skip_space(s);
        if (*s == ']' && bracket) /* [] or a trailing comma, as TOML allows */
            return *skip_space(s + 1) ? -1 : n;
        char *end;
        errno = 0;
        const long long v = strtoll(s, &end, 10);
        if (end == s || errno || n >= max)
            return -1;
        out[n++] = v;
        s = skip_space(end);
        if (*s == ',') {
            s++;
            continue;
        }
        if (bracket && *s == ']')
            s++;
        return *skip_space(s) ? -1 : n;
    }
}

int sky_params_int_list(sky_params *ps, const char *key, int required, int max, long long *out,
                        int *n, sky_error *err)
{
    sky_param *p = sky_params_take(ps, key);
    if (!p)
        return required ? sky_fail(err, SKY_EINVAL, "component %s: missing parameter '%s'",
                                   ps->owner, key)
                        : SKY_OK;
    if (p->kind == SKY_PARAM_NUMBER && p->num == floor(p->num) && fabs(p->num) < 9e15) {
        out[0] = (long long)p->num;
        *n = 1;
        return SKY_OK;
    }
    const int k = p->kind == SKY_PARAM_STRING ? sky_parse_int_list(p->str, out, max) : -1;
    if (k < 0)
        return sky_fail(err, SKY_EINVAL, "component %s: parameter '%s' = %s: expected a list of "
                        "at most %d integers, e.g. [8192, 777, 888]", ps->owner, key,
                        p->kind == SKY_PARAM_STRING ? p->str : "(not a list)", max);
    *n = k;
    return SKY_OK;
}

int sky_parse_freq(const char *s, double *ghz)
{
    static const struct {
        const char *unit;
        double scale;
    } units[] = {{"Hz", 1e-9}, {"kHz", 1e-6}, {"MHz", 1e-3}, {"GHz", 1.0}, {"THz", 1e3}};
    char *end;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v))
        return 0;
    while (*end == ' ')
        end++;
    for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
        size_t n = strlen(units[i].unit);
        if (!strncmp(end, units[i].unit, n) && end[n + strspn(end + n, " ")] == '\0') {
            /* astropy converts with the unit's scale: 408 MHz -> 408 * 0.001 GHz */
            *ghz = v * units[i].scale;
            return 1;
        }
    }
    return 0;
}

int sky_parse_quantity(const char *s, const char *target, double *value)
{
    static const struct {
        const char *unit;
        double deg;
    } angles[] = {{"deg", 1.0}, {"arcmin", 1.0 / 60}, {"arcsec", 1.0 / 3600},
                  {"rad", 57.295779513082320876798}};
    char *end;
    const double v = strtod(s, &end);
    if (end == s || !isfinite(v))
        return 0;
    end += strspn(end, " ");
    char unit[64];
    const size_t n = strcspn(end, " ");
    if (n == 0 || n >= sizeof unit || end[n + strspn(end + n, " ")] != '\0')
        return 0;
    memcpy(unit, end, n);
    unit[n] = '\0';
    if (!strcmp(target, "deg")) {
        for (size_t i = 0; i < sizeof angles / sizeof *angles; i++)
            if (!strcmp(unit, angles[i].unit)) {
                *value = v * angles[i].deg;
                return 1;
            }
        return 0;
    }
    sky_unit from, to;
    sky_error e = {0};
    double factor;
    if (sky_unit_parse(unit, &from, &e) || sky_unit_parse(target, &to, &e) ||
        from.family == SKY_UNIT_NONE ||
        sky_unit_scale(&from, &to, &factor, "", unit, target, &e))
        return 0;
    *value = v * factor;
    return 1;
}

/* what a quantity for `target` looks like, for messages */
static const char *quantity_example(const char *target, char *buf, size_t size)
{
    if (!strcmp(target, "deg"))
        snprintf(buf, size, "a quantity string like \"48.2 deg\" (deg, arcmin, arcsec or rad)");
    else if (!strcmp(target, "K_CMB"))
        snprintf(buf, size, "a quantity string like \"3366.6 uK_CMB\" (K_CMB, mK_CMB or "
                 "uK_CMB)");
    else
        snprintf(buf, size, "a quantity string in %s", target);
    return buf;
}

int sky_params_quantity(sky_params *ps, const char *key, int required, const char *target,
                        double *value, sky_error *err)
{
    sky_param *p = sky_params_take(ps, key);
    char want[128];
    if (!p)
        return required ? sky_fail(err, SKY_EINVAL, "component %s: missing parameter '%s'",
                                   ps->owner, key)
                        : SKY_OK;
    if (p->kind != SKY_PARAM_STRING || !sky_parse_quantity(p->str, target, value))
        return sky_fail(err, SKY_EINVAL, "component %s: parameter '%s' = %s%s%s: expected %s",
                        ps->owner, key, p->kind == SKY_PARAM_STRING ? "\"" : "",
                        p->kind == SKY_PARAM_STRING ? p->str : kind_name(p->kind),
                        p->kind == SKY_PARAM_STRING ? "\"" : "",
                        quantity_example(target, want, sizeof want));
    return SKY_OK;
}

int sky_parse_str_list(const char *s, char (*out)[16], int max)
{
    int n = 0;
    s = skip_space(s);
    if (*s++ != '[')
        return -1;
    for (;;) {
        s = skip_space(s);
        if (*s == ']')
            return *skip_space(s + 1) ? -1 : n;
        const char q = *s;
        if ((q != '"' && q != '\'') || n >= max)
            return -1;
        const char *close = strchr(s + 1, q);
        if (!close || close - s - 1 >= 16 || memchr(s + 1, '\\', (size_t)(close - s - 1)))
            return -1;
        memcpy(out[n], s + 1, (size_t)(close - s - 1));
        out[n++][close - s - 1] = '\0';
        s = skip_space(close + 1);
        if (*s == ',')
            s++;
        else if (*s != ']')
            return -1;
    }
}

int sky_params_freq(sky_params *ps, const char *key, int required, double *ghz, sky_error *err)
{
    sky_param *p;
    int rc = get(ps, key, required, SKY_PARAM_STRING, &p, err);
    if (rc == SKY_EINVAL && p && p->kind == SKY_PARAM_NUMBER)
        return sky_fail(err, SKY_EINVAL,
                        "component %s: parameter '%s' = %g has no unit: expected a quantity "
                        "string like \"353 GHz\"",
                        ps->owner, key, p->num);
    if (rc || !p)
        return rc;
    if (!sky_parse_freq(p->str, ghz) || !(*ghz > 0))
        return sky_fail(err, SKY_EINVAL,
                        "component %s: parameter '%s' = \"%s\": expected a positive frequency "
                        "like \"353 GHz\" or \"408 MHz\"",
                        ps->owner, key, p->str);
    if (sky_freq_check(*ghz, NULL))
        return sky_fail(err, SKY_EINVAL,
                        "component %s: parameter '%s' = \"%s\": expected a frequency from "
                        "1 MHz to 30 THz, where the models apply",
                        ps->owner, key, p->str);
    return SKY_OK;
}

int sky_params_check_used(const sky_params *ps, const char *model, sky_error *err)
{
    for (int i = 0; i < ps->n; i++)
        if (!ps->p[i].used)
            return sky_fail(err, SKY_EINVAL, "component %s: unknown parameter '%s' for model %s",
                            ps->owner, ps->p[i].key, model);
    return SKY_OK;
}

/* The keys every model accepts (component.c reads them for all). */
static const sky_param_spec every_model[] = {
    {"max_nside", SKY_WANT_NUMBER, 0, NULL, NULL},
    {"available_nside", SKY_WANT_STRING | SKY_WANT_NUMBER, 0, NULL, NULL},
    {NULL, 0, 0, NULL, NULL},
};

static const sky_param_spec *spec_of(const sky_param_spec *spec, const char *key)
{
    for (const sky_param_spec *s = spec; s && s->key; s++)
        if (!strcmp(s->key, key))
            return s;
    for (const sky_param_spec *s = every_model; s->key; s++)
        if (!strcmp(s->key, key))
            return s;
    return NULL;
}

const sky_param *sky_params_peek(const sky_params *ps, const char *key)
{
    const int i = index_of(ps, key);
    return i < 0 ? NULL : &ps->p[i];
}

/* "a string", "a number or a template path", ... for what `want` accepts */
static const char *wanted(int want)
{
    if ((want & SKY_WANT_STRING) && (want & SKY_WANT_NUMBER))
        return "a number or a template path";
    if (want & SKY_WANT_FREQ)
        return "a quantity string like \"353 GHz\"";
    if (want & SKY_WANT_UNIT)
        return "a unit string like \"uK_RJ\"";
    if (want & SKY_WANT_QUANTITY)
        return "a quantity string with its unit";
    return want & SKY_WANT_STRING ? "a string" : want & SKY_WANT_NUMBER ? "a number" : "a boolean";
}

static int unknown_key(const sky_param *p, const char *model, const sky_param_spec *spec,
                       sky_error *err)
{
    sky_suggest sg;
    char hint[256];
    sky_suggest_init(&sg, p->key);
    for (const sky_param_spec *s = spec; s && s->key; s++)
        sky_suggest_add(&sg, s->key);
    for (const sky_param_spec *s = every_model; s->key; s++)
        sky_suggest_add(&sg, s->key);
    if (*sky_suggest_text(&sg, hint, sizeof hint))
        return sky_fail(err, SKY_EINVAL, "%s: unknown parameter of %s%s", p->key, model, hint);
    char list[768] = "";
    size_t used = 0;
    for (const sky_param_spec *s = spec; s && s->key && used < sizeof list; s++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", s == spec ? "" : ", ",
                                 s->key);
    return sky_fail(err, SKY_EINVAL, "%s: unknown parameter of %s (it reads %s, max_nside and "
                    "available_nside)", p->key, model, list);
}

/* One value against its entry. */
static int check_value(const sky_params *ps, const sky_param *p, const sky_param_spec *s,
                       sky_error *err)
{
    const int want = s->want;
    const int kind_ok = p->kind == SKY_PARAM_STRING
                            ? (want & (SKY_WANT_STRING | SKY_WANT_FREQ | SKY_WANT_UNIT |
                                       SKY_WANT_QUANTITY)) != 0
                        : p->kind == SKY_PARAM_NUMBER ? (want & SKY_WANT_NUMBER) != 0
                                                      : (want & SKY_WANT_BOOL) != 0;
    if (!kind_ok && p->kind == SKY_PARAM_NUMBER && (want & SKY_WANT_FREQ))
        return sky_fail(err, SKY_EINVAL, "%s = %g has no unit: expected a quantity string like "
                        "\"353 GHz\"", p->key, p->num);
    char example[128];
    if (!kind_ok && (want & SKY_WANT_QUANTITY))
        return sky_fail(err, SKY_EINVAL, "%s is %s, expected %s", p->key, kind_name(p->kind),
                        quantity_example(s->unit, example, sizeof example));
    if (!kind_ok)
        return sky_fail(err, SKY_EINVAL, "%s is %s, expected %s", p->key, kind_name(p->kind),
                        wanted(want));
    if (p->kind == SKY_PARAM_NUMBER && !isfinite(p->num))
        return sky_fail(err, SKY_EINVAL, "%s = %g: expected a finite number", p->key, p->num);
    if (p->kind == SKY_PARAM_NUMBER && s->unit_key && !sky_params_peek(ps, s->unit_key))
        return sky_fail(err, SKY_EINVAL, "%s = %g has no unit: add %s = \"%s\"", p->key, p->num,
                        s->unit_key, s->unit);
    if (p->kind != SKY_PARAM_STRING)
        return SKY_OK;
    double ghz;
    if ((want & SKY_WANT_FREQ) && !(want & SKY_WANT_STRING) &&
        !(sky_parse_freq(p->str, &ghz) && ghz > 0))
        return sky_fail(err, SKY_EINVAL, "%s = \"%s\": expected a positive frequency like "
                        "\"353 GHz\" or \"408 MHz\"", p->key, p->str);
    double value;
    if ((want & SKY_WANT_QUANTITY) && !sky_parse_quantity(p->str, s->unit, &value))
        return sky_fail(err, SKY_EINVAL, "%s = \"%s\": expected %s", p->key, p->str,
                        quantity_example(s->unit, example, sizeof example));
    sky_unit u;
    int rc;
    if ((want & SKY_WANT_UNIT) && (rc = sky_unit_parse(p->str, &u, err)))
        return sky_prefix(err, rc, "%s: ", p->key);
    if (strstr(p->str, "{nside}") && !sky_params_peek(ps, "available_nside"))
        return sky_fail(err, SKY_EINVAL, "%s = \"%s\" is named by {nside}: expected "
                        "available_nside too, e.g. [2048, 4096, 8192]", p->key, p->str);
    return SKY_OK;
}

int sky_params_check(const sky_params *ps, const char *model, const sky_param_spec *spec,
                     int *bad, sky_error *err)
{
    *bad = -1;
    for (int i = 0; i < ps->n; i++)
        if (!spec_of(spec, ps->p[i].key)) {
            *bad = i;
            return unknown_key(&ps->p[i], model, spec, err);
        }
    for (const sky_param_spec *s = spec; s && s->key; s++)
        if (s->required && !sky_params_peek(ps, s->key))
            return sky_fail(err, SKY_EINVAL, "%s: missing parameter of %s: expected %s", s->key, model,
                            wanted(s->want));
    for (int i = 0; i < ps->n; i++) {
        int rc = check_value(ps, &ps->p[i], spec_of(spec, ps->p[i].key), err);
        if (rc) {
            *bad = i;
            return rc;
        }
    }
    return SKY_OK;
}
