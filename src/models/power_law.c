/*
 * power_law.c - power laws in Rayleigh-Jeans temperature: synchrotron and
 * free-free (PySM classes PowerLaw, presets s0-s2 and f1; CurvedPowerLaw, s3).
 *
 *   PowerLaw:       A(nu) = A(nu0) (nu/nu0)^beta
 *   CurvedPowerLaw: A(nu) = A(nu0) (nu/nu0)^(beta + C),
 *                   C = ln((nu/nu_c)^curvature)  (PySM's exact form)
 *
 * I scales from freq_ref_I, Q and U from freq_ref_P; beta (map_pl_index) and
 * the curvature (spectral_curvature) are constants or maps. With
 * has_polarization = false only I is computed (Q = U = 0).
 */
#include <math.h>

#include <stdlib.h>

#include "core/error.h"
#include "core/vmath.h"
#include "power_law.h"
#include "sky_eval.h"
#include "spectra/sed_lanes.h"
#include "spectra/sed_table.h"

static int load_templates(sky_power_law *m, sky_params *ps, sky_loader *ld, sky_error *err)
{
    int rc = sky_load_iqu_templates(ld, ps, &m->t, err);
    if (rc)
        return rc;
    return sky_load_field(ld, ps, "map_pl_index", "", "", &m->beta, err);
}

static int power_law_init(void *state, sky_params *ps, sky_loader *ld, sky_error *err)
{
    return load_templates(state, ps, ld, err);
}

static int curved_init(void *state, sky_params *ps, sky_loader *ld, sky_error *err)
{
    sky_power_law *m = state;
    int rc = load_templates(m, ps, ld, err);
    if (rc)
        return rc;
    m->curved = 1;
    if ((rc = sky_load_field(ld, ps, "spectral_curvature", "", "", &m->curvature, err)))
        return rc;
    return sky_params_freq(ps, "freq_curve", 1, &m->freq_curve, err);
}

/* A map index (synchrotron s1) or a curvature: pixels in chunks of CHUNK,
 * per-pixel values loaded once per chunk, then for each frequency one
 * vectorised pass over the chunk adding to each pixel's sums (in band order,
 * as PySM's). */
enum { CHUNK = 256 };

SKY_VECTOR_CLONES
static void power_law_chunks(const sky_power_law *m, const sky_bandq *band, double ln_ref_i,
                             double ln_ref_p, double ln_curve, int64_t first, int64_t count,
                             double *out_i, double *out_q, double *out_u)
{
    const int pol = m->t.q != NULL, same_ref = ln_ref_i == ln_ref_p;
    double beta[CHUNK], curv[CHUNK], p_over_i[CHUNK], i0[CHUNK], q0[CHUNK], u0[CHUNK];
    for (int64_t k0 = 0; k0 < count; k0 += CHUNK) {
        const int64_t n = count - k0 < CHUNK ? count - k0 : CHUNK;
        double *restrict oi = out_i + k0, *restrict oq = out_q + k0, *restrict ou = out_u + k0;
        sky_field_load(&m->beta, first + k0, n, beta);
        sky_hmap_load(m->t.i, first + k0, n, i0);
        if (pol) {
            sky_hmap_load(m->t.q, first + k0, n, q0);
            sky_hmap_load(m->t.u, first + k0, n, u0);
        }
        if (m->curved)
            sky_field_load(&m->curvature, first + k0, n, curv);
        else if (pol)
#pragma omp simd
            for (int64_t k = 0; k < n; k++) /* exp(0) = 1: nothing to do for one reference */
                p_over_i[k] = same_ref ? 1.0 : sky_exp_kernel(beta[k] * (ln_ref_i - ln_ref_p));
        for (int64_t k = 0; k < n; k++)
            oi[k] = oq[k] = ou[k] = 0;
        for (int j = 0; j < band->n; j++) {
            const double lnf = band->ln_freq[j], c = band->coef[j];
            const double dl_i = lnf - ln_ref_i, dl_p = lnf - ln_ref_p, dl_c = lnf - ln_curve;
            if (!m->curved && !pol) {
#pragma omp simd
                for (int64_t k = 0; k < n; k++)
                    oi[k] += i0[k] * sky_exp_kernel(beta[k] * dl_i) * c;
            } else if (!m->curved) {
#pragma omp simd
                for (int64_t k = 0; k < n; k++) {
                    const double s = sky_exp_kernel(beta[k] * dl_i);
                    oi[k] += i0[k] * s * c;
                    oq[k] += q0[k] * (s * p_over_i[k]) * c;
                    ou[k] += u0[k] * (s * p_over_i[k]) * c;
                }
            } else if (!pol) {
#pragma omp simd
                for (int64_t k = 0; k < n; k++) {
                    const double index = beta[k] + curv[k] * dl_c;
                    oi[k] += i0[k] * sky_exp_kernel(index * dl_i) * c;
                }
            } else {
#pragma omp simd
                for (int64_t k = 0; k < n; k++) {
                    const double index = beta[k] + curv[k] * dl_c;
                    const double sp = sky_exp_kernel(index * dl_p);
                    oi[k] += i0[k] * sky_exp_kernel(index * dl_i) * c;
                    oq[k] += q0[k] * sp * c;
                    ou[k] += u0[k] * sp * c;
                }
            }
        }
    }
}

