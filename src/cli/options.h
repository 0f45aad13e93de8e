/*
 * options.h - command-line options from one table per subcommand.
 *
 * Each option is one table row: long name, optional short letter, the
 * metavar of its argument (NULL for a flag), its help text, and whether it
 * may repeat. The same table drives parsing and the --help listing, so an
 * option cannot exist without being documented.
 */
#ifndef SKY_CLI_OPTIONS_H
#define SKY_CLI_OPTIONS_H

#include "skymodel.h"

typedef struct cli_option {
    const char *name;    /* long name without "--" */
    char short_name;     /* 0 for none */
    const char *metavar; /* NULL: a flag without argument */
    const char *help;
    int repeat;          /* may be given several times */
} cli_option;

typedef struct cli_parsed {
    const cli_option *table;
    int ntable;
    const char **value;  /* per option: last value ("" for a set flag), or NULL */
    const char ***values;/* per option with repeat: all values, NULL-terminated */
    int *count;          /* per option: how many times given */
    int npos;
    char **pos;          /* positional arguments */
} cli_parsed;

/* Parses argv[1..argc) against the table. SKY_EINVAL for an unknown option or
 * a missing argument, with a message naming it. */
int cli_parse(const cli_option *table, int ntable, int argc, char **argv, cli_parsed *out,
              sky_error *err);
void cli_parsed_free(cli_parsed *p);

/* The value of option `name` (NULL when absent). */
const char *cli_get(const cli_parsed *p, const char *name);
int cli_has(const cli_parsed *p, const char *name);
const char *const *cli_all(const cli_parsed *p, const char *name);

/* Prints "usage" followed by the option table. */
void cli_print_help(const char *usage, const char *intro, const cli_option *table, int ntable);

/* Parses a strict integer / double / comma-separated list of doubles; the
 * message names the option. */
int cli_int(const char *opt, const char *s, long long lo, long long hi, long long *out,
            sky_error *err);
int cli_double_list(const char *opt, const char *s, double **out, int *n, sky_error *err);
/* One finite number, nothing before or after it but blanks; otherwise
 * "<opt> '<s>': expected <what>" (what: e.g. "a finite number"). */
int cli_double(const char *opt, const char *s, const char *what, double *out, sky_error *err);

/* Adds each preset of a comma-separated --preset list to cfg. */
int cli_add_presets(sky_config *cfg, const char *list, sky_error *err);

/* Exit status for a library status: 2 for bad input, 1 otherwise. */
int cli_exit_code(int status);

/* Prints "skymodel: <msg>" to stderr and returns cli_exit_code(err->code). */
int cli_report(const sky_error *err);

#endif
