/*
 * threads.c - the default number of threads (see threads.h).
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "threads.h"

#include <limits.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* Reads the first line of dir/name into buf; 0 when there is none. */
static int read_line(const char *dir, const char *name, char *buf, size_t size)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    const int ok = fgets(buf, (int)size, f) != NULL;
    fclose(f);
    return ok;
}

/* The limit, in cores, set in one cgroup folder (v2 cpu.max "QUOTA
 * PERIOD" or "max PERIOD"; v1 cpu.cfs_quota_us, -1 for none, and
 * cpu.cfs_period_us), or 0. */
static double folder_limit(const char *dir, int v2)
{
    char a[64], b[64];
    double quota, period;
    if (v2) {
        if (!read_line(dir, "cpu.max", a, sizeof a) || sscanf(a, "%lf %lf", &quota, &period) != 2)
            return 0; /* "max ..." does not scan as a number: no limit */
    } else {
        if (!read_line(dir, "cpu.cfs_quota_us", a, sizeof a) ||
            !read_line(dir, "cpu.cfs_period_us", b, sizeof b) || sscanf(a, "%lf", &quota) != 1 ||
            sscanf(b, "%lf", &period) != 1)
            return 0;
    }
    return quota > 0 && period > 0 && isfinite(quota / period) ? quota / period : 0;
}

/* The smallest limit from mount/path up to mount itself. */
static double path_limit(const char *mount, const char *path, int v2)
{
    char dir[PATH_MAX];
    double best = 0;
    if (snprintf(dir, sizeof dir, "%s%s", mount, path) >= (int)sizeof dir)
        snprintf(dir, sizeof dir, "%s", mount);
    const size_t base = strlen(mount);
    for (;;) {
        const double l = folder_limit(dir, v2);
        if (l > 0 && (best == 0 || l < best))
            best = l;
        char *slash = strrchr(dir, '/');
        if (strlen(dir) <= base || !slash || (size_t)(slash - dir) < base)
            break;
        *slash = '\0';
    }
    return best;
}

double sky_cgroup_cpu_limit(const char *root, const char *self)
{
    if (!root)
        root = "/sys/fs/cgroup";
    FILE *f = fopen(self ? self : "/proc/self/cgroup", "r");
    char line[PATH_MAX + 64];
    double best = 0;
    int seen = 0;
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        /* hierarchy-ID:controller-list:cgroup-path */
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c2 = '\0';
        const char *controllers = c1 + 1, *path = c2 + 1;
        double l = 0;
        if (!*controllers) { /* v2: one unified hierarchy */
            l = path_limit(root, path, 1);
            seen = 1;
        } else { /* v1: the hierarchy with the cpu controller */
            char list[256];
            snprintf(list, sizeof list, ",%s,", controllers);
            if (!strstr(list, ",cpu,"))
                continue;
            char mount[PATH_MAX];
            snprintf(mount, sizeof mount, "%s/%s", root, controllers);
            if (access(mount, F_OK) != 0)
                snprintf(mount, sizeof mount, "%s/cpu", root);
            l = path_limit(mount, path, 0);
            seen = 1;
        }
        if (l > 0 && (best == 0 || l < best))
            best = l;
    }
    if (f)
        fclose(f);
    if (!seen) /* no cgroup list: a container's own cgroup at the root */
        best = path_limit(root, "", 1);
    return best;
}

void sky_threads_choose(int local, const char *root, const char *self, sky_threads *t)
{
    const char *env = getenv("OMP_NUM_THREADS");
    if (env && *env) {
#ifdef _OPENMP
        t->n = omp_get_max_threads();
#else
        t->n = 1;
#endif
        snprintf(t->why, sizeof t->why, "OMP_NUM_THREADS=%.40s", env);
        return;
    }
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    if (online < 1)
        online = 1;
    int cpus = (int)online;
#ifdef CPU_COUNT
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        cpus = CPU_COUNT(&set);
#endif
    int n = cpus;
    if (cpus < online)
        snprintf(t->why, sizeof t->why, "%d of the %ld cores (CPU affinity)", cpus, online);
    else
        snprintf(t->why, sizeof t->why, "%d core%s", cpus, cpus == 1 ? "" : "s");
    const double limit = sky_cgroup_cpu_limit(root, self);
    if (limit > 0 && ceil(limit - 1e-9) < n) {
        n = (int)ceil(limit - 1e-9);
        snprintf(t->why, sizeof t->why, "cgroup CPU limit %.3g core%s", limit,
                 limit == 1 ? "" : "s");
    }
    /* processes the launcher did not bind share the node's cores */
    if (local > 1 && cpus == online) {
        const size_t len = strlen(t->why);
        n = n / local > 0 ? n / local : 1;
        snprintf(t->why + len, sizeof t->why - len, " shared by %d processes", local);
    }
    t->n = n < 1 ? 1 : n;
}

static sky_threads current = {1, "1 core"};

void sky_threads_apply_default(int local, sky_threads *t)
{
    sky_threads_choose(local, NULL, NULL, &current);
#ifdef _OPENMP
    if (!getenv("OMP_NUM_THREADS") || !*getenv("OMP_NUM_THREADS"))
        omp_set_num_threads(current.n);
#else
    current.n = 1;
    snprintf(current.why, sizeof current.why, "built without OpenMP");
#endif
    if (t)
        *t = current;
}

const sky_threads *sky_threads_current(void)
{
    return &current;
}

void sky_threads_set(int n)
{
#ifdef _OPENMP
    omp_set_num_threads(n);
    current.n = n;
    snprintf(current.why, sizeof current.why, "--threads");
#else
    (void)n;
#endif
}

int sky_threads_max(void)
{
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}