/* ---------------------------------------------------------------------- */
/* The fast path: the band-integrated scalings tabulated over the index     */

void sky_power_law_after_load(void *state)
{
    sky_power_law *m = state;
    sky_field_range(&m->beta, &m->beta_lo, &m->beta_hi);
    m->curv_lo = m->curv_hi = 0;
    if (m->curved)
        sky_field_range(&m->curvature, &m->curv_lo, &m->curv_hi);
    if (m->beta.map) /* sed_table.h: the same nodes in every part */
        sky_sed_widen(&m->beta_lo, &m->beta_hi, -6.0, 0.0);
    if (m->curved && m->curvature.map)
        sky_sed_widen(&m->curv_lo, &m->curv_hi, -1.0, 1.0);
    /* a constant index without curvature (free-free) is one scaling per band */
    m->fast = isfinite(m->beta_lo) && isfinite(m->beta_hi) &&
              m->beta_lo <= m->beta_hi && isfinite(m->curv_lo) && isfinite(m->curv_hi) &&
              m->curv_lo <= m->curv_hi;
}

int sky_power_law_fast_sed(const void *state)
{
    return ((const sky_power_law *)state)->fast;
}

/* bdata: [0] 1 when the tables follow, [1..3] the index axis (h, k0, n),
 * [4..6] the curvature axis (n 1 without a curvature map: its constant is
 * in the tables), [7] 1 when the Q/U table follows the I table.
 * A constant index without curvature: [0] 2, [1] the band's I scaling and
 * [2] its Q/U scaling, the same for every pixel. */
enum { HDR = 8, CONSTANT = 2 };

static int pl_constant(const sky_power_law *m)
{
    return !m->curved && !m->beta.map;
}

typedef struct pl_axes {
    sky_sed_axis b, c; /* c.n = 1: no curvature axis */
    int pol;
} pl_axes;

static int pl_axes_of(const sky_power_law *m, const sky_bandq *band, pl_axes *ax)
{
    if (!band->fast || !m->fast)
        return 0;
    const double ln_i = log(m->t.freq_ref_i), ln_p = m->t.q ? log(m->t.freq_ref_p) : 0.0;
    const double ln_c = m->curved ? log(m->freq_curve) : 0.0;
    ax->pol = m->t.q != NULL;
    double db = ax->pol && !m->curved ? fabs(ln_i - ln_p) : 0.0, dc = 0;
    for (int j = 0; j < band->n; j++) {
        const double di = fabs(band->ln_freq[j] - ln_i);
        const double dp = ax->pol ? fabs(band->ln_freq[j] - ln_p) : 0.0;
        db = fmax(db, fmax(di, dp) + (ax->pol && !m->curved ? fabs(ln_i - ln_p) : 0.0));
        if (m->curved)
            dc = fmax(dc, fabs(band->ln_freq[j] - ln_c) * fmax(di, dp));
    }
    sky_error e;
    if (sky_sed_axis_span(&ax->b, sky_sed_step(db), m->beta_lo, m->beta_hi, &e))
        return 0;
    ax->c = (sky_sed_axis){0.0, 0, 1};
    if (m->curved && m->curvature.map &&
        sky_sed_axis_span(&ax->c, sky_sed_step(dc), m->curv_lo, m->curv_hi, &e))
        return 0;
    return 1;
}

