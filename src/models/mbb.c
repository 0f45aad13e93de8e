/*
 * mbb.c - modified black body: thermal dust (PySM class ModifiedBlackBody;
 * presets d0-d4).
 *
 * In Rayleigh-Jeans temperature, a template A(nu0) scales to nu as
 *
 *   A(nu) = A(nu0) (nu/nu0)^(beta - 2) B_nu(T) / B_nu0(T),
 *   B_nu(T) = 2 h nu^3 / c^2 / (exp(h nu / k T) - 1),
 *
 * the "-2" turning the optically thin emission nu^beta B_nu(T), a radiance,
 * into K_RJ. I scales from freq_ref_I, Q and U from freq_ref_P; beta
 * (map_mbb_index) and T (map_mbb_temperature, K) are constants or maps.
 *
 * PySM quirk kept: at a frequency exactly equal to freq_ref_I no scaling is
 * applied at all, so Q and U are their freq_ref_P templates there.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "core/error.h"
#include "core/vmath.h"
#include "mbb.h"
#include "sky_eval.h"
#include "spectra/sed_lanes.h"
#include "spectra/sed_table.h"

int sky_mbb_load(sky_mbb *m, sky_params *ps, sky_loader *ld, sky_error *err)
{
    const char *unit_t = NULL;
    int rc;
    if ((rc = sky_load_iqu_templates(ld, ps, &m->t, err)) ||
        (rc = sky_params_string(ps, "unit_mbb_temperature", 0, &unit_t, err)) ||
        (rc = sky_load_field(ld, ps, "map_mbb_index", "", "", &m->beta, err)) ||
        (rc = sky_load_field(ld, ps, "map_mbb_temperature", unit_t, "K", &m->temp_k, err)))
        return rc;
    m->ln_ref_i = log(m->t.freq_ref_i);
    m->ln_ref_p = m->t.q ? log(m->t.freq_ref_p) : 0.0;
    return SKY_OK;
}

static int mbb_init(void *state, sky_params *ps, sky_loader *ld, sky_error *err)
{
    return sky_mbb_load(state, ps, ld, err);
}

/* Pixels are processed in chunks of CHUNK: per-pixel constants for the
 * chunk, then for each frequency one vectorised pass over the chunk's pixels
 * adding to their sums (each pixel's sum runs over the frequencies in band
 * order, as PySM's). All chunk arrays stay in the L1 cache. */
enum { CHUNK = 256 };

/* The frequency-independent factors of pixels [first, first + n), n <= CHUNK:
 * a = beta - 2, hk = h / (k T) (s, so that h nu / k T = hk nu), the
 * reference Planck factor nu_I^3 / expm1(hk nu_I) and p_over_i (see mbb.h). */
typedef struct mbb_chunk {
    double a[CHUNK], hk[CHUNK], bb_ref[CHUNK], p_over_i[CHUNK];
    double i0[CHUNK], q0[CHUNK], u0[CHUNK];
} mbb_chunk;

static inline void mbb_chunk_at(const sky_mbb *m, int64_t first, int64_t n, mbb_chunk *x)
{
    const double nu_i = m->t.freq_ref_i * 1e9, nu_p = m->t.freq_ref_p * 1e9;
    const double nu3_i = nu_i * nu_i * nu_i, nu3_p = nu_p * nu_p * nu_p;
    const double ln_ratio = m->ln_ref_i - m->ln_ref_p;
    double *a = x->a, *hk = x->hk, *bb_ref = x->bb_ref, *p_over_i = x->p_over_i;
    sky_field_load(&m->beta, first, n, a);
    sky_field_load(&m->temp_k, first, n, hk);
    sky_hmap_load(m->t.i, first, n, x->i0);
    if (m->t.q) {
        sky_hmap_load(m->t.q, first, n, x->q0);
        sky_hmap_load(m->t.u, first, n, x->u0);
    }
    const int pol = m->t.q != NULL, same_ref = m->t.freq_ref_p == m->t.freq_ref_i;
#pragma omp simd
    for (int64_t k = 0; k < n; k++) {
        a[k] -= 2.0;
        hk[k] = SKY_H_PLANCK / (SKY_K_BOLTZMANN * hk[k]);
        bb_ref[k] = nu3_i / sky_expm1_kernel(hk[k] * nu_i);
        /* exp(0) = 1 and b / b = 1 exactly: one reference frequency needs no work */
        p_over_i[k] = !pol ? 0.0
                      : same_ref
                          ? 1.0
                          : sky_exp_kernel(a[k] * ln_ratio) *
                                (bb_ref[k] / (nu3_p / sky_expm1_kernel(hk[k] * nu_p)));
    }
}

