/*
 * main.c - the `skymodel` program: dispatches to a subcommand from a table.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "commands.h"
#include "core/error.h"
#include "core/heap.h"
#include "parallel/comm.h"
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

/* Under mpirun without a thread count (OMP_NUM_THREADS, --threads), the
 * processes of a node share its cores instead of each taking them all;
 * when the launcher bound each process to its own cores, OpenMP's default
 * (the cores it may use) is already right. */
static void default_threads(void)
{
#ifdef _OPENMP
    const long online = sysconf(_SC_NPROCESSORS_ONLN);
    const int local = sky_par_local_size();
    if (local > 1 && !getenv("OMP_NUM_THREADS") && omp_get_num_procs() == online) {
        const int t = (int)(online / local);
        omp_set_num_threads(t > 0 ? t : 1);
    }
#endif
}

int main(int argc, char **argv)
{
    sky_heap_reuse_buffers();
    sky_error err;
    if (sky_par_init(&argc, &argv, &err)) {
        fprintf(stderr, "skymodel: %s\n", err.msg);
        return 1;
    }
    default_threads();
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