int sky_power_law_band_data_len(const void *state, const sky_bandq *band)
{
    const sky_power_law *m = state;
    if (band->fast && m->fast && pl_constant(m))
        return 3;
    pl_axes ax;
    if (!pl_axes_of(state, band, &ax))
        return 1;
    return HDR + (1 + ax.pol) * ax.b.n * ax.c.n;
}

/* The exact scalings at the nodes: sum_j c_j exp(index_j ln(nu_j/nu_ref)),
 * index_j = beta + curvature ln(nu_j/nu_c), the Q/U one as the exact path
 * computes it (the I scaling times (nu_I/nu_P)^beta without curvature). */
int sky_power_law_prepare(const void *state, const sky_bandq *band, sky_np_rng *rng,
                          double *bdata, sky_error *err)
{
    (void)rng, (void)err;
    const sky_power_law *m = state;
    pl_axes ax;
    bdata[0] = 0;
    if (band->fast && m->fast && pl_constant(m)) {
        /* the exact path's per-sample scalings, summed once for all pixels */
        const double ln_i = log(m->t.freq_ref_i), ln_p = m->t.q ? log(m->t.freq_ref_p) : 0.0;
        const double beta = m->beta.value, p_over_i = exp(beta * (ln_i - ln_p));
        double si = 0, sp = 0;
        for (int j = 0; j < band->n; j++) {
            const double s = exp(beta * (band->ln_freq[j] - ln_i));
            si += s * band->coef[j];
            sp += s * p_over_i * band->coef[j];
        }
        bdata[0] = CONSTANT, bdata[1] = si, bdata[2] = sp;
        return SKY_OK;
    }
    if (!pl_axes_of(m, band, &ax))
        return SKY_OK;
    const double ln_i = log(m->t.freq_ref_i), ln_p = ax.pol ? log(m->t.freq_ref_p) : 0.0;
    const double ln_c = m->curved ? log(m->freq_curve) : 0.0;
    const int nb = ax.b.n, nc = ax.c.n;
    double *ti = bdata + HDR, *tp = ti + (int64_t)nb * nc;
    for (int a = 0; a < nb; a++) {
        const double beta = (double)(ax.b.k0 + a) * ax.b.h;
        for (int b = 0; b < nc; b++) {
            const double curv = !m->curved ? 0.0
                                : m->curvature.map ? (double)(ax.c.k0 + b) * ax.c.h
                                                   : m->curvature.value;
            const double p_over_i = ax.pol && !m->curved ? exp(beta * (ln_i - ln_p)) : 0.0;
            double si = 0, sp = 0;
            for (int j = 0; j < band->n; j++) {
                const double lnf = band->ln_freq[j], c = band->coef[j];
                const double index = m->curved ? beta + curv * (lnf - ln_c) : beta;
                const double s = exp(index * (lnf - ln_i));
                si += s * c;
                if (ax.pol)
                    sp += (m->curved ? exp(index * (lnf - ln_p)) : s * p_over_i) * c;
            }
            ti[(int64_t)a * nc + b] = si;
            if (ax.pol)
                tp[(int64_t)a * nc + b] = sp;
        }
    }
    bdata[1] = ax.b.h, bdata[2] = (double)ax.b.k0, bdata[3] = ax.b.n;
    bdata[4] = ax.c.h, bdata[5] = (double)ax.c.k0, bdata[6] = ax.c.n;
    bdata[7] = ax.pol;
    bdata[0] = 1;
    return SKY_OK;
}