/* ---------------------------------------------------------------------- */
/* The fast path: the band-integrated scaling tabulated over (beta, 1/T)   */

/* Components get a number each when loaded, never reused: the block cache
 * below knows its entries by it (an address may be reused by a later sky). */
static _Atomic uint64_t mbb_ids;

void sky_mbb_after_load(void *state)
{
    sky_mbb *m = state;
    m->id = atomic_fetch_add(&mbb_ids, 1) + 1;
    double tlo, thi;
    sky_field_range(&m->beta, &m->beta_lo, &m->beta_hi);
    sky_field_range(&m->temp_k, &tlo, &thi);
    if (m->beta.map) /* sed_table.h: the same nodes in every part */
        sky_sed_widen(&m->beta_lo, &m->beta_hi, 0.0, 4.0);
    if (m->temp_k.map)
        sky_sed_widen(&tlo, &thi, 3.0, 300.0);
    m->fast = isfinite(m->beta_lo) && isfinite(m->beta_hi) && m->beta_lo <= m->beta_hi &&
              tlo > 0 && isfinite(thi) && tlo <= thi;
    m->y_lo = m->fast ? 1.0 / thi : 0;
    m->y_hi = m->fast ? 1.0 / tlo : 0;
}

int sky_mbb_fast_sed(const void *state)
{
    return ((const sky_mbb *)state)->fast;
}

/* bdata: [0] 1 when the tables follow, [1] the samples at freq_ref_I (no
 * scaling, PySM's quirk), [2..4] the beta axis (h, k0, n), [5..7] the 1/T
 * axis, [8] 1 when a Q/U ratio table follows the scaling's. */
enum { HDR = 9 };

typedef struct mbb_axes {
    sky_sed_axis b, y;
    int ptab; /* a table of the Q/U to I ratio */
} mbb_axes;

static int mbb_axes_of(const sky_mbb *m, const sky_bandq *band, mbb_axes *ax)
{
    if (!band->fast || !m->fast)
        return 0;
    double db = 0, nu_max = m->t.freq_ref_i;
    ax->ptab = m->t.q && m->t.freq_ref_p != m->t.freq_ref_i;
    if (ax->ptab) {
        db = fabs(m->ln_ref_i - m->ln_ref_p);
        nu_max = fmax(nu_max, m->t.freq_ref_p);
    }
    for (int j = 0; j < band->n; j++) {
        db = fmax(db, fabs(band->ln_freq[j] - m->ln_ref_i));
        nu_max = fmax(nu_max, band->freq[j]);
    }
    const double dy = SKY_H_PLANCK / SKY_K_BOLTZMANN * nu_max * 1e9;
    sky_error e;
    return !sky_sed_axis_span(&ax->b, sky_sed_step(db), m->beta_lo, m->beta_hi, &e) &&
           !sky_sed_axis_span(&ax->y, sky_sed_step(dy), m->y_lo, m->y_hi, &e);
}

int sky_mbb_band_data_len(const void *state, const sky_bandq *band)
{
    mbb_axes ax;
    if (!mbb_axes_of(state, band, &ax))
        return 1;
    return HDR + (1 + ax.ptab) * ax.b.n * ax.y.n;
}

/* The exact scaling at the nodes, as a sum over samples of
 * exp((beta - 2) ln(nu/nu_I)) times nu^3 / expm1(h nu y / k) / B_nuI(y):
 * one factor per beta node, one per 1/T node. */
