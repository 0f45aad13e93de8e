/*
 * spdust.c - spinning dust, the anomalous microwave emission (PySM classes
 * SpDust, preset a1, and SpDustPol, a2), after SpDust2 (Ali-Haimoud et al.
 * 2009, Silsbee et al. 2011) for a cold neutral medium.
 *
 *   A(nu) = A(nu0) (nu0/nu)^2 j(nu * 30/nu_p) / j(nu0 * 30/nu_p)
 *
 * j is the emissivity table (column 0 frequency in GHz, column 1 j_nu), read
 * linearly and clamped to its end values outside its range (numpy.interp);
 * the table peaks at 30 GHz, and nu_p (freq_peak, a map or a constant) shifts
 * it: both are divided by freq_ref_peak. SpDustPol adds Q = f cos(2psi)...
 * precisely PySM's Q = pol_frac * I * cos(phi), U = pol_frac * I * sin(phi)
 * with phi = atan2(angle_U, angle_Q), computed in float32 as PySM does, and
 * accumulates its result in float32 (its output array has the I template's
 * type).
 */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/numeric.h"
#include "core/vmath.h"
#include "model.h"
#include "sky_eval.h"
#include "spectra/sed_lanes.h"

struct spdust {
    const sky_hmap *i;             /* uK_RJ */
    sky_field peak;                /* GHz, before division by freq_ref_peak */
    double freq_ref_i, freq_ref_peak;
    const sky_table *emissivity;
    double *em_freq, *em_j;        /* the table's two columns */
    int em_n;
    /* For the vectorised interpolation (see em_locate): per interval its
     * slope, computed as numpy does; em_x is em_freq padded with +inf; the
     * first interval of each bucket of x (top bits of x); 0 buckets when the
     * table is too irregular for EM_STEPS steps. */
    double *em_slope, *em_x;
    int64_t *em_bucket_lo;
    int64_t em_bucket_base, em_nbucket;
    int em_bucket_shift;
    int pol;
    double pol_frac;
    const sky_hmap *angle_q, *angle_u;
    /* the fast path: the range of u = 1 / (peak ratio) over the pixels held */
    int fast;
    double u_lo, u_hi;
    uint64_t id; /* this component's number, for the per-thread block cache */
};

/*
 * A branch-free table search, to interpolate many pixels at once. x > 0 is
 * put in a bucket by its exponent and top 2^-shift mantissa bits (buckets
 * uniform in log x, as the emissivity table roughly is); em_bucket_lo[b] is
 * the last row at or below the bucket's lower edge, and EM_STEPS comparisons
 * move from there to the row j with em_freq[j] <= x < em_freq[j + 1]: the
 * shift is chosen so that no bucket holds more than EM_STEPS rows. The
 * interval is the one numpy's binary search finds, and the slope is computed
 * with numpy's expression: the same values as sky_interp_hint.
 */
enum { EM_STEPS = 2, EM_MAX_BUCKETS = 1 << 16 };

static int64_t em_bits(double x)
{
    int64_t i;
    memcpy(&i, &x, sizeof i);
    return i;
}

static int em_index_build(struct spdust *m, sky_error *err)
{
    const int n = m->em_n;
    const double *xp = m->em_freq;
    m->em_nbucket = 0;
    if (!(m->em_slope = malloc((size_t)n * sizeof(double))) ||
        !(m->em_x = malloc((size_t)(n + EM_STEPS + 1) * sizeof(double))))
        return sky_nomem(err, "the emissivity table");
    for (int j = 0; j < n - 1; j++)
        m->em_slope[j] = (m->em_j[j + 1] - m->em_j[j]) / (xp[j + 1] - xp[j]);
    m->em_slope[n - 1] = 0;
    for (int j = 0; j < n + EM_STEPS + 1; j++)
        m->em_x[j] = j < n ? xp[j] : INFINITY;
    if (!(xp[0] > 0))
        return SKY_OK; /* the scalar search only */
    for (int mant = 2; mant <= 12; mant++) {
        const int shift = 52 - mant;
        const int64_t base = em_bits(xp[0]) >> shift, nb = (em_bits(xp[n - 1]) >> shift) - base + 1;
        if (nb > EM_MAX_BUCKETS)
            break;
        int64_t *lo = malloc((size_t)nb * sizeof *lo);
        if (!lo)
            return sky_nomem(err, "the emissivity table");
        int ok = 1, j = 0;
        for (int64_t b = 0; b < nb && ok; b++) {
            /* the last row (at most n - 2) at or below the bucket's lower edge,
             * then how many rows lie inside the bucket above it */
            const int64_t edge = (base + b) << shift;
            while (j < n - 2 && em_bits(xp[j + 1]) <= edge)
                j++;
            lo[b] = j;
            int inside = 0;
            for (int r = j + 1; r < n && (em_bits(xp[r]) >> shift) <= base + b; r++)
                inside++;
            ok = inside <= EM_STEPS;
        }
        if (ok) {
            m->em_bucket_lo = lo;
            m->em_bucket_shift = shift;
            m->em_bucket_base = base;
            m->em_nbucket = nb;
            return SKY_OK;
        }
        free(lo);
    }
    return SKY_OK;
}

/* The search's tables, copied into a local variable by the vectorised loops
 * (so that the compiler knows they do not change as outputs are written). */
typedef struct em_index {
    const double *x, *fp, *slope;
    const int64_t *lo;
    int64_t base, nb;
    int shift, n;
    double x_first, x_last, fp_first, fp_last; /* the clamps, loaded once */
} em_index;

static inline em_index em_index_of(const struct spdust *m)
{
    const int n = m->em_n;
    return (em_index){m->em_x,          m->em_j,          m->em_slope,        m->em_bucket_lo,
                      m->em_bucket_base, m->em_nbucket,   m->em_bucket_shift, n,
                      m->em_freq[0],    m->em_freq[n - 1], m->em_j[0],        m->em_j[n - 1]};
}

/* numpy.interp(x, em_freq, em_j) for x > 0, branch-free (needs nb > 0). */
static SKY_ALWAYS_INLINE double em_interp(em_index e, double x)
{
    int64_t b = (em_bits(x) >> e.shift) - e.base;
    b = b < 0 ? 0 : b;
    b = b > e.nb - 1 ? e.nb - 1 : b;
    int64_t j = e.lo[b];
    for (int s = 0; s < EM_STEPS; s++)
        j += x >= e.x[j + 1];
    j = j > e.n - 2 ? e.n - 2 : j;
    const double v = e.slope[j] * (x - e.x[j]) + e.fp[j];
    const double lo = x <= e.x_first ? e.fp_first : v;
    return x >= e.x_last ? e.fp_last : lo;
}

