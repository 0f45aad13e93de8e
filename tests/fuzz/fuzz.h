/*
 * fuzz.h - what the libFuzzer targets of tests/fuzz share: the input as a
 * NUL-terminated string, or as a file (the parsers that take a path) in a
 * private temporary folder removed at exit.
 */
#ifndef SKY_FUZZ_H
#define SKY_FUZZ_H

#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "skymodel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input with a terminating NUL (free it). */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

static char fuzz_dir_path[4096];

/* Removes the temporary folder and what the target wrote in it. */
static inline void fuzz_cleanup(void)
{
    if (!fuzz_dir_path[0])
        return;
    DIR *d = opendir(fuzz_dir_path);
    for (struct dirent *e; d && (e = readdir(d));) {
        char p[4400];
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(p, sizeof p, "%s/%s", fuzz_dir_path, e->d_name);
            unlink(p);
        }
    }
    if (d)
        closedir(d);
    rmdir(fuzz_dir_path);
}

/* Writes `size` bytes to `name` in the target's temporary folder (made on
 * first use) and returns its path, valid until the next call. */
static inline const char *fuzz_file(const char *name, const void *data, size_t size)
{
    static char path[4400];
    if (!fuzz_dir_path[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(fuzz_dir_path, sizeof fuzz_dir_path, "%s/skymodel-fuzz.XXXXXX",
                 tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(fuzz_dir_path)) {
            perror("fuzz: mkdtemp");
            abort();
        }
        atexit(fuzz_cleanup);
    }
    snprintf(path, sizeof path, "%s/%s", fuzz_dir_path, name);
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f)) {
        perror("fuzz: writing the input");
        abort();
    }
    return path;
}

/* The project's rule for a failure: a status and a message of one line
 * (input echoed into it must be escaped), never SKY_EINTERNAL (a bug).
 * Anything else stops the fuzzer. */
static inline void fuzz_check(int rc, const sky_error *err)
{
    if (rc == SKY_OK)
        return;
    const char *why = rc == SKY_EINTERNAL ? "SKY_EINTERNAL (a bug) for an input"
                      : !err->msg[0]              ? "an empty message"
                      : strpbrk(err->msg, "\n\r")  ? "a message of more than one line"
                                                  : NULL;
    if (why) {
        fprintf(stderr, "fuzz: status %d with %s: '%s'\n", rc, why, err->msg);
        abort();
    }
}

#endif
