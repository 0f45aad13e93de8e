/*
 * test_written.c - the written files' pages (src/io/written.h):
 * - SKYMODEL_OUTPUT_CACHE_MB: unset, empty or malformed gives the default,
 *   "all" no limit, an integer that many MB;
 * - with a 5 MB budget, of three 4 MB files written in turn the first two
 *   leave the page cache and the newest stays, with every file's bytes
 *   unchanged; with "all" nothing leaves.
 * Whether pages are cached is read with mincore(). A file system that keeps
 * pages whatever posix_fadvise says (tmpfs) is found with a control file and
 * the dropping is then not checked.
 */
#define _DEFAULT_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "io/written.h"

enum { MB = 1 << 20, FILE_BYTES = 4 * MB };

static void write_file(const char *path, int fill)
{
    char *buf = malloc(FILE_BYTES);
    CHECK(buf != NULL, "buffer");
    memset(buf, fill, FILE_BYTES);
    const int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0, "open %s", path);
    if (fd >= 0) {
        CHECK(write(fd, buf, FILE_BYTES) == FILE_BYTES, "write %s", path);
        close(fd);
    }
    free(buf);
}

/* The fraction of the file's pages in the page cache */
static double cached(const char *path)
{
    const int fd = open(path, O_RDONLY);
    CHECK(fd >= 0, "open %s", path);
    void *p = fd >= 0 ? mmap(NULL, FILE_BYTES, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
    CHECK(p != MAP_FAILED, "mmap %s", path);
    if (p == MAP_FAILED) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    const long page = sysconf(_SC_PAGESIZE);
    const size_t n = (FILE_BYTES + (size_t)page - 1) / (size_t)page;
    unsigned char *v = malloc(n);
    const int got = v && mincore(p, FILE_BYTES, v) == 0;
    CHECK(got, "mincore %s", path);
    size_t in = 0;
    for (size_t i = 0; got && i < n; i++)
        in += v[i] & 1;
    free(v);
    munmap(p, FILE_BYTES);
    close(fd);
    return got ? (double)in / (double)n : -1;
}

/* The file's bytes are all `fill` */
static int intact(const char *path, int fill)
{
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL, "fopen %s", path);
    if (!f)
        return 0;
    int ok = 1, c;
    long n = 0;
    while ((c = fgetc(f)) != EOF && ok)
        ok = c == fill, n++;
    fclose(f);
    return ok && n == FILE_BYTES;
}

int main(int argc, char **argv)
{
    const int64_t dflt = (int64_t)SKY_WRITTEN_CACHE_MB << 20;
    unsetenv("SKYMODEL_OUTPUT_CACHE_MB");
    CHECK(sky_written_budget() == dflt, "unset: default");
    const char *bad[] = {"", "x", "-3", "12MB", "1e3"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        setenv("SKYMODEL_OUTPUT_CACHE_MB", bad[i], 1);
        CHECK(sky_written_budget() == dflt, "'%s': default", bad[i]);
    }
    /* the command line's check: one line naming the variable and its value */
    for (size_t i = 1; i < sizeof bad / sizeof *bad; i++) {
        setenv("SKYMODEL_OUTPUT_CACHE_MB", bad[i], 1);
        sky_error err;
        CHECK(sky_written_check(&err) == SKY_EINVAL, "'%s' refused", bad[i]);
        CHECK(strstr(err.msg, "$SKYMODEL_OUTPUT_CACHE_MB") && strstr(err.msg, bad[i]) &&
                  strstr(err.msg, "expected"), "'%s': %s", bad[i], err.msg);
    }
    const char *good[] = {"", "0", "12", "all"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        setenv("SKYMODEL_OUTPUT_CACHE_MB", good[i], 1);
        sky_error err;
        CHECK(sky_written_check(&err) == SKY_OK, "'%s' taken", good[i]);
    }
    setenv("SKYMODEL_OUTPUT_CACHE_MB", "all", 1);
    CHECK(sky_written_budget() == -1, "all: no limit");
    setenv("SKYMODEL_OUTPUT_CACHE_MB", "12", 1);
    CHECK(sky_written_budget() == 12 * (int64_t)MB, "12 MB");
    setenv("SKYMODEL_OUTPUT_CACHE_MB", "0", 1);
    CHECK(sky_written_budget() == 0, "0 MB");

    /* in the folder given (the build tree): /tmp may be a tmpfs */
    char dir[512], path[4][600];
    snprintf(dir, sizeof dir, "%s/written_XXXXXX", argc > 1 ? argv[1] : ".");
    if (!mkdtemp(dir)) {
        CHECK(0, "mkdtemp %s", dir);
        return check_report("test_written");
    }
    for (int k = 0; k < 4; k++)
        snprintf(path[k], sizeof path[k], "%s/f%d", dir, k);

    /* control: can this file system drop a written file's pages? */
    write_file(path[3], 9);
    int fd = open(path[3], O_RDONLY);
    CHECK(fd >= 0 && fdatasync(fd) == 0, "fdatasync");
    if (fd >= 0) {
        posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        close(fd);
    }
    const double control = cached(path[3]);
    const int drops = control >= 0 && control < 0.5;

    /* "all": nothing leaves */
    setenv("SKYMODEL_OUTPUT_CACHE_MB", "all", 1);
    for (int k = 0; k < 3; k++) {
        write_file(path[k], k + 1);
        sky_written_file(path[k]);
    }
    for (int k = 0; k < 3; k++)
    {
        const double in = cached(path[k]);
        CHECK(in > 0.9, "all: file %d cached (%.2f)", k, in);
    }

    /* 5 MB: each new 4 MB file pushes the one before out */
    setenv("SKYMODEL_OUTPUT_CACHE_MB", "5", 1);
    for (int k = 0; k < 3; k++) {
        write_file(path[k], k + 1);
        sky_written_file(path[k]);
    }
    const double newest = cached(path[2]);
    CHECK(newest > 0.9, "the newest file stays cached (%.2f)", newest);
    if (drops) {
        for (int k = 0; k < 2; k++) {
            const double in = cached(path[k]);
            CHECK(in >= 0 && in < 0.1, "file %d left the cache (%.2f)", k, in);
        }
    } else {
        printf("this file system keeps dropped pages: the dropping is not checked\n");
    }
    for (int k = 0; k < 3; k++)
        CHECK(intact(path[k], k + 1), "file %d's bytes unchanged", k);
    sky_written_file(NULL);                  /* nothing */
    sky_written_file("written_no_such_file"); /* nothing */

    for (int k = 0; k < 4; k++)
        unlink(path[k]);
    rmdir(dir);
    return check_report("test_written");
}