/* Pixels [first, first + count) through the tables in bdata. */
SKY_VECTOR_CLONES
static void power_law_fast(const sky_power_law *m, const double *bdata, int64_t first,
                           int64_t count, double *out_i, double *out_q, double *out_u)
{
    const sky_sed_axis b = {bdata[1], (int64_t)bdata[2], (int)bdata[3]};
    const sky_sed_axis c = {bdata[4], (int64_t)bdata[5], (int)bdata[6]};
    const int pol = bdata[7] != 0;
    const double *ti = bdata + HDR, *tp = ti + (int64_t)b.n * c.n;
    double beta[CHUNK], curv[CHUNK], i0[CHUNK], q0[CHUNK], u0[CHUNK];
    for (int64_t k0 = 0; k0 < count; k0 += CHUNK) {
        const int64_t n = count - k0 < CHUNK ? count - k0 : CHUNK;
        sky_field_load(&m->beta, first + k0, n, beta);
        sky_hmap_load(m->t.i, first + k0, n, i0);
        if (pol) {
            sky_hmap_load(m->t.q, first + k0, n, q0);
            sky_hmap_load(m->t.u, first + k0, n, u0);
        }
        if (c.n > 1)
            sky_field_load(&m->curvature, first + k0, n, curv);
        for (int64_t k = 0; k < n; k++) {
            double wb[SKY_SED_POINTS], wc[SKY_SED_POINTS];
            const int jb = sky_sed_stencil(&b, beta[k], wb);
            double si, sp = 0;
            if (c.n > 1) {
                const int jc = sky_sed_stencil(&c, curv[k], wc);
                si = sky_sed_interp2(ti, c.n, jb, wb, jc, wc);
                if (pol)
                    sp = sky_sed_interp2(tp, c.n, jb, wb, jc, wc);
            } else {
                si = sky_sed_dot(wb, ti + jb, 1);
                if (pol)
                    sp = sky_sed_dot(wb, tp + jb, 1);
            }
            out_i[k0 + k] = i0[k] * si;
            out_q[k0 + k] = pol ? q0[k] * sp : 0.0;
            out_u[k0 + k] = pol ? u0[k] * sp : 0.0;
        }
    }
}

/* ---------------------------------------------------------------------- */
/* Many channels at once (spectra/sed_lanes.h)                              */

static int lanes_same_axes(const double *a, const double *b)
{
    if (a[0] != 1 || b[0] != 1) /* tables (not a constant index) */
        return 0;
    for (int k = 1; k < HDR; k++)
        if (a[k] != b[k])
            return 0;
    return 1;
}

static int lanes_ntab(const double *bdata)
{
    return 1 + (bdata[7] != 0);
}

static int64_t lanes_nodes(const double *bdata)
{
    return (int64_t)bdata[3] * (int64_t)bdata[6];
}

static const double *lanes_table(const double *bdata, int k)
{
    return bdata + HDR + k * lanes_nodes(bdata);
}

static const sky_sed_lanes_spec lanes_spec = {lanes_ntab, lanes_same_axes, lanes_nodes,
                                              lanes_table, SKY_SED_BASIS_TOL};

void *sky_power_law_shared(const void *state, int nchan, const double *const *bdata)
{
    (void)state;
    const double **tab = malloc((size_t)nchan * sizeof *tab);
    if (!tab)
        return NULL;
    for (int c = 0; c < nchan; c++) /* the tables, not a constant index's scalings */
        tab[c] = bdata[c] && bdata[c][0] == 1 ? bdata[c] : NULL;
    void *l = sky_sed_lanes_new(&lanes_spec, nchan, tab);
    free(tab);
    return l;
}

void sky_power_law_free_shared(void *shared)
{
    sky_sed_lanes_free(shared);
}

/* A block's results for every channel: its templates (rows 0-2), the Q/U
 * to I ratio (nu_I/nu_P)^beta of a plain power law (row 3), then per lane
 * (the groups' lanes in turn) its I scaling and its Q/U scaling. A group
 * whose tables are a basis (sed_lanes.h) takes a plain power law's Q/U
 * scaling as its I scaling times the ratio, as the exact path does: one
 * combination of the basis a channel instead of two. */
enum { ROWS0 = 4 };

static int ratio_row(const sky_power_law *m)
{
    return m->t.q && !m->curved && m->t.freq_ref_i != m->t.freq_ref_p;
}

