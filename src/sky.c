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
 *
 * The maps of an evaluation that together outgrow the last-level cache
 * (SKY_STREAM_BYTES: hundreds of detectors) are written with non-temporal
 * stores (core/stream.h): the same values, without each line read first.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/heap.h"
#include "core/log.h"
#include "core/stream.h"
#include "core/vmath.h"
#include "data/datapath.h"
#include "healpix/healpix.h"
#include "models/component.h"
#include "parallel/threads.h"
#include "spectra/bandpass.h"
#include "sky_eval.h"
#include "spectra/sed_table.h"
#include "spectra/units.h"

struct sky_sky {
    int nside;
    uint32_t seed; /* numpy global seed before each evaluation (d6) */
    int64_t npix;
    sky_region part; /* the pixels held */
    int ncomp;
    sky_component **comp;
    int *group; /* group id of each component, non-decreasing */
    sky_datapath dp;
    int exact_sed; /* sky_options.exact_sed */
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

static int check_offline(const sky_config *cfg, const sky_datapath *dp, int nside,
                         sky_error *err)
{
    missing_list m = {dp, 0, 0, ""};
    sky_config_each_file(cfg, nside, note_missing, &m);
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
    int rc = sky_config_check(cfg, err); /* every component's parameters, before any file */
    if (rc)
        return rc;
    sky_sky *sky = calloc(1, sizeof *sky);
    if (!sky)
        return sky_nomem(err, "the sky");
    rc = sky_datapath_init(&sky->dp, opt, err);
    if (rc) {
        free(sky);
        return rc;
    }
    if (sky->dp.offline && (rc = check_offline(cfg, &sky->dp, opt->nside, err))) {
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
    sky->exact_sed = opt->exact_sed != 0;
    sky->npix = sky_hpx_npix(opt->nside);
    if (opt->nparts < 0 || (opt->nparts > 1 && (opt->part < 0 || opt->part >= opt->nparts))) {
        sky_free(sky);
        return sky_fail(err, SKY_EINVAL, "part %d of %d: expected 0 <= part < nparts", opt->part,
                        opt->nparts);
    }
    sky_region_part(opt->nside, opt->part, opt->nparts, &sky->part);
    sky->comp = calloc((size_t)cfg->n, sizeof *sky->comp);
    sky->group = calloc((size_t)cfg->n, sizeof *sky->group);
    if (!sky->comp || !sky->group) {
        sky_free(sky);
        return sky_nomem(err, "the sky");
    }
    for (int i = 0; i < cfg->n; i++) {
        const sky_config_component *cc = &cfg->comp[i];
        double t0 = sky_clock_seconds();
        rc = sky_component_create(sky_model_find(cc->model_class), cc->label, &cc->params,
                                  &sky->dp, &sky->part, opt->seed, &sky->comp[i], err);
        if (rc && cc->file) /* a component from a TOML file: where it is */
            sky_prefix(err, rc, "%s:%d: ", cc->file, cc->line);
        if (rc) {
            sky_free(sky);
            return rc;
        }
        sky->ncomp = i + 1;
        sky->group[i] = cc->group;
        sky->comp[i]->log = opt->log; /* for the warnings of an evaluation */
        sky->comp[i]->log_ctx = opt->log_ctx;
        sky->comp[i]->verbose = opt->verbose;
        /* PySM stores max_nside and never uses it: a finer sky is simply
         * upgraded; said once, as a warning */
        const sky_param *mx = sky_params_peek(&cc->params, "max_nside");
        if (mx && mx->kind == SKY_PARAM_NUMBER && opt->nside > mx->num && opt->verbose >= 1 &&
            sky->comp[i]->nmaps > 0)
            sky_logf(opt->log, opt->log_ctx,
                     "warning: component %s: nside %d is above its max_nside %g: its templates "
                     "are upgraded (pixel copies) and add no detail beyond nside %g",
                     cc->label, opt->nside, mx->num, mx->num);
        if (opt->verbose >= 2)
            sky_logf(opt->log, opt->log_ctx,
                     "component %s (%s): %d template map%s, evaluated at nside %d (%.2f s)",
                     cc->label, cc->model_class, sky->comp[i]->nmaps,
                     sky->comp[i]->nmaps == 1 ? "" : "s", sky->comp[i]->eval_nside,
                     sky_clock_seconds() - t0);
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

int sky_part_ranges(const sky_sky *sky, int64_t first[2], int64_t count[2])
{
    for (int s = 0; s < sky->part.nseg; s++) {
        first[s] = sky->part.first[s];
        count[s] = sky->part.count[s];
    }
    return sky->part.nseg;
}

/* Values of a component evaluated at a coarser nside, over the parent range
 * [first, first + count) of the output pixels asked for. */
typedef struct coarse {
    int64_t first, count;
    double *iqu; /* 3 * count */
} coarse;

/* Room for a component's values at its coarser nside over the parent range
 * of the output pixels [first, first + count) (filled by coarse_evaluate). */
static int coarse_alloc(const sky_sky *sky, const sky_component *c, int64_t first, int64_t count,
                        coarse *out, sky_error *err)
{
    sky_hpx_parent_range(sky->nside, first, count, c->eval_nside, &out->first, &out->count);
    out->iqu = sky_big_alloc((size_t)(3 * out->count) * sizeof *out->iqu);
    if (!out->iqu)
        return sky_nomem(err, "a coarse component map");
    return SKY_OK;
}

static inline double add(double acc, double v, int f32)
{
    return f32 ? (double)(float)(acc + v) : acc + v;
}

/* What one channel needs besides the pixels: its prepared band, unit factor,
 * per-component output precision and band data (sky_bands), then for one
 * pixel range the coarse evaluations. */
typedef struct channel {
    int index; /* in its evaluation (sky_bands) */
    sky_bandq bq;
    double factor;
    int factor_is_scalar;
    int *f32;
    double **bdata;
    coarse *cs; /* per evaluation, NULL between them */
    /* per component: left out (it smooths itself and the channel is
     * smoothed: includes_smoothing), and acquired (to release) */
    unsigned char *left_out, *acquired;
} channel;

struct sky_bands {
    const sky_sky *sky;
    int nchan;
    channel *ch;
    void **shared; /* per component: what its channels share (model.h), or NULL */
};

static void channel_free(const sky_sky *sky, channel *ch)
{
    const int nc = sky->ncomp;
    for (int i = 0; ch->acquired && i < nc; i++)
        if (ch->acquired[i])
            sky->comp[i]->type->release(sky->comp[i]->state, &ch->bq);
    free(ch->left_out);
    free(ch->acquired);
    for (int i = 0; ch->bdata && i < nc; i++)
        free(ch->bdata[i]);
    free(ch->bdata);
    free(ch->f32);
    sky_bandq_free(&ch->bq);
}

static void coarse_free(channel *ch, int nc)
{
    for (int i = 0; ch->cs && i < nc; i++)
        free(ch->cs[i].iqu);
    free(ch->cs);
    ch->cs = NULL;
}

/* Whether the unit factor is a numpy scalar in PySM (a band, or one frequency
 * in K_RJ: no equivalency) rather than a one-element array: a scalar keeps a
 * float32 sum float32. */
static int factor_is_scalar(const sky_band *band, const sky_unit *out_unit)
{
    return band->n > 1 || out_unit->family == SKY_UNIT_K_RJ;
}

/* Whether the sky's sum is float32 before the unit factor: typed as the first
 * group's sum, itself typed as its first component. */
static int sum_is_f32(const sky_sky *sky, const sky_bandq *bq)
{
    const sky_component *c = sky->ncomp > 0 ? sky->comp[0] : NULL;
    return c && c->type->f32_output ? c->type->f32_output(c->state, bq) : 0;
}

int sky_fast_sed(const sky_sky *sky, const sky_band *band)
{
    return sky && band && !sky->exact_sed && band->n >= SKY_FAST_SED_MIN_SAMPLES &&
           sky->nside >= SKY_FAST_SED_MIN_NSIDE;
}

int sky_fast_sed_components(const sky_sky *sky, char *names, size_t size)
{
    int n = 0;
    size_t used = 0;
    if (size)
        names[0] = '\0';
    for (int i = 0; sky && i < sky->ncomp; i++) {
        const sky_component *c = sky->comp[i];
        if (!c->type->band_data_len || !c->type->fast_sed || !c->type->fast_sed(c->state))
            continue;
        n++;
        if (used < size)
            used += (size_t)snprintf(names + used, size - used, "%s%s", n > 1 ? ", " : "",
                                     c->label);
    }
    return n;
}


int sky_component_smoothing(const sky_sky *sky, int i, sky_error *why)
{
    const sky_component *c = sky->comp[i];
    sky_error ignored;
    return c->type->smoothing ? c->type->smoothing(c->state, why ? why : &ignored)
                              : SKY_SMOOTHING_NONE;
}

int sky_component_total(const sky_sky *sky)
{
    return sky ? sky->ncomp : 0;
}

int sky_self_smoothing_count(const sky_sky *sky)
{
    int n = 0;
    for (int i = 0; sky && i < sky->ncomp; i++)
        n += sky_component_smoothing(sky, i, NULL) != SKY_SMOOTHING_NONE;
    return n;
}

/* `smoothed`: the channel will be smoothed by the pipeline, which then adds
 * the components that smooth themselves (sky_add_self_smoothed): they are
 * left out here. */
static int channel_prepare(const sky_sky *sky, const sky_band *band, const char *unit,
                           int smoothed, channel *ch, sky_error *err)
{
    sky_unit out_unit;
    const int nc = sky->ncomp;
    int rc;
    memset(ch, 0, sizeof *ch);
    if ((rc = sky_unit_parse_output(unit, &out_unit, err)) ||
        (rc = sky_bandq_prepare(band, &ch->bq, err)))
        return rc;
    ch->bq.fast = sky_fast_sed(sky, band);
    const sky_unit uk_rj = {SKY_UNIT_K_RJ, 1e-6};
    ch->factor = sky_band_unit_factor(band, &uk_rj, &out_unit);
    ch->factor_is_scalar = factor_is_scalar(band, &out_unit);
    ch->f32 = calloc((size_t)nc, sizeof *ch->f32);
    ch->bdata = calloc((size_t)nc, sizeof *ch->bdata);
    ch->left_out = calloc((size_t)nc, 1);
    ch->acquired = calloc((size_t)nc, 1);
    if (!ch->f32 || !ch->bdata || !ch->left_out || !ch->acquired)
        return sky_nomem(err, "evaluation scratch");
    for (int i = 0; i < nc; i++) {
        sky_error why = {0};
        const int mode = sky_component_smoothing(sky, i, &why);
        if (mode == SKY_SMOOTHING_NONE)
            continue;
        if (smoothed && !sky_region_is_full(&sky->part) &&
            !sky->comp[i]->type->emission_smoothed_part)
            return sky_fail(err, SKY_EINVAL, "component %s applies the beam itself "
                            "(includes_smoothing), over the whole sky only: run it smoothed "
                            "in one process (not under mpirun)", sky->comp[i]->label);
        if (smoothed)
            ch->left_out[i] = 1;
        else if (mode == SKY_SMOOTHING_REQUIRED)
            return sky_fail(err, SKY_EINVAL, "component %s: %s", sky->comp[i]->label,
                            why.msg);
    }
    /* Band data (random draws) in component order from one generator seeded
     * for this evaluation: every call, every channel and every pixel range
     * sees the same. */
    sky_np_rng rng;
    sky_np_seed(&rng, sky->seed);
    for (int i = 0; i < nc && !rc; i++) {
        const sky_component *c = sky->comp[i];
        if (!c->type->prepare)
            continue;
        const int len = c->type->band_data_len(c->state, &ch->bq);
        if (!(ch->bdata[i] = malloc((size_t)(len > 0 ? len : 1) * sizeof(double))))
            rc = sky_nomem(err, "band data");
        else
            rc = c->type->prepare(c->state, &ch->bq, &rng, ch->bdata[i], err);
    }
    for (int i = 0; i < nc && !rc; i++) { /* templates read for this band */
        sky_component *c = sky->comp[i];
        if (!c->type->acquire || ch->left_out[i])
            continue;
        if (!(rc = c->type->acquire(c->state, &ch->bq, c, err)))
            ch->acquired[i] = 1;
    }
    for (int i = 0; i < nc && !rc; i++) {
        const sky_component *c = sky->comp[i];
        if (ch->left_out[i]) /* zeros here: the rest of the sky keeps its own type */
            continue;
        ch->f32[i] = c->type->f32_output ? c->type->f32_output(c->state, &ch->bq) : 0;
    }
    return rc;
}

/* Room for the components evaluated at a coarser nside, over what [first,
 * first + count) needs of them. */
static int channel_coarse(const sky_sky *sky, channel *ch, int64_t first, int64_t count,
                          sky_error *err)
{
    const int nc = sky->ncomp;
    if (!(ch->cs = calloc((size_t)nc, sizeof *ch->cs)))
        return sky_nomem(err, "evaluation scratch");
    int rc = SKY_OK;
    for (int i = 0; i < nc && !rc && count > 0; i++) {
        const sky_component *c = sky->comp[i];
        if (c->eval_nside != sky->nside)
            rc = coarse_alloc(sky, c, first, count, &ch->cs[i], err);
    }
    return rc;
}

int sky_bands_prepare(const sky_sky *sky, int nchan, const sky_band *bands,
                      const char *const *units, sky_bands **out, sky_error *err)
{
    return sky_bands_prepare_smoothed(sky, nchan, bands, units, NULL, out, err);
}

int sky_bands_prepare_smoothed(const sky_sky *sky, int nchan, const sky_band *bands,
                               const char *const *units, const int *smoothed, sky_bands **out,
                               sky_error *err)
{
    *out = NULL;
    if (!sky || !bands || !units || nchan < 1)
        return sky_fail(err, SKY_EINVAL, "sky_emission: NULL argument or no channel");
    for (int c = 0; c < nchan; c++)
        if (!units[c])
            return sky_fail(err, SKY_EINVAL, "sky_emission: channel %d: NULL unit", c);
    sky_bands *b = calloc(1, sizeof *b);
    if (!b || !(b->ch = calloc((size_t)nchan, sizeof *b->ch))) {
        free(b);
        return sky_nomem(err, "evaluation scratch");
    }
    b->sky = sky;
    int rc = (b->shared = calloc((size_t)(sky->ncomp > 0 ? sky->ncomp : 1), sizeof *b->shared))
                 ? SKY_OK
                 : sky_nomem(err, "evaluation scratch");
    for (; b->nchan < nchan && !rc; b->nchan++) {
        rc = channel_prepare(sky, &bands[b->nchan], units[b->nchan],
                             smoothed ? smoothed[b->nchan] : 0, &b->ch[b->nchan], err);
        b->ch[b->nchan].index = b->nchan;
    }
    const double **bd = rc ? NULL : malloc((size_t)nchan * sizeof *bd);
    if (!rc && !bd)
        rc = sky_nomem(err, "evaluation scratch");
    for (int i = 0; i < sky->ncomp && !rc; i++) { /* what the channels share */
        const sky_component *c = sky->comp[i];
        if (!c->type->shared)
            continue;
        for (int k = 0; k < nchan; k++)
            bd[k] = b->ch[k].left_out[i] ? NULL : b->ch[k].bdata[i];
        b->shared[i] = c->type->shared(c->state, nchan, bd);
        char line[512];
        if (b->shared[i] && c->type->describe_shared && c->log && c->verbose >= 2 &&
            c->type->describe_shared(b->shared[i], line, sizeof line))
            sky_logf(c->log, c->log_ctx, "band integration: component %s: %s", c->label, line);
    }
    free(bd);
    if (rc) {
        sky_bands_free(b);
        return rc;
    }
    *out = b;
    return SKY_OK;
}

void sky_bands_free(sky_bands *b)
{
    if (!b)
        return;
    for (int c = 0; c < b->nchan; c++) {
        coarse_free(&b->ch[c], b->sky->ncomp);
        channel_free(b->sky, &b->ch[c]);
    }
    for (int i = 0; b->shared && i < b->sky->ncomp; i++)
        if (b->shared[i])
            b->sky->comp[i]->type->free_shared(b->shared[i]);
    free(b->shared);
    free(b->ch);
    free(b);
}

/* Component i of channel ch over [first, first + m) of the component's own
 * pixels, through what the channels share when it has it (model.h). */
static inline void component_emission(const sky_component *c, void *shared, const channel *ch,
                                      int i, int64_t first, int64_t m, double *out_i,
                                      double *out_q, double *out_u)
{
    if (shared)
        c->type->emission_shared(c->state, shared, ch->index, &ch->bq, ch->bdata[i], first, m,
                                 out_i, out_q, out_u);
    else
        c->type->emission(c->state, &ch->bq, ch->bdata[i], first, m, out_i, out_q, out_u);
}

/* Every channel's values of the components evaluated at a coarser nside
 * (channel_coarse made their room, the same parent range for all): a block
 * of parent pixels for one channel after the other, so that what the
 * channels share (model.h: the tables' stencils, SpDust's sorted block) is
 * computed once a block, as at the sky's own nside. A pixel's value does not
 * depend on the blocks. */
static void coarse_evaluate(const sky_bands *b)
{
    const sky_sky *sky = b->sky;
    channel *ch = b->ch;
    for (int i = 0; i < sky->ncomp; i++) {
        const sky_component *c = sky->comp[i];
        if (c->eval_nside == sky->nside || b->nchan < 1 || !ch[0].cs[i].iqu)
            continue;
        const int64_t lo = ch[0].cs[i].first, n = ch[0].cs[i].count;
        const int64_t block = SKY_EVAL_BLOCK;
#pragma omp parallel for schedule(static) if (n * b->nchan >= SKY_OMP_MIN_WORK)
        for (int64_t k = 0; k < n; k += block) {
            const int64_t m = n - k < block ? n - k : block;
            for (int j = 0; j < b->nchan; j++) {
                double *v = ch[j].cs[i].iqu;
                component_emission(c, b->shared[i], &ch[j], i, lo + k, m, v + k, v + n + k,
                                   v + 2 * n + k);
            }
        }
    }
}

enum { BLOCK = SKY_EVAL_BLOCK };

/* One channel over the pixel block [p0, p0 + m) of the range starting at
 * `first`: components evaluated (or gathered from their coarse maps), summed
 * per group and over groups in PySM's precision, times the unit factor, into
 * out (I, Q, U rows `stride` apart) at offset p0 - first, with non-temporal
 * stores if `stream` (core/stream.h). `scratch` holds 9 BLOCK doubles and
 * `parent` BLOCK parent indices, computed for *parent_nside (updated). */
SKY_VECTOR_CLONES
static void channel_block(const sky_sky *sky, void *const *shared, const channel *ch,
                          int64_t first, int64_t stride, int64_t p0, int64_t m, double *out,
                          int stream, double *scratch, int64_t *parent, int *parent_nside)
{
    const int nc = sky->ncomp;
    double *v = scratch, *g = scratch + 3 * BLOCK, *a = scratch + 6 * BLOCK;
    int top_f32 = 0, group_f32 = 0, group_pol = 0;
    for (int i = 0; i < nc; i++) {
        const sky_component *c = sky->comp[i];
        /* Q and U of 0 (model.h's polarized) added in float64 leave a sum as
         * it is (but for a -0, which would become +0): not added */
        const int pol = !c->type->polarized || c->type->polarized(c->state);
        const int starts_group = i == 0 || sky->group[i] != sky->group[i - 1];
        const int ends_group = i == nc - 1 || sky->group[i + 1] != sky->group[i];
        const int first_group = sky->group[i] == sky->group[0];
        double *sum = first_group ? a : g; /* this group's running sum */
        double *dst = starts_group ? sum : v;
        /* Where the component's values would only be added in float64 next
         * (onto its group's sum, or as a group of its own onto the total),
         * the model may add them there itself (model.h's emission_add): the
         * same sums, without its rows written and read back. */
        double *onto = NULL;
        if (!starts_group && !group_f32)
            onto = sum;
        else if (starts_group && ends_group && !first_group && !top_f32)
            onto = a;
        int added = 0;
        if (ch->left_out[i]) { /* added after the pipeline's smoothing */
            for (int s = 0; s < 3; s++)
                memset(dst + s * BLOCK, 0, (size_t)m * sizeof *dst);
        } else if (c->eval_nside == sky->nside) {
            added = onto && c->type->emission_add &&
                    !c->type->emission_add(c->state, shared[i], ch->index, &ch->bq, ch->bdata[i],
                                           p0, m, onto, onto + BLOCK, onto + 2 * BLOCK);
            if (!added)
                component_emission(c, shared[i], ch, i, p0, m, dst, dst + BLOCK, dst + 2 * BLOCK);
        } else {
            if (*parent_nside != c->eval_nside) { /* shared by same-nside components */
                for (int64_t k = 0; k < m; k++)
                    parent[k] = sky_hpx_parent_ring(sky->nside, p0 + k, c->eval_nside);
                *parent_nside = c->eval_nside;
            }
            const double *src = ch->cs[i].iqu;
            const int64_t off = ch->cs[i].first, n = ch->cs[i].count;
            for (int s = 0; s < 3; s++)
                for (int64_t k = 0; k < m; k++)
                    dst[s * BLOCK + k] = src[s * n + parent[k] - off];
        }
        if (starts_group) {
            group_f32 = ch->f32[i];
            group_pol = pol;
        } else if (added) {
            group_pol |= pol;
        } else {
            const int ns = pol || group_f32 ? 3 : 1;
            for (int s = 0; s < ns; s++)
                for (int64_t k = s * BLOCK; k < s * BLOCK + m; k++)
                    sum[k] = add(sum[k], v[k], group_f32);
            group_pol |= pol;
        }
        if (!ends_group)
            continue;
        if (first_group) {
            top_f32 = group_f32;
        } else if (!(added && onto == a)) {
            const int ns = group_pol || top_f32 ? 3 : 1;
            for (int s = 0; s < ns; s++)
                for (int64_t k = s * BLOCK; k < s * BLOCK + m; k++)
                    a[k] = add(a[k], g[k], top_f32);
        }
    }
    const float factor32 = (float)ch->factor;
    const int64_t b = p0 - first;
    for (int s = 0; s < 3; s++) {
        double *x = a + s * BLOCK;
        if (stream && !(top_f32 && ch->factor_is_scalar)) { /* scaled as it is streamed */
            sky_stream_scale(out + s * stride + b, x, m, ch->factor);
            continue;
        }
        double *o = stream ? x : out + s * stride + b; /* streamed from the scratch */
        if (top_f32 && ch->factor_is_scalar)
            for (int64_t k = 0; k < m; k++)
                o[k] = (double)(float)(x[k] * factor32);
        else
            for (int64_t k = 0; k < m; k++)
                o[k] = x[k] * ch->factor;
        if (stream)
            sky_stream_copy(out + s * stride + b, x, m);
    }
}

int sky_bands_emission(const sky_bands *prepared, int64_t first, int64_t count,
                       double *const *out, int64_t stride, sky_error *err)
{
    if (!prepared || !out)
        return sky_fail(err, SKY_EINVAL, "sky_emission: NULL argument");
    const sky_sky *sky = prepared->sky;
    const int nchan = prepared->nchan;
    channel *ch = prepared->ch;
    int rc = SKY_OK;
    if (stride < count)
        return sky_fail(err, SKY_EINVAL, "sky_emission: stride %lld below the %lld pixels",
                        (long long)stride, (long long)count);
    for (int c = 0; c < nchan; c++)
        if (!out[c])
            return sky_fail(err, SKY_EINVAL, "sky_emission: channel %d: NULL map", c);
    if (first < 0 || count < 0 || first + count > sky->npix)
        return sky_fail(err, SKY_EINVAL, "pixel range [%lld, %lld): expected within [0, %lld)",
                        (long long)first, (long long)(first + count), (long long)sky->npix);
    if (!sky_region_holds(&sky->part, first, count))
        return sky_fail(err, SKY_EINVAL, "pixel range [%lld, %lld): not within the part of the "
                        "sky this sky holds (see sky_part_ranges)",
                        (long long)first, (long long)(first + count));
    if (count == 0)
        return SKY_OK;
    int ncoarse = 0;
    for (; ncoarse < nchan && !rc; ncoarse++)
        rc = channel_coarse(sky, &ch[ncoarse], first, count, err);
    if (rc)
        goto done;
    coarse_evaluate(prepared);

    /* One pass over the pixels: each block is evaluated for every channel
     * while its templates are in cache. Maps that together outgrow the
     * last-level cache are written past it (core/stream.h). */
    const int stream = (double)nchan * 3 * (double)count * sizeof(double) > SKY_STREAM_BYTES;
    int nomem = 0;
#pragma omp parallel if (count * nchan >= SKY_OMP_MIN_WORK)
    {
        double *scratch = calloc((size_t)(9 * BLOCK), sizeof *scratch);
        int64_t *parent = malloc((size_t)BLOCK * sizeof *parent);
        if (!scratch || !parent) {
#pragma omp atomic write
            nomem = 1;
        }
#pragma omp for schedule(static)
        for (int64_t b = 0; b < count; b += BLOCK) {
            if (!scratch || !parent)
                continue;
            const int64_t m = count - b < BLOCK ? count - b : BLOCK;
            int parent_nside = 0;
            for (int c = 0; c < nchan; c++)
                channel_block(sky, prepared->shared, &ch[c], first, stride, first + b, m,
                              out[c], stream, scratch, parent, &parent_nside);
        }
        if (stream)
            sky_stream_fence();
        free(scratch);
        free(parent);
    }
    if (nomem)
        rc = sky_nomem(err, "evaluation scratch");
done:
    for (int c = 0; c < ncoarse; c++)
        coarse_free(&ch[c], sky->ncomp);
    return rc;
}

int sky_emission_channels_strided(const sky_sky *sky, int nchan, const sky_band *bands,
                                  const char *const *units, int64_t first, int64_t count,
                                  double *const *out, int64_t stride, sky_error *err)
{
    return sky_emission_channels_smoothed(sky, nchan, bands, units, NULL, first, count, out,
                                          stride, err);
}

int sky_emission_channels_smoothed(const sky_sky *sky, int nchan, const sky_band *bands,
                                   const char *const *units, const int *smoothed,
                                   int64_t first, int64_t count, double *const *out,
                                   int64_t stride, sky_error *err)
{
    if (!sky || !bands || !units || !out || nchan < 1)
        return sky_fail(err, SKY_EINVAL, "sky_emission: NULL argument or no channel");
    sky_bands *b;
    int rc = sky_bands_prepare_smoothed(sky, nchan, bands, units, smoothed, &b, err);
    if (!rc)
        rc = sky_bands_emission(b, first, count, out, stride, err);
    sky_bands_free(b);
    return rc;
}

int sky_emission_channels(const sky_sky *sky, int nchan, const sky_band *bands,
                          const char *const *units, int64_t first, int64_t count,
                          double *const *out, sky_error *err)
{
    return sky_emission_channels_strided(sky, nchan, bands, units, first, count, out, count, err);
}

int sky_emission_range(const sky_sky *sky, const sky_band *band, const char *unit,
                       int64_t first, int64_t count, double *iqu, sky_error *err)
{
    if (!band)
        return sky_fail(err, SKY_EINVAL, "sky_emission: NULL band");
    return sky_emission_channels(sky, 1, band, &unit, first, count, &iqu, err);
}

int sky_emission(const sky_sky *sky, const sky_band *band, const char *unit, double *iqu,
                 sky_error *err)
{
    if (!sky)
        return sky_fail(err, SKY_EINVAL, "sky_emission: NULL sky");
    return sky_emission_range(sky, band, unit, 0, sky->npix, iqu, err);
}

int sky_emission_f32(const sky_sky *sky, const sky_band *band, const char *unit, int *f32,
                     sky_error *err)
{
    if (!sky || !band || !unit || !f32)
        return sky_fail(err, SKY_EINVAL, "sky_emission_f32: NULL argument");
    *f32 = 0;
    sky_unit out_unit;
    sky_bandq bq;
    int rc;
    memset(&bq, 0, sizeof bq);
    if ((rc = sky_unit_parse_output(unit, &out_unit, err)) ||
        (rc = sky_bandq_prepare(band, &bq, err))) {
        sky_bandq_free(&bq);
        return rc;
    }
    /* as channel_block rounds */
    *f32 = sum_is_f32(sky, &bq) && factor_is_scalar(band, &out_unit);
    sky_bandq_free(&bq);
    return SKY_OK;
}

int sky_add_self_smoothed(const sky_sky *sky, const sky_band *band, const char *unit,
                          double scale, const sky_smooth_opts *o, sky_smoothed *r,
                          sky_error *err)
{
    return sky_add_self_smoothed_part(sky, band, unit, scale, o, NULL, r, err);
}

int sky_add_self_smoothed_part(const sky_sky *sky, const sky_band *band, const char *unit,
                               double scale, const sky_smooth_opts *o,
                               const sky_region *out_part, sky_smoothed *r, sky_error *err)
{
    if (!sky_self_smoothing_count(sky))
        return SKY_OK;
    sky_region whole;
    sky_region_full(r->nside, &whole);
    if (!out_part)
        out_part = &whole;
    const int full = sky_region_is_full(out_part);
    for (int i = 0; i < sky->ncomp && !full; i++)
        if (sky_component_smoothing(sky, i, NULL) != SKY_SMOOTHING_NONE &&
            !sky->comp[i]->type->emission_smoothed_part)
            return sky_fail(err, SKY_EINVAL, "component %s applies the beam itself "
                            "(includes_smoothing), over the whole sky only",
                            sky->comp[i]->label);
    const int64_t npo = sky_region_npix(out_part);
    const int64_t ncar = (int64_t)r->ny * r->nx;
    channel ch;
    /* the band, unit factor and band data (in component order, as for any
     * evaluation); the self-smoothing components are left out of it */
    int rc = channel_prepare(sky, band, unit, 1, &ch, err);
    double *hp = NULL, *car = NULL;
    if (!rc && ((r->hp && !(hp = sky_big_alloc((size_t)(3 * npo) * sizeof *hp))) ||
                (r->car && !(car = sky_big_alloc((size_t)(3 * ncar) * sizeof *car)))))
        rc = sky_nomem(err, "a self-smoothed component's map");
    for (int i = 0; i < sky->ncomp && !rc; i++) {
        sky_component *c = sky->comp[i];
        const double *bdata = ch.bdata ? ch.bdata[i] : NULL;
        if (!ch.left_out[i])
            continue;
        if (c->type->acquire && (rc = c->type->acquire(c->state, &ch.bq, c, err)))
            break;
        rc = full ? c->type->emission_smoothed(c->state, &ch.bq, bdata, sky->nside, o, hp, car,
                                               err)
                  : c->type->emission_smoothed_part(c->state, &ch.bq, bdata, sky->nside, o,
                                                    out_part, hp, car, err);
        if (c->type->acquire)
            c->type->release(c->state, &ch.bq);
        if (rc) {
            sky_prefix(err, rc, "component %s: ", c->label);
            break;
        }
        const double f = ch.factor * scale;
        for (int64_t k = 0; hp && k < 3 * npo; k++)
            r->hp[k] += f * hp[k];
        for (int64_t k = 0; car && k < 3 * ncar; k++)
            r->car[k] += f * car[k];
    }
    free(hp);
    free(car);
    channel_free(sky, &ch);
    return rc;
}
