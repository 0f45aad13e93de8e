/*
 * units.c - unit parsing and conversions (see units.h).
 *
 * Radiance per kelvin at frequency nu, in Jy/sr:
 *   K_RJ:  2 k nu^2 / c^2                           (Rayleigh-Jeans)
 *   K_CMB: 2 k nu^2 / c^2 * x^2 e^x / (e^x - 1)^2,  x = h nu / (k T_CMB)
 * which is astropy's thermodynamic_temperature equivalency at T_CMB = 2.7255 K,
 * the derivative of the Planck law at the CMB temperature.
 */
#define _POSIX_C_SOURCE 200809L
#include "units.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/constants.h"
#include "core/error.h"
#include "core/suggest.h"

struct prefix {
    const char *name;
    double scale;
};

static const struct prefix prefixes[] = {
    {"", 1.0},    {"n", 1e-9}, {"u", 1e-6}, {"\xc2\xb5", 1e-6}, {"m", 1e-3},
    {"k", 1e3},   {"M", 1e6},  {"G", 1e9},
};

struct family {
    const char *base; /* spelling after the prefix, spaces removed */
    int family;
    int output_ok;
};

static const struct family families[] = {
    {"K_RJ", SKY_UNIT_K_RJ, 1}, {"K_CMB", SKY_UNIT_K_CMB, 1}, {"Jy/sr", SKY_UNIT_JY_SR, 1},
    {"K", SKY_UNIT_K, 0},       {"Hz", SKY_UNIT_HZ, 0},
};

/* s without blanks into t (n bytes); 0 when too long */
static int squeeze(const char *s, char *t, size_t n)
{
    size_t k = 0;
    for (const char *c = s; *c; c++) {
        if (*c == ' ' || *c == '\t')
            continue;
        if (k + 1 >= n)
            return 0;
        t[k++] = *c;
    }
    t[k] = '\0';
    return 1;
}

static int parse(const char *s, sky_unit *u, int output_only)
{
    char t[64];
    if (!squeeze(s, t, sizeof t))
        return 0;
    if (!output_only && (!t[0] || !strcmp(t, "1") || !strcmp(t, "dimensionless"))) {
        u->family = SKY_UNIT_NONE;
        u->scale = 1.0;
        return 1;
    }
    for (size_t f = 0; f < sizeof families / sizeof *families; f++) {
        if (output_only && !families[f].output_ok)
            continue;
        for (size_t p = 0; p < sizeof prefixes / sizeof *prefixes; p++) {
            size_t lp = strlen(prefixes[p].name);
            if (strncmp(t, prefixes[p].name, lp) || strcmp(t + lp, families[f].base))
                continue;
            u->family = families[f].family;
            u->scale = prefixes[p].scale;
            return 1;
        }
    }
    return 0;
}

enum { NPREFIX = sizeof prefixes / sizeof *prefixes, NFAMILY = sizeof families / sizeof *families };

/* The error for a unit parse() refused: plain kelvin where a brightness
 * unit is expected is ambiguous (K_RJ or K_CMB?); a near miss ("uK_cmb")
 * gets a suggestion; anything else the list of what is accepted. */
static int refuse(const char *s, int output_only, sky_error *err)
{
    char t[64];
    if (!s)
        return sky_fail(err, SKY_EINVAL, "unit (null) not recognised");
    if (!squeeze(s, t, sizeof t))
        t[0] = '\0';
    if (output_only) { /* [prefix]K, in any case */
        for (int exact = 1; exact >= 0; exact--)
            for (size_t p = 0; p < NPREFIX; p++) {
                const size_t lp = strlen(prefixes[p].name);
                const int same = exact ? !strncmp(t, prefixes[p].name, lp)
                                       : !strncasecmp(t, prefixes[p].name, lp);
                if (same && (t[lp] == 'K' || t[lp] == 'k') && !t[lp + 1])
                    return sky_fail(err, SKY_EINVAL, "unit '%s' is ambiguous: did you mean "
                                    "%sK_RJ or %sK_CMB?", s, prefixes[p].name, prefixes[p].name);
            }
    }
    char names[NPREFIX * NFAMILY][16];
    sky_suggest sg;
    sky_suggest_init(&sg, t);
    for (size_t f = 0; f < NFAMILY; f++) {
        if (output_only && !families[f].output_ok)
            continue;
        for (size_t p = 0; p < NPREFIX; p++) {
            char *n = names[f * NPREFIX + p];
            snprintf(n, sizeof names[0], "%s%s", prefixes[p].name, families[f].base);
            sky_suggest_add(&sg, n);
        }
    }
    char list[128];
    if (*sky_suggest_list(&sg, list, sizeof list))
        return sky_fail(err, SKY_EINVAL, "unit '%s' not recognised: did you mean %s?", s, list);
    if (output_only)
        return sky_fail(err, SKY_EINVAL,
                        "unit '%s' not recognised: expected K_RJ, K_CMB or Jy/sr with an optional "
                        "prefix (e.g. uK_RJ, uK_CMB, mK_CMB, MJy/sr)", s);
    return sky_fail(err, SKY_EINVAL,
                    "unit '%s' not recognised: expected K_RJ, K_CMB, Jy/sr, K, Hz or none, "
                    "with an optional prefix n, u, m, k, M, G", s);
}