SKY_VECTOR_CLONES
static int lanes_fill(const void *state, const sky_sed_lanes *l, int64_t first, int64_t count,
                      double *v)
{
    const sky_power_law *m = state;
    const int ng = sky_sed_lanes_groups(l);
    const int64_t ld = sky_sed_lanes_ld(count); /* row to row */
    sky_hmap_load(m->t.i, first, count, v);
    if (m->t.q) {
        sky_hmap_load(m->t.q, first, count, v + ld);
        sky_hmap_load(m->t.u, first, count, v + 2 * ld);
    }
    double *beta = malloc((size_t)(2 * count) * sizeof *beta), *curv = beta + count;
    if (!beta)
        return -1;
    sky_field_load(&m->beta, first, count, beta);
    if (m->curved && m->curvature.map)
        sky_field_load(&m->curvature, first, count, curv);
    int basis = 0;
    for (int g = 0; g < ng; g++)
        basis |= sky_sed_lanes_group(l, g)->k > 0;
    if (basis && ratio_row(m)) {
        const double d = log(m->t.freq_ref_i) - log(m->t.freq_ref_p);
        double *restrict rr = v + 3 * ld;
        for (int64_t k = 0; k < count; k++)
            rr[k] = sky_exp_kernel(beta[k] * d);
    }
    for (int g = 0; g < ng; g++) {
        const sky_sed_group *gr = sky_sed_lanes_group(l, g);
        const double *bd = gr->bdata;
        const sky_sed_axis b = {bd[1], (int64_t)bd[2], (int)bd[3]};
        const sky_sed_axis c = {bd[4], (int64_t)bd[5], (int)bd[6]};
        /* a basis group of a plain power law reads the ratio row, not its
         * Q/U rows (sky_power_law_emission_shared): they are left unfilled */
        const int n = gr->w, pol = gr->ntab > 1, qu_rows = pol && !(gr->k && ratio_row(m));
        double *rows = v + (ROWS0 + 2 * (int64_t)sky_sed_lanes_offset(l, g)) * ld;
        enum { PER = SKY_SED_LANES_PER };
        double *s = malloc((size_t)(2 * PER + SKY_SED_POINTS) * (size_t)n * sizeof *s);
        if (!s) {
            free(beta);
            return -1;
        }
        double *sp = s + PER * n, *r = sp + PER * n;
        const double *ti = gr->t, *tp = gr->t + gr->nodes * n;
        for (int64_t k0 = 0; k0 < count; k0 += PER) {
            const int np = count - k0 < PER ? (int)(count - k0) : PER;
            for (int j = 0; j < np; j++) {
                double wb[SKY_SED_POINTS], wc[SKY_SED_POINTS];
                const int jb = sky_sed_stencil(&b, beta[k0 + j], wb);
                if (c.n > 1) {
                    const int jc = sky_sed_stencil(&c, curv[k0 + j], wc);
                    const int64_t at = (int64_t)jb * c.n + jc;
                    sky_sed_interp2_lanes(ti, n, c.n, at, wb, wc, r, s + j * n);
                    if (qu_rows)
                        sky_sed_interp2_lanes(tp, n, c.n, at, wb, wc, r, sp + j * n);
                } else {
                    sky_sed_interp1_lanes(ti, n, jb, wb, s + j * n);
                    if (qu_rows)
                        sky_sed_interp1_lanes(tp, n, jb, wb, sp + j * n);
                }
            }
            /* per lane its I row, then its Q/U row */
            sky_sed_lanes_columns(s, n, np, rows + k0, 2 * ld);
            if (qu_rows)
                sky_sed_lanes_columns(sp, n, np, rows + ld + k0, 2 * ld);
            else if (!pol)
                for (int lane = 0; lane < n; lane++)
                    for (int j = 0; j < np; j++)
                        rows[(2 * (int64_t)lane + 1) * ld + k0 + j] = 0.0;
        }
        free(s);
    }
    free(beta);
    return 0;
}

/* emission_shared, or with `add` emission_add (model.h): the values of
 * channel c added onto the outputs, or 1 where the lanes cannot serve it. */
