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

/* An error for the first key no lookup used. */
int sky_params_check_used(const sky_params *ps, const char *model, sky_error *err);

#endif