int sky_mbb_prepare(const void *state, const sky_bandq *band, sky_np_rng *rng, double *bdata,
                    sky_error *err)
{
    (void)rng;
    const sky_mbb *m = state;
    mbb_axes ax;
    bdata[0] = 0;
    if (!mbb_axes_of(m, band, &ax))
        return SKY_OK;
    const int nb = ax.b.n, ny = ax.y.n, n = band->n;
    double *e = malloc((size_t)nb * sizeof *e), *g = malloc((size_t)ny * sizeof *g);
    if (!e || !g) {
        free(e);
        free(g);
        return sky_nomem(err, "a band table");
    }
    double *tab = bdata + HDR, cref = 0;
    const double hk1 = SKY_H_PLANCK / SKY_K_BOLTZMANN, nu_i = m->t.freq_ref_i * 1e9;
    for (int64_t k = 0; k < (int64_t)nb * ny; k++)
        tab[k] = 0;
    for (int j = 0; j < n; j++) {
        const double f = band->freq[j], c = band->coef[j];
        if (f == m->t.freq_ref_i) {
            cref += c;
            continue;
        }
        const double dl = band->ln_freq[j] - m->ln_ref_i, nu = f * 1e9, nu3 = nu * nu * nu;
        for (int a = 0; a < nb; a++)
            e[a] = exp(((double)(ax.b.k0 + a) * ax.b.h - 2.0) * dl) * c;
        for (int b = 0; b < ny; b++) { /* 1/T = 0 (a margin node): the limit */
            const double hk = hk1 * ((double)(ax.y.k0 + b) * ax.y.h);
            const double bb_ref = nu_i * nu_i * nu_i / expm1(hk * nu_i);
            g[b] = hk == 0 ? (nu / nu_i) * (nu / nu_i) : nu3 / (expm1(hk * nu) * bb_ref);
        }
        for (int a = 0; a < nb; a++)
            for (int b = 0; b < ny; b++)
                tab[(int64_t)a * ny + b] += e[a] * g[b];
    }
    if (ax.ptab) {
        const double nu_p = m->t.freq_ref_p * 1e9, ln_ratio = m->ln_ref_i - m->ln_ref_p;
        double *pt = tab + (int64_t)nb * ny;
        for (int a = 0; a < nb; a++)
            e[a] = exp(((double)(ax.b.k0 + a) * ax.b.h - 2.0) * ln_ratio);
        for (int b = 0; b < ny; b++) {
            const double hk = hk1 * ((double)(ax.y.k0 + b) * ax.y.h);
            g[b] = hk == 0 ? (nu_i / nu_p) * (nu_i / nu_p)
                           : (nu_i * nu_i * nu_i / expm1(hk * nu_i)) /
                                 (nu_p * nu_p * nu_p / expm1(hk * nu_p));
        }
        for (int a = 0; a < nb; a++)
            for (int b = 0; b < ny; b++)
                pt[(int64_t)a * ny + b] = e[a] * g[b];
    }
    free(e);
    free(g);
    bdata[1] = cref;
    bdata[2] = ax.b.h, bdata[3] = (double)ax.b.k0, bdata[4] = ax.b.n;
    bdata[5] = ax.y.h, bdata[6] = (double)ax.y.k0, bdata[7] = ax.y.n;
    bdata[8] = ax.ptab;
    bdata[0] = 1;
    return SKY_OK;
}

/* What a block of pixels needs from the tables whatever the channel: its
 * templates, its stencils on the axes and its Q/U to I ratio. The sky
 * evaluates each block for one channel after the other, so the last blocks
 * a thread saw are kept (per thread, two slots for skies with two modified
 * black bodies): the next channel with the same axes finds its block here
 * and only interpolates its own table. Values are the same either way. */
enum { FAST_BLOCK = SKY_EVAL_BLOCK, SLOTS = 2 };

typedef struct mbb_block {
    uint64_t id;              /* key: the component (sky_mbb.id), the pixels, the axes */
    int64_t first, count;
    double hb, hy;
    int64_t kb, ky;
    int64_t idx[FAST_BLOCK];  /* the stencil's first node in the table */
    double wb[SKY_SED_POINTS][FAST_BLOCK], wy[SKY_SED_POINTS][FAST_BLOCK];
    double i0[FAST_BLOCK], q0[FAST_BLOCK], u0[FAST_BLOCK], r[FAST_BLOCK];
} mbb_block;

