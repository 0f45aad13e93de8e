/*
 * textfile.c - a whole small text file in memory (see textfile.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "textfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"

static int too_big(const char *path, const char *what, size_t cap, sky_error *err)
{
    return sky_fail(err, SKY_EFORMAT, "%s: larger than %zu MiB, the limit for a %s", path,
                    cap >> 20, what);
}

int sky_textfile_read(const char *path, const char *what, size_t cap, char **text, size_t *len,
                      sky_error *err)
{
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return sky_fail(err, errno == ENOENT ? SKY_ENOTFOUND : SKY_EIO, "%s: %s", path,
                        strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            fclose(f);
            return sky_fail(err, SKY_EFORMAT, "%s: is a directory: expected a %s", path,
                            what);
        }
        if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > cap) {
            fclose(f);
            return too_big(path, what, cap, err);
        }
    }
    enum { CHUNK = 1 << 16 };
    char *buf = NULL;
    size_t n = 0, alloc = 0;
    int rc = SKY_OK;
    for (;;) {
        if (n + CHUNK + 1 > alloc) {
            const size_t na = alloc ? 2 * alloc : CHUNK + 1;
            char *nb = realloc(buf, na);
            if (!nb) {
                rc = sky_nomem(err, path);
                break;
            }
            buf = nb;
            alloc = na;
        }
        const size_t got = fread(buf + n, 1, CHUNK, f);
        /* a NUL byte ends it at once (/dev/zero, binary files) */
        const char *nul = memchr(buf + n, '\0', got);
        if (nul) {
            rc = sky_fail(err, SKY_EFORMAT, "%s: a NUL byte at offset %zu: expected a %s (text)",
                          path, n + (size_t)(nul - (buf + n)), what);
            break;
        }
        n += got;
        if (n > cap) {
            rc = too_big(path, what, cap, err);
            break;
        }
        if (got < CHUNK) {
            if (ferror(f))
                rc = sky_fail(err, errno == EISDIR ? SKY_EFORMAT : SKY_EIO, "%s: %s", path,
                              strerror(errno));
            break;
        }
    }
    fclose(f);
    if (rc) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return SKY_OK;
}
