/*
 * outpath.c - output locations checked before any work (see outpath.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "outpath.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"

static int remember(sky_outdirs *made, const char *dir)
{
    char **d = realloc(made->dir, (size_t)(made->n + 1) * sizeof *d);
    if (!d)
        return SKY_ENOMEM;
    made->dir = d;
    if (!(d[made->n] = strdup(dir)))
        return SKY_ENOMEM;
    made->n++;
    return SKY_OK;
}

/* mkdir -p: every missing folder of `dir` made, in order, and remembered. */
static int make_folders(const char *opt, const char *path, const char *dir, sky_outdirs *made,
                        sky_error *err)
{
    char *d = strdup(dir);
    if (!d)
        return sky_nomem(err, "a path");
    size_t n = strlen(d);
    int rc = SKY_OK;
    for (size_t i = 1; i <= n && !rc; i++) {
        if (d[i] != '/' && d[i] != '\0')
            continue;
        const char keep = d[i];
        d[i] = '\0';
        struct stat st;
        if (stat(d, &st) == 0) {
            if (!S_ISDIR(st.st_mode))
                rc = sky_fail(err, SKY_EINVAL, "%s %s: %s is not a folder", opt, path, d);
        } else if (mkdir(d, 0777) == 0) {
            if (remember(made, d))
                rc = sky_nomem(err, "a path");
        } else if (errno != EEXIST) { /* EEXIST: made meanwhile by another process */
            rc = sky_fail(err, SKY_EINVAL, "%s %s: cannot make the folder %s: %s", opt, path, d,
                          strerror(errno));
        }
        d[i] = keep;
    }
    free(d);
    return rc;
}

/* A file can be made in `dir`: made and removed at once. */
static int writable(const char *opt, const char *path, const char *dir, sky_error *err)
{
    size_t n = strlen(dir) + 32;
    char *probe = malloc(n);
    if (!probe)
        return sky_nomem(err, "a path");
    snprintf(probe, n, "%s/.skymodel-probe-XXXXXX", dir);
    int fd = mkstemp(probe), rc = SKY_OK;
    if (fd < 0) {
        rc = sky_fail(err, SKY_EINVAL, "%s %s: cannot write in the folder %s: %s", opt, path,
                      dir, strerror(errno));
    } else {
        close(fd);
        unlink(probe);
    }
    free(probe);
    return rc;
}

static int prepare_folder(const char *opt, const char *path, const char *dir, sky_outdirs *made,
                          sky_error *err)
{
    int rc = make_folders(opt, path, dir, made, err);
    return rc ? rc : writable(opt, path, dir, err);
}

int sky_output_file(const char *opt, const char *path, int overwrite, sky_outdirs *made,
                    sky_error *err)
{
    if (!path || !*path)
        return sky_fail(err, SKY_EINVAL, "%s '': expected a file name", opt);
    struct stat st;
    const size_t n = strlen(path);
    if (path[n - 1] == '/' || (stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
        return sky_fail(err, SKY_EINVAL, "%s %s: is a directory: expected a file name", opt,
                        path);
    if (!overwrite && lstat(path, &st) == 0)
        return sky_fail(err, SKY_EINVAL, "%s: file exists: use --force to overwrite it", path);
    const char *slash = strrchr(path, '/');
    if (!slash)
        return writable(opt, path, ".", err);
    if (slash == path)
        return writable(opt, path, "/", err);
    char *dir = strndup(path, (size_t)(slash - path));
    if (!dir)
        return sky_nomem(err, "a path");
    int rc = prepare_folder(opt, path, dir, made, err);
    free(dir);
    return rc;
}

int sky_output_folder(const char *opt, const char *dir, sky_outdirs *made, sky_error *err)
{
    struct stat st;
    if (!dir || !*dir)
        return sky_fail(err, SKY_EINVAL, "%s '': expected a folder name", opt);
    if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
        return sky_fail(err, SKY_EINVAL, "%s %s: exists and is not a folder: with --instrument, "
                        "%s names the output folder", opt, dir, opt);
    return prepare_folder(opt, dir, dir, made, err);
}

void sky_outdirs_undo(sky_outdirs *made)
{
    for (int i = made->n - 1; i >= 0; i--)
        rmdir(made->dir[i]);
    sky_outdirs_free(made);
}

void sky_outdirs_free(sky_outdirs *made)
{
    for (int i = 0; i < made->n; i++)
        free(made->dir[i]);
    free(made->dir);
    made->dir = NULL;
    made->n = 0;
}
