/*
 * written.c - the written files' pages in the page cache (see written.h).
 *
 * A queue of the files written, oldest first, with their sizes; the files
 * beyond the budget are dropped from the cache in the order they were
 * written. One lock: files may be finished by several threads at once.
 */
#define _GNU_SOURCE /* sync_file_range */
#include "written.h"

#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct entry {
    char *path;
    int64_t bytes;
} entry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static entry *queue;          /* ring of `cap` entries from `head` */
static int head, len, cap;
static int64_t queued;        /* bytes of the entries */

/* The budget that `e` sets: 0 and *budget (-1: no limit), or -1 when `e`
 * is not a whole number of MB nor "all" */
static int parse_budget(const char *e, int64_t *budget)
{
    *budget = (int64_t)SKY_WRITTEN_CACHE_MB << 20;
    if (!e || !*e) /* unset */
        return 0;
    if (!strcmp(e, "all")) {
        *budget = -1;
        return 0;
    }
    char *end;
    errno = 0;
    const long long mb = strtoll(e, &end, 10);
    if (*end || errno || mb < 0 || mb > (INT64_MAX >> 20) || !(*e >= '0' && *e <= '9'))
        return -1;
    *budget = (int64_t)mb << 20;
    return 0;
}

int64_t sky_written_budget(void)
{
    int64_t b;
    if (parse_budget(getenv(SKY_WRITTEN_ENV), &b))
        b = (int64_t)SKY_WRITTEN_CACHE_MB << 20;
    return b;
}

int sky_written_check(sky_error *err)
{
    const char *e = getenv(SKY_WRITTEN_ENV);
    int64_t b;
    if (!parse_budget(e, &b))
        return SKY_OK;
    char shown[64];
    sky_escape_controls(e, shown, sizeof shown);
    return sky_fail(err, SKY_EINVAL, "$%s '%s': expected a whole number of MB (0 or more) or "
                    "all", SKY_WRITTEN_ENV, shown);
}

#ifdef __linux__
/* Starts the file's write-back (without waiting) and returns its size; -1
 * when it cannot be opened. */
static int64_t start_writeback(const char *path)
{
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat st;
    int64_t bytes = fstat(fd, &st) == 0 ? (int64_t)st.st_size : -1;
    if (bytes >= 0)
        (void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    close(fd);
    return bytes;
}

/* Waits for the file's write-back, then drops its pages from the cache. */
static void drop(const char *path)
{
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    (void)sync_file_range(fd, 0, 0,
                          SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                              SYNC_FILE_RANGE_WAIT_AFTER);
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    close(fd);
}

void sky_written_file(const char *path)
{
    const int64_t budget = sky_written_budget();
    if (!path || budget < 0)
        return;
    const int64_t bytes = start_writeback(path);
    if (bytes < 0)
        return;
    char *copy = strdup(path);
    pthread_mutex_lock(&lock);
    if (copy && len == cap) {
        const int ncap = cap ? 2 * cap : 64;
        entry *q = malloc((size_t)ncap * sizeof *q);
        if (q) {
            for (int i = 0; i < len; i++)
                q[i] = queue[(head + i) % cap];
            free(queue);
            queue = q, head = 0, cap = ncap;
        }
    }
    if (copy && len < cap) {
        queue[(head + len) % cap] = (entry){copy, bytes};
        len++;
        queued += bytes;
        copy = NULL;
    }
    /* the oldest files beyond the budget (the newest always stays queued
     * unless the budget is 0) */
    while (len > 0 && queued > budget) {
        entry e = queue[head];
        head = (head + 1) % cap;
        len--;
        queued -= e.bytes;
        drop(e.path);
        free(e.path);
    }
    pthread_mutex_unlock(&lock);
    free(copy); /* not queued (no memory): the file just stays cached */
}
#else
void sky_written_file(const char *path)
{
    (void)path;
}
#endif
