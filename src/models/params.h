/*
 * params.h - the parameters of one component, as PySM's presets.cfg / TOML
 * component tables give them: typed values (string, number, boolean) under a
 * key. Every lookup marks its key as used, so that a key no model reads is
 * reported as an error instead of being silently ignored.
 */
#ifndef SKY_MODELS_PARAMS_H
#define SKY_MODELS_PARAMS_H

#include "skymodel.h"

enum sky_param_kind { SKY_PARAM_STRING, SKY_PARAM_NUMBER, SKY_PARAM_BOOL };

typedef struct sky_param {
    char *key;
    int kind;
    char *str;  /* SKY_PARAM_STRING */
    double num; /* SKY_PARAM_NUMBER, and 0/1 for SKY_PARAM_BOOL */
    int used;
} sky_param;

typedef struct sky_params {
    int n;
    sky_param *p;
    const char *owner; /* component label, for messages */
} sky_params;

/* Sets (adds or replaces) a value. */
int sky_params_set(sky_params *ps, const char *key, int kind, const char *str, double num,
                   sky_error *err);
int sky_params_copy(sky_params *dst, const sky_params *src, sky_error *err);
void sky_params_free(sky_params *ps);

/* The entry for `key`, marked used, or NULL. */
sky_param *sky_params_take(sky_params *ps, const char *key);

/* The entry for `key` without marking it used, or NULL (for looking at a
 * configuration before a model reads it). */
const sky_param *sky_params_peek(const sky_params *ps, const char *key);

/* Typed getters: with `required`, a missing key is an error; otherwise *out keeps
 * its default. A value of the wrong type is an error naming key and expectation. */
int sky_params_string(sky_params *ps, const char *key, int required, const char **out,
                      sky_error *err);
int sky_params_number(sky_params *ps, const char *key, int required, double *out,
                      sky_error *err);
int sky_params_bool(sky_params *ps, const char *key, int required, int *out, sky_error *err);
/* A frequency written as a quantity string ("545 GHz", "408 MHz") -> GHz. */
int sky_params_freq(sky_params *ps, const char *key, int required, double *ghz, sky_error *err);

/* A list of integers ("[8192, 777, 888]", or one number) of at most `max`
 * entries into out, their count into *n (unchanged when absent and not
 * required). */
int sky_params_int_list(sky_params *ps, const char *key, int required, int max, long long *out,
                        int *n, sky_error *err);

/* Parses "[a, b, c]" or "a, b" into out: the count, or -1 when it is not such
 * a list of at most `max` integers. Blanks, line ends and # comments (a TOML
 * array over several lines) may come between the items. */
int sky_parse_int_list(const char *s, long long *out, int max);

/* Parses a frequency quantity string; 0 if it is not one. */
int sky_parse_freq(const char *s, double *ghz);

/* Parses a quantity string ("3366.6 uK_CMB", "263.986 deg") into its value
 * in `target`: an angle ("deg": deg, arcmin, arcsec, rad) or a unit of
 * units.h, converted by prefixes only (the same family); 0 if it is not
 * one. */
int sky_parse_quantity(const char *s, const char *target, double *value);

/* A quantity parameter (SKY_WANT_QUANTITY) in `target`. */
int sky_params_quantity(sky_params *ps, const char *key, int required, const char *target,
                        double *value, sky_error *err);

/* A list of short strings (TOML's array text, ["10", "21"]) of at most
 * `max` items of at most 15 characters, copied into out: their count, or -1
 * when it is not such a list. */
int sky_parse_str_list(const char *s, char (*out)[16], int max);

/*
 * What a model reads, declared next to its init (registry.c pairs each model
 * with its list), so that a configuration is checked before any template is
 * read: sky_params_check.
 */
enum sky_param_want {
    SKY_WANT_STRING = 1, /* a string: a template path, a file, a name */
    SKY_WANT_NUMBER = 2,
    SKY_WANT_BOOL = 4,
    SKY_WANT_FREQ = 8,  /* a frequency quantity string, "353 GHz" */
    SKY_WANT_UNIT = 16, /* a unit string, "uK_RJ" */
    /* a quantity string in the unit `unit` names or one convertible to it
     * by prefixes ("deg": any angle), "3366.6 uK_CMB" */
    SKY_WANT_QUANTITY = 32,
};

typedef struct sky_param_spec {
    const char *key;
    int want;     /* SKY_WANT_* or'ed */
    int required; /* always (requirements that depend on other keys are init's) */
    /* a number for this key has no unit of its own: it takes unit_key's,
     * which must then be given (PySM's map_mbb_temperature with
     * unit_mbb_temperature); NULL otherwise. For SKY_WANT_QUANTITY, `unit`
     * is the unit the value is wanted in. */
    const char *unit_key, *unit;
} sky_param_spec;

/*
 * Checks parameters against a model's list (terminated by a NULL key; the
 * keys every model accepts, max_nside and available_nside, are added):
 * unknown keys first, with a suggestion for a near miss, then missing
 * required keys, then each value's kind, frequency and unit strings, a
 * number lacking its unit, and paths named by {nside} without
 * available_nside. The message starts with the key ("map_mbb_indx: unknown
 * parameter of ModifiedBlackBody (did you mean map_mbb_index?)"), for the
 * caller to prefix with the component; *bad is the index in ps of the value
 * at fault, -1 for a missing key.
 */
int sky_params_check(const sky_params *ps, const char *model, const sky_param_spec *spec,
                     int *bad, sky_error *err);

/* An error for the first key no lookup used. */
int sky_params_check_used(const sky_params *ps, const char *model, sky_error *err);

#endif
