/*
 * comm.c - MPI_COMM_WORLD, or one process (see comm.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "comm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

#ifdef SKY_HAVE_MPI
#include <mpi.h>

static int started; /* MPI_Init was called here */
static int world_rank, world_size = 1, local_size = 1;

/* Set by mpirun/orterun (Open MPI), PMIx launchers (srun --mpi=pmix, prterun)
 * and PMI-1/2 launchers (srun, hydra). */
static int launched_by_mpi(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK",
                                       "PMI_SIZE", NULL};
    for (int k = 0; vars[k]; k++)
        if (getenv(vars[k]))
            return 1;
    return 0;
}

int sky_par_init(int *argc, char ***argv, sky_error *err)
{
    if (started || !launched_by_mpi())
        return SKY_OK;
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        return sky_fail(err, SKY_EINTERNAL, "MPI_Init_thread failed");
    started = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &world_size);
    MPI_Comm node;
    if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) ==
        MPI_SUCCESS) {
        MPI_Comm_size(node, &local_size);
        MPI_Comm_free(&node);
    }
    return SKY_OK;
}

void sky_par_finalize(void)
{
    if (started)
        MPI_Finalize();
    started = 0;
    world_rank = 0;
    world_size = local_size = 1;
}

int sky_par_local_size(void)
{
    return local_size;
}

int sky_par_rank(void)
{
    return world_rank;
}

int sky_par_size(void)
{
    return world_size;
}

int sky_par_agree(int rc, sky_error *err)
{
    if (world_size == 1)
        return rc;
    int mine = rc ? world_rank : world_size, first = world_size;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (first == world_size)
        return SKY_OK;
    struct {
        int code;
        char msg[sizeof err->msg];
    } m;
    memset(&m, 0, sizeof m);
    if (world_rank == first) {
        m.code = rc;
        snprintf(m.msg, sizeof m.msg, "%s", err ? err->msg : "failed");
    }
    MPI_Bcast(&m, (int)sizeof m, MPI_BYTE, first, MPI_COMM_WORLD);
    if (err) {
        char text[sizeof err->msg];
        snprintf(text, sizeof text, "%s", m.msg);
        if (strncmp(text, "rank ", 5)) /* said once, by the first rank that failed */
            sky_fail(err, m.code, "rank %d: %s", first, text);
        else
            sky_fail(err, m.code, "%s", text);
    }
    return m.code;
}

/* MPI counts are ints: large buffers go in pieces. */
enum { PIECE = 1 << 26 };

void sky_par_reduce_scatter(const double *send, double *recv, const int *count)
{
    if (world_size == 1) {
        memcpy(recv, send, (size_t)count[0] * sizeof *recv);
        return;
    }
    /* one reduction onto each owner: Open MPI pipelines large reductions
     * well, while its reduce_scatter goes through one process */
    size_t displ = 0;
    for (int r = 0; r < world_size; r++) {
        MPI_Reduce(send + displ, r == world_rank ? recv : NULL, count[r], MPI_DOUBLE, MPI_SUM, r,
                   MPI_COMM_WORLD);
        displ += (size_t)count[r];
    }
}

void sky_par_allgather(const double *send, double *recv, const int *count, const int *displ)
{
    if (world_size == 1) {
        memmove(recv + displ[0], send, (size_t)count[0] * sizeof *recv);
        return;
    }
    /* one broadcast from each owner (see sky_par_reduce_scatter) */
    memmove(recv + displ[world_rank], send, (size_t)count[world_rank] * sizeof *recv);
    for (int r = 0; r < world_size; r++)
        MPI_Bcast(recv + displ[r], count[r], MPI_DOUBLE, r, MPI_COMM_WORLD);
}

void sky_par_gather(const double *send, double *recv, const int *count, const int *displ)
{
    if (world_size == 1) {
        memmove(recv + displ[0], send, (size_t)count[0] * sizeof *recv);
        return;
    }
    MPI_Gatherv(send, count[world_rank], MPI_DOUBLE, recv, count, displ, MPI_DOUBLE, 0,
                MPI_COMM_WORLD);
}

