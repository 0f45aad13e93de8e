/*
 * sky.c - the sky object: components built from a configuration, and their
 * band-integrated sum in the output unit (PySM's Sky.get_emission).
 *
 * Evaluation is one parallel pass over blocks of output pixels. For each
 * block, every group of components is evaluated and summed, the groups are
 * summed, and the total is multiplied by the output unit factor
 * (bandpass_unit_conversion). All arithmetic is per pixel, so the result does
 * not depend on the number of threads or on the pixel range asked for.
 *
 * Precision, as PySM's numpy arrays have it: a sum takes the type of its first
 * term. When the first component of a group returns float32 (SpDustPol, a
 * CMBMap over a band), each later addition is rounded to float32; likewise
 * for the groups. The final multiplication by the unit factor stays float32
 * when the factor is a numpy scalar (a band, or one frequency without an
 * equivalency: K_RJ output) and becomes float64 when it is a one-element array
 * (one frequency converted to K_CMB or Jy/sr).
 *
 * Components evaluated at a coarser nside than the sky (all their templates
 * coarser) are evaluated once over the parents of the requested range and
 * gathered per output pixel.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "core/error.h"
#include "core/log.h"
#include "data/datapath.h"
#include "healpix/healpix.h"
#include "models/component.h"
#include "spectra/bandpass.h"
#include "spectra/units.h"

struct sky_sky {
    int nside;
    uint32_t seed; /* numpy global seed before each evaluation (d6) */
    int64_t npix;
    int ncomp;
    sky_component **comp;
    int *group; /* group id of each component, non-decreasing */
    sky_datapath dp;
};

const char *sky_version(void)
{
    return SKY_VERSION_STRING;
}