static int spdust_load(struct spdust *m, sky_params *ps, sky_loader *ld, sky_error *err)
{
    const char *map_i = NULL, *unit_i = NULL, *emissivity = NULL;
    const int f0 = 0;
    int rc;
    if ((rc = sky_params_string(ps, "map_I", 1, &map_i, err)) ||
        (rc = sky_params_string(ps, "unit_I", 0, &unit_i, err)) ||
        (rc = sky_params_string(ps, "emissivity", 1, &emissivity, err)) ||
        (rc = sky_params_freq(ps, "freq_ref_I", 1, &m->freq_ref_i, err)) ||
        (rc = sky_params_freq(ps, "freq_ref_peak", 1, &m->freq_ref_peak, err)))
        return rc;
    if ((rc = sky_load_maps(ld, map_i, 1, &f0, unit_i, "uK_RJ", &m->i, err)))
        return rc;
    /* freq_peak: a quantity ("33.35 GHz") or a map in GHz */
    sky_param *pk = sky_params_take(ps, "freq_peak");
    if (!pk)
        return sky_fail(err, SKY_EINVAL, "component %s: missing parameter 'freq_peak'",
                        ps->owner);
    if (pk->kind != SKY_PARAM_STRING)
        return sky_fail(err, SKY_EINVAL,
                        "component %s: parameter 'freq_peak': expected a quantity like \"30 "
                        "GHz\" or a template path",
                        ps->owner);
    m->peak.map = NULL;
    if (!sky_parse_freq(pk->str, &m->peak.value) &&
        (rc = sky_load_maps(ld, pk->str, 1, &f0, "GHz", "GHz", &m->peak.map, err)))
        return rc;
    if ((rc = sky_load_table(ld, emissivity, &m->emissivity, err)))
        return rc;
    const sky_table *t = m->emissivity;
    if (t->ncols < 2 || t->nrows < 2)
        return sky_fail(err, SKY_EFORMAT,
                        "component %s: emissivity table %s: %d x %d, expected at least 2 rows of "
                        "2 columns (GHz, j_nu)",
                        ps->owner, emissivity, t->nrows, t->ncols);
    /* the loader owns the table; keep its columns contiguous for interpolation */
    m->em_n = t->nrows;
    m->em_freq = malloc((size_t)t->nrows * 2 * sizeof(double));
    if (!m->em_freq)
        return sky_nomem(err, "the emissivity table");
    m->em_j = m->em_freq + t->nrows;
    for (int r = 0; r < t->nrows; r++) {
        m->em_freq[r] = sky_table_at(t, r, 0);
        m->em_j[r] = sky_table_at(t, r, 1);
        if (r && !(m->em_freq[r] > m->em_freq[r - 1]))
            return sky_fail(err, SKY_EFORMAT,
                            "component %s: emissivity table %s row %d: frequencies must "
                            "increase",
                            ps->owner, emissivity, r + 1);
    }
    return em_index_build(m, err);
}

static int spdust_init(void *state, sky_params *ps, sky_loader *ld, sky_error *err)
{
    return spdust_load(state, ps, ld, err);
}

static int spdust_pol_init(void *state, sky_params *ps, sky_loader *ld, sky_error *err)
{
    struct spdust *m = state;
    const char *aq = NULL, *au = NULL;
    const int f0 = 0;
    int rc = spdust_load(m, ps, ld, err);
    if (rc)
        return rc;
    m->pol = 1;
    if ((rc = sky_params_number(ps, "pol_frac", 1, &m->pol_frac, err)) ||
        (rc = sky_params_string(ps, "angle_Q", 1, &aq, err)) ||
        (rc = sky_params_string(ps, "angle_U", 1, &au, err)) ||
        (rc = sky_load_maps(ld, aq, 1, &f0, NULL, NULL, &m->angle_q, err)) ||
        (rc = sky_load_maps(ld, au, 1, &f0, NULL, NULL, &m->angle_u, err)))
        return rc;
    return SKY_OK;
}

static void spdust_free(void *state)
{
    struct spdust *m = state;
    free(m->em_freq);
    free(m->em_slope);
    free(m->em_x);
    free(m->em_bucket_lo);
}

/* The peak frequency over freq_ref_peak, rounded to the map's precision as
 * PySM's in-place division leaves it. */
static inline double peak_ratio(const struct spdust *m, int64_t p)
{
    if (!m->peak.map)
        return m->peak.value / m->freq_ref_peak;
    const int64_t i = sky_hmap_index(m->peak.map, p);
    if (m->peak.map->f)
        return (double)(float)(m->peak.map->f[i] / m->freq_ref_peak);
    return m->peak.map->d[i] / m->freq_ref_peak;
}

static int spdust_f32(const void *state, const sky_bandq *band)
{
    const struct spdust *m = state;
    (void)band;
    return m->pol && m->i->f != NULL;
}

/* A peak map, unpolarised (a1): pixels in chunks of CHUNK, per-pixel peak
 * and reference emissivity once per chunk, then for each frequency one
 * vectorised pass over the chunk (em_interp) adding to each pixel's sum in
 * band order. The same arithmetic as the per-pixel path below. */
enum { CHUNK = 256 };

SKY_VECTOR_CLONES
static void spdust_chunks(const struct spdust *m, const sky_bandq *band, int64_t first,
                          int64_t count, double *out_i, double *out_q, double *out_u)
{
    const em_index e = em_index_of(m);
    const double freq_ref_i = m->freq_ref_i;
    double peak[CHUNK], j_ref[CHUNK], i0[CHUNK];
    for (int64_t k0 = 0; k0 < count; k0 += CHUNK) {
        const int64_t n = count - k0 < CHUNK ? count - k0 : CHUNK;
        double *restrict oi = out_i + k0;
        for (int64_t k = 0; k < n; k++)
            peak[k] = peak_ratio(m, first + k0 + k);
        sky_hmap_load(m->i, first + k0, n, i0);
#pragma omp simd
        for (int64_t k = 0; k < n; k++)
            j_ref[k] = em_interp(e, freq_ref_i / peak[k]);
        for (int64_t k = 0; k < n; k++)
            oi[k] = out_q[k0 + k] = out_u[k0 + k] = 0;
        for (int j = 0; j < band->n; j++) {
            const double f = band->freq[j], r = freq_ref_i / f, c = band->coef[j];
#pragma omp simd
            for (int64_t k = 0; k < n; k++) {
                const double scaling = r * r * em_interp(e, f / peak[k]) / j_ref[k];
                oi[k] += scaling * i0[k] * c;
            }
        }
    }
}

