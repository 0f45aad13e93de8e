/*
 * sed_lanes.c - the channels of an evaluation grouped by the axes of their
 * tables, the tables side by side, and each thread's results of its last
 * block (sed_lanes.h).
 */
#include "sed_lanes.h"

#include "parallel/threads.h"
#include "sky_eval.h"

#include <math.h>
#include <stdio.h>
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
        free(l->group[g].u);
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

/* Group gr's tables (len = ntab nodes values a lane) as K basis tables and
 * each lane's K coefficients, when every lane's table is reproduced at every
 * node within tol of the node's largest value over the lanes, with K at
 * most n / 2. The tables are weighted per node by that largest value (the
 * spectra span orders of magnitude over a table: the accuracy asked is
 * relative to the values near each pixel's parameters), then a Gram-Schmidt
 * over the lanes, each step taking the lane whose residual is largest
 * relative to its table. The residuals are the lanes' tables minus their
 * reconstruction so far, exactly, whatever the basis's orthogonality; the
 * result is checked again from the tables and the basis as stored. Keeps
 * the lanes otherwise (or without memory). Plain loops in a fixed order:
 * the same on every process. */
static void make_basis(sky_sed_group *gr, double tol)
{
    const int n = gr->n, kmax = n / 2;
    const int64_t len = (int64_t)gr->ntab * gr->nodes;
    double *a = malloc((size_t)len * (size_t)n * sizeof *a);    /* residuals, lane-major */
    double *q = malloc((size_t)len * (size_t)kmax * sizeof *q); /* basis, table-major */
    double *r = calloc((size_t)kmax * (size_t)n, sizeof *r);    /* r[j * kmax + k] */
    double *scale = malloc((size_t)len * sizeof *scale);        /* each node's largest */
    /* per lane: its weighted table's sum of squares, and its residual's sum
     * of squares and largest value, kept up to date below */
    double *norm2 = malloc(3 * (size_t)n * sizeof *norm2), *cur = norm2 ? norm2 + n : NULL,
           *big = norm2 ? norm2 + 2 * n : NULL;
    double *t = NULL, *u = NULL;
    int k = 0, ok = 0;
    if (!a || !q || !r || !scale || !norm2)
        goto done;
    for (int64_t i = 0; i < len; i++) {
        double m = 0;
        for (int j = 0; j < n; j++)
            m = fmax(m, fabs(gr->t[i * n + j]));
        scale[i] = m > 0 ? m : 1.0;
    }
#pragma omp parallel for schedule(static) if (len * n >= (1 << 16))
    for (int j = 0; j < n; j++) {
        double s2 = 0, m = 0;
        for (int64_t i = 0; i < len; i++) {
            const double x = a[(int64_t)j * len + i] = gr->t[i * n + j] / scale[i];
            s2 += x * x;
            m = fmax(m, fabs(x));
        }
        norm2[j] = cur[j] = s2;
        big[j] = m;
    }
    for (;; k++) {
        int p = -1, all = 1;
        double worst = 0;
        for (int j = 0; j < n; j++) {
            all &= big[j] <= tol;
            const double rel = norm2[j] > 0 ? cur[j] / norm2[j] : 0;
            if (rel > worst) {
                worst = rel;
                p = j;
            }
        }
        if (all) {
            ok = k > 0;
            break;
        }
        if (k == kmax || p < 0)
            break;
        double *qk = q + (int64_t)k * len;
        const double *ap = a + (int64_t)p * len;
        const double inv = 1.0 / sqrt(cur[p]); /* its residual's sum of squares */
        for (int64_t i = 0; i < len; i++)
            qk[i] = ap[i] * inv;
        /* each lane on its own, in a fixed order: the same for any threads */
#pragma omp parallel for schedule(static) if (len * n >= (1 << 16))
        for (int j = 0; j < n; j++) {
            double *aj = a + (int64_t)j * len, d = 0, m = 0, r2 = 0;
            for (int64_t i = 0; i < len; i++)
                d += qk[i] * aj[i];
            r[(int64_t)j * kmax + k] = d;
            for (int64_t i = 0; i < len; i++) {
                aj[i] -= d * qk[i];
                r2 += aj[i] * aj[i];
                m = fmax(m, fabs(aj[i]));
            }
            cur[j] = r2;
            big[j] = m;
        }
    }
    t = ok ? malloc((size_t)len * (size_t)k * sizeof *t) : NULL;
    u = ok ? malloc((size_t)n * (size_t)k * sizeof *u) : NULL;
    if (!t || !u)
        goto done;
    for (int64_t i = 0; i < len; i++) /* the basis unweighted, as it will be used */
        for (int c = 0; c < k; c++)
            t[i * k + c] = q[(int64_t)c * len + i] * scale[i];
    for (int j = 0; j < n; j++)
        for (int c = 0; c < k; c++)
            u[(int64_t)j * k + c] = r[(int64_t)j * kmax + c];
    for (int j = 0; j < n && ok; j++) /* the check, from the tables */
        for (int64_t i = 0; i < len && ok; i++) {
            double x = 0;
            for (int c = 0; c < k; c++)
                x += u[(int64_t)j * k + c] * t[i * k + c];
            ok = fabs(x - gr->t[i * n + j]) <= 2 * tol * scale[i];
        }
    if (!ok)
        goto done;
    free(gr->t);
    gr->t = t;
    gr->u = u;
    gr->k = gr->w = k;
    t = u = NULL;
done:
    free(a);
    free(q);
    free(r);
    free(scale);
    free(norm2);
    free(t);
    free(u);
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
        gr->w = gr->n;
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
    for (int g = 0; g < l->ngroup; g++) {
        sky_sed_group *gr = &l->group[g];
        if (spec->basis_tol > 0 && gr->n >= SKY_SED_BASIS_MIN_LANES)
            make_basis(gr, spec->basis_tol);
        l->offset[g] = l->total;
        l->total += gr->w;
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

int sky_sed_lanes_describe(const void *shared, char *buf, size_t size)
{
    const sky_sed_lanes *l = shared;
    int nb = 0;
    size_t used = 0;
    if (size)
        buf[0] = '\0';
    for (int g = 0; l && g < l->ngroup; g++) {
        const sky_sed_group *gr = &l->group[g];
        if (!gr->k)
            continue;
        if (used < size)
            used += (size_t)snprintf(buf + used, size - used, "%s%d channels' tables as %d basis "
                                     "tables", nb ? "; " : "", gr->n, gr->k);
        nb++;
    }
    return nb;
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