static SKY_ALWAYS_INLINE int power_law_shared(const void *state, void *shared, int c,
                                              const sky_bandq *band, const double *bdata,
                                              int64_t first, int64_t count, double *out_i,
                                              double *out_q, double *out_u, const int add)
{
    const sky_power_law *m = state;
    sky_sed_lanes *l = shared;
    int g, lane;
    const double *v = sky_sed_lanes_results(l, c, ROWS0 + 2 * sky_sed_lanes_total(l), first, count,
                                            lanes_fill, m, &g, &lane);
    if (!v) { /* the one-channel path: the same values */
        if (add)
            return 1;
        sky_power_law_emission(state, band, bdata, first, count, out_i, out_q, out_u);
        return 0;
    }
    const int pol = m->t.q != NULL;
    const int64_t ld = sky_sed_lanes_ld(count);
    const double *restrict i0 = v, *restrict q0 = v + ld, *restrict u0 = v + 2 * ld;
    const double *rows = v + (ROWS0 + 2 * (int64_t)sky_sed_lanes_offset(l, g)) * ld;
    const sky_sed_group *gr = sky_sed_lanes_group(l, g);
    const int by_ratio = gr->k && ratio_row(m);
    enum { SUB = SKY_SED_LANES_SUB };
    double bi[SUB], bp[SUB];
    for (int64_t k0 = 0; k0 < count; k0 += SUB) {
        const int64_t n = count - k0 < SUB ? count - k0 : SUB;
        const double *restrict si = sky_sed_lanes_values(gr, lane, rows, 2 * ld, k0, n, bi);
        const double *restrict sp;
        if (add && !pol) {
            sp = NULL;
        } else if (by_ratio) {
            const double *restrict rr = v + 3 * ld + k0;
#pragma omp simd
            for (int64_t j = 0; j < n; j++)
                bp[j] = si[j] * rr[j];
            sp = bp;
        } else {
            sp = sky_sed_lanes_values(gr, lane, rows + ld, 2 * ld, k0, n, bp);
        }
        double *restrict oi = out_i + k0, *restrict oq = out_q + k0, *restrict ou = out_u + k0;
        if (add && pol) {
#pragma omp simd
            for (int64_t j = 0; j < n; j++) {
                const int64_t k = k0 + j;
                oi[j] += i0[k] * si[j];
                oq[j] += q0[k] * sp[j];
                ou[j] += u0[k] * sp[j];
            }
        } else if (add) {
#pragma omp simd
            for (int64_t j = 0; j < n; j++)
                oi[j] += i0[k0 + j] * si[j];
        } else {
#pragma omp simd
            for (int64_t j = 0; j < n; j++) {
                const int64_t k = k0 + j;
                oi[j] = i0[k] * si[j];
                oq[j] = pol ? q0[k] * sp[j] : 0.0;
                ou[j] = pol ? u0[k] * sp[j] : 0.0;
            }
        }
    }
    return 0;
}

SKY_VECTOR_CLONES
void sky_power_law_emission_shared(const void *state, void *shared, int c, const sky_bandq *band,
                                   const double *bdata, int64_t first, int64_t count,
                                   double *out_i, double *out_q, double *out_u)
{
    power_law_shared(state, shared, c, band, bdata, first, count, out_i, out_q, out_u, 0);
}

SKY_VECTOR_CLONES
int sky_power_law_emission_add(const void *state, void *shared, int c, const sky_bandq *band,
                               const double *bdata, int64_t first, int64_t count, double *out_i,
                               double *out_q, double *out_u)
{
    const sky_power_law *m = state;
    if (bdata && bdata[0] == CONSTANT) { /* emission()'s templates times the scalings */
        sky_hmap_add_scaled(m->t.i, first, count, bdata[1], out_i);
        if (m->t.q) {
            sky_hmap_add_scaled(m->t.q, first, count, bdata[2], out_q);
            sky_hmap_add_scaled(m->t.u, first, count, bdata[2], out_u);
        }
        return 0;
    }
    if (!shared)
        return 1;
    return power_law_shared(state, shared, c, band, bdata, first, count, out_i, out_q, out_u, 1);
}

/* Powers as exp(index * ln ratio), a few ulp from PySM's pow(); the Q/U
 * scaling is the I scaling times (nu_I/nu_P)^index, per pixel for a plain
 * power law. */
