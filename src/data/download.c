/*
 * download.c - fetching templates into the cache (see download.h).
 */
#define _GNU_SOURCE
#include "download.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <fitsio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "core/log.h"
#include "io/fits_open.h"
#include "io/text_table.h"

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

int sky_check_template(const char *path, const char *name, sky_error *err)
{
    if (ends_with(name, ".fits") || ends_with(name, ".fits.gz") || ends_with(name, ".fit")) {
        fitsfile *fp;
        int status = 0, hdutype = 0;
        sky_error e2;
        if (sky_fits_open_read(path, &fp, &e2)) {
            fits_clear_errmsg();
            /* cfitsio's reasons aside, say what is wrong with the file */
            if (strstr(e2.msg, "cannot open as FITS"))
                return sky_fail(err, SKY_EFORMAT, "%s: not a FITS file", path);
            if (err) {
                *err = e2;
                err->code = SKY_EFORMAT;
            }
            return SKY_EFORMAT;
        }
        fits_movabs_hdu(fp, 2, &hdutype, &status);
        int s2 = 0;
        fits_close_file(fp, &s2);
        fits_clear_errmsg();
        if (status || (hdutype != BINARY_TBL && hdutype != ASCII_TBL))
            return sky_fail(err, SKY_EFORMAT, "%s: FITS file without a table extension", path);
        return SKY_OK;
    }
    if (ends_with(name, ".txt") || ends_with(name, ".dat")) {
        sky_table t;
        int rc = sky_table_read(path, "table", &t, err);
        if (!rc)
            sky_table_free(&t);
        return rc;
    }
    return SKY_OK;
}

static int mkdirs_for(const char *file, sky_error *err)
{
    char *d = strdup(file);
    if (!d)
        return sky_nomem(err, "a path");
    for (char *c = d + 1; *c; c++) {
        if (*c != '/')
            continue;
        *c = '\0';
        if (mkdir(d, 0755) != 0 && errno != EEXIST) {
            int rc = sky_fail(err, SKY_EIO, "%s: cannot create the cache folder: %s", d,
                              strerror(errno));
            free(d);
            return rc;
        }
        *c = '/';
    }
    free(d);
    return SKY_OK;
}

typedef struct transfer {
    FILE *fp;
    curl_off_t offset; /* bytes already in the .part file when the request started */
    CURL *curl;
    int restarted;
    const sky_fetch *f;
    const char *url;
    int announced; /* "downloading" said: the server answered */
} transfer;

/* The first header of the answer: the download is under way, say so (not
 * before: a host that cannot be reached gives one error line, nothing else). */
static size_t on_header(char *buf, size_t size, size_t n, void *ctx)
{
    (void)buf;
    transfer *t = ctx;
    if (!t->announced) {
        t->announced = 1;
        sky_logf(t->f->log, t->f->log_ctx, "downloading %s", t->url);
    }
    return size * n;
}

static size_t on_data(char *buf, size_t size, size_t n, void *ctx)
{
    transfer *t = ctx;
    if (t->offset > 0 && !t->restarted) {
        long code = 0;
        curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &code);
        if (code == 200) { /* the server ignored the range: start over */
            if (ftruncate(fileno(t->fp), 0) != 0)
                return 0;
            rewind(t->fp);
            t->offset = 0;
        }
        t->restarted = 1;
    }
    return fwrite(buf, size, n, t->fp) * size;
}

/* Bytes, rate and ETA on one refreshed line, when stderr is a terminal. */
static int on_progress(void *ctx, curl_off_t total, curl_off_t now, curl_off_t ut, curl_off_t un)
{
    (void)ut;
    (void)un;
    const transfer *t = ctx;
    double secs = 0, rate = 0;
    curl_easy_getinfo(t->curl, CURLINFO_TOTAL_TIME, &secs);
    rate = secs > 0 ? now / secs : 0;
    if (total > 0)
        fprintf(stderr, "\r  %.1f / %.1f MB  %.1f MB/s  ETA %.0f s   ",
                (double)(t->offset + now) / 1e6, (double)(t->offset + total) / 1e6, rate / 1e6,
                rate > 0 ? (total - now) / rate : 0.0);
    return 0;
}

