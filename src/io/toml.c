/*
 * toml.c - a strict reader for PySM's TOML dialect (see toml.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "toml.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "textfile.h"

/* Arrays and inline tables nested deeper are refused (PySM's files nest
 * two levels; the bound keeps the recursive reader off the stack's end). */
enum { MAX_DEPTH = 128 };

typedef struct reader {
    const char *s; /* current position */
    const char *file;
    int line;
    sky_error *err;
    int depth; /* arrays and inline tables open at r->s */
} reader;

static int fail_at(reader *r, const char *what)
{
    return sky_fail(r->err, SKY_EFORMAT, "%s:%d: %s", r->file, r->line, what);
}

static void skip_blank(reader *r)
{
    while (*r->s == ' ' || *r->s == '\t')
        r->s++;
}

/* Blanks, then a comment or the end of the line (or text). */
static int end_of_line(reader *r)
{
    skip_blank(r);
    if (*r->s == '#')
        while (*r->s && *r->s != '\n')
            r->s++;
    if (*r->s == '\r' && r->s[1] == '\n')
        r->s++;
    if (*r->s && *r->s != '\n')
        return fail_at(r, "unexpected text after the value (expected a comment or the end of "
                          "the line)");
    return SKY_OK;
}

static int is_bare(int c)
{
    return isalnum(c) || c == '_' || c == '-';
}

