/*
 * download.h - templates fetched from the PySM data server into a cache.
 *
 * A file is downloaded (libcurl) to `<cache>/<rel>.part`, checked (size
 * against Content-Length; a FITS file must open with a binary-table
 * extension; text tables must parse), fsync'd and renamed to `<cache>/<rel>`.
 * A lock file `<cache>/<rel>.lock` (fcntl) lets one process download while
 * others wait and then use the result. Interrupted transfers resume where the
 * server allows it. Nothing is written outside the cache folder.
 */
#ifndef SKY_DATA_DOWNLOAD_H
#define SKY_DATA_DOWNLOAD_H

#include "skymodel.h"

typedef struct sky_fetch {
    const char *url;       /* base URL; the relative path is appended */
    const char *cache;     /* cache folder */
    int retries;           /* further attempts after a failed one (3) */
    double timeout_s;      /* a transfer slower than 1 byte/s for this long fails (30 s) */
    void (*log)(void *ctx, const char *line);
    void *log_ctx;
} sky_fetch;

/* Checks a template file as a download is checked, by the kind of file
 * `name` (its template path) says; SKY_EFORMAT otherwise. */
int sky_check_template(const char *path, const char *name, sky_error *err);

/* Returns in *path (malloc'ed) the cached copy of `rel`, downloading it when
 * absent or failing its check (the bad copy is moved aside to .bad). */
int sky_fetch_file(const sky_fetch *f, const char *rel, char **path, sky_error *err);

/* The size the server announces for `rel` (HEAD request); -1 when it does not say. */
int sky_fetch_size(const sky_fetch *f, const char *rel, long long *bytes, sky_error *err);

#endif
