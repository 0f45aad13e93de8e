/*
 * main.c - the `skymodel` program: dispatches to a subcommand from a table.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "core/error.h"
#include "core/heap.h"
#include "io/written.h"
#include "parallel/comm.h"
#include "parallel/threads.h"
#include "skymodel.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} commands[] = {
    {"sim", sky_cmd_sim, "simulate a sky map: presets, bandpass, unit -> HEALPix FITS"},
    {"smooth", sky_cmd_smooth, "beam, rotation and resolution change of an existing map"},
    {"fetch", sky_cmd_fetch, "download the templates presets need into the cache (--list)"},
    {"plot", sky_cmd_plot, "a Mollweide picture (PNG) of a map, as healpy.mollview draws it"},
    {"info", sky_cmd_info, "the presets: models, parameters, files and whether they are here"},
    {"templates", sky_cmd_templates, "write a synthetic template set in PySM's layout"},
    {"bandpass", sky_cmd_bandpass, "resample a bandpass as PySM's sampler does (sample), with an instrument file"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: skymodel <command> [options]\n\n"
               "skymodel %s: PySM %s sky simulations in C.\n\ncommands:\n",
            SKY_VERSION_STRING, SKY_PYSM_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "\n'skymodel <command> --help' describes a command; 'skymodel --version' prints "
               "the version.\n");
}

static int run(int argc, char **argv);

/* Idle OpenMP threads spin before they sleep (GNU libgomp: 300,000 turns by
 * default), which on a node whose cores are busy with other work takes the
 * cores from the threads that have work (issue 17: an nside-256 instrument
 * took 27 s spinning, 17 s passive, on a loaded 2-core machine, and the
 * same 3.6 s either way on an idle one). libgomp reads its wait policy once,
 * when it is loaded, before main: so unless the user chose one
 * (OMP_WAIT_POLICY, GOMP_SPINCOUNT, or KMP_BLOCKTIME for LLVM's runtime) or
 * the run has one thread anyway (and no --threads), the program sets
 * OMP_WAIT_POLICY=passive and runs itself again, once (about 35 ms). When
 * that cannot be done (no /proc) the run goes on as it started. A program
 * embedding the library sets its own policy. */
static void passive_wait(char **argv)
{
#if defined(_OPENMP) && defined(__linux__)
    if (getenv("OMP_WAIT_POLICY") || getenv("GOMP_SPINCOUNT") || getenv("KMP_BLOCKTIME"))
        return;
    /* under valgrind the new program would run outside it */
    const char *pre = getenv("LD_PRELOAD");
    if (pre && strstr(pre, "vgpreload"))
        return;
    /* processes of this run on the node, as Open MPI's launcher says
     * (MPI itself starts later) */
    const char *ls = getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
    const int local = ls && atoi(ls) > 1 ? atoi(ls) : 1;
    sky_threads t;
    sky_threads_choose(local, NULL, NULL, &t);
    int given = 0; /* --threads may ask for more */
    for (int i = 1; argv[i] && !given; i++)
        given = !strncmp(argv[i], "--threads", 9) || !strncmp(argv[i], "-t", 2);
    if (t.n == 1 && !given)
        return;
    /* the program's own file */
    char self[4096];
    const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0 || (size_t)n >= sizeof self - 1)
        return;
    self[n] = '\0';
    if (setenv("OMP_WAIT_POLICY", "passive", 1) != 0)
        return;
    fflush(NULL);
    execv(self, argv);
    unsetenv("OMP_WAIT_POLICY"); /* not in force in this process */
#else
    (void)argv;
#endif
}

int main(int argc, char **argv)
{
    passive_wait(argv);
    sky_heap_reuse_buffers();
    sky_error err;
    if (sky_par_init(&argc, &argv, &err)) {
        fprintf(stderr, "skymodel: %s\n", err.msg);
        return 1;
    }
    /* the node's cores (affinity, cgroup quota), shared by the run's
     * processes on it; OMP_NUM_THREADS and --threads win */
    sky_threads_apply_default(sky_par_local_size(), NULL);
    cli_cleanup_on_signals();
    const int rc = run(argc, argv);
    sky_par_finalize();
    return rc;
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("skymodel %s (reproduces PySM %s)\n", SKY_VERSION_STRING, SKY_PYSM_VERSION);
        return 0;
    }
    sky_error err;
    if (sky_written_check(&err)) { /* before any work, for every command */
        fprintf(stderr, "skymodel: %s\n", err.msg);
        return 2;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    char name[256];
    sky_escape_controls(argv[1], name, sizeof name);
    fprintf(stderr, "skymodel: unknown command '%s' (expected one of:", name);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(stderr, " %s", commands[i].name);
    fprintf(stderr, "; see skymodel --help)\n");
    return 2;
}
