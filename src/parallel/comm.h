/*
 * comm.h - the processes of one run. Built with MPI (SKY_HAVE_MPI) and started
 * by mpirun or srun, a run is MPI_COMM_WORLD; otherwise (no MPI, or the same
 * binary started on its own) it is one process and every function here is
 * trivial. Nothing outside this file includes mpi.h.
 *
 * Collectives must be reached by every process in the same order. A step that
 * can fail on one process and not another ends with sky_par_agree(), so that
 * every process learns of the failure, with one message, before the next
 * collective, and no process waits forever.
 */
#ifndef SKY_PARALLEL_COMM_H
#define SKY_PARALLEL_COMM_H

#include <stddef.h>
#include <stdint.h>

#include "skymodel.h"

/* Starts MPI when the process was launched by an MPI launcher (mpirun, srun:
 * PMIx or the Open MPI environment is set) and the build has MPI; a no-op
 * otherwise. Returns SKY_OK or SKY_EINTERNAL (message in err). */
int sky_par_init(int *argc, char ***argv, sky_error *err);
void sky_par_finalize(void);

int sky_par_rank(void);
int sky_par_size(void);
/* Processes of this run on this node (1 without MPI). */
int sky_par_local_size(void);

/* Every process passes its status (and error); all return the status of the
 * lowest-ranked process that failed, with its message ("rank R: ..." when
 * there are several processes), or SKY_OK when none did. */
int sky_par_agree(int rc, sky_error *err);

/* Variable shares of one array: process r's share is count[r] doubles at
 * displ[r] of the whole. */
/* send (the whole, on every process) summed over processes; each receives
 * its share in recv. */
void sky_par_reduce_scatter(const double *send, double *recv, const int *count);
/* every process's share (send) into the whole (recv) on every process */
void sky_par_allgather(const double *send, double *recv, const int *count, const int *displ);
/* the same into recv on rank 0 only, and rank 0's whole back to the shares */
void sky_par_gather(const double *send, double *recv, const int *count, const int *displ);
void sky_par_scatter(const double *send, double *recv, const int *count, const int *displ);

/* The sum over processes of one value per process, added in rank order
 * (the same bits on every process). */
double sky_par_sum_ordered(double v);
/* The largest of one value per process. */
double sky_par_max(double v);
/* Each of v[0..n), in place, the largest over processes: one collective. */
void sky_par_max_each(double *v, size_t n);

/* Sends n doubles to process `to` while receiving n from `from` (either
 * may be -1: none). */
void sky_par_sendrecv(const double *send, int to, double *recv, int from, int n);

/* Point to point, in pieces small enough for MPI's int counts. */
void sky_par_send(const double *buf, size_t n, int to);
void sky_par_recv(double *buf, size_t n, int from);

#endif