void sky_options_init(sky_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->nside = 512;
    opt->seed = SKY_SEED_PRESET;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* Offline: every file the components name must be here already; one error
 * lists all that are not, before anything is read. */
typedef struct missing_list {
    const sky_datapath *dp;
    int n;
    size_t used;
    char text[768];
} missing_list;

static int note_missing(const char *path, void *ctx)
{
    missing_list *m = ctx;
    if (sky_datapath_local(m->dp, path))
        return 0;
    m->n++;
    if (m->used < sizeof m->text)
        m->used += (size_t)snprintf(m->text + m->used, sizeof m->text - m->used, "%s%s",
                                    m->n > 1 ? ", " : "", path);
    return 0;
}

static int check_offline(const sky_config *cfg, const sky_datapath *dp, sky_error *err)
{
    missing_list m = {dp, 0, 0, ""};
    sky_config_each_file(cfg, note_missing, &m);
    if (!m.n)
        return SKY_OK;
    return sky_fail(err, SKY_ENOTFOUND,
                    "offline and %d template%s missing (not in the data folders or the cache %s): "
                    "%s",
                    m.n, m.n == 1 ? " is" : "s are", dp->cache, m.text);
}

int sky_create(const sky_config *cfg, const sky_options *opt, sky_sky **out, sky_error *err)
{
    *out = NULL;
    if (!cfg || !opt)
        return sky_fail(err, SKY_EINVAL, "sky_create: NULL argument");
    if (!sky_hpx_nside_ok(opt->nside))
        return sky_fail(err, SKY_EINVAL, "nside %d: expected a power of two from 1 to 8192",
                        opt->nside);
    if (cfg->n == 0)
        return sky_fail(err, SKY_EINVAL, "the sky has no components: give at least one preset");
    sky_sky *sky = calloc(1, sizeof *sky);
    if (!sky)
        return sky_nomem(err, "the sky");
    int rc = sky_datapath_init(&sky->dp, opt, err);
    if (rc) {
        free(sky);
        return rc;
    }
    if (sky->dp.offline && (rc = check_offline(cfg, &sky->dp, err))) {
        sky_free(sky);
        return rc;
    }
    sky->nside = opt->nside;
    if (opt->seed != SKY_SEED_PRESET && (opt->seed < 0 || opt->seed > 4294967295LL)) {
        sky_free(sky);
        return sky_fail(err, SKY_EINVAL, "seed %lld: expected an integer from 0 to 4294967295",
                        (long long)opt->seed);
    }
    sky->seed = opt->seed >= 0 ? (uint32_t)opt->seed : 0u;
    sky->npix = sky_hpx_npix(opt->nside);
    sky->comp = calloc((size_t)cfg->n, sizeof *sky->comp);
    sky->group = calloc((size_t)cfg->n, sizeof *sky->group);
    if (!sky->comp || !sky->group) {
        sky_free(sky);
        return sky_nomem(err, "the sky");
    }
    for (int i = 0; i < cfg->n; i++) {
        const sky_config_component *cc = &cfg->comp[i];
        double t0 = now();
        rc = sky_component_create(sky_model_find(cc->model_class), cc->label, &cc->params,
                                  &sky->dp, sky->nside, opt->seed, &sky->comp[i], err);
        if (rc) {
            sky_free(sky);
            return rc;
        }
        sky->ncomp = i + 1;
        sky->group[i] = cc->group;
        if (opt->verbose >= 2)
            sky_logf(opt->log, opt->log_ctx,
                     "component %s (%s): %d template map%s, evaluated at nside %d (%.2f s)",
                     cc->label, cc->model_class, sky->comp[i]->nmaps,
                     sky->comp[i]->nmaps == 1 ? "" : "s", sky->comp[i]->eval_nside, now() - t0);
    }
    *out = sky;
    return SKY_OK;
}

void sky_free(sky_sky *sky)
{
    if (!sky)
        return;
    for (int i = 0; i < sky->ncomp; i++)
        sky_component_free(sky->comp[i]);
    free(sky->comp);
    free(sky->group);
    sky_datapath_free(&sky->dp);
    free(sky);
}

int sky_seed_count(const sky_sky *sky)
{
    int n = 0;
    for (int i = 0; sky && i < sky->ncomp; i++)
        n += sky->comp[i]->nseeds;
    return n;
}

int sky_seed_at(const sky_sky *sky, int i, const char **label, const char **key,
                uint32_t *value)
{
    for (int c = 0; sky && c < sky->ncomp; c++) {
        if (i < sky->comp[c]->nseeds) {
            *label = sky->comp[c]->label;
            *key = sky->comp[c]->seeds[i].key;
            *value = sky->comp[c]->seeds[i].value;
            return SKY_OK;
        }
        i -= sky->comp[c]->nseeds;
    }
    return SKY_EINVAL;
}

int sky_nside(const sky_sky *sky)
{
    return sky->nside;
}

int64_t sky_npix(const sky_sky *sky)
{
    return sky->npix;
}

/* Values of a component evaluated at a coarser nside, over the parent range
 * [first, first + count) of the output pixels asked for. */
typedef struct coarse {
    int64_t first, count;
    double *iqu; /* 3 * count */
} coarse;

static int evaluate_coarse(const sky_sky *sky, const sky_component *c, const sky_bandq *bq,
                           const double *bdata, int64_t first, int64_t count, coarse *out,
                           sky_error *err)
{
    sky_hpx_parent_range(sky->nside, first, count, c->eval_nside, &out->first, &out->count);
    const int64_t lo = out->first;
    out->iqu = malloc((size_t)(3 * out->count) * sizeof *out->iqu);
    if (!out->iqu)
        return sky_nomem(err, "a coarse component map");
    const int64_t n = out->count, block = 1024;
#pragma omp parallel for schedule(static)
    for (int64_t b = 0; b < n; b += block) {
        int64_t m = n - b < block ? n - b : block;
        c->type->emission(c->state, bq, bdata, lo + b, m, out->iqu + b, out->iqu + n + b,
                          out->iqu + 2 * n + b);
    }
    return SKY_OK;
}

static inline double add(double acc, double v, int f32)
{
    return f32 ? (double)(float)(acc + v) : acc + v;
}

int sky_emission_range(const sky_sky *sky, const sky_band *band, const char *unit,
                       int64_t first, int64_t count, double *iqu, sky_error *err)
{
    sky_unit out_unit;
    sky_bandq bq = {0};
    int rc;
    if (!sky || !iqu)
        return sky_fail(err, SKY_EINVAL, "sky_emission: NULL argument");
    if (first < 0 || count < 0 || first + count > sky->npix)
        return sky_fail(err, SKY_EINVAL, "pixel range [%lld, %lld): expected within [0, %lld)",
                        (long long)first, (long long)(first + count), (long long)sky->npix);
    if ((rc = sky_unit_parse_output(unit, &out_unit, err)) ||
        (rc = sky_bandq_prepare(band, &bq, err)))
        return rc;
    if (count == 0) {
        sky_bandq_free(&bq);
        return SKY_OK;
    }
    const sky_unit uk_rj = {SKY_UNIT_K_RJ, 1e-6};
    const double factor = sky_band_unit_factor(band, &uk_rj, &out_unit);
    const int factor_is_scalar = band->n > 1 || out_unit.family == SKY_UNIT_K_RJ;

    const int nc = sky->ncomp;
    coarse *cs = calloc((size_t)nc, sizeof *cs);
    int *f32 = calloc((size_t)nc, sizeof *f32);
    double **bdata = calloc((size_t)nc, sizeof *bdata);
    if (!cs || !f32 || !bdata) {
        rc = sky_nomem(err, "evaluation scratch");
        goto done;
    }
    /* Band data (random draws) in component order from one generator seeded
     * for this evaluation: every call, and every pixel range, sees the same. */
    sky_np_rng rng;
    sky_np_seed(&rng, sky->seed);
    for (int i = 0; i < nc && !rc; i++) {
        const sky_component *c = sky->comp[i];
        if (!c->type->prepare)
            continue;
        if (!(bdata[i] = malloc((size_t)c->type->band_data_len(c->state, &bq) * sizeof(double))))
            rc = sky_nomem(err, "band data");
        else
            rc = c->type->prepare(c->state, &bq, &rng, bdata[i], err);
    }
    if (rc)
        goto done;
    for (int i = 0; i < nc; i++) {
        const sky_component *c = sky->comp[i];
        f32[i] = c->type->f32_output ? c->type->f32_output(c->state, &bq) : 0;
        if (c->eval_nside != sky->nside &&
            (rc = evaluate_coarse(sky, c, &bq, bdata[i], first, count, &cs[i], err)))
            goto done;
    }

    const int64_t block = 1024;
    int nomem = 0;
#pragma omp parallel
    {
        double *scratch = calloc((size_t)(9 * block), sizeof *scratch);
        int64_t *parent = malloc((size_t)block * sizeof *parent);
        if (!scratch || !parent) {
#pragma omp atomic write
            nomem = 1;
        }
#pragma omp for schedule(static)
        for (int64_t b = 0; b < count; b += block) {
            if (!scratch || !parent)
                continue;
            const int64_t m = count - b < block ? count - b : block, p0 = first + b;
            double *v = scratch, *g = scratch + 3 * block, *a = scratch + 6 * block;
            int top_f32 = 0, group_f32 = 0, parent_nside = 0;
            for (int i = 0; i < nc; i++) {
                const sky_component *c = sky->comp[i];
                if (c->eval_nside == sky->nside) {
                    c->type->emission(c->state, &bq, bdata[i], p0, m, v, v + block,
                                      v + 2 * block);
                } else {
                    if (parent_nside != c->eval_nside) { /* shared by same-nside components */
                        for (int64_t k = 0; k < m; k++)
                            parent[k] = sky_hpx_parent_ring(sky->nside, p0 + k, c->eval_nside);
                        parent_nside = c->eval_nside;
                    }
                    const double *src = cs[i].iqu;
                    const int64_t off = cs[i].first, n = cs[i].count;
                    for (int s = 0; s < 3; s++)
                        for (int64_t k = 0; k < m; k++)
                            v[s * block + k] = src[s * n + parent[k] - off];
                }
                const int starts_group = i == 0 || sky->group[i] != sky->group[i - 1];
                const int ends_group = i == nc - 1 || sky->group[i + 1] != sky->group[i];
                if (starts_group) {
                    group_f32 = f32[i];
                    memcpy(g, v, (size_t)(3 * block) * sizeof *g);
                } else {
                    for (int s = 0; s < 3; s++)
                        for (int64_t k = s * block; k < s * block + m; k++)
                            g[k] = add(g[k], v[k], group_f32);
                }
                if (!ends_group)
                    continue;
                if (sky->group[i] == sky->group[0]) {
                    top_f32 = group_f32;
                    memcpy(a, g, (size_t)(3 * block) * sizeof *a);
                } else {
                    for (int s = 0; s < 3; s++)
                        for (int64_t k = s * block; k < s * block + m; k++)
                            a[k] = add(a[k], g[k], top_f32);
                }
            }
            const float factor32 = (float)factor;
            for (int s = 0; s < 3; s++)
                for (int64_t k = 0; k < m; k++) {
                    const double x = a[s * block + k];
                    iqu[s * count + b + k] = top_f32 && factor_is_scalar
                                                 ? (double)(float)(x * factor32)
                                                 : x * factor;
                }
        }
        free(scratch);
        free(parent);
    }
    if (nomem)
        rc = sky_nomem(err, "evaluation scratch");
done:
    if (cs)
        for (int i = 0; i < nc; i++)
            free(cs[i].iqu);
    free(cs);
    free(f32);
    for (int i = 0; bdata && i < nc; i++)
        free(bdata[i]);
    free(bdata);
    sky_bandq_free(&bq);
    return rc;
}

int sky_emission(const sky_sky *sky, const sky_band *band, const char *unit, double *iqu,
                 sky_error *err)
{
    if (!sky)
        return sky_fail(err, SKY_EINVAL, "sky_emission: NULL sky");
    return sky_emission_range(sky, band, unit, 0, sky->npix, iqu, err);
}
