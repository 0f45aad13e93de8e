/*
 * test_threads.c - the default thread count (src/parallel/threads.c): the
 * CPU limit read from faked cgroup v2 and v1 trees, the smallest along the
 * cgroup's path; the count it gives, shared by the processes of a node;
 * OMP_NUM_THREADS honoured.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "parallel/threads.h"

static char root[256];

static void put(const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    /* make the folders on the way */
    for (char *s = strchr(path + strlen(root) + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        mkdir(path, 0777);
        *s = '/';
    }
    FILE *f = fopen(path, "w");
    CHECK(f != NULL, "cannot write %s", path);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* root/rel, in one of four buffers (two at a time per call) */
static const char *at(const char *rel)
{
    static char path[4][512];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/%s", root, rel);
    return p;
}

int main(void)
{
    snprintf(root, sizeof root, "/tmp/test_threads.XXXXXX");
    if (!mkdtemp(root)) {
        perror("mkdtemp");
        return 1;
    }
    unsetenv("OMP_NUM_THREADS");

    /* v2: the smallest limit from the process's cgroup up to the root */
    put("v2/self", "0::/a/b\n");
    put("v2/fs/cpu.max", "150000 100000\n");
    put("v2/fs/a/cpu.max", "50000 100000\n");
    put("v2/fs/a/b/cpu.max", "max 100000\n");
    CHECK_CLOSE(sky_cgroup_cpu_limit(at("v2/fs"), at("v2/self")), 0.5, 1e-12, "v2 nested");
    put("v2/fs/a/cpu.max", "max 100000\n");
    CHECK_CLOSE(sky_cgroup_cpu_limit(at("v2/fs"), at("v2/self")), 1.5, 1e-12, "v2 root");
    put("v2/fs/cpu.max", "max 100000\n");
    CHECK(sky_cgroup_cpu_limit(at("v2/fs"), at("v2/self")) == 0, "v2 none");
    /* a container: its cgroup is the root ("0::/") */
    put("v2/self_root", "0::/\n");
    put("v2/fs/cpu.max", "100000 100000\n");
    CHECK_CLOSE(sky_cgroup_cpu_limit(at("v2/fs"), at("v2/self_root")), 1.0, 1e-12, "v2 /");

    /* v1: the hierarchy with the cpu controller, cfs quota / period; -1 is none */
    put("v1/self", "5:memory:/m\n3:cpu,cpuacct:/x/y\n0::/\n");
    put("v1/fs/cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
    put("v1/fs/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
    put("v1/fs/cpu,cpuacct/x/y/cpu.cfs_quota_us", "250000\n");
    put("v1/fs/cpu,cpuacct/x/y/cpu.cfs_period_us", "100000\n");
    CHECK_CLOSE(sky_cgroup_cpu_limit(at("v1/fs"), at("v1/self")), 2.5, 1e-12, "v1");
    put("v1/fs/cpu,cpuacct/x/y/cpu.cfs_quota_us", "-1\n");
    CHECK(sky_cgroup_cpu_limit(at("v1/fs"), at("v1/self")) == 0, "v1 none");
    CHECK(sky_cgroup_cpu_limit(at("missing"), at("missing_self")) == 0, "no cgroup files");

    /* the count: the cores, capped by the limit rounded up, shared by the
     * node's processes */
    const long online = sysconf(_SC_NPROCESSORS_ONLN);
    sky_threads t;
    put("v2/fs/cpu.max", "max 100000\n");
    sky_threads_choose(1, at("v2/fs"), at("v2/self"), &t);
    CHECK(t.n >= 1 && t.n <= online, "cores: %d (%s)", t.n, t.why);
    CHECK(strstr(t.why, "core") != NULL, "why: %s", t.why);
    const int cores = t.n;
    put("v2/fs/cpu.max", "50000 100000\n");
    sky_threads_choose(1, at("v2/fs"), at("v2/self"), &t);
    CHECK(t.n == 1, "limit 0.5: %d", t.n);
    CHECK(!strcmp(t.why, "cgroup CPU limit 0.5 cores"), "why: '%s'", t.why);
    put("v2/fs/cpu.max", "max 100000\n");
    sky_threads_choose(4, at("v2/fs"), at("v2/self"), &t);
    if (cores == online) /* not bound to some of the cores */
        CHECK(t.n == (cores / 4 > 0 ? cores / 4 : 1) && strstr(t.why, "shared by 4 processes"),
              "4 processes: %d (%s)", t.n, t.why);
    setenv("OMP_NUM_THREADS", "3", 1);
    sky_threads_choose(1, at("v2/fs"), at("v2/self"), &t);
    CHECK(!strcmp(t.why, "OMP_NUM_THREADS=3"), "why: '%s'", t.why);
    unsetenv("OMP_NUM_THREADS");

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", root);
    return check_report("test_threads");
}