int sky_unit_parse(const char *s, sky_unit *u, sky_error *err)
{
    if (!s || !parse(s, u, 0))
        return refuse(s, 0, err);
    return SKY_OK;
}

int sky_unit_parse_output(const char *s, sky_unit *u, sky_error *err)
{
    if (!s || !parse(s, u, 1))
        return refuse(s, 1, err);
    return SKY_OK;
}

int sky_unit_check(const char *unit, sky_error *err)
{
    sky_unit u;
    return sky_unit_parse_output(unit, &u, err);
}

double sky_unit_to_jysr(const sky_unit *u, double freq_ghz)
{
    const double nu = freq_ghz * SKY_GHZ;
    const double rj = 2.0 * SKY_K_BOLTZMANN * nu * nu / (SKY_C_LIGHT * SKY_C_LIGHT) / SKY_JY;
    switch (u->family) {
    case SKY_UNIT_K_RJ:
        return u->scale * rj;
    case SKY_UNIT_K_CMB: {
        const double x = SKY_H_PLANCK * nu / SKY_K_BOLTZMANN / SKY_T_CMB;
        if (x < 300) { /* astropy's form, exactly; (e^x - 1)^2 is finite */
            const double em1 = expm1(x);
            return u->scale * rj * (x * x * exp(x) / (em1 * em1));
        }
        /* the same with e^-x: no Inf/Inf (NaN) where (e^x - 1)^2 overflows; it tends
         * to 0 (a factor of K_CMB beyond double range) instead */
        const double d = -expm1(-x);
        return u->scale * rj * (x * x * exp(-x) / (d * d));
    }
    default:
        return u->scale;
    }
}

static const char *family_name(int f)
{
    switch (f) {
    case SKY_UNIT_K_RJ: return "K_RJ";
    case SKY_UNIT_K_CMB: return "K_CMB";
    case SKY_UNIT_JY_SR: return "Jy/sr";
    case SKY_UNIT_K: return "K";
    case SKY_UNIT_HZ: return "Hz";
    default: return "dimensionless";
    }
}

int sky_unit_scale(const sky_unit *from, const sky_unit *to, double *factor, const char *what,
                   const char *from_s, const char *to_s, sky_error *err)
{
    if (from->family != to->family)
        return sky_fail(err, SKY_EFORMAT, "%s: unit '%s' (%s) cannot be converted to '%s' (%s)",
                        what, from_s, family_name(from->family), to_s, family_name(to->family));
    *factor = from->scale / to->scale;
    return SKY_OK;
}

static int is_brightness(int family)
{
    return family == SKY_UNIT_K_RJ || family == SKY_UNIT_K_CMB || family == SKY_UNIT_JY_SR;
}

int sky_unit_convert(const char *from, const char *to, double freq_ghz, double *factor,
                     const char *what, sky_error *err)
{
    sky_unit f, t;
    int rc;
    if ((rc = sky_unit_parse(from, &f, err)) || (rc = sky_unit_parse(to, &t, err)))
        return sky_prefix(err, rc, "%s: ", what);
    if (f.family != t.family && is_brightness(f.family) && is_brightness(t.family)) {
        *factor = sky_unit_to_jysr(&f, freq_ghz) / sky_unit_to_jysr(&t, freq_ghz);
        return SKY_OK;
    }
    return sky_unit_scale(&f, &t, factor, what, from, to, err);
}

int sky_unit_convert_squared(const char *from, const char *to, double *factor,
                             const char *what, sky_error *err)
{
    char base[64];
    size_t n = strlen(from);
    const char *suffix[] = {")^2", ")**2", "^2", "**2", "2"};
    int found = 0;
    for (size_t k = 0; k < sizeof suffix / sizeof *suffix && !found; k++) {
        const size_t m = strlen(suffix[k]);
        if (n > m && n - m < sizeof base && !strcmp(from + n - m, suffix[k])) {
            const int paren = suffix[k][0] == ')';
            if (paren && from[0] != '(')
                continue;
            snprintf(base, sizeof base, "%.*s", (int)(n - m - paren), from + paren);
            found = 1;
        }
    }
    sky_unit f, t;
    if (!*to && *from)
        return sky_fail(err, SKY_EFORMAT, "%s: unit '%s': expected none (the spectrum of a "
                        "dimensionless field)", what, from);
    if (!found || sky_unit_parse(base, &f, NULL) || sky_unit_parse(to, &t, NULL) ||
        f.family != t.family)
        return sky_fail(err, SKY_EFORMAT, "%s: unit '%s': expected the square of a unit "
                        "convertible to %s, e.g. %s^2", what, from, to, to);
    *factor = (f.scale / t.scale) * (f.scale / t.scale);
    return SKY_OK;
}