/* ---------------------------------------------------------------------- */
/* The fast path of a peak map (a1): the band integral in pieces           */
/*
 * With u = 1 / (peak ratio), the band's scaling is
 *   S(u) = sum_j c_j (nu_0/nu_j)^2 J(nu_j u) / J(nu_0 u),
 * J the emissivity, linear between its table's rows (and constant beyond
 * them). Between the values of u where some nu_j u or nu_0 u crosses a row,
 * numerator and denominator are both linear in u: S is a ratio of two
 * straight lines there, exactly. prepare() finds those pieces over the range
 * of u the pixels take and stores each line, anchored at the piece's left
 * end; a pixel then costs one search among the pieces and one division,
 * whatever the number of samples. The ends of the pieces are intrinsic
 * (rows over frequencies), so a part of the sky finds the same lines as the
 * whole sky. Over a range of u that a fixed lattice covers in at most
 * SP_MAX_BUCKETS buckets, the pieces are stored per bucket instead ("Buckets
 * of the lattice" below): no search, and many channels at once.
 */

/* Components get a number each when loaded, never reused: the block cache
 * below knows its entries by it. */
static _Atomic uint64_t spdust_ids;

static void spdust_after_load(void *state)
{
    struct spdust *m = state;
    double lo, hi;
    m->id = atomic_fetch_add(&spdust_ids, 1) + 1;
    m->fast = 0;
    if (m->pol)
        return;
    if (!m->peak.map) { /* a constant peak: one scaling per band */
        m->fast = peak_ratio(m, 0) > 0 && isfinite(peak_ratio(m, 0));
        return;
    }
    sky_field_range(&m->peak, &lo, &hi);
    lo /= m->freq_ref_peak;
    hi /= m->freq_ref_peak;
    if (!(lo > 0) || !isfinite(hi) || lo > hi)
        return;
    /* the peak ratio is rounded to the map's precision (peak_ratio): keep a margin */
    m->u_lo = 1.0 / hi * (1 - 1e-6);
    m->u_hi = 1.0 / lo * (1 + 1e-6);
    m->fast = 1;
}

static int spdust_fast_sed(const void *state)
{
    return ((const struct spdust *)state)->fast;
}

/* bdata: [0] PIECES when the pieces follow, [1] their number P, [2] the
 * number of buckets B, [3] the buckets' origin and [4] their inverse width
 * in u, then P + 1 left ends (the first -inf, a last +inf), per piece the
 * numerator's value at its anchor (its left end; the first piece's right
 * end) and its slope (side by side), and per bucket the piece that holds its
 * lower edge. [0] CONSTANT for a constant peak: [1] the band's scaling, the
 * same for every pixel. */
enum { SP_HDR = 5, SP_MAX_PIECES = 200000, PIECES = 1, CONSTANT = 2, BUCKETS = 3 };
/* BUCKETS (see "Buckets of the lattice" below): buckets [g w, (g + 1) w) of
 * u on the fixed lattice w = 2^SP_LATTICE_LOG2, at most SP_MAX_BUCKETS over
 * the pixels' range (else the pieces as above) */
enum { SP_LATTICE_LOG2 = -13, SP_MAX_BUCKETS = 16384 };
/* buckets per piece, and the steps a pixel takes from its bucket's piece
 * without a branch (a pixel that needs more takes them one by one) */
enum { SP_BUCKETS_PER_PIECE = 2, SP_STEPS = 2 };

