/*
 * datapath.c - template lookup (see datapath.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "datapath.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "download.h"

static int add_dir(sky_datapath *dp, const char *dir, const char *origin)
{
    if (!dir || !*dir)
        return SKY_OK;
    char **d = realloc(dp->dirs, (size_t)(dp->ndirs + 1) * sizeof *d);
    if (!d)
        return SKY_ENOMEM;
    dp->dirs = d;
    const char **o = realloc(dp->origin, (size_t)(dp->ndirs + 1) * sizeof *o);
    if (!o)
        return SKY_ENOMEM;
    dp->origin = o;
    if (!(dp->dirs[dp->ndirs] = strdup(dir)))
        return SKY_ENOMEM;
    dp->origin[dp->ndirs] = origin;
    dp->ndirs++;
    return SKY_OK;
}

static char *default_cache(void)
{
    const char *x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");
    char buf[4096];
    if (x && *x)
        snprintf(buf, sizeof buf, "%s/skymodel", x);
    else
        snprintf(buf, sizeof buf, "%s/.cache/skymodel", h && *h ? h : ".");
    return strdup(buf);
}

int sky_datapath_init(sky_datapath *dp, const sky_options *opt, sky_error *err)
{
    memset(dp, 0, sizeof *dp);
    int rc = SKY_OK;
    for (const char *const *d = opt->data_dirs; d && *d && !rc; d++)
        rc = add_dir(dp, *d, "--data-dir");
    if (!rc)
        rc = add_dir(dp, getenv("SKYMODEL_DATA"), "$SKYMODEL_DATA");
    if (!rc)
        rc = add_dir(dp, getenv("PYSM_LOCAL_DATA"), "$PYSM_LOCAL_DATA");
    const char *cache = opt->cache_dir ? opt->cache_dir : getenv("SKYMODEL_CACHE");
    const char *url = opt->data_url ? opt->data_url : getenv("SKYMODEL_DATA_URL");
    const char *off = getenv("SKYMODEL_OFFLINE");
    dp->cache = cache && *cache ? strdup(cache) : default_cache();
    dp->url = strdup(url && *url ? url : SKY_DEFAULT_DATA_URL);
    dp->offline = opt->offline || (off && *off && strcmp(off, "0"));
    if (rc || !dp->cache || !dp->url) {
        sky_datapath_free(dp);
        return sky_nomem(err, "the data path");
    }
    const char *t = getenv("SKYMODEL_NET_TIMEOUT"), *r = getenv("SKYMODEL_NET_RETRIES");
    dp->fetch = (sky_fetch){dp->url, dp->cache, r ? atoi(r) : 3, t ? atof(t) : 30.0, opt->log,
                            opt->log_ctx};
    return SKY_OK;
}

int sky_datapath_local(const sky_datapath *dp, const char *rel)
{
    char *p = NULL;
    sky_datapath local = *dp;
    local.offline = 1;
    sky_error err;
    int found = sky_datapath_find(&local, rel, &p, &err) == SKY_OK;
    free(p);
    return found;
}

void sky_datapath_free(sky_datapath *dp)
{
    if (!dp)
        return;
    for (int i = 0; i < dp->ndirs; i++)
        free(dp->dirs[i]);
    free(dp->dirs);
    free(dp->origin);
    free(dp->cache);
    free(dp->url);
    dp->cache = dp->url = NULL;
    dp->dirs = NULL;
    dp->origin = NULL;
    dp->ndirs = 0;
}

static int is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int sky_datapath_find(const sky_datapath *dp, const char *rel, char **path, sky_error *err)
{
    *path = NULL;
    if (rel[0] == '/' || is_file(rel)) {
        if (!is_file(rel))
            return sky_fail(err, SKY_ENOTFOUND, "template %s: no such file", rel);
        if (!(*path = strdup(rel)))
            return sky_nomem(err, "a path");
        return SKY_OK;
    }
    for (int i = 0; i < dp->ndirs; i++) {
        size_t n = strlen(dp->dirs[i]) + strlen(rel) + 2;
        char *p = malloc(n);
        if (!p)
            return sky_nomem(err, "a path");
        snprintf(p, n, "%s/%s", dp->dirs[i], rel);
        if (is_file(p)) {
            *path = p;
            return SKY_OK;
        }
        free(p);
    }
    /* the cache, then the server */
    size_t n = strlen(dp->cache) + strlen(rel) + 2;
    char *c = malloc(n);
    if (!c)
        return sky_nomem(err, "a path");
    snprintf(c, n, "%s/%s", dp->cache, rel);
    if (dp->offline) {
        if (is_file(c) && sky_check_template(c, rel, err) == SKY_OK) {
            *path = c;
            return SKY_OK;
        }
        free(c);
        char list[700] = "";
        size_t used = 0;
        for (int i = 0; i < dp->ndirs && used < sizeof list; i++)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s (%s), ", dp->dirs[i],
                                     dp->origin[i]);
        return sky_fail(err, SKY_ENOTFOUND,
                        "template %s not found in: %s%s (cache); offline, so not downloaded", rel,
                        list, dp->cache);
    }
    free(c);
    int rc = sky_fetch_file(&dp->fetch, rel, path, err);
    if (rc && rc != SKY_ENOMEM) {
        /* one line: every place searched, why the download failed, what to do */
        char list[600] = "";
        size_t used = 0;
        for (int i = 0; i < dp->ndirs && used < sizeof list; i++)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s (%s), ", dp->dirs[i],
                                     dp->origin[i]);
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        sky_fail(err, rc, "template %s not found in %sthe cache %s, nor downloadable: %.300s "
                 "(synthetic templates: skymodel templates DIR; download ahead: skymodel "
                 "fetch; never download: --offline)", rel, list, dp->cache, why);
    }
    return rc;
}
