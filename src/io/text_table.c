/*
 * text_table.c - a strict numpy.loadtxt for the text tables PySM reads
 * (spinning-dust emissivity, bandpasses, CMB spectra). Errors give file:line.
 */
#define _POSIX_C_SOURCE 200809L
#include "text_table.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"

/* The next line of f (its '\n' dropped) into *line, growing it up to
 * SKY_TABLE_MAX_LINE: 1, 0 at the end of the file, or an error (status in
 * *rc): a line too long, a NUL byte (a binary file or a device such as
 * /dev/zero), out of memory or a read error. *total counts the bytes read. */
static int next_line(FILE *f, const char *what, const char *path, int lineno, char **line,
                     size_t *cap, size_t *total, int *rc, sky_error *err)
{
    size_t n = 0;
    int c;
    while ((c = getc_unlocked(f)) != EOF && c != '\n') {
        if (c == '\0') {
            *rc = sky_fail(err, SKY_EFORMAT, "%s %s:%d: a NUL byte: not a text table", what, path,
                           lineno);
            return -1;
        }
        if (++*total > SKY_TABLE_MAX_BYTES) {
            *rc = sky_fail(err, SKY_EFORMAT, "%s %s: larger than %d MiB, the limit for a text "
                           "table", what, path, SKY_TABLE_MAX_BYTES >> 20);
            return -1;
        }
        if (n + 2 > *cap) {
            if (*cap >= SKY_TABLE_MAX_LINE) {
                *rc = sky_fail(err, SKY_EFORMAT, "%s %s:%d: a line longer than %d KiB", what,
                               path, lineno, SKY_TABLE_MAX_LINE >> 10);
                return -1;
            }
            const size_t nc = *cap ? 2 * *cap : 256;
            char *nl = realloc(*line, nc);
            if (!nl) {
                *rc = sky_nomem(err, what);
                return -1;
            }
            *line = nl;
            *cap = nc;
        }
        (*line)[n++] = (char)c;
    }
    if (ferror(f)) {
        *rc = sky_fail(err, errno == EISDIR ? SKY_EFORMAT : SKY_EIO, "%s %s: %s", what, path,
                       errno == EISDIR ? "is a directory" : strerror(errno));
        return -1;
    }
    if (c == EOF && n == 0)
        return 0;
    ++*total;
    if (!*line && !(*line = malloc(*cap = 256))) {
        *rc = sky_nomem(err, what);
        return -1;
    }
    (*line)[n] = '\0';
    return 1;
}

int sky_table_read(const char *path, const char *what, sky_table *t, sky_error *err)
{
    FILE *f = fopen(path, "r");
    t->nrows = t->ncols = 0;
    t->data = NULL;
    if (!f)
        return sky_fail(err, errno == ENOENT ? SKY_ENOTFOUND : SKY_EIO, "%s %s: %s", what, path,
                        strerror(errno));
    struct stat st = {0};
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return sky_fail(err, SKY_EFORMAT, "%s %s: is a directory: expected a text table", what,
                        path);
    }
    if (S_ISREG(st.st_mode) && st.st_size > SKY_TABLE_MAX_BYTES) {
        fclose(f);
        return sky_fail(err, SKY_EFORMAT, "%s %s: larger than %d MiB, the limit for a text table",
                        what, path, SKY_TABLE_MAX_BYTES >> 20);
    }
    char *line = NULL;
    size_t cap = 0, used = 0, alloc = 0, total = 0;
    int lineno = 0, rc = SKY_OK, more;
    while ((more = next_line(f, what, path, lineno + 1, &line, &cap, &total, &rc, err)) > 0) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        int ncol = 0;
        char *p = line;
        for (;;) {
            while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == ',')
                p++;
            if (!*p)
                break;
            char *end;
            errno = 0;
            double v = strtod(p, &end);
            if (end == p || (*end && !strchr(" \t\r\n,", *end))) {
                rc = sky_fail(err, SKY_EFORMAT, "%s %s:%d: '%.*s' is not a number", what, path,
                              lineno, (int)strcspn(p, " \t\r\n,"), p);
                goto done;
            }
            if (used == alloc) {
                size_t na = alloc ? 2 * alloc : 1024;
                double *nd = realloc(t->data, na * sizeof *nd);
                if (!nd) {
                    rc = sky_nomem(err, what);
                    goto done;
                }
                t->data = nd;
                alloc = na;
            }
            t->data[used++] = v;
            ncol++;
            p = end;
        }
        if (!ncol)
            continue;
        if (t->ncols && ncol != t->ncols) {
            rc = sky_fail(err, SKY_EFORMAT, "%s %s:%d: %d columns, expected %d as on earlier lines",
                          what, path, lineno, ncol, t->ncols);
            goto done;
        }
        t->ncols = ncol;
        t->nrows++;
    }
    if (more < 0)
        goto done; /* rc set */
    if (!t->nrows)
        rc = sky_fail(err, SKY_EFORMAT, "%s %s: no data rows", what, path);
done:
    free(line);
    fclose(f);
    if (rc)
        sky_table_free(t);
    return rc;
}

void sky_table_free(sky_table *t)
{
    if (t) {
        free(t->data);
        t->data = NULL;
        t->nrows = t->ncols = 0;
    }
}

int sky_band_read(const char *path, double **freq_ghz, double **weight, int *n, sky_error *err)
{
    sky_table t;
    int rc = sky_table_read(path, "bandpass file", &t, err);
    if (rc)
        return rc;
    if (t.ncols != 2) {
        rc = sky_fail(err, SKY_EFORMAT,
                      "bandpass file %s: %d columns, expected 2 (frequency in GHz, weight)", path,
                      t.ncols);
        sky_table_free(&t);
        return rc;
    }
    double *f = malloc((size_t)t.nrows * sizeof *f), *w = malloc((size_t)t.nrows * sizeof *w);
    if (!f || !w) {
        free(f);
        free(w);
        sky_table_free(&t);
        return sky_nomem(err, "a bandpass");
    }
    for (int i = 0; i < t.nrows; i++) {
        f[i] = sky_table_at(&t, i, 0);
        w[i] = sky_table_at(&t, i, 1);
    }
    *n = t.nrows;
    *freq_ghz = f;
    *weight = w;
    sky_table_free(&t);
    sky_band b = {*n, f, w};
    if ((rc = sky_band_check(&b, err))) {
        sky_prefix(err, rc, "bandpass file %s: ", path);
        free(f);
        free(w);
        *freq_ghz = *weight = NULL;
    }
    return rc;
}
