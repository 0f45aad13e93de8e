/*
 * band_samples.c - writing resampled bandpasses (sky_band_samples_write,
 * skymodel.h): one text file per bandpass, <stem>_<k>.txt (k from 0), and an
 * instrument file naming them, instrument.json, ready for `skymodel sim
 * --instrument`. Every file is written to a temporary name first and all
 * are renamed into place only when all are complete, so that a run leaves
 * all its files or none.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/tmpfiles.h"
#include "skymodel.h"

typedef struct outfile {
    char *path, *tmp;
    int tmp_id;
} outfile;

static char *joined(const char *dir, const char *name)
{
    size_t d = strlen(dir);
    while (d > 1 && dir[d - 1] == '/')
        d--;
    const size_t n = d + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%.*s%s%s", (int)d, dir, dir[d - 1] == '/' ? "" : "/", name);
    return p;
}

/* A temporary file beside `o->path`, open for writing. */
static FILE *open_tmp(outfile *o, sky_error *err)
{
    const size_t n = strlen(o->path) + 16;
    if (!(o->tmp = malloc(n))) {
        sky_nomem(err, "a file name");
        return NULL;
    }
    snprintf(o->tmp, n, "%s.tmp.XXXXXX", o->path);
    int fd = mkstemp(o->tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        sky_fail(err, SKY_EIO, "%s: cannot create: %s", o->path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(o->tmp);
        }
        free(o->tmp);
        o->tmp = NULL;
        return NULL;
    }
    o->tmp_id = sky_tmpfile_note(o->tmp);
    return f;
}

static int close_tmp(FILE *f, const outfile *o, sky_error *err)
{
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    return bad ? sky_fail(err, SKY_EIO, "%s: write failed: %s", o->path, strerror(errno))
               : SKY_OK;
}

static int write_band(outfile *o, const sky_band_sample *s, int k, int count,
                      const char *header, sky_error *err)
{
    FILE *f = open_tmp(o, err);
    if (!f)
        return err->code;
    if (header && *header)
        fprintf(f, "# %s\n", header);
    fprintf(f, "# bandpass %d of %d: centroid %.6f GHz, bandwidth %.6f GHz\n"
               "# frequency_GHz weight (unit area)\n",
            k, count, s->centroid, s->bandwidth);
    for (int i = 0; i < s->n; i++)
        fprintf(f, "%.17g %.17g\n", s->freq_ghz[i], s->weight[i]);
    return close_tmp(f, o, err);
}

static int write_instrument(outfile *o, const char *stem, const sky_band_sample *s, int count,
                            const char *header, sky_error *err)
{
    json_t *root = json_object(), *chans = json_array();
    int ok = root && chans;
    if (ok && header && *header)
        ok = !json_object_set_new(root, "description", json_string(header));
    char name[SKY_CHANNEL_NAME_MAX + 32];
    for (int k = 0; ok && k < count; k++) {
        json_t *c = json_object();
        snprintf(name, sizeof name, "%s_%d", stem, k);
        ok = c && !json_object_set_new(c, "name", json_string(name));
        strcat(name, ".txt");
        ok = ok && !json_object_set_new(c, "bandpass_file", json_string(name)) &&
             !json_object_set_new(c, "center_GHz", json_real(s[k].centroid)) &&
             !json_array_append_new(chans, c);
    }
    ok = ok && !json_object_set_new(root, "channels", chans);
    if (!ok) {
        json_decref(root);
        return sky_nomem(err, "the instrument file");
    }
    FILE *f = open_tmp(o, err);
    int rc = f ? SKY_OK : err->code;
    if (f) {
        if (json_dumpf(root, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17)))
            rc = sky_fail(err, SKY_EIO, "%s: write failed", o->path);
        fputc('\n', f);
        const int rc2 = close_tmp(f, o, err);
        if (!rc)
            rc = rc2;
    }
    json_decref(root);
    return rc;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

int sky_band_samples_write(const char *dir, const char *stem, const sky_band_sample *s,
                           int count, const char *header, int overwrite, sky_error *err)
{
    if (!stem || !*stem || strlen(stem) > SKY_CHANNEL_NAME_MAX - 8 || strchr(stem, '/'))
        return sky_fail(err, SKY_EINVAL, "bandpass name '%s': expected a file name of at most "
                        "%d characters", stem ? stem : "", SKY_CHANNEL_NAME_MAX - 8);
    for (const char *c = stem; *c; c++)
        if (!(*c == '-' || *c == '_' || *c == '.' || (*c >= '0' && *c <= '9') ||
              (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')))
            return sky_fail(err, SKY_EINVAL, "bandpass name '%s': expected letters, digits, "
                            "'.', '-' and '_' only (it names the channels)", stem);
    outfile *o = calloc((size_t)count + 1, sizeof *o);
    if (!o)
        return sky_nomem(err, "the output names");
    int rc = SKY_OK;
    char name[SKY_CHANNEL_NAME_MAX + 32];
    for (int k = 0; k <= count && !rc; k++) {
        o[k].tmp_id = -1;
        if (k < count)
            snprintf(name, sizeof name, "%s_%d.txt", stem, k);
        else
            snprintf(name, sizeof name, "instrument.json");
        if (!(o[k].path = joined(dir, name)))
            rc = sky_nomem(err, "the output names");
        else if (!overwrite && exists(o[k].path))
            rc = sky_fail(err, SKY_EINVAL, "%s: file exists: use --force to overwrite it",
                          o[k].path);
    }
    for (int k = 0; k < count && !rc; k++)
        rc = write_band(&o[k], &s[k], k, count, header, err);
    if (!rc)
        rc = write_instrument(&o[count], stem, s, count, header, err);
    int moved = 0;
    for (int k = 0; k <= count && !rc; k++, moved++)
        if (rename(o[k].tmp, o[k].path) != 0)
            rc = sky_fail(err, SKY_EIO, "%s: cannot move into place: %s", o[k].path,
                          strerror(errno));
    for (int k = 0; k <= count; k++) {
        if (k < moved) {
            if (rc)
                unlink(o[k].path); /* all or none */
        } else if (o[k].tmp) {
            unlink(o[k].tmp);
        }
        if (o[k].tmp_id >= 0)
            sky_tmpfile_forget(o[k].tmp_id);
        free(o[k].path);
        free(o[k].tmp);
    }
    free(o);
    return rc;
}