void sky_par_scatter(const double *send, double *recv, const int *count, const int *displ)
{
    if (world_size == 1) {
        memmove(recv, send + displ[0], (size_t)count[0] * sizeof *recv);
        return;
    }
    MPI_Scatterv(send, count, displ, MPI_DOUBLE, recv, count[world_rank], MPI_DOUBLE, 0,
                 MPI_COMM_WORLD);
}

double sky_par_sum_ordered(double v)
{
    if (world_size == 1)
        return v;
    double *all = malloc((size_t)world_size * sizeof *all), s = 0;
    if (!all)
        abort(); /* a few bytes per process: nothing sensible to do */
    MPI_Allgather(&v, 1, MPI_DOUBLE, all, 1, MPI_DOUBLE, MPI_COMM_WORLD);
    for (int r = 0; r < world_size; r++)
        s += all[r];
    free(all);
    return s;
}

double sky_par_max(double v)
{
    double m = v;
    if (world_size > 1)
        MPI_Allreduce(&v, &m, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return m;
}

void sky_par_max_each(double *v, size_t n)
{
    if (world_size > 1)
        for (size_t i = 0; i < n; i += PIECE)
            MPI_Allreduce(MPI_IN_PLACE, v + i, (int)(n - i < PIECE ? n - i : PIECE), MPI_DOUBLE,
                          MPI_MAX, MPI_COMM_WORLD);
}

void sky_par_send(const double *buf, size_t n, int to)
{
    for (size_t i = 0; i < n; i += PIECE)
        MPI_Send(buf + i, (int)(n - i < PIECE ? n - i : PIECE), MPI_DOUBLE, to, 0,
                 MPI_COMM_WORLD);
}

void sky_par_recv(double *buf, size_t n, int from)
{
    for (size_t i = 0; i < n; i += PIECE)
        MPI_Recv(buf + i, (int)(n - i < PIECE ? n - i : PIECE), MPI_DOUBLE, from, 0,
                 MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

void sky_par_sendrecv(const double *send, int to, double *recv, int from, int n)
{
    MPI_Sendrecv(send, to >= 0 ? n : 0, MPI_DOUBLE, to >= 0 ? to : MPI_PROC_NULL, 1, recv,
                 from >= 0 ? n : 0, MPI_DOUBLE, from >= 0 ? from : MPI_PROC_NULL, 1,
                 MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

#else /* one process */

int sky_par_init(int *argc, char ***argv, sky_error *err)
{
    (void)argc, (void)argv, (void)err;
    return SKY_OK;
}
void sky_par_finalize(void) {}
int sky_par_rank(void)
{
    return 0;
}
int sky_par_size(void)
{
    return 1;
}
int sky_par_local_size(void)
{
    return 1;
}
int sky_par_agree(int rc, sky_error *err)
{
    (void)err;
    return rc;
}
void sky_par_reduce_scatter(const double *send, double *recv, const int *count)
{
    memcpy(recv, send, (size_t)count[0] * sizeof *recv);
}
void sky_par_allgather(const double *send, double *recv, const int *count, const int *displ)
{
    memmove(recv + displ[0], send, (size_t)count[0] * sizeof *recv);
}
void sky_par_gather(const double *send, double *recv, const int *count, const int *displ)
{
    memmove(recv + displ[0], send, (size_t)count[0] * sizeof *recv);
}
void sky_par_scatter(const double *send, double *recv, const int *count, const int *displ)
{
    memmove(recv, send + displ[0], (size_t)count[0] * sizeof *recv);
}
double sky_par_sum_ordered(double v)
{
    return v;
}
double sky_par_max(double v)
{
    return v;
}
void sky_par_max_each(double *v, size_t n)
{
    (void)v, (void)n;
}
void sky_par_send(const double *buf, size_t n, int to)
{
    (void)buf, (void)n, (void)to;
    abort(); /* no other process to send to */
}
void sky_par_recv(double *buf, size_t n, int from)
{
    (void)buf, (void)n, (void)from;
    abort();
}
void sky_par_sendrecv(const double *send, int to, double *recv, int from, int n)
{
    (void)send, (void)to, (void)recv, (void)from, (void)n;
    if (to >= 0 || from >= 0)
        abort(); /* no other process */
}

#endif