static int sp_nbuckets(int np)
{
    const int64_t nb = (int64_t)SP_BUCKETS_PER_PIECE * np;
    return nb > (1 << 20) ? 1 << 20 : (int)nb;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The values of u where nu u crosses a row of the table, within [lo, hi] and
 * the nearest one on each side, appended to k (n updated, cap entries). */
static int kinks(const struct spdust *m, double nu, double lo, double hi, double *k, int n,
                 int cap)
{
    const double *xp = m->em_freq;
    const int rows = m->em_n;
    /* rows with xp/nu in [lo, hi] are rows with xp in [nu lo, nu hi] */
    int a = 0, b = rows - 1;
    while (a < rows && xp[a] < nu * lo)
        a++;
    while (b >= 0 && xp[b] > nu * hi)
        b--;
    a = a > 0 ? a - 1 : 0;
    b = b < rows - 1 ? b + 1 : rows - 1;
    for (int r = a; r <= b && n < cap; r++)
        k[n++] = xp[r] / nu;
    return n;
}

static int spdust_pieces(const struct spdust *m, const sky_bandq *band, double lo, double hi,
                         double *k)
{
    int n = 0;
    const int cap = SP_MAX_PIECES;
    for (int j = 0; j < band->n; j++)
        n = kinks(m, band->freq[j], lo, hi, k, n, cap);
    if (n >= cap)
        return -1;
    qsort(k, (size_t)n, sizeof *k, cmp_double);
    int u = 0;
    for (int i = 0; i < n; i++)
        if (!u || k[i] != k[u - 1])
            k[u++] = k[i];
    return u;
}

/* The pieces' ends for the band over [lo, hi] (k, SP_MAX_PIECES values):
 * their number, or -1 when there are too many (the band then stays exact)
 * or no memory. */
static int spdust_kinks(const struct spdust *m, const sky_bandq *band, double lo, double hi,
                        double **k)
{
    *k = NULL;
    if (!band->fast || !m->fast || !m->peak.map ||
        !(*k = malloc((size_t)SP_MAX_PIECES * sizeof **k)))
        return -1;
    const int nk = spdust_pieces(m, band, lo, hi, *k);
    return nk > 0 ? nk : -1;
}

/* Where the parts of BUCKETS band data start (indices into bdata), for nb
 * buckets and room for `room` ends */
typedef struct sp_layout {
    int64_t a, b, off, kap, del;
} sp_layout;

static sp_layout sp_layout_of(int nb, int64_t room)
{
    sp_layout l = {SP_HDR, SP_HDR + nb, SP_HDR + 2 * (int64_t)nb, SP_HDR + 3 * (int64_t)nb + 1, 0};
    l.del = l.kap + room;
    return l;
}

/* The layout of a channel's BUCKETS band data */
static sp_layout sp_layout_in(const double *bdata)
{
    return sp_layout_of((int)bdata[1], (int64_t)bdata[3]);
}

/* The lattice's buckets over the pixels' range of u: their number (0 when
 * more than SP_MAX_BUCKETS), the first one's index *g_lo and the range
 * [*lo, *hi) they cover. Fixed multiples of a fixed step: a part of the sky
 * has the buckets of the whole sky that it touches, with the same values. */
static int sp_lattice(const struct spdust *m, double *lo, double *hi, double *g_lo)
{
    const double w = ldexp(1.0, SP_LATTICE_LOG2), inv = ldexp(1.0, -SP_LATTICE_LOG2);
    const double a = floor(m->u_lo * inv), b = floor(m->u_hi * inv), n = b - a + 1;
    if (!(n >= 1 && n <= SP_MAX_BUCKETS))
        return 0;
    *g_lo = a;
    *lo = a * w;
    *hi = (b + 1) * w;
    return (int)n;
}

static int spdust_band_data_len(const void *state, const sky_bandq *band)
{
    const struct spdust *m = state;
    if (band->fast && m->fast && !m->peak.map)
        return 2;
    double *k, lo, hi, g_lo;
    const int nb = sp_lattice(m, &lo, &hi, &g_lo);
    if (nb > 0) {
        const int nk = spdust_kinks(m, band, lo, hi, &k);
        free(k);
        return nk < 0 ? 1 : (int)(sp_layout_of(nb, nk).del + nk);
    }
    const int nk = spdust_kinks(m, band, m->u_lo, m->u_hi, &k);
    free(k);
    return nk < 0 ? 1 : SP_HDR + 3 * (nk + 1) + 1 + sp_nbuckets(nk + 1);
}

/* The constant peak's scaling summed over the band, as the exact path takes
 * its samples (the pixels then multiply their template by it). */
static double spdust_constant(const struct spdust *m, const sky_bandq *band)
{
    const double peak = peak_ratio(m, 0);
    int hint = 0;
    const double j_ref =
        sky_interp_hint(m->freq_ref_i / peak, m->em_freq, m->em_j, m->em_n, &hint);
    double s = 0;
    for (int n = 0; n < band->n; n++) {
        const double f = band->freq[n], r = m->freq_ref_i / f;
        s += r * r * sky_interp_hint(f / peak, m->em_freq, m->em_j, m->em_n, &hint) / j_ref *
             band->coef[n];
    }
    return s;
}

/*
 * The numerator N(u) = sum_j c_j (nu_0/nu_j)^2 J(nu_j u) of the pieces:
 * sample by sample, J's line on each piece (numpy.interp's: the row interval
 * holding nu_j u at the piece's middle, clamped beyond the table), added to
 * the piece's value at its anchor and slope. The pieces are in increasing u,
 * so each sample walks the rows once.
 */
static void numerator_lines(const struct spdust *m, const sky_bandq *band, const double *k,
                            int nk, double *line)
{
    const double *xp = m->em_freq, *fp = m->em_j;
    const int rows = m->em_n, np = nk + 1;
    for (int i = 0; i < 2 * np; i++)
        line[i] = 0;
    for (int j = 0; j < band->n; j++) {
        const double f = band->freq[j], r = m->freq_ref_i / f, w = r * r * band->coef[j];
        int lo = 0; /* xp[lo] <= x < xp[lo + 1] for the pieces' x in turn */
        for (int i = 0; i < np; i++) {
            const double anchor = i == 0 ? k[0] : k[i - 1];
            const double mid = i == 0 ? k[0] * 0.5 : i == nk ? k[nk - 1] * 2.0
                                                              : 0.5 * (k[i - 1] + k[i]);
            const double x = f * mid;
            double v, sl;
            if (x <= xp[0] || x >= xp[rows - 1]) { /* numpy.interp's clamps */
                v = x <= xp[0] ? fp[0] : fp[rows - 1];
                sl = 0;
            } else {
                while (lo + 1 < rows - 1 && xp[lo + 1] <= x)
                    lo++;
                v = m->em_slope[lo] * (f * anchor - xp[lo]) + fp[lo];
                sl = m->em_slope[lo] * f;
            }
            line[2 * i] += w * v;
            line[2 * i + 1] += w * sl;
        }
    }
}

/*
 * Buckets of the lattice. The numerator is a line on each piece, so on a
 * bucket [e, e + w) it is the line of the piece holding e (its value at e,
 * A, and slope, B) plus, for each piece end kappa inside the bucket, the
 * change of slope delta there times max(0, u - kappa): exact, as the pieces
 * are, to rounding. The bucket of a pixel is one multiplication away (no
 * search), and its A and B sit side by side for the channels of a band
 * (sed_lanes.h), so that many channels take a pixel's bucket in one pass
 * and only the few ends inside it one by one.
 *
 * bdata: [0] BUCKETS, [1] the buckets' number G, [2] the first one's index
 * on the lattice, [3] the room for the ends (their number at most), then A
 * (G), B (G), per bucket its first end (G + 1 offsets), and the ends'
 * kappa, then delta.
 */
static inline double sp_kink(double v, double delta, double u, double kappa)
{
    const double d = u - kappa; /* > 0 exactly when u > kappa; a max, not a branch */
    return v + delta * (d > 0.0 ? d : 0.0);
}

static inline int sp_bucket(double u, double g_lo, int nb)
{
    double b = floor(u * ldexp(1.0, -SP_LATTICE_LOG2)) - g_lo;
    b = b >= 0 ? (b < nb ? b : nb - 1) : 0; /* NaN: 0 */
    return (int)b;
}

static inline double sp_edge(double g_lo, int b)
{
    return (g_lo + b) * ldexp(1.0, SP_LATTICE_LOG2);
}

static int sp_buckets_prepare(const struct spdust *m, const sky_bandq *band, int nb, double lo,
                              double hi, double g_lo, double *bdata)
{
    double *k;
    const int nk = spdust_kinks(m, band, lo, hi, &k);
    double *line = nk < 0 ? NULL : malloc((size_t)(2 * (nk + 1)) * sizeof *line);
    if (!line) { /* too many pieces (or no memory): every sample exactly */
        free(k);
        return SKY_OK;
    }
    numerator_lines(m, band, k, nk, line);
    const sp_layout ly = sp_layout_of(nb, nk);
    double *a = bdata + ly.a, *b = bdata + ly.b, *off = bdata + ly.off, *kap = bdata + ly.kap,
           *del = bdata + ly.del;
    int i = 0, nc = 0; /* piece i holds the bucket's edge: k[i - 1] <= e < k[i] */
    for (int g = 0; g < nb; g++) {
        const double e = sp_edge(g_lo, g), e1 = sp_edge(g_lo, g + 1);
        while (i < nk && k[i] <= e)
            i++;
        const double anchor = i == 0 ? k[0] : k[i - 1];
        a[g] = line[2 * i] + line[2 * i + 1] * (e - anchor);
        b[g] = line[2 * i + 1];
        off[g] = nc;
        for (int t = i; t < nk && k[t] < e1; t++) { /* k[t] starts piece t + 1 */
            kap[nc] = k[t];
            del[nc] = line[2 * (t + 1) + 1] - line[2 * t + 1];
            nc++;
        }
    }
    off[nb] = nc;
    for (int t = nc; t < nk; t++) /* room not needed */
        kap[t] = del[t] = 0;
    bdata[1] = nb, bdata[2] = g_lo, bdata[3] = nk, bdata[4] = 0;
    bdata[0] = BUCKETS;
    free(line);
    free(k);
    return SKY_OK;
}

static int spdust_prepare(const void *state, const sky_bandq *band, sky_np_rng *rng,
                          double *bdata, sky_error *err)
{
    (void)rng;
    const struct spdust *m = state;
    bdata[0] = 0;
    if (!band->fast || !m->fast)
        return SKY_OK;
    if (!m->peak.map) {
        bdata[1] = spdust_constant(m, band);
        bdata[0] = CONSTANT;
        return SKY_OK;
    }
    (void)err;
    double *k, lo, hi, g_lo;
    const int nbk = sp_lattice(m, &lo, &hi, &g_lo);
    if (nbk > 0)
        return sp_buckets_prepare(m, band, nbk, lo, hi, g_lo, bdata);
    const int nk = spdust_kinks(m, band, m->u_lo, m->u_hi, &k);
    if (nk < 0) { /* too many pieces (or no memory): every sample exactly */
        free(k);
        return SKY_OK;
    }
    /* pieces: (-inf, k0), [k0, k1), ..., [k_{nk-1}, inf); anchors k0, k0, k1, ... */
    const int np = nk + 1, nb = sp_nbuckets(np);
    double *start = bdata + SP_HDR, *line = start + np + 1, *bucket = line + 2 * np;
    for (int i = 0; i < np; i++)
        start[i] = i == 0 ? -INFINITY : k[i - 1];
    start[np] = INFINITY;
    numerator_lines(m, band, k, nk, line);
    /* buckets of equal width over [u_lo, u_hi]; each starts the search at
     * the piece holding its lower edge. They only shorten the search: the
     * piece found is the same whatever the buckets (a part finds the pieces
     * the whole sky finds). */
    const double w = (m->u_hi - m->u_lo) / nb;
    const double inv = w > 0 ? 1.0 / w : 0.0;
    int i = 0;
    for (int b = 0; b < nb; b++) {
        const double edge = m->u_lo + b * w;
        while (i + 1 < np && start[i + 1] <= edge)
            i++;
        bucket[b] = i;
    }
    bdata[1] = np, bdata[2] = nb, bdata[3] = m->u_lo, bdata[4] = inv;
    bdata[0] = PIECES;
    free(k);
    return SKY_OK;
}

/* What a block of pixels needs whatever the channel, kept per thread for
 * the next channel (the sky evaluates each block for one channel after the
 * other): u = 1 / peak ratio, and the template over the reference
 * emissivity J(nu_0 / peak) as the exact path interpolates it. */
enum { FAST_BLOCK = SKY_EVAL_BLOCK };

typedef struct sp_block {
    uint64_t id; /* key: the component (spdust.id) and the pixels */
    int64_t first, count;
    /* in increasing u (so that each channel's pieces are read in order, as
     * they lie in memory): u, g and the pixel's place in the block */
    double u[FAST_BLOCK], g[FAST_BLOCK];
    int32_t at[FAST_BLOCK];
} sp_block;

static _Thread_local sp_block tl_block;

SKY_VECTOR_CLONES
static void sp_block_fill(const struct spdust *m, sp_block *x, int64_t first, int64_t count)
{
    const em_index e = em_index_of(m);
    double peak[FAST_BLOCK];
    for (int64_t k = 0; k < count; k++)
        peak[k] = peak_ratio(m, first + k);
    sky_hmap_load(m->i, first, count, x->g);
    const double freq_ref_i = m->freq_ref_i;
    double *restrict u = x->u, *restrict g = x->g;
    /* in increasing u, near enough: a counting sort into SP_BINS bins of u,
     * finer than the lattice's buckets over the maps' range (3415 at 2^-13
     * for a peak from 24 to 36 GHz), so that the channels' bucket lines are
     * read in memory order */
    enum { SP_BINS = 4096 };
    double g0[FAST_BLOCK];
    int32_t bin[FAST_BLOCK], pos[SP_BINS + 1] = {0};
    const double w = (m->u_hi - m->u_lo) / SP_BINS, inv = w > 0 ? 1.0 / w : 0.0;
    for (int64_t k = 0; k < count; k++)
        g0[k] = g[k];
#pragma omp simd
    for (int64_t k = 0; k < count; k++)
        g0[k] /= e.nb > 0 ? em_interp(e, freq_ref_i / peak[k])
                          : sky_interp(freq_ref_i / peak[k], m->em_freq, m->em_j, m->em_n);
    for (int64_t k = 0; k < count; k++) {
        double b = floor((1.0 / peak[k] - m->u_lo) * inv);
        b = b < 0 ? 0 : b > SP_BINS - 1 ? SP_BINS - 1 : b; /* NaN: bin 0 */
        bin[k] = (int32_t)b;
        pos[bin[k] + 1]++;
    }
    for (int b = 0; b < SP_BINS; b++)
        pos[b + 1] += pos[b];
    for (int64_t k = 0; k < count; k++) {
        const int32_t at = pos[bin[k]]++;
        u[at] = 1.0 / peak[k];
        g[at] = g0[k];
        x->at[at] = (int32_t)k;
    }
    x->id = m->id, x->first = first, x->count = count;
}

static const sp_block *sp_block_at(const struct spdust *m, int64_t first, int64_t count)
{
    sp_block *x = &tl_block;
    if (!(x->id == m->id && x->first == first && x->count == count))
        sp_block_fill(m, x, first, count);
    return x;
}

/* Pixels through the pieces in bdata: each pixel's piece is the largest i
 * with start[i] <= u, found from its bucket's piece in SP_STEPS steps without
 * a branch, and one by one beyond; then the numerator's line there, times
 * the pixel's template over the reference emissivity. */
SKY_VECTOR_CLONES
static void spdust_pieces_eval(const double *bdata, const double *restrict u,
                               const double *restrict g, const int32_t *restrict at, int64_t n,
                               double *restrict out_i)
{
    const int np = (int)bdata[1], nb = (int)bdata[2];
    const double u0 = bdata[3], inv = bdata[4];
    const double *restrict start = bdata + SP_HDR, *restrict line = start + np + 1,
                           *restrict bucket = line + 2 * np;
    const double first_anchor = start[1];
    int64_t piece[FAST_BLOCK];
#pragma omp simd
    for (int64_t k = 0; k < n; k++) {
        double fb = floor((u[k] - u0) * inv);
        fb = fb < 0 ? 0 : fb > nb - 1 ? nb - 1 : fb;
        int64_t i = (int64_t)bucket[(int64_t)fb];
        for (int s = 0; s < SP_STEPS; s++)
            i += u[k] >= start[i + 1];
        piece[k] = i;
    }
    for (int64_t k = 0; k < n; k++) { /* rare: a crowded bucket, a pixel out of range */
        int64_t i = piece[k];
        if (u[k] < start[i + 1] && start[i] <= u[k])
            continue;
        while (u[k] >= start[i + 1])
            i++;
        while (i > 0 && start[i] > u[k])
            i--;
        piece[k] = i;
    }
#pragma omp simd
    for (int64_t k = 0; k < n; k++) {
        const int64_t i = piece[k];
        const double anchor = i == 0 ? first_anchor : start[i];
        out_i[at[k]] = (line[2 * i] + line[2 * i + 1] * (u[k] - anchor)) * g[k];
    }
}

/* Pixels through the buckets in bdata (a channel alone; the lanes below do
 * the same for many): the bucket's line at u, the ends inside it up to u,
 * times the pixel's template over the reference emissivity. */
SKY_VECTOR_CLONES
static void spdust_buckets_eval(const double *bdata, const double *restrict u,
                                const double *restrict g, const int32_t *restrict at, int64_t n,
                                double *restrict out_i)
{
    const int nb = (int)bdata[1];
    const double g_lo = bdata[2];
    const sp_layout ly = sp_layout_in(bdata);
    const double *restrict a = bdata + ly.a, *restrict b = bdata + ly.b,
                           *restrict off = bdata + ly.off, *restrict kap = bdata + ly.kap,
                           *restrict del = bdata + ly.del;
    for (int64_t k = 0; k < n; k++) {
        const int j = sp_bucket(u[k], g_lo, nb);
        double v = a[j] + b[j] * (u[k] - sp_edge(g_lo, j));
        for (int64_t t = (int64_t)off[j]; t < (int64_t)off[j + 1]; t++)
            v = sp_kink(v, del[t], u[k], kap[t]);
        out_i[at[k]] = v * g[k];
    }
}

static void spdust_fast(const struct spdust *m, const double *bdata, int64_t first,
                        int64_t count, double *out_i, double *out_q, double *out_u)
{
    for (int64_t k0 = 0; k0 < count; k0 += FAST_BLOCK) {
        const int64_t n = count - k0 < FAST_BLOCK ? count - k0 : FAST_BLOCK;
        if (bdata[0] == CONSTANT) {
            sky_hmap_load(m->i, first + k0, n, out_i + k0);
            for (int64_t k = 0; k < n; k++)
                out_i[k0 + k] *= bdata[1];
        } else if (bdata[0] == BUCKETS) {
            const sp_block *x = sp_block_at(m, first + k0, n);
            spdust_buckets_eval(bdata, x->u, x->g, x->at, n, out_i + k0);
        } else {
            const sp_block *x = sp_block_at(m, first + k0, n);
            spdust_pieces_eval(bdata, x->u, x->g, x->at, n, out_i + k0);
        }
        for (int64_t k = 0; k < n; k++)
            out_q[k0 + k] = out_u[k0 + k] = 0;
    }
}

static void spdust_emission(const void *state, const sky_bandq *band, const double *bdata,
                            int64_t first, int64_t count, double *out_i, double *out_q,
                            double *out_u)
{
    const struct spdust *m = state;
    if (bdata && bdata[0] != 0) {
        spdust_fast(m, bdata, first, count, out_i, out_q, out_u);
        return;
    }
    const int f32 = spdust_f32(state, band);
    enum { MAXN = 256 };
    if (!m->peak.map && !m->pol && band->n <= MAXN) {
        /* a constant peak, unpolarised: the same scalings for every pixel */
        const double peak = peak_ratio(m, 0);
        int hint = 0;
        const double j_ref = sky_interp_hint(m->freq_ref_i / peak, m->em_freq, m->em_j, m->em_n,
                                             &hint);
        double sc[MAXN];
        for (int n = 0; n < band->n; n++) {
            const double f = band->freq[n], r = m->freq_ref_i / f;
            sc[n] = r * r * sky_interp_hint(f / peak, m->em_freq, m->em_j, m->em_n, &hint) / j_ref;
        }
        /* pixels inner, each pixel's sum in frequency order, so that it vectorises */
        enum { CHUNK = 256 };
        double i0[CHUNK];
        for (int64_t c0 = 0; c0 < count; c0 += CHUNK) {
            const int64_t nk = count - c0 < CHUNK ? count - c0 : CHUNK;
            double *oi = out_i + c0;
            for (int64_t k = 0; k < nk; k++) {
                i0[k] = sky_hmap_at(m->i, first + c0 + k);
                oi[k] = 0;
                out_q[c0 + k] = out_u[c0 + k] = 0;
            }
            for (int n = 0; n < band->n; n++) {
                const double scn = sc[n], c = band->coef[n];
                for (int64_t k = 0; k < nk; k++)
                    oi[k] += scn * i0[k] * c;
            }
        }
        return;
    }
    if (!m->pol && m->em_nbucket > 0) {
        spdust_chunks(m, band, first, count, out_i, out_q, out_u);
        return;
    }
    /* neighbouring pixels have similar peaks: start each table search where the
     * previous pixel's ended (same results as a full search) */
    int hint_ref = 0, hint_f0 = 0;
    for (int64_t k = 0; k < count; k++) {
        const int64_t p = first + k;
        const double peak = peak_ratio(m, p);
        const double i0 = sky_hmap_at(m->i, p);
        int hint = k ? hint_ref : 0;
        const double j_ref = sky_interp_hint(m->freq_ref_i / peak, m->em_freq, m->em_j, m->em_n,
                                             &hint);
        hint_ref = hint;
        hint = k ? hint_f0 : hint;
        double cos_phi = 0, sin_phi = 0;
        if (m->pol) {
            const float phi = atan2f((float)sky_hmap_at(m->angle_u, p),
                                     (float)sky_hmap_at(m->angle_q, p));
            cos_phi = cosf(phi);
            sin_phi = sinf(phi);
        }
        double si = 0, sq = 0, su = 0;
        for (int n = 0; n < band->n; n++) {
            const double f = band->freq[n];
            const double r = m->freq_ref_i / f;
            const double scaling =
                r * r * sky_interp_hint(f / peak, m->em_freq, m->em_j, m->em_n, &hint) / j_ref;
            if (n == 0)
                hint_f0 = hint;
            const double c = band->coef[n];
            if (f32) {
                si = (float)(si + scaling * i0 * c);
                sq = (float)(sq + scaling * i0 * m->pol_frac * cos_phi * c);
                su = (float)(su + scaling * i0 * m->pol_frac * sin_phi * c);
            } else {
                si += scaling * i0 * c;
                if (m->pol) {
                    sq += scaling * i0 * m->pol_frac * cos_phi * c;
                    su += scaling * i0 * m->pol_frac * sin_phi * c;
                }
            }
        }
        out_i[k] = si;
        out_q[k] = sq;
        out_u[k] = su;
    }
}

/* Many channels at once: the buckets' A and B of the channels of a band side
 * by side (sed_lanes.h), and per bucket the ends of all of them, each
 * channel's in its own order. */
typedef struct sp_ends {
    int64_t *off;  /* per bucket its first end (buckets + 1) */
    int32_t *lane;
    double *kap, *del;
} sp_ends;

typedef struct sp_shared {
    const struct spdust *m;
    sky_sed_lanes *l;
    int ng;
    sp_ends *ends; /* per group */
} sp_shared;

static int lanes_ntab(const double *bd)
{
    (void)bd;
    return 2;
}

static int lanes_same_axes(const double *x, const double *y)
{
    return x[1] == y[1] && x[2] == y[2];
}

static int64_t lanes_nodes(const double *bd)
{
    return (int64_t)bd[1];
}

static const double *lanes_table(const double *bd, int k)
{
    const sp_layout ly = sp_layout_in(bd);
    return bd + (k ? ly.b : ly.a);
}

static const sky_sed_lanes_spec lanes_spec = {lanes_ntab, lanes_same_axes, lanes_nodes,
                                              lanes_table, 0 /* piecewise: no basis */};

static void spdust_free_shared(void *shared)
{
    sp_shared *sh = shared;
    if (!sh)
        return;
    for (int g = 0; sh->ends && g < sh->ng; g++) {
        free(sh->ends[g].off);
        free(sh->ends[g].lane);
        free(sh->ends[g].kap);
        free(sh->ends[g].del);
    }
    free(sh->ends);
    sky_sed_lanes_free(sh->l);
    free(sh);
}

static void *spdust_shared(const void *state, int nchan, const double *const *bdata)
{
    const double **b = malloc((size_t)(nchan > 0 ? nchan : 1) * sizeof *b);
    sp_shared *sh = calloc(1, sizeof *sh);
    if (!b || !sh) {
        free(b);
        free(sh);
        return NULL;
    }
    for (int c = 0; c < nchan; c++) /* the channels through buckets only */
        b[c] = bdata[c] && bdata[c][0] == BUCKETS ? bdata[c] : NULL;
    sh->m = state;
    sh->l = sky_sed_lanes_new(&lanes_spec, nchan, b);
    free(b);
    sh->ng = sh->l ? sky_sed_lanes_groups(sh->l) : 0;
    if (!sh->l || !(sh->ends = calloc((size_t)sh->ng, sizeof *sh->ends))) {
        spdust_free_shared(sh);
        return NULL;
    }
    for (int g = 0; g < sh->ng; g++) {
        const sky_sed_group *gr = sky_sed_lanes_group(sh->l, g);
        const int nb = (int)gr->nodes;
        sp_ends *e = &sh->ends[g];
        int64_t total = 0;
        for (int lane = 0; lane < gr->n; lane++) {
            const double *bd = bdata[gr->chan[lane]];
            total += (int64_t)bd[sp_layout_in(bd).off + nb];
        }
        e->off = malloc((size_t)(nb + 1) * sizeof *e->off);
        e->lane = malloc((size_t)(total > 0 ? total : 1) * sizeof *e->lane);
        e->kap = malloc((size_t)(total > 0 ? total : 1) * sizeof *e->kap);
        e->del = malloc((size_t)(total > 0 ? total : 1) * sizeof *e->del);
        if (!e->off || !e->lane || !e->kap || !e->del) {
            spdust_free_shared(sh);
            return NULL;
        }
        int64_t at = 0;
        for (int j = 0; j < nb; j++) {
            e->off[j] = at;
            for (int lane = 0; lane < gr->n; lane++) {
                const double *bd = bdata[gr->chan[lane]];
                const sp_layout ly = sp_layout_in(bd);
                for (int64_t t = (int64_t)bd[ly.off + j]; t < (int64_t)bd[ly.off + j + 1]; t++) {
                    e->lane[at] = lane;
                    e->kap[at] = bd[ly.kap + t];
                    e->del[at] = bd[ly.del + t];
                    at++;
                }
            }
        }
        e->off[nb] = at;
    }
    return sh;
}

/* A block's values for every channel with buckets, a row per lane (the
 * groups' lanes in turn), in the block's order of increasing u (sp_block):
 * per pixel the lanes' lines at once, then the ends inside its bucket, then
 * the template's factor, as spdust_buckets_eval per channel. */
SKY_VECTOR_CLONES
static int sp_lanes_fill(const void *state, const sky_sed_lanes *l, int64_t first, int64_t count,
                         double *v)
{
    const sp_shared *sh = state;
    const sp_block *x = sp_block_at(sh->m, first, count);
    const int64_t ld = sky_sed_lanes_ld(count);
    for (int gi = 0; gi < sh->ng; gi++) {
        const sky_sed_group *gr = sky_sed_lanes_group(l, gi);
        const int n = gr->n, nb = (int)gr->nodes;
        const double g_lo = gr->bdata[2];
        const double *a = gr->t, *b = gr->t + gr->nodes * n;
        const sp_ends *e = &sh->ends[gi];
        double *rows = v + (int64_t)sky_sed_lanes_offset(l, gi) * ld;
        enum { PER = SKY_SED_LANES_PER };
        double *s = malloc((size_t)(PER * n) * sizeof *s);
        if (!s)
            return -1;
        for (int64_t k0 = 0; k0 < count; k0 += PER) {
            const int np = count - k0 < PER ? (int)(count - k0) : PER;
            for (int j = 0; j < np; j++) {
                const double u = x->u[k0 + j], gk = x->g[k0 + j];
                const int bk = sp_bucket(u, g_lo, nb);
                const double du = u - sp_edge(g_lo, bk);
                const double *restrict ab = a + (int64_t)bk * n, *restrict bb = b + (int64_t)bk * n;
                double *restrict sj = s + j * n;
#pragma omp simd
                for (int lane = 0; lane < n; lane++)
                    sj[lane] = ab[lane] + bb[lane] * du;
                for (int64_t t = e->off[bk]; t < e->off[bk + 1]; t++)
                    sj[e->lane[t]] = sp_kink(sj[e->lane[t]], e->del[t], u, e->kap[t]);
#pragma omp simd
                for (int lane = 0; lane < n; lane++)
                    sj[lane] *= gk;
            }
            sky_sed_lanes_columns(s, n, np, rows + k0, ld);
        }
        free(s);
    }
    return 0;
}

/* out[at[k]] = row[k]: a block's values back in the pixels' order (at is a
 * permutation, so the stores are independent: AVX-512 scatters them). */
SKY_VECTOR_CLONES
static void sp_scatter(const double *restrict row, const int32_t *restrict at, int64_t count,
                       double *restrict out)
{
#pragma omp simd
    for (int64_t k = 0; k < count; k++)
        out[at[k]] = row[k];
}

/* Channel c's row of the block's results from the lanes, in the block's
 * order of increasing u (*x: its way back to the pixels' order), or NULL
 * where the lanes do not serve it: the one-channel path then. */
static const double *sp_lanes_row(const struct spdust *m, sp_shared *sh, int c,
                                  const double *bdata, int64_t first, int64_t count,
                                  const sp_block **x)
{
    int g, lane;
    const double *v = sh && bdata && bdata[0] == BUCKETS && count <= FAST_BLOCK
                          ? sky_sed_lanes_results(sh->l, c, sky_sed_lanes_total(sh->l), first,
                                                  count, sp_lanes_fill, sh, &g, &lane)
                          : NULL;
    if (!v)
        return NULL;
    *x = sp_block_at(m, first, count);
    return v + (int64_t)(sky_sed_lanes_offset(sh->l, g) + lane) * sky_sed_lanes_ld(count);
}

static void spdust_emission_shared(const void *state, void *shared, int c,
                                   const sky_bandq *band, const double *bdata, int64_t first,
                                   int64_t count, double *out_i, double *out_q, double *out_u)
{
    const sp_block *x;
    const double *row = sp_lanes_row(state, shared, c, bdata, first, count, &x);
    if (!row) { /* the one-channel path: the same values */
        spdust_emission(state, band, bdata, first, count, out_i, out_q, out_u);
        return;
    }
    sp_scatter(row, x->at, count, out_i);
    memset(out_q, 0, (size_t)count * sizeof *out_q);
    memset(out_u, 0, (size_t)count * sizeof *out_u);
}

/* out[at[k]] += row[k]: as sp_scatter, added onto the pixels' sums. */
SKY_VECTOR_CLONES
static void sp_scatter_add(const double *restrict row, const int32_t *restrict at,
                           int64_t count, double *restrict out)
{
#pragma omp simd
    for (int64_t k = 0; k < count; k++)
        out[at[k]] += row[k];
}

/* emission_add (model.h): a constant peak's scaling times the template, or
 * a block's values from the lanes, added onto I (Q and U are 0). */
static int spdust_emission_add(const void *state, void *shared, int c, const sky_bandq *band,
                               const double *bdata, int64_t first, int64_t count, double *out_i,
                               double *out_q, double *out_u)
{
    const struct spdust *m = state;
    (void)band, (void)out_q, (void)out_u;
    if (bdata && bdata[0] == CONSTANT) { /* spdust_fast's template times the scaling */
        sky_hmap_add_scaled(m->i, first, count, bdata[1], out_i);
        return 0;
    }
    const sp_block *x;
    const double *row = sp_lanes_row(m, shared, c, bdata, first, count, &x);
    if (!row)
        return 1;
    sp_scatter_add(row, x->at, count, out_i);
    return 0;
}

/* freq_peak: a quantity or a map */
#define SPDUST_SPEC                                                                              \
    SKY_SPEC_PATH("map_I", 1), SKY_SPEC_UNIT("unit_I"), SKY_SPEC_PATH("emissivity", 1),         \
        SKY_SPEC_FREQ("freq_ref_I", 1), SKY_SPEC_FREQ("freq_ref_peak", 1),                       \
        SKY_SPEC("freq_peak", SKY_WANT_STRING | SKY_WANT_FREQ, 1)

static const sky_param_spec sky_params_spdust[] = {
    SPDUST_SPEC,
    SKY_SPEC_END,
};

static const sky_param_spec sky_params_spdust_pol[] = {
    SPDUST_SPEC, SKY_SPEC_NUMBER("pol_frac", 1), SKY_SPEC_PATH("angle_Q", 1),
    SKY_SPEC_PATH("angle_U", 1),
    SKY_SPEC_END,
};

static int spdust_polarized(const void *state)
{
    return ((const struct spdust *)state)->pol;
}

const sky_model_type sky_model_spdust = {
    .name = "SpDust",
    .summary = "spinning dust (AME): SpDust2 emissivity shifted to a peak frequency",
    .params = sky_params_spdust,
    .state_size = sizeof(struct spdust),
    .init = spdust_init,
    .emission = spdust_emission,
    .polarized = spdust_polarized,
    .free = spdust_free,
    .after_load = spdust_after_load,
    .fast_sed = spdust_fast_sed,
    .band_data_len = spdust_band_data_len,
    .prepare = spdust_prepare,
    .shared = spdust_shared,
    .free_shared = spdust_free_shared,
    .emission_shared = spdust_emission_shared,
    .emission_add = spdust_emission_add,
};

const sky_model_type sky_model_spdust_pol = {
    .name = "SpDustPol",
    .summary = "polarised spinning dust: SpDust with a polarisation fraction along given angles",
    .params = sky_params_spdust_pol,
    .state_size = sizeof(struct spdust),
    .init = spdust_pol_init,
    .f32_output = spdust_f32,
    .emission = spdust_emission,
    .polarized = spdust_polarized,
    .free = spdust_free,
};