/* One attempt; *retry says whether another may succeed. */
static int attempt(const sky_fetch *f, const char *url, const char *part, int *retry,
                   sky_error *err)
{
    struct stat st;
    curl_off_t have = stat(part, &st) == 0 ? (curl_off_t)st.st_size : 0;
    FILE *fp = fopen(part, "ab");
    if (!fp) {
        *retry = 0;
        return sky_fail(err, SKY_EIO, "%s: cannot write: %s", part, strerror(errno));
    }
    CURL *c = curl_easy_init();
    transfer t = {fp, have, c, 0, f, url, 0};
    char cerr[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)(f->timeout_s > 0 ? f->timeout_s : 30));
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (long)(f->timeout_s > 0 ? f->timeout_s : 30));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "skymodel/" SKY_VERSION_STRING);
    if (have > 0)
        curl_easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, have);
    const int tty = isatty(2);
    if (tty) {
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    }
    CURLcode res = curl_easy_perform(c);
    if (tty && t.announced)
        fputc('\n', stderr);
    long code = 0;
    curl_off_t length = -1;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_getinfo(c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    int bad = fflush(fp) != 0 || fsync(fileno(fp)) != 0;
    bad |= fclose(fp) != 0;
    curl_easy_cleanup(c);
    int rc = SKY_OK;
    *retry = 1;
    if (res == CURLE_HTTP_RETURNED_ERROR) {
        if (code == 416) { /* our partial file is bad for the server: start over */
            unlink(part);
            return sky_fail(err, SKY_EIO, "%s: HTTP 416 on resume", url);
        }
        *retry = code >= 500 || code == 408 || code == 429;
        if (have == 0)
            unlink(part);
        return sky_fail(err, code == 404 ? SKY_ENOTFOUND : SKY_EIO, "%s: HTTP %ld", url, code);
    }
    if (res != CURLE_OK) {
        /* no such host, no network, nobody listening: trying again will not
         * help, and the template is as missing as with HTTP 404. Timeouts,
         * dropped connections and the like are retried. */
        const int unreachable = res == CURLE_COULDNT_RESOLVE_HOST ||
                                res == CURLE_COULDNT_RESOLVE_PROXY ||
                                res == CURLE_COULDNT_CONNECT;
        *retry = !unreachable && res != CURLE_UNSUPPORTED_PROTOCOL && res != CURLE_URL_MALFORMAT;
        if (have == 0)
            unlink(part);
        return sky_fail(err, unreachable ? SKY_ENOTFOUND : SKY_EIO, "%s: %s", url,
                        cerr[0] ? cerr : curl_easy_strerror(res));
    }
    if (bad)
        return sky_fail(err, SKY_EIO, "%s: write failed: %s", part, strerror(errno));
    if (stat(part, &st) != 0)
        return sky_fail(err, SKY_EIO, "%s: vanished", part);
    if (length >= 0 && (curl_off_t)st.st_size != t.offset + length) {
        rc = sky_fail(err, SKY_EIO, "%s: got %lld bytes, the server announced %lld", url,
                      (long long)st.st_size, (long long)(t.offset + length));
    }
    return rc;
}

