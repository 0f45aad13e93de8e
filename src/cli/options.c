/*
 * options.c - table-driven option parsing and help (see options.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "options.h"
#include "progress.h"
#include "parallel/comm.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

static int find(const cli_option *t, int n, const char *name, size_t len, char short_name)
{
    for (int i = 0; i < n; i++) {
        if (short_name ? t[i].short_name == short_name
                       : strlen(t[i].name) == len && !strncmp(t[i].name, name, len))
            return i;
    }
    return -1;
}

int cli_parse(const cli_option *table, int ntable, int argc, char **argv, cli_parsed *out,
              sky_error *err)
{
    memset(out, 0, sizeof *out);
    out->table = table;
    out->ntable = ntable;
    out->value = calloc((size_t)ntable, sizeof *out->value);
    out->values = calloc((size_t)ntable, sizeof *out->values);
    out->count = calloc((size_t)ntable, sizeof *out->count);
    out->pos = calloc((size_t)argc + 1, sizeof *out->pos);
    if (!out->value || !out->values || !out->count || !out->pos) {
        cli_parsed_free(out);
        return sky_nomem(err, "options");
    }
    int only_pos = 0;
    for (int a = 1; a < argc; a++) {
        char *arg = argv[a];
        if (only_pos || arg[0] != '-' || arg[1] == '\0') {
            out->pos[out->npos++] = arg;
            continue;
        }
        if (!strcmp(arg, "--")) {
            only_pos = 1;
            continue;
        }
        int i;
        const char *inline_val = NULL;
        if (arg[1] == '-') {
            const char *name = arg + 2, *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            i = find(table, ntable, name, len, 0);
            if (eq)
                inline_val = eq + 1;
        } else {
            i = find(table, ntable, NULL, 0, arg[1]);
            if (i >= 0 && arg[2] != '\0')
                inline_val = arg + 2;
        }
        if (i < 0) {
            int rc = sky_fail(err, SKY_EINVAL, "unknown option '%s' (see --help)", arg);
            cli_parsed_free(out);
            return rc;
        }
        const char *val = "";
        if (table[i].metavar) {
            if (inline_val) {
                val = inline_val;
            } else if (a + 1 < argc) {
                val = argv[++a];
            } else {
                int rc = sky_fail(err, SKY_EINVAL, "option --%s needs a value (%s)", table[i].name,
                                  table[i].metavar);
                cli_parsed_free(out);
                return rc;
            }
        } else if (inline_val) {
            int rc = sky_fail(err, SKY_EINVAL, "option --%s takes no value", table[i].name);
            cli_parsed_free(out);
            return rc;
        }
        if (out->count[i] && !table[i].repeat && table[i].metavar &&
            strcmp(out->value[i], val)) {
            int rc = sky_fail(err, SKY_EINVAL, "option --%s given twice ('%s' and '%s')",
                              table[i].name, out->value[i], val);
            cli_parsed_free(out);
            return rc;
        }
        out->value[i] = val;
        const char **nv = realloc(out->values[i], (size_t)(out->count[i] + 2) * sizeof *nv);
        if (!nv) {
            cli_parsed_free(out);
            return sky_nomem(err, "options");
        }
        nv[out->count[i]] = val;
        nv[out->count[i] + 1] = NULL;
        out->values[i] = nv;
        out->count[i]++;
    }
    return SKY_OK;
}

void cli_parsed_free(cli_parsed *p)
{
    if (!p)
        return;
    for (int i = 0; p->values && i < p->ntable; i++)
        free(p->values[i]);
    free(p->values);
    free(p->value);
    free(p->count);
    free(p->pos);
    memset(p, 0, sizeof *p);
}

static int index_of(const cli_parsed *p, const char *name)
{
    for (int i = 0; i < p->ntable; i++)
        if (!strcmp(p->table[i].name, name))
            return i;
    return -1;
}

const char *cli_get(const cli_parsed *p, const char *name)
{
    int i = index_of(p, name);
    return i >= 0 ? p->value[i] : NULL;
}

int cli_has(const cli_parsed *p, const char *name)
{
    int i = index_of(p, name);
    return i >= 0 && p->count[i] > 0;
}

const char *const *cli_all(const cli_parsed *p, const char *name)
{
    int i = index_of(p, name);
    return i >= 0 ? (const char *const *)p->values[i] : NULL;
}

void cli_print_help(const char *usage, const char *intro, const cli_option *table, int ntable)
{
    printf("usage: %s\n", usage);
    if (intro)
        printf("\n%s\n", intro);
    printf("\noptions:\n");
    for (int i = 0; i < ntable; i++) {
        char left[64];
        if (table[i].short_name)
            snprintf(left, sizeof left, "-%c, --%s%s%s", table[i].short_name, table[i].name,
                     table[i].metavar ? " " : "", table[i].metavar ? table[i].metavar : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", table[i].name,
                     table[i].metavar ? " " : "", table[i].metavar ? table[i].metavar : "");
        printf("  %-26s %s\n", left, table[i].help);
    }
}

int cli_int(const char *opt, const char *s, long long lo, long long hi, long long *out,
            sky_error *err)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end || errno || v < lo || v > hi)
        return sky_fail(err, SKY_EINVAL, "%s '%s': expected an integer from %lld to %lld", opt, s,
                        lo, hi);
    *out = v;
    return SKY_OK;
}

int cli_double(const char *opt, const char *s, const char *what, double *out, sky_error *err)
{
    char *end;
    const double v = strtod(s, &end);
    while (*end == ' ')
        end++;
    if (end == s || *end || !isfinite(v))
        return sky_fail(err, SKY_EINVAL, "%s '%s': expected %s", opt, s, what);
    *out = v;
    return SKY_OK;
}

int cli_double_list(const char *opt, const char *s, double **out, int *n, sky_error *err)
{
    int cap = 1;
    for (const char *c = s; *c; c++)
        cap += *c == ',';
    double *v = malloc((size_t)cap * sizeof *v);
    if (!v)
        return sky_nomem(err, opt);
    int k = 0;
    const char *p = s;
    for (;;) {
        char *end;
        while (*p == ' ')
            p++;
        v[k] = strtod(p, &end);
        if (end == p) {
            int rc = sky_fail(err, SKY_EINVAL, "%s '%s': item %d is not a number", opt, s, k + 1);
            free(v);
            return rc;
        }
        if (isnan(v[k])) {
            int rc = sky_fail(err, SKY_EINVAL, "%s '%s': item %d is NaN", opt, s, k + 1);
            free(v);
            return rc;
        }
        k++;
        while (*end == ' ')
            end++;
        if (*end == '\0')
            break;
        if (*end != ',') {
            int rc = sky_fail(err, SKY_EINVAL, "%s '%s': expected comma-separated numbers", opt,
                              s);
            free(v);
            return rc;
        }
        p = end + 1;
    }
    *out = v;
    *n = k;
    return SKY_OK;
}

int cli_exit_code(int status)
{
    return status == SKY_EINVAL || status == SKY_ENOTFOUND || status == SKY_EFORMAT ? 2 : 1;
}

int cli_report(const sky_error *err)
{
    cli_progress_done(); /* a step line in progress ends before the message */
    if (sky_par_rank() == 0) /* under mpirun every process has the message: say it once */
        fprintf(stderr, "skymodel: %s\n", err->msg);
    return cli_exit_code(err->code);
}

/* Adds each comma-separated preset. */
int cli_add_presets(sky_config *cfg, const char *list, sky_error *err)
{
    char *copy = strdup(list), *save = NULL;
    int rc = copy ? SKY_OK : sky_nomem(err, "--preset");
    int count = 0;
    for (char *tok = copy ? strtok_r(copy, ", ", &save) : NULL; tok && !rc;
         tok = strtok_r(NULL, ", ", &save)) {
        rc = sky_config_add_preset(cfg, tok, err);
        count++;
    }
    if (!rc && !count)
        rc = sky_fail(err, SKY_EINVAL, "--preset '%s': expected preset names like d1,s1", list);
    free(copy);
    return rc;
}