static _Thread_local mbb_block tl_blocks[SLOTS];
static _Thread_local int tl_next;

SKY_VECTOR_CLONES
static void block_fill(mbb_block *x, const sky_mbb *m, const double *bdata,
                       const sky_sed_axis *b, const sky_sed_axis *y, int64_t first,
                       int64_t count)
{
    const int ptab = bdata[8] != 0, pol = m->t.q != NULL;
    const double *pt = bdata + HDR + (int64_t)b->n * y->n;
    double beta[FAST_BLOCK], temp[FAST_BLOCK];
    sky_field_load(&m->beta, first, count, beta);
    sky_field_load(&m->temp_k, first, count, temp);
    sky_hmap_load(m->t.i, first, count, x->i0);
    if (pol) {
        sky_hmap_load(m->t.q, first, count, x->q0);
        sky_hmap_load(m->t.u, first, count, x->u0);
    }
    for (int64_t k = 0; k < count; k++) {
        double wb[SKY_SED_POINTS], wy[SKY_SED_POINTS];
        const int jb = sky_sed_stencil(b, beta[k], wb);
        const int jy = sky_sed_stencil(y, 1.0 / temp[k], wy);
        x->idx[k] = (int64_t)jb * y->n + jy;
        for (int a = 0; a < SKY_SED_POINTS; a++) {
            x->wb[a][k] = wb[a];
            x->wy[a][k] = wy[a];
        }
        x->r[k] = !pol ? 0.0 : ptab ? sky_sed_interp2(pt, y->n, jb, wb, jy, wy) : 1.0;
    }
    x->id = m->id;
    x->first = first;
    x->count = count;
    x->hb = b->h, x->kb = b->k0;
    x->hy = y->h, x->ky = y->k0;
}

/* The thread's block of pixels [first, first + count) (count <= FAST_BLOCK)
 * on the axes b, y of bdata's tables. */
static const mbb_block *block_at(const sky_mbb *m, const double *bdata, const sky_sed_axis *b,
                                 const sky_sed_axis *y, int64_t first, int64_t count)
{
    for (int sl = 0; sl < SLOTS; sl++) {
        mbb_block *c = &tl_blocks[sl];
        if (c->id == m->id && c->first == first && c->count == count && c->hb == b->h &&
            c->kb == b->k0 && c->hy == y->h && c->ky == y->k0)
            return c;
    }
    mbb_block *x = &tl_blocks[tl_next];
    tl_next = (tl_next + 1) % SLOTS;
    block_fill(x, m, bdata, b, y, first, count);
    return x;
}

