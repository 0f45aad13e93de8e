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

int sky_datapath_init(sky_datapath *dp, const char *const *dirs, sky_error *err)
{
    dp->ndirs = 0;
    dp->dirs = NULL;
    dp->origin = NULL;
    int rc = SKY_OK;
    for (const char *const *d = dirs; d && *d && !rc; d++)
        rc = add_dir(dp, *d, "--data-dir");
    if (!rc)
        rc = add_dir(dp, getenv("SKYMODEL_DATA"), "$SKYMODEL_DATA");
    if (!rc)
        rc = add_dir(dp, getenv("PYSM_LOCAL_DATA"), "$PYSM_LOCAL_DATA");
    if (rc) {
        sky_datapath_free(dp);
        return sky_nomem(err, "the data path");
    }
    return SKY_OK;
}

void sky_datapath_free(sky_datapath *dp)
{
    if (!dp)
        return;
    for (int i = 0; i < dp->ndirs; i++)
        free(dp->dirs[i]);
    free(dp->dirs);
    free(dp->origin);
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
    if (!dp->ndirs)
        return sky_fail(err, SKY_ENOTFOUND,
                        "template %s: no data folder to search (give --data-dir, or set "
                        "$SKYMODEL_DATA or $PYSM_LOCAL_DATA)",
                        rel);
    char list[700] = "";
    size_t used = 0;
    for (int i = 0; i < dp->ndirs && used < sizeof list; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s (%s)", i ? ", " : "",
                                 dp->dirs[i], dp->origin[i]);
    return sky_fail(err, SKY_ENOTFOUND, "template %s not found in: %s", rel, list);
}
