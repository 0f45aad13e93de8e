/*
 * tmpfiles.c - temporary files removed on a signal (see tmpfiles.h).
 *
 * A fixed table of atomic pointers: noting claims an empty slot with a
 * compare-and-swap, forgetting empties it before freeing the copy, and the
 * unlinking reads each slot once. A handler that runs between the two steps
 * of forgetting unlinks a name that is gone already, which is harmless.
 */
#define _POSIX_C_SOURCE 200809L
#include "tmpfiles.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { SLOTS = 256 }; /* files open at once: an instrument writes one per channel */

static _Atomic(char *) slot[SLOTS];

int sky_tmpfile_note(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return -1;
    for (int i = 0; i < SLOTS; i++) {
        char *empty = NULL;
        if (atomic_compare_exchange_strong(&slot[i], &empty, copy))
            return i;
    }
    free(copy);
    return -1;
}

void sky_tmpfile_forget(int id)
{
    if (id < 0 || id >= SLOTS)
        return;
    free(atomic_exchange(&slot[id], NULL));
}

void sky_tmpfiles_unlink_all(void)
{
    for (int i = 0; i < SLOTS; i++) {
        const char *p = atomic_load(&slot[i]);
        if (p)
            unlink(p);
    }
}