/* Pixels [first, first + count) through the tables in bdata. */
SKY_VECTOR_CLONES
static void mbb_fast(const sky_mbb *m, const double *bdata, int64_t first, int64_t count,
                     double *out_i, double *out_q, double *out_u)
{
    const double cref = bdata[1];
    const sky_sed_axis b = {bdata[2], (int64_t)bdata[3], (int)bdata[4]};
    const sky_sed_axis y = {bdata[5], (int64_t)bdata[6], (int)bdata[7]};
    const int pol = m->t.q != NULL;
    const int64_t ny = y.n;
    const double *tab = bdata + HDR;
    for (int64_t k0 = 0; k0 < count; k0 += FAST_BLOCK) {
        const int64_t n = count - k0 < FAST_BLOCK ? count - k0 : FAST_BLOCK;
        const mbb_block *x = block_at(m, bdata, &b, &y, first + k0, n);
        double *restrict oi = out_i + k0, *restrict oq = out_q + k0, *restrict ou = out_u + k0;
        /* in sub-blocks, each row of the stencil gathered for all pixels at
         * once (vector gathers), then the rows combined */
        enum { SUB = 128 };
        double r[SKY_SED_POINTS][SUB];
        for (int64_t s0 = 0; s0 < n; s0 += SUB) {
            const int64_t ns = n - s0 < SUB ? n - s0 : SUB;
            const int64_t *restrict idx = x->idx + s0;
            for (int a = 0; a < SKY_SED_POINTS; a++) {
                const double *restrict w0 = x->wy[0] + s0, *restrict w1 = x->wy[1] + s0,
                                       *restrict w2 = x->wy[2] + s0, *restrict w3 = x->wy[3] + s0,
                                       *restrict w4 = x->wy[4] + s0, *restrict w5 = x->wy[5] + s0;
                const double *restrict row = tab + a * ny;
                double *restrict ra = r[a];
#pragma omp simd
                for (int64_t k = 0; k < ns; k++) {
                    const int64_t i = idx[k];
                    ra[k] = ((w0[k] * row[i] + w1[k] * row[i + 1]) +
                             (w2[k] * row[i + 2] + w3[k] * row[i + 3])) +
                            (w4[k] * row[i + 4] + w5[k] * row[i + 5]);
                }
            }
            const double *restrict b0 = x->wb[0] + s0, *restrict b1 = x->wb[1] + s0,
                                   *restrict b2 = x->wb[2] + s0, *restrict b3 = x->wb[3] + s0,
                                   *restrict b4 = x->wb[4] + s0, *restrict b5 = x->wb[5] + s0;
            const double *restrict i0 = x->i0 + s0, *restrict q0 = x->q0 + s0,
                                   *restrict u0 = x->u0 + s0, *restrict rr = x->r + s0;
#pragma omp simd
            for (int64_t k = 0; k < ns; k++) {
                const double s = ((b0[k] * r[0][k] + b1[k] * r[1][k]) +
                                  (b2[k] * r[2][k] + b3[k] * r[3][k])) +
                                 (b4[k] * r[4][k] + b5[k] * r[5][k]);
                oi[s0 + k] = i0[k] * (s + cref);
                const double sp = rr[k] * s + cref;
                oq[s0 + k] = pol ? q0[k] * sp : 0.0;
                ou[s0 + k] = pol ? u0[k] * sp : 0.0;
            }
        }
    }
}

SKY_VECTOR_CLONES
void sky_mbb_emission(const void *state, const sky_bandq *band, const double *bdata,
                         int64_t first, int64_t count, double *out_i, double *out_q,
                         double *out_u)
{
    const sky_mbb *m = state;
    if (bdata && bdata[0] != 0) {
        mbb_fast(m, bdata, first, count, out_i, out_q, out_u);
        return;
    }
    const int pol = m->t.q != NULL;
    mbb_chunk x;
    for (int64_t k0 = 0; k0 < count; k0 += CHUNK) {
        const int64_t n = count - k0 < CHUNK ? count - k0 : CHUNK;
        double *restrict oi = out_i + k0, *restrict oq = out_q + k0, *restrict ou = out_u + k0;
        const double *restrict a = x.a, *restrict hk = x.hk, *restrict bb_ref = x.bb_ref,
                               *restrict p_over_i = x.p_over_i, *restrict i0 = x.i0,
                               *restrict q0 = x.q0, *restrict u0 = x.u0;
        mbb_chunk_at(m, first + k0, n, &x);
        for (int64_t k = 0; k < n; k++)
            oi[k] = oq[k] = ou[k] = 0;
        for (int j = 0; j < band->n; j++) {
            const double f = band->freq[j], c = band->coef[j];
            if (f == m->t.freq_ref_i) { /* PySM applies no scaling here, to I, Q or U */
                for (int64_t k = 0; k < n; k++)
                    oi[k] += i0[k] * c;
                for (int64_t k = 0; pol && k < n; k++) {
                    oq[k] += q0[k] * c;
                    ou[k] += u0[k] * c;
                }
                continue;
            }
            /* s = (nu/nu_I)^(beta-2) B_nu(T) / B_nuI(T), with B_nu = nu^3 / expm1(h nu / k T) */
            const double dl = band->ln_freq[j] - m->ln_ref_i, nu = f * 1e9, nu3 = nu * nu * nu;
            if (!pol) {
#pragma omp simd
                for (int64_t k = 0; k < n; k++) {
                    const double s = sky_exp_kernel(a[k] * dl) *
                                     (nu3 / (sky_expm1_kernel(hk[k] * nu) * bb_ref[k]));
                    oi[k] += i0[k] * s * c;
                }
                continue;
            }
#pragma omp simd
            for (int64_t k = 0; k < n; k++) {
                const double s = sky_exp_kernel(a[k] * dl) *
                                 (nu3 / (sky_expm1_kernel(hk[k] * nu) * bb_ref[k]));
                const double sp = s * p_over_i[k];
                oi[k] += i0[k] * s * c;
                oq[k] += q0[k] * sp * c;
                ou[k] += u0[k] * sp * c;
            }
        }
    }
}

