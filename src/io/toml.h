/*
 * toml.h - the TOML dialect of PySM's presets.cfg and component_config files,
 * read strictly: tables and sub-tables ([d4], [d4.comp1], indented or not),
 * `key = value` with bare or quoted keys, basic ("...", with escapes) and
 * literal ('...') strings, integers and floats (with _ separators, inf,
 * nan), booleans, arrays (over several lines if need be) and inline tables,
 * and # comments. Not accepted, with an error naming file and line:
 * multi-line strings, dotted keys, arrays of tables, dates, keys outside a
 * table, a table or key given twice.
 *
 * Arrays and inline tables are checked and kept as their text (the models
 * take no such parameter; PySM's max_nside-style keys are ignored).
 */
#ifndef SKY_IO_TOML_H
#define SKY_IO_TOML_H

#include "skymodel.h"

enum sky_toml_kind { SKY_TOML_STRING, SKY_TOML_NUMBER, SKY_TOML_BOOL, SKY_TOML_RAW };

typedef struct sky_toml_value {
    char *key;
    int kind;
    char *str;  /* STRING, and the text of RAW */
    double num; /* NUMBER, 0/1 for BOOL */
    int line;
} sky_toml_value;

typedef struct sky_toml_table {
    char *name; /* "d4" or "d4.comp1" */
    int line;
    int n;
    sky_toml_value *v;
} sky_toml_table;

typedef struct sky_toml {  /* tables in file order */
    int n;
    sky_toml_table *t;
} sky_toml;

/* Parses `text` (named `file` in messages: "file:line: ..."). */
int sky_toml_parse(const char *text, const char *file, sky_toml *doc, sky_error *err);
int sky_toml_read(const char *path, sky_toml *doc, sky_error *err);
void sky_toml_free(sky_toml *doc);

/* The table named `name`, or NULL. */
const sky_toml_table *sky_toml_find(const sky_toml *doc, const char *name);
/* The value of `key` in t, or NULL. */
const sky_toml_value *sky_toml_get(const sky_toml_table *t, const char *key);

#endif