void sky_power_law_emission(const void *state, const sky_bandq *band, const double *bdata,
                            int64_t first, int64_t count, double *out_i, double *out_q,
                            double *out_u)
{
    const sky_power_law *m = state;
    if (bdata && bdata[0] == CONSTANT) {
        const double si = bdata[1], sp = bdata[2];
        sky_hmap_load(m->t.i, first, count, out_i);
        for (int64_t k = 0; k < count; k++)
            out_i[k] *= si;
        if (m->t.q) {
            sky_hmap_load(m->t.q, first, count, out_q);
            sky_hmap_load(m->t.u, first, count, out_u);
        }
        for (int64_t k = 0; k < count; k++) {
            out_q[k] = m->t.q ? out_q[k] * sp : 0.0;
            out_u[k] = m->t.q ? out_u[k] * sp : 0.0;
        }
        return;
    }
    if (bdata && bdata[0] != 0) {
        power_law_fast(m, bdata, first, count, out_i, out_q, out_u);
        return;
    }
    const double ln_ref_i = log(m->t.freq_ref_i), ln_ref_p = m->t.q ? log(m->t.freq_ref_p) : 0.0;
    const double ln_curve = m->curved ? log(m->freq_curve) : 0.0;
    enum { MAXN = 256 };
    if (!m->curved && !m->beta.map && band->n <= MAXN) {
        /* A constant index (free-free): the scalings are the same for every
         * pixel, computed once; each pixel's sums run in the same order. */
        const double beta = m->beta.value, p_over_i = exp(beta * (ln_ref_i - ln_ref_p));
        double s[MAXN], sp[MAXN];
        for (int n = 0; n < band->n; n++) {
            s[n] = exp(beta * (band->ln_freq[n] - ln_ref_i));
            sp[n] = s[n] * p_over_i;
        }
        enum { CHUNK = 256 }; /* templates copied to doubles, so that the loops vectorise */
        double i0[CHUNK], q0[CHUNK], u0[CHUNK];
        for (int64_t c0 = 0; c0 < count; c0 += CHUNK) {
            const int64_t nk = count - c0 < CHUNK ? count - c0 : CHUNK;
            double *oi = out_i + c0, *oq = out_q + c0, *ou = out_u + c0;
            for (int64_t k = 0; k < nk; k++) {
                i0[k] = sky_hmap_at(m->t.i, first + c0 + k);
                q0[k] = m->t.q ? sky_hmap_at(m->t.q, first + c0 + k) : 0.0;
                u0[k] = m->t.q ? sky_hmap_at(m->t.u, first + c0 + k) : 0.0;
                oi[k] = oq[k] = ou[k] = 0;
            }
            for (int n = 0; n < band->n; n++) {
                const double c = band->coef[n], sn = s[n], spn = sp[n];
                for (int64_t k = 0; k < nk; k++)
                    oi[k] += i0[k] * sn * c;
                if (!m->t.q)
                    continue;
                for (int64_t k = 0; k < nk; k++) {
                    oq[k] += q0[k] * spn * c;
                    ou[k] += u0[k] * spn * c;
                }
            }
        }
        return;
    }
    power_law_chunks(m, band, ln_ref_i, ln_ref_p, ln_curve, first, count, out_i, out_q, out_u);
}

static const sky_param_spec sky_params_power_law[] = {
    SKY_SPEC_IQU_TEMPLATES, SKY_SPEC_FIELD("map_pl_index"),
    SKY_SPEC_END,
};

static const sky_param_spec sky_params_curved_power_law[] = {
    SKY_SPEC_IQU_TEMPLATES, SKY_SPEC_FIELD("map_pl_index"), SKY_SPEC_FIELD("spectral_curvature"),
    SKY_SPEC_FREQ("freq_curve", 1),
    SKY_SPEC_END,
};

static int power_law_polarized(const void *state)
{
    return ((const sky_power_law *)state)->t.q != NULL;
}

const sky_model_type sky_model_power_law = {
    .name = "PowerLaw",
    .summary = "power law in K_RJ: templates scaled by (nu/nu0)^beta (synchrotron, free-free)",
    .params = sky_params_power_law,
    .state_size = sizeof(sky_power_law),
    .init = power_law_init,
    .emission = sky_power_law_emission,
    .polarized = power_law_polarized,
    SKY_POWER_LAW_FAST_SED,
};

const sky_model_type sky_model_curved_power_law = {
    .name = "CurvedPowerLaw",
    .summary = "power law with curvature: (nu/nu0)^(beta + ln((nu/nu_c)^C))",
    .params = sky_params_curved_power_law,
    .state_size = sizeof(sky_power_law),
    .init = curved_init,
    .emission = sky_power_law_emission,
    .polarized = power_law_polarized,
    SKY_POWER_LAW_FAST_SED,
};