/* ---------------------------------------------------------------------- */
/* Many channels at once (spectra/sed_lanes.h)                              */

static int lanes_same_axes(const double *a, const double *b)
{
    for (int k = 2; k < HDR; k++) /* the axes and the ratio table; [1] is the channel's own */
        if (a[k] != b[k])
            return 0;
    return 1;
}

static int64_t lanes_nodes(const double *bdata)
{
    return (int64_t)bdata[4] * (int64_t)bdata[7];
}

static const double *lanes_table(const double *bdata, int k)
{
    (void)k;
    return bdata + HDR;
}

static int lanes_ntab(const double *bdata)
{
    (void)bdata;
    return 1;
}

static const sky_sed_lanes_spec lanes_spec = {lanes_ntab, lanes_same_axes, lanes_nodes,
                                              lanes_table, SKY_SED_BASIS_TOL};

void *sky_mbb_shared(const void *state, int nchan, const double *const *bdata)
{
    (void)state;
    return sky_sed_lanes_new(&lanes_spec, nchan, bdata);
}

void sky_mbb_free_shared(void *shared)
{
    sky_sed_lanes_free(shared);
}

/* A block's results for every channel: its templates (rows 0-2), each
 * group's Q/U to I ratio (a row per group), then each channel's
 * band-integrated scaling (a row per lane, the groups' lanes in turn). */
SKY_VECTOR_CLONES
static int lanes_fill(const void *state, const sky_sed_lanes *l, int64_t first, int64_t count,
                      double *v)
{
    const sky_mbb *m = state;
    const int ng = sky_sed_lanes_groups(l);
    const int64_t ld = sky_sed_lanes_ld(count); /* row to row */
    sky_hmap_load(m->t.i, first, count, v);
    if (m->t.q) {
        sky_hmap_load(m->t.q, first, count, v + ld);
        sky_hmap_load(m->t.u, first, count, v + 2 * ld);
    }
    for (int g = 0; g < ng; g++) {
        const sky_sed_group *gr = sky_sed_lanes_group(l, g);
        const double *bd = gr->bdata;
        const sky_sed_axis b = {bd[2], (int64_t)bd[3], (int)bd[4]};
        const sky_sed_axis y = {bd[5], (int64_t)bd[6], (int)bd[7]};
        const mbb_block *x = block_at(m, bd, &b, &y, first, count);
        double *rr = v + (3 + g) * ld;
        double *rows = v + (3 + ng + sky_sed_lanes_offset(l, g)) * ld;
        const int n = gr->w;
        for (int64_t k = 0; k < count; k++)
            rr[k] = x->r[k];
        /* PER pixels at a time into s (pixel-major), then each lane's values
         * into its row */
        enum { PER = SKY_SED_LANES_PER };
        double *s = malloc((size_t)(PER + SKY_SED_POINTS) * (size_t)n * sizeof *s);
        if (!s)
            return -1;
        double *r = s + PER * n;
        for (int64_t k0 = 0; k0 < count; k0 += PER) {
            const int np = count - k0 < PER ? (int)(count - k0) : PER;
            for (int j = 0; j < np; j++) {
                const int64_t k = k0 + j;
                double wb[SKY_SED_POINTS], wy[SKY_SED_POINTS];
                for (int a = 0; a < SKY_SED_POINTS; a++) {
                    wb[a] = x->wb[a][k];
                    wy[a] = x->wy[a][k];
                }
                sky_sed_interp2_lanes(gr->t, n, y.n, x->idx[k], wb, wy, r, s + j * n);
            }
            sky_sed_lanes_columns(s, n, np, rows + k0, ld);
        }
        free(s);
    }
    return 0;
}

/* emission_shared, or with `add` emission_add (model.h): the values of
 * channel c added onto the outputs, or 1 where the lanes cannot serve it. */