int sky_fetch_file(const sky_fetch *f, const char *rel, char **path, sky_error *err)
{
    *path = NULL;
    size_t n = strlen(f->cache) + strlen(rel) + 16;
    char *dest = malloc(n), *part = malloc(n), *lock = malloc(n), *bad = malloc(n);
    size_t un = strlen(f->url) + strlen(rel) + 2;
    char *url = malloc(un);
    int rc = SKY_OK, lfd = -1;
    if (!dest || !part || !lock || !bad || !url) {
        rc = sky_nomem(err, "a path");
        goto done;
    }
    snprintf(dest, n, "%s/%s", f->cache, rel);
    snprintf(part, n, "%s.part", dest);
    snprintf(lock, n, "%s.lock", dest);
    snprintf(bad, n, "%s.bad", dest);
    snprintf(url, un, "%s%s%s", f->url, ends_with(f->url, "/") ? "" : "/", rel);
    if ((rc = mkdirs_for(dest, err)))
        goto done;
    if ((lfd = open(lock, O_RDWR | O_CREAT, 0644)) < 0) {
        rc = sky_fail(err, SKY_EIO, "%s: cannot create the lock: %s", lock, strerror(errno));
        goto done;
    }
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    while (fcntl(lfd, F_SETLKW, &fl) != 0) {
        if (errno != EINTR) {
            rc = sky_fail(err, SKY_EIO, "%s: cannot lock: %s", lock, strerror(errno));
            goto done;
        }
    }
    struct stat st;
    if (stat(dest, &st) == 0) { /* cached, possibly by another process meanwhile */
        sky_error cerr;
        if (sky_check_template(dest, rel, &cerr) == SKY_OK)
            goto found;
        sky_logf(f->log, f->log_ctx,
                 "warning: cached %s fails its check (%s): moved to %s, fetching it again", dest,
              cerr.msg, bad);
        rename(dest, bad);
    }
    for (int a = 0; a <= f->retries; a++) {
        int retry = 0;
        if (a > 0) {
            sky_logf(f->log, f->log_ctx, "retrying %s (%d of %d) after: %s", url, a, f->retries,
                     err->msg);
            struct timespec ts = {a, 0};
            nanosleep(&ts, NULL);
        }
        rc = attempt(f, url, part, &retry, err);
        if (!rc) {
            sky_error cerr;
            if (sky_check_template(part, rel, &cerr) != SKY_OK) {
                unlink(part);
                rc = sky_fail(err, SKY_EFORMAT, "%s: the downloaded file is not a valid template "
                              "(%s)", url, strstr(cerr.msg, ": ") ? strstr(cerr.msg, ": ") + 2 : cerr.msg);
                retry = 1;
            } else if (rename(part, dest) != 0) {
                rc = sky_fail(err, SKY_EIO, "%s: cannot move into place: %s", dest,
                              strerror(errno));
                retry = 0;
            }
        }
        if (!rc || !retry)
            break;
    }
    if (rc)
        goto done;
found:
    *path = dest;
    dest = NULL;
done:
    if (lfd >= 0)
        close(lfd); /* releases the lock */
    free(dest);
    free(part);
    free(lock);
    free(bad);
    free(url);
    return rc;
}

int sky_fetch_size(const sky_fetch *f, const char *rel, long long *bytes, sky_error *err)
{
    size_t un = strlen(f->url) + strlen(rel) + 2;
    char *url = malloc(un);
    if (!url)
        return sky_nomem(err, "a URL");
    snprintf(url, un, "%s%s%s", f->url, ends_with(f->url, "/") ? "" : "/", rel);
    CURL *c = curl_easy_init();
    char cerr[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)(f->timeout_s > 0 ? f->timeout_s : 30));
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)(f->timeout_s > 0 ? 2 * f->timeout_s : 60));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    CURLcode res = curl_easy_perform(c);
    curl_off_t len = -1;
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &len);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(c);
    int rc = SKY_OK;
    if (res == CURLE_HTTP_RETURNED_ERROR)
        rc = sky_fail(err, code == 404 ? SKY_ENOTFOUND : SKY_EIO, "%s: HTTP %ld", url, code);
    else if (res != CURLE_OK)
        rc = sky_fail(err, SKY_EIO, "%s: %s", url, cerr[0] ? cerr : curl_easy_strerror(res));
    else
        *bytes = (long long)len;
    free(url);
    return rc;
}