static void put_utf8(char **o, unsigned long c)
{
    unsigned char *p = (unsigned char *)*o;
    if (c < 0x80) {
        *p++ = (unsigned char)c;
    } else if (c < 0x800) {
        *p++ = (unsigned char)(0xC0 | c >> 6);
        *p++ = (unsigned char)(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        *p++ = (unsigned char)(0xE0 | c >> 12);
        *p++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        *p++ = (unsigned char)(0x80 | (c & 0x3F));
    } else {
        *p++ = (unsigned char)(0xF0 | c >> 18);
        *p++ = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
        *p++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        *p++ = (unsigned char)(0x80 | (c & 0x3F));
    }
    *o = (char *)p;
}

/* A basic or literal string at r->s into a new string (*out may be NULL to
 * check only). */
static int parse_string(reader *r, char **out)
{
    const char q = *r->s;
    if (r->s[1] == q && r->s[2] == q)
        return fail_at(r, "multi-line strings are not supported");
    r->s++;
    char *buf = malloc(strlen(r->s) + 1), *o = buf;
    if (!buf)
        return sky_nomem(r->err, "a TOML string");
    while (*r->s != q) {
        if (!*r->s || *r->s == '\n') {
            free(buf);
            return fail_at(r, "unterminated string");
        }
        if (q == '"' && *r->s == '\\') {
            const char e = r->s[1];
            if (!e || e == '\n') { /* never step past the end of the text */
                free(buf);
                return fail_at(r, "unterminated string (a '\\' at the end of the line)");
            }
            r->s += 2;
            switch (e) {
            case 'b': *o++ = '\b'; break;
            case 't': *o++ = '\t'; break;
            case 'n': *o++ = '\n'; break;
            case 'f': *o++ = '\f'; break;
            case 'r': *o++ = '\r'; break;
            case '"': *o++ = '"'; break;
            case '\\': *o++ = '\\'; break;
            case 'u':
            case 'U': {
                const int nd = e == 'u' ? 4 : 8;
                unsigned long c = 0;
                for (int k = 0; k < nd; k++, r->s++) {
                    if (!isxdigit((unsigned char)*r->s)) {
                        free(buf);
                        return fail_at(r, "bad \\u escape in a string");
                    }
                    c = c * 16 + (unsigned long)(isdigit((unsigned char)*r->s)
                                                     ? *r->s - '0'
                                                     : tolower((unsigned char)*r->s) - 'a' + 10);
                }
                if (!c || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
                    free(buf);
                    return fail_at(r, "\\u escape of a NUL or a non-Unicode value");
                }
                put_utf8(&o, c);
                break;
            }
            default:
                free(buf);
                return fail_at(r, "unknown escape in a string (expected \\b \\t \\n \\f \\r "
                                  "\\\" \\\\ \\uXXXX)");
            }
            continue;
        }
        *o++ = *r->s++;
    }
    r->s++;
    *o = '\0';
    if (out)
        *out = buf;
    else
        free(buf);
    return SKY_OK;
}

/* A number or boolean token at r->s. */
static int parse_scalar(reader *r, sky_toml_value *v)
{
    const char *start = r->s;
    while (*r->s && !strchr(" \t\r\n#,]}", *r->s))
        r->s++;
    const size_t n = (size_t)(r->s - start);
    char tok[128], clean[128], *c = clean;
    if (n == 0 || n >= sizeof tok)
        return fail_at(r, "expected a value (a string, number, boolean, array or inline table)");
    memcpy(tok, start, n);
    tok[n] = '\0';
    if (!strcmp(tok, "true") || !strcmp(tok, "false")) {
        v->kind = SKY_TOML_BOOL;
        v->num = tok[0] == 't';
        return SKY_OK;
    }
    int ok = 1;
    for (size_t i = 0; i < n; i++) { /* _ only between two digits */
        if (tok[i] != '_')
            *c++ = tok[i];
        else if (!i || !isdigit((unsigned char)tok[i - 1]) || !isdigit((unsigned char)tok[i + 1]))
            ok = 0;
    }
    *c = '\0';
    const int neg = clean[0] == '-';
    const char *digits = clean + (clean[0] == '+' || neg);
    v->kind = SKY_TOML_NUMBER;
    if (ok && (!strcmp(digits, "inf") || !strcmp(digits, "nan"))) {
        v->num = digits[0] == 'i' ? INFINITY : NAN;
        v->num = neg ? -v->num : v->num;
        return SKY_OK;
    }
    char *end = NULL;
    errno = 0;
    v->num = strtod(clean, &end);
    /* decimal only (no hex, octal or binary forms), no leading zeros */
    if (!ok || !isdigit((unsigned char)digits[0]) || *end || errno == ERANGE ||
        strpbrk(digits, "xXoObB") || (digits[0] == '0' && isdigit((unsigned char)digits[1]))) {
        char msg[256];
        snprintf(msg, sizeof msg, "'%.120s' is not a TOML value (a quoted string, a decimal "
                 "number, true or false)", tok);
        return fail_at(r, msg);
    }
    return SKY_OK;
}

static int parse_value(reader *r, sky_toml_value *v);

/* A key or table name part, quoted or bare, into a new string (*out NULL:
 * checked only); `what` says what was expected when there is none. */
static int parse_key(reader *r, char **out, const char *what)
{
    if (*r->s == '"' || *r->s == '\'')
        return parse_string(r, out) ? SKY_EFORMAT : SKY_OK;
    const char *k = r->s;
    while (is_bare((unsigned char)*r->s))
        r->s++;
    if (r->s == k)
        return fail_at(r, what);
    if (out && !(*out = strndup(k, (size_t)(r->s - k))))
        return sky_nomem(r->err, "a TOML key");
    return SKY_OK;
}

/* Blanks; in arrays also newlines and comments. */
static void skip_space(reader *r, int multiline)
{
    for (;;) {
        skip_blank(r);
        if (multiline && *r->s == '#')
            while (*r->s && *r->s != '\n')
                r->s++;
        if (multiline && (*r->s == '\n' || *r->s == '\r')) {
            r->line += *r->s == '\n';
            r->s++;
            continue;
        }
        return;
    }
}

static int compound_body(reader *r, sky_toml_value *v, char close, int array);

/* Arrays and inline tables: checked element by element; the text kept. */
static int parse_compound(reader *r, sky_toml_value *v)
{
    const char open = *r->s, close = open == '[' ? ']' : '}';
    const int array = open == '[';
    if (r->depth >= MAX_DEPTH)
        return fail_at(r, "arrays or inline tables nested more than 128 deep");
    r->depth++;
    const int rc = compound_body(r, v, close, array);
    r->depth--;
    return rc;
}

static int compound_body(reader *r, sky_toml_value *v, char close, int array)
{
    const char *start = r->s;
    const int line0 = r->line;
    int want_value = 1, first = 1;
    r->s++;
    for (;;) {
        skip_space(r, array);
        /* arrays may end after a comma, inline tables may not */
        if (*r->s == close && (!want_value || first || array)) {
            r->s++;
            break;
        }
        if (!*r->s || *r->s == '\n' || *r->s == '\r') {
            r->line = line0; /* said where it starts */
            return fail_at(r, array ? "unterminated array" : "unterminated inline table");
        }
        if (!want_value) {
            if (*r->s != ',')
                return fail_at(r, array ? "expected ',' or ']' in an array"
                                        : "expected ',' or '}' in an inline table");
            r->s++;
            want_value = 1;
            continue;
        }
        if (!array) { /* key = value */
            int rc = parse_key(r, NULL, "expected a key in an inline table");
            if (rc)
                return rc;
            skip_blank(r);
            if (*r->s != '=')
                return fail_at(r, "expected '=' after a key in an inline table");
            r->s++;
        }
        sky_toml_value e = {0};
        const int rc = parse_value(r, &e);
        free(e.str);
        if (rc)
            return rc;
        want_value = first = 0;
    }
    const size_t len = (size_t)(r->s - start);
    v->kind = SKY_TOML_RAW;
    if (!(v->str = malloc(len + 1)))
        return sky_nomem(r->err, "a TOML value");
    memcpy(v->str, start, len);
    v->str[len] = '\0';
    return SKY_OK;
}

static int parse_value(reader *r, sky_toml_value *v)
{
    skip_blank(r);
    if (*r->s == '"' || *r->s == '\'') {
        v->kind = SKY_TOML_STRING;
        return parse_string(r, &v->str);
    }
    if (*r->s == '[' || *r->s == '{')
        return parse_compound(r, v);
    return parse_scalar(r, v);
}

static int add_table(sky_toml *doc, const char *name, int line, reader *r)
{
    if (sky_toml_find(doc, name)) {
        char msg[300];
        snprintf(msg, sizeof msg, "table [%s] defined twice", name);
        return fail_at(r, msg);
    }
    sky_toml_table *t = realloc(doc->t, (size_t)(doc->n + 1) * sizeof *t);
    if (!t)
        return sky_nomem(r->err, "a TOML table");
    doc->t = t;
    t = &doc->t[doc->n];
    memset(t, 0, sizeof *t);
    if (!(t->name = strdup(name)))
        return sky_nomem(r->err, "a TOML table");
    t->line = line;
    doc->n++;
    return SKY_OK;
}

/* [name] or [name.sub], each part bare or quoted */
static int parse_header(reader *r, sky_toml *doc)
{
    char name[256] = "";
    size_t used = 0;
    r->s++;
    if (*r->s == '[')
        return fail_at(r, "arrays of tables ([[...]]) are not supported");
    for (;;) {
        skip_blank(r);
        char *part = NULL;
        int rc = parse_key(r, &part, "expected a table name in [...]");
        if (rc)
            return rc;
        const size_t np = strlen(part);
        if (used + (used > 0) + np >= sizeof name) {
            free(part);
            return fail_at(r, "table name longer than 255 characters");
        }
        if (used)
            name[used++] = '.';
        memcpy(name + used, part, np + 1);
        used += np;
        free(part);
        skip_blank(r);
        if (*r->s == '.') {
            r->s++;
            continue;
        }
        if (*r->s != ']')
            return fail_at(r, "expected ']' to close the table name");
        r->s++;
        break;
    }
    int rc = add_table(doc, name, r->line, r);
    return rc ? rc : end_of_line(r);
}

static int parse_pair(reader *r, sky_toml *doc)
{
    if (!doc->n)
        return fail_at(r, "a key outside any table (expected [name] first)");
    sky_toml_table *t = &doc->t[doc->n - 1];
    sky_toml_value v = {0};
    v.line = r->line;
    int rc = parse_key(r, &v.key, "expected a key, a [table] or a comment");
    if (rc)
        return rc;
    skip_blank(r);
    if (*r->s == '.')
        rc = fail_at(r, "dotted keys are not supported (use a [table.sub] header)");
    else if (*r->s != '=')
        rc = fail_at(r, "expected '=' after the key");
    if (!rc && sky_toml_get(t, v.key)) {
        char msg[300];
        snprintf(msg, sizeof msg, "key '%s' given twice in [%s]", v.key, t->name);
        rc = fail_at(r, msg);
    }
    if (!rc) {
        r->s++;
        rc = parse_value(r, &v);
    }
    if (!rc)
        rc = end_of_line(r);
    sky_toml_value *nv = rc ? NULL : realloc(t->v, (size_t)(t->n + 1) * sizeof *nv);
    if (!rc && !nv)
        rc = sky_nomem(r->err, "a TOML value");
    if (rc) {
        free(v.key);
        free(v.str);
        return rc;
    }
    t->v = nv;
    t->v[t->n++] = v;
    return SKY_OK;
}

int sky_toml_parse(const char *text, const char *file, sky_toml *doc, sky_error *err)
{
    reader r = {text, file, 1, err, 0};
    memset(doc, 0, sizeof *doc);
    int rc = SKY_OK;
    while (*r.s && !rc) {
        skip_blank(&r);
        if (*r.s == '[')
            rc = parse_header(&r, doc);
        else if (*r.s == '#' || *r.s == '\n' || *r.s == '\r' || !*r.s)
            rc = end_of_line(&r);
        else
            rc = parse_pair(&r, doc);
        if (!rc && *r.s == '\n') {
            r.s++;
            r.line++;
        }
    }
    if (rc)
        sky_toml_free(doc);
    return rc;
}

int sky_toml_read(const char *path, sky_toml *doc, sky_error *err)
{
    char *text;
    size_t len;
    int rc = sky_textfile_read(path, "TOML file", SKY_TOML_MAX_BYTES, &text, &len, err);
    if (rc)
        return rc;
    rc = sky_toml_parse(text, path, doc, err);
    free(text);
    return rc;
}

void sky_toml_free(sky_toml *doc)
{
    for (int i = 0; i < doc->n; i++) {
        for (int k = 0; k < doc->t[i].n; k++) {
            free(doc->t[i].v[k].key);
            free(doc->t[i].v[k].str);
        }
        free(doc->t[i].v);
        free(doc->t[i].name);
    }
    free(doc->t);
    memset(doc, 0, sizeof *doc);
}

const sky_toml_table *sky_toml_find(const sky_toml *doc, const char *name)
{
    for (int i = 0; i < doc->n; i++)
        if (!strcmp(doc->t[i].name, name))
            return &doc->t[i];
    return NULL;
}

const sky_toml_value *sky_toml_get(const sky_toml_table *t, const char *key)
{
    for (int k = 0; k < t->n; k++)
        if (!strcmp(t->v[k].key, key))
            return &t->v[k];
    return NULL;
}