static SKY_ALWAYS_INLINE int mbb_shared(const void *state, void *shared, int c,
                                        const sky_bandq *band, const double *bdata,
                                        int64_t first, int64_t count, double *out_i,
                                        double *out_q, double *out_u, const int add)
{
    const sky_mbb *m = state;
    sky_sed_lanes *l = shared;
    const int ng = sky_sed_lanes_groups(l);
    int g, lane;
    const double *v = sky_sed_lanes_results(l, c, 3 + ng + sky_sed_lanes_total(l), first, count,
                                            lanes_fill, m, &g, &lane);
    if (!v) { /* the one-channel path: the same values */
        if (add)
            return 1;
        sky_mbb_emission(state, band, bdata, first, count, out_i, out_q, out_u);
        return 0;
    }
    const double cref = bdata[1];
    const int pol = m->t.q != NULL;
    const int64_t ld = sky_sed_lanes_ld(count);
    const double *restrict i0 = v, *restrict q0 = v + ld, *restrict u0 = v + 2 * ld;
    const double *restrict rr = v + (3 + g) * ld;
    const double *rows = v + (3 + ng + sky_sed_lanes_offset(l, g)) * ld;
    const sky_sed_group *gr = sky_sed_lanes_group(l, g);
    enum { SUB = SKY_SED_LANES_SUB };
    double buf[SUB];
    for (int64_t k0 = 0; k0 < count; k0 += SUB) {
        const int64_t n = count - k0 < SUB ? count - k0 : SUB;
        const double *restrict sc = sky_sed_lanes_values(gr, lane, rows, ld, k0, n, buf);
        double *restrict oi = out_i + k0, *restrict oq = out_q + k0, *restrict ou = out_u + k0;
        if (add && pol) {
#pragma omp simd
            for (int64_t j = 0; j < n; j++) {
                const int64_t k = k0 + j;
                const double s = sc[j], sp = rr[k] * s + cref;
                oi[j] += i0[k] * (s + cref);
                oq[j] += q0[k] * sp;
                ou[j] += u0[k] * sp;
            }
        } else if (add) {
#pragma omp simd
            for (int64_t j = 0; j < n; j++)
                oi[j] += i0[k0 + j] * (sc[j] + cref);
        } else {
#pragma omp simd
            for (int64_t j = 0; j < n; j++) {
                const int64_t k = k0 + j;
                const double s = sc[j];
                oi[j] = i0[k] * (s + cref);
                const double sp = rr[k] * s + cref;
                oq[j] = pol ? q0[k] * sp : 0.0;
                ou[j] = pol ? u0[k] * sp : 0.0;
            }
        }
    }
    return 0;
}

SKY_VECTOR_CLONES
void sky_mbb_emission_shared(const void *state, void *shared, int c, const sky_bandq *band,
                             const double *bdata, int64_t first, int64_t count, double *out_i,
                             double *out_q, double *out_u)
{
    mbb_shared(state, shared, c, band, bdata, first, count, out_i, out_q, out_u, 0);
}

SKY_VECTOR_CLONES
int sky_mbb_emission_add(const void *state, void *shared, int c, const sky_bandq *band,
                         const double *bdata, int64_t first, int64_t count, double *out_i,
                         double *out_q, double *out_u)
{
    if (!shared)
        return 1;
    return mbb_shared(state, shared, c, band, bdata, first, count, out_i, out_q, out_u, 1);
}

static const sky_param_spec sky_params_mbb[] = {
    SKY_SPEC_IQU_TEMPLATES, SKY_SPEC_MBB_FIELDS,
    SKY_SPEC_END,
};

static int mbb_polarized(const void *state)
{
    return ((const sky_mbb *)state)->t.q != NULL;
}

const sky_model_type sky_model_mbb = {
    .name = "ModifiedBlackBody",
    .summary =
        "modified black body dust: I, Q, U templates scaled by (nu/nu0)^(beta-2) B_nu(T)/B_nu0(T)",
    .params = sky_params_mbb,
    .state_size = sizeof(sky_mbb),
    .init = mbb_init,
    .emission = sky_mbb_emission,
    .polarized = mbb_polarized,
    SKY_MBB_FAST_SED,
};
