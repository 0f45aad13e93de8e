/*
 * sed_lanes.c - the channels of an evaluation grouped by the axes of their
 * tables, the tables side by side, and each thread's results of its last
 * block (sed_lanes.h).
 */
#include "sed_lanes.h"

#include "parallel/threads.h"
#include "sky_eval.h"

#include <stdatomic.h>
#include <stdlib.h>
#ifdef _OPENMP
#include <omp.h>
#endif

typedef struct slot {
    uint64_t id; /* the lanes' number when the results are this block's */
    int64_t first, count;
    int rows;
    double *v;
    size_t cap;
} slot;

struct sky_sed_lanes {
    uint64_t id; /* unique in the process: a slot's results are known by it */
    int ngroup, total;
    sky_sed_group *group;
    int *offset;            /* per group */
    int *group_of, *lane_of; /* per channel */
    int nchan, nslot;
    slot *slot;
};

static _Atomic uint64_t lanes_ids;

void sky_sed_lanes_free(sky_sed_lanes *l)
{
    if (!l)
        return;
    for (int g = 0; l->group && g < l->ngroup; g++) {
        free(l->group[g].chan);
        free(l->group[g].t);
    }
    for (int s = 0; l->slot && s < l->nslot; s++)
        free(l->slot[s].v);
    free(l->group);
    free(l->offset);
    free(l->group_of);
    free(l->lane_of);
    free(l->slot);
    free(l);
}

static int has_tables(const double *b)
{
    return b && b[0] != 0;
}

sky_sed_lanes *sky_sed_lanes_new(const sky_sed_lanes_spec *spec, int nchan,
                                 const double *const *bdata)
{
    sky_sed_lanes *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->nchan = nchan;
    l->group = calloc((size_t)nchan, sizeof *l->group);
    l->offset = calloc((size_t)nchan, sizeof *l->offset);
    l->group_of = malloc((size_t)nchan * sizeof *l->group_of);
    l->lane_of = malloc((size_t)nchan * sizeof *l->lane_of);
    l->nslot = sky_threads_max();
    l->slot = calloc((size_t)l->nslot, sizeof *l->slot);
    if (!l->group || !l->offset || !l->group_of || !l->lane_of || !l->slot) {
        sky_sed_lanes_free(l);
        return NULL;
    }
    /* groups in the order of their first channel, lanes in channel order */
    for (int c = 0; c < nchan; c++) {
        l->group_of[c] = l->lane_of[c] = -1;
        if (!has_tables(bdata[c]))
            continue;
        int g = 0;
        while (g < l->ngroup && !spec->same_axes(l->group[g].bdata, bdata[c]))
            g++;
        if (g == l->ngroup) {
            l->group[g].bdata = bdata[c];
            l->group[g].nodes = spec->nodes(bdata[c]);
            l->group[g].ntab = spec->ntab(bdata[c]);
            l->ngroup++;
        }
        l->group_of[c] = g;
        l->lane_of[c] = l->group[g].n++;
    }
    if (!l->ngroup) {
        sky_sed_lanes_free(l);
        return NULL;
    }
    for (int g = 0; g < l->ngroup; g++) {
        sky_sed_group *gr = &l->group[g];
        l->offset[g] = l->total;
        l->total += gr->n;
        gr->chan = malloc((size_t)gr->n * sizeof *gr->chan);
        gr->t = malloc((size_t)gr->ntab * (size_t)gr->nodes * (size_t)gr->n * sizeof *gr->t);
        if (!gr->chan || !gr->t) {
            sky_sed_lanes_free(l);
            return NULL;
        }
    }
    for (int c = 0; c < nchan; c++) {
        const int g = l->group_of[c];
        if (g < 0)
            continue;
        sky_sed_group *gr = &l->group[g];
        const int lane = l->lane_of[c], n = gr->n;
        gr->chan[lane] = c;
        for (int k = 0; k < gr->ntab; k++) {
            const double *src = spec->table(bdata[c], k);
            double *dst = gr->t + (int64_t)k * gr->nodes * n + lane;
            for (int64_t v = 0; v < gr->nodes; v++)
                dst[v * n] = src[v];
        }
    }
    l->id = atomic_fetch_add(&lanes_ids, 1) + 1;
    return l;
}

int sky_sed_lanes_groups(const sky_sed_lanes *l)
{
    return l->ngroup;
}

const sky_sed_group *sky_sed_lanes_group(const sky_sed_lanes *l, int g)
{
    return &l->group[g];
}

int sky_sed_lanes_offset(const sky_sed_lanes *l, int g)
{
    return l->offset[g];
}

int sky_sed_lanes_total(const sky_sed_lanes *l)
{
    return l->total;
}

static int thread_num(void)
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

const double *sky_sed_lanes_results(sky_sed_lanes *l, int c, int rows, int64_t first,
                                    int64_t count, sky_sed_lanes_fill fill, const void *state,
                                    int *group, int *lane)
{
    const int t = thread_num();
    if (c < 0 || c >= l->nchan || l->group_of[c] < 0 || count > SKY_EVAL_BLOCK || t >= l->nslot)
        return NULL;
    *group = l->group_of[c];
    *lane = l->lane_of[c];
    slot *s = &l->slot[t];
    if (s->id == l->id && s->first == first && s->count == count && s->rows == rows)
        return s->v;
    const size_t need = (size_t)rows * (size_t)sky_sed_lanes_ld(count);
    if (need > s->cap) {
        free(s->v);
        s->cap = 0;
        if (!(s->v = malloc(need * sizeof *s->v)))
            return NULL;
        s->cap = need;
    }
    s->id = 0; /* no block's until filled */
    if (fill(state, l, first, count, s->v))
        return NULL;
    s->id = l->id;
    s->first = first;
    s->count = count;
    s->rows = rows;
    return s->v;
}
