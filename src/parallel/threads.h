/*
 * threads.h - how many OpenMP threads a run uses, and which work is worth
 * sharing among them.
 *
 * The default thread count is the CPUs this process may run on (its
 * affinity mask), capped by the CPU quota of its cgroup (v2 cpu.max, v1
 * cpu.cfs_quota_us / cpu.cfs_period_us, the smallest along the cgroup's
 * path, rounded up to whole cores), and shared among the processes of an
 * MPI run on the node unless the launcher bound each process to its own
 * cores. OMP_NUM_THREADS, when set, is honoured as OpenMP reads it;
 * `--threads` overrides both.
 *
 * Work below SKY_OMP_MIN_WORK (about a millisecond on one core, in the
 * unit each caller states) runs on the calling thread only: splitting it
 * costs a wake-up and a barrier, and on a machine whose cores are busy
 * with other work each of those can wait a scheduler time slice.
 */
#ifndef SKY_PARALLEL_THREADS_H
#define SKY_PARALLEL_THREADS_H

#include <stdint.h>

/* Loops are shared among threads from this many simple element operations
 * (a pixel of a copy, an alm coefficient of a scaling) up. */
#define SKY_OMP_MIN_WORK 65536

typedef struct sky_threads {
    int n;          /* threads */
    char why[160];  /* e.g. "2 cores", "cgroup CPU limit 1.5 cores", "OMP_NUM_THREADS=1" */
} sky_threads;

/* The CPU limit of the cgroup of this process in cores (quota / period),
 * or 0 when none: `root` is where the cgroup file systems are mounted
 * (NULL: /sys/fs/cgroup) and `self` the process's cgroup list (NULL:
 * /proc/self/cgroup); tests pass files of their own. */
double sky_cgroup_cpu_limit(const char *root, const char *self);

/* The default thread count of a process that is one of `local` processes
 * of a run on this node, with the cgroup files as above. */
void sky_threads_choose(int local, const char *root, const char *self, sky_threads *t);

/* Sets the default (omp_set_num_threads) unless OMP_NUM_THREADS is set,
 * and says what it chose in *t (t may be NULL). Without OpenMP: 1. */
void sky_threads_apply_default(int local, sky_threads *t);

/* The choice made by sky_threads_apply_default, or, after
 * sky_threads_set(n), n threads "(--threads)". */
const sky_threads *sky_threads_current(void);
void sky_threads_set(int n);

/* The threads a parallel region started now would have (omp_get_max_threads; 1
 * without OpenMP). */
int sky_threads_max(void);

#endif
