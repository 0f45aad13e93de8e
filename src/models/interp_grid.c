/*
 * interp_grid.c - frequency grids of maps read per band and interpolated
 * linearly, as PySM's InterpolatingComponent (see interp_grid.h).
 */
#include "interp_grid.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "spectra/units.h"

int sky_interp_grid_alloc(sky_interp_grid *g, int n, sky_error *err)
{
    memset(g, 0, sizeof *g);
    g->freq = calloc((size_t)(n > 0 ? n : 1), sizeof *g->freq);
    g->path = calloc((size_t)(n > 0 ? n : 1), sizeof *g->path);
    g->maps = calloc((size_t)(n > 0 ? n : 1), sizeof *g->maps);
    if (!g->freq || !g->path || !g->maps) {
        sky_interp_grid_free(g);
        return sky_nomem(err, "a frequency grid");
    }
    if (pthread_mutex_init(&g->lock, NULL)) {
        sky_interp_grid_free(g);
        return sky_nomem(err, "a frequency grid's lock");
    }
    g->locked_init = 1;
    g->n = n;
    return SKY_OK;
}

int sky_interp_grid_set_path(sky_interp_grid *g, int k, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    const int len = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (len < 0 || len >= (int)sizeof buf)
        return -1;
    free(g->path[k]);
    g->path[k] = malloc((size_t)len + 1);
    if (!g->path[k])
        return -1;
    memcpy(g->path[k], buf, (size_t)len + 1);
    return 0;
}

void sky_interp_free(void *state)
{
    sky_interp_grid_free(state);
}

void sky_interp_grid_free(sky_interp_grid *g)
{
    for (int k = 0; g->path && k < g->n; k++)
        free(g->path[k]);
    for (int k = 0; g->maps && k < g->n; k++)
        for (int s = 0; s < g->maps[k].nm; s++)
            sky_hmap_free(&g->maps[k].m[s]);
    free(g->freq);
    free(g->path);
    free(g->maps);
    if (g->locked_init)
        pthread_mutex_destroy(&g->lock);
    memset(g, 0, sizeof *g);
}

int sky_interp_grid_check(const sky_interp_grid *g, const char *owner, sky_error *err)
{
    if (g->n < 1)
        return sky_fail(err, SKY_EINVAL, "component %s: freqs is empty: expected the grid's "
                        "frequencies in GHz", owner);
    for (int k = 0; k < g->n; k++) {
        if (!(g->freq[k] > 0) || !isfinite(g->freq[k]))
            return sky_fail(err, SKY_EINVAL, "component %s: freqs[%d] = %g: expected a "
                            "frequency in GHz > 0", owner, k, g->freq[k]);
        if (k > 0 && !(g->freq[k] > g->freq[k - 1]))
            return sky_fail(err, SKY_EINVAL, "component %s: freqs[%d] = %g after %g: expected "
                            "strictly increasing frequencies", owner, k, g->freq[k],
                            g->freq[k - 1]);
    }
    return SKY_OK;
}

static const char *skip_blank(const char *s)
{
    for (;;) {
        s += strspn(s, " \t\r\n");
        if (*s != '#')
            return s;
        s += strcspn(s, "\n");
    }
}

int sky_interp_parse_numbers(const char *s, double *out, int max)
{
    int n = 0;
    s = skip_blank(s);
    const int bracket = *s == '[';
    s += bracket;
    for (;;) {
        s = skip_blank(s);
        if (*s == ']' && bracket)
            return *skip_blank(s + 1) ? -1 : n;
        char *end;
        errno = 0;
        const double v = strtod(s, &end);
        if (end == s || errno || n >= max || !isfinite(v))
            return -1;
        out[n++] = v;
        s = skip_blank(end);
        if (*s == ',') {
            s++;
            continue;
        }
        if (bracket && *s == ']')
            s++;
        else if (bracket)
            return -1;
        return *skip_blank(s) ? -1 : n;
    }
}

/* ---------------------------------------------------------------------- */
/* What a band needs: PySM's get_emission arithmetic before the pixels     */

enum { PLAN_ZERO = 0, PLAN_MAP = 1, PLAN_INTERP = 2 };
enum { PLAN_HEAD = 4, PLAN_STEP = 4 }; /* mode, n, lo, hi; per sample k, r, w, delta */

static int plan_len(const sky_bandq *band)
{
    return PLAN_HEAD + PLAN_STEP * band->n;
}

int sky_interp_band_data_len(const void *state, const sky_bandq *band)
{
    (void)state;
    return plan_len(band);
}

/* np.isclose(grid, nu): |grid - nu| <= atol + rtol |nu| */
static int isclose(double a, double b)
{
    return fabs(a - b) <= 1e-8 + 1e-5 * fabs(b);
}

/* np.interp(x, xp[0..n), 0..n-1) for xp[0] <= x <= xp[n-1], as numba's */
static double interp_index(double x, const double *xp, int n)
{
    if (x >= xp[n - 1])
        return n - 1;
    int lo = 0, hi = n - 1; /* xp[lo] <= x < xp[hi] */
    while (hi - lo > 1) {
        const int mid = (lo + hi) / 2;
        if (xp[mid] <= x)
            lo = mid;
        else
            hi = mid;
    }
    if (xp[lo] == x)
        return lo;
    const double slope = 1.0 / (xp[lo + 1] - xp[lo]);
    return slope * (x - xp[lo]) + lo;
}

/* The band's plan into bd (plan_len doubles). */
static void plan(const sky_interp_grid *g, const sky_bandq *band, double *bd)
{
    const int n = band->n;
    const double *nu = band->freq;
    memset(bd, 0, (size_t)plan_len(band) * sizeof *bd);
    bd[1] = n;
    bd[2] = 0; /* no grid map read (zeros) */
    bd[3] = -1;
    if (n == 1)
        for (int k = 0; k < g->n; k++)
            if (isclose(g->freq[k], nu[0])) {
                bd[0] = PLAN_MAP;
                bd[2] = bd[3] = k;
                return;
            }
    if (nu[0] < g->freq[0] || nu[n - 1] > g->freq[g->n - 1]) {
        bd[0] = PLAN_ZERO;
        return;
    }
    /* get_relevant_frequencies: the last point <= nu[0] to the first >= nu[-1] */
    int lo = 0, hi = g->n - 1;
    for (int k = 0; k < g->n; k++) {
        if (g->freq[k] == nu[0]) {
            lo = k;
            break;
        }
        if (g->freq[k] > nu[0]) {
            lo = k - 1;
            break;
        }
    }
    for (int k = 0; k < g->n; k++)
        if (g->freq[k] >= nu[n - 1]) {
            hi = k;
            break;
        }
    bd[0] = PLAN_INTERP;
    bd[2] = lo;
    bd[3] = hi;
    for (int i = 0; i < n; i++) {
        const double x = interp_index(nu[i], g->freq + lo, hi - lo + 1);
        const int k = (int)x;
        double *s = bd + PLAN_HEAD + PLAN_STEP * i;
        s[0] = lo + k;
        s[1] = x - k;
        s[2] = band->weight[i];
        s[3] = band->delta[i];
    }
}

/* ---------------------------------------------------------------------- */
/* Reading and releasing the grid maps                                     */

static double spt_correction(double nu)
{
    return sqrt(1 + (1.84 - 1) / (1 + exp((nu - 227) / 75)));
}

static void scale(sky_hmap *m, double f)
{
    for (int64_t p = 0; p < m->nheld; p++) {
        if (m->f)
            m->f[p] = (float)(m->f[p] * f);
        else
            m->d[p] *= f;
    }
}

/* Grid map k read for the part at the sky nside, in uK_RJ (lock held). */
static int read_grid_map(sky_interp_grid *g, int k, sky_loader *ld, sky_error *err)
{
    sky_interp_map *gm = &g->maps[k];
    int ncols, nside, rc;
    char file[1024];
    if ((rc = sky_loader_map_shape(ld, g->path[k], &ncols, &nside, file, sizeof file, err)))
        return rc;
    if (g->file_nside && nside != g->file_nside)
        return sky_fail(err, SKY_EFORMAT, "component %s: template %s has nside %d, the "
                        "grid's %s nside %d: expected one nside for every map of the grid",
                        sky_loader_label(ld), file, nside, g->path[g->first_read],
                        g->file_nside);
    const int fields[3] = {0, 1, 2};
    const int nf = ncols >= 3 ? 3 : 1;
    if ((rc = sky_load_part_maps_at(ld, g->path[k], nf, fields, g->input_units, NULL,
                                    sky_loader_nside(ld), gm->m, err)))
        return rc;
    double f = 1;
    char what[1200];
    snprintf(what, sizeof what, "component %s: template %s", sky_loader_label(ld), file);
    if ((rc = sky_unit_convert(g->input_units, "uK_RJ", g->freq[k], &f, what, err))) {
        for (int s = 0; s < nf; s++)
            sky_hmap_free(&gm->m[s]);
        return rc;
    }
    for (int s = 0; s < nf; s++) {
        if (f != 1.0)
            scale(&gm->m[s], f);
        if (g->spt)
            scale(&gm->m[s], spt_correction(g->freq[k]));
    }
    gm->nm = nf;
    if (!g->file_nside) {
        g->file_nside = nside;
        g->first_read = k;
    }
    return SKY_OK;
}

/* Users of maps lo..hi done with them: they stay read, idle, for the next
 * evaluation of the same band (a map written in chunks evaluates it once per
 * chunk), until an evaluation needing others frees them (free_idle). */
static void drop(sky_interp_grid *g, int lo, int hi)
{
    for (int k = lo; k <= hi; k++)
        if (g->maps[k].users > 0)
            g->maps[k].users--;
}

/* Frees the maps no evaluation uses outside lo..hi. */
static void free_idle(sky_interp_grid *g, int lo, int hi)
{
    for (int k = 0; k < g->n; k++) {
        sky_interp_map *gm = &g->maps[k];
        if (gm->users == 0 && gm->nm && (k < lo || k > hi)) {
            for (int s = 0; s < gm->nm; s++)
                sky_hmap_free(&gm->m[s]);
            gm->nm = 0;
        }
    }
}

/* The grid points a band reads (PySM's freq_range), or none (hi < lo). */
static void band_range(const sky_interp_grid *g, const sky_bandq *band, int *lo, int *hi,
                       int *mode)
{
    double head[PLAN_HEAD + PLAN_STEP];
    sky_bandq one = *band;
    double *bd = band->n == 1 ? head : malloc((size_t)plan_len(band) * sizeof *bd);
    if (!bd) { /* reported by acquire */
        *lo = 0;
        *hi = -2;
        *mode = -1;
        return;
    }
    plan(g, &one, bd);
    *mode = (int)bd[0];
    *lo = (int)bd[2];
    *hi = (int)bd[3];
    if (bd != head)
        free(bd);
}

int sky_interp_prepare(const void *state, const sky_bandq *band, sky_np_rng *rng, double *bdata,
                       sky_error *err)
{
    (void)rng, (void)err;
    plan(state, band, bdata);
    return SKY_OK;
}

int sky_interp_acquire(void *state, const sky_bandq *band, sky_loader *ld, sky_error *err)
{
    sky_interp_grid *g = state;
    int lo, hi, mode, rc = SKY_OK;
    band_range(g, band, &lo, &hi, &mode);
    if (mode < 0)
        return sky_nomem(err, "a band's plan");
    pthread_mutex_lock(&g->lock);
    if (mode == PLAN_ZERO) {
        const int below = band->freq[0] < g->freq[0];
        if (!(g->warned & (below ? 1 : 2))) {
            g->warned |= below ? 1 : 2;
            if (below)
                sky_loader_warn(ld, "band from %g GHz, below the lowest grid frequency %g GHz: "
                                "zero emission (as PySM)", band->freq[0], g->freq[0]);
            else
                sky_loader_warn(ld, "band up to %g GHz, above the highest grid frequency %g "
                                "GHz: zero emission (as PySM)", band->freq[band->n - 1],
                                g->freq[g->n - 1]);
        }
    }
    free_idle(g, lo, hi); /* before reading more: at most one band's maps held */
    int k = lo;
    for (; k <= hi && !rc; k++) {
        if (!g->maps[k].nm && (rc = read_grid_map(g, k, ld, err)))
            break;
        g->maps[k].users++;
    }
    if (rc)
        drop(g, lo, k - 1);
    pthread_mutex_unlock(&g->lock);
    return rc;
}

void sky_interp_release(void *state, const sky_bandq *band)
{
    sky_interp_grid *g = state;
    int lo, hi, mode;
    band_range(g, band, &lo, &hi, &mode);
    pthread_mutex_lock(&g->lock);
    drop(g, lo, hi);
    pthread_mutex_unlock(&g->lock);
}

int sky_interp_f32(const void *state, const sky_bandq *band)
{
    const sky_interp_grid *g = state;
    int lo, hi, mode;
    band_range(g, band, &lo, &hi, &mode);
    if (mode != PLAN_MAP)
        return 0; /* zeros and interpolations are float64 arrays */
    /* the file's precision (float32 before it is read: PySM's files are) */
    return g->maps[lo].nm ? g->maps[lo].m[0].f != NULL : 1;
}

static inline double value32(const sky_hmap *m, int64_t p)
{
    const int64_t i = sky_hmap_index(m, p);
    return m->f ? (double)m->f[i] : (double)(float)m->d[i]; /* PySM's float32 cache */
}

void sky_interp_emission(const void *state, const sky_bandq *band, const double *bd,
                         int64_t first, int64_t count, double *oi, double *oq, double *ou)
{
    (void)band;
    const sky_interp_grid *g = state;
    double *out[3] = {oi, oq, ou};
    for (int s = 0; s < 3; s++)
        memset(out[s], 0, (size_t)count * sizeof *out[s]);
    const int mode = (int)bd[0], n = (int)bd[1];
    if (mode == PLAN_ZERO)
        return;
    if (mode == PLAN_MAP) {
        const sky_interp_map *gm = &g->maps[(int)bd[2]];
        for (int s = 0; s < gm->nm; s++)
            sky_hmap_load(&gm->m[s], first, count, out[s]);
        return;
    }
    for (int i = 0; i < n; i++) {
        const double *st = bd + PLAN_HEAD + PLAN_STEP * i;
        const sky_interp_map *a = &g->maps[(int)st[0]];
        const double r = st[1], w = st[2], delta = st[3];
        const sky_interp_map *b = r > 0 ? &g->maps[(int)st[0] + 1] : NULL;
        for (int s = 0; s < a->nm; s++) {
            double *o = out[s];
            const sky_hmap *ma = &a->m[s], *mb = b && s < b->nm ? &b->m[s] : NULL;
            for (int64_t p = 0; p < count; p++) {
                double t = (1 - r) * value32(ma, first + p);
                if (mb)
                    t += r * value32(mb, first + p);
                if (n == 1)
                    o[p] = t;
                else
                    o[p] += 0.5 * t * w * delta;
            }
        }
    }
}

/* ---------------------------------------------------------------------- */
/* Parameters shared by the models                                         */

int sky_interp_kind_check(const sky_params *ps, int *bad, sky_error *err)
{
    const sky_param *k = sky_params_peek(ps, "interpolation_kind");
    if (k && k->kind == SKY_PARAM_STRING && strcmp(k->str, "linear")) {
        *bad = (int)(k - ps->p);
        return sky_fail(err, SKY_EINVAL, "interpolation_kind = \"%s\": expected \"linear\" "
                        "(the one kind PySM implements)", k->str);
    }
    return SKY_OK;
}

/* PySM's WebSky grid (GHz) */
static const double websky_freqs[] = {
    17.0, 18.7, 21.6, 24.5, 27.3, 30.0, 35.9, 41.7, 44.0, 47.4, 63.9, 67.8,
    70.0, 73.7, 79.6, 90.2, 100,  111,  129,  143,  153,  164,  189,  210,
    217,  232,  256,  275,  294,  306,  314,  340,  353,  375,  409,  467,
    525,  545,  584,  643,  729,  817,  857,  906,  994,  1080,
};
enum { WEBSKY_N = sizeof websky_freqs / sizeof *websky_freqs };

/* websky_version as PySM formats it into the path (str() of the value) */
static void websky_version(const sky_params *ps, char *out, size_t n)
{
    const sky_param *v = sky_params_peek(ps, "websky_version");
    if (v && v->kind == SKY_PARAM_STRING)
        snprintf(out, n, "%s", v->str);
    else if (v && v->kind == SKY_PARAM_NUMBER)
        snprintf(out, n, v->num == floor(v->num) ? "%.1f" : "%.15g", v->num);
    else
        snprintf(out, n, "0.4");
}

/* file k of a WebSky grid; -1 when it does not fit */
static int websky_name(const sky_params *ps, const char *kind, int k, char *out, size_t n)
{
    char version[64];
    websky_version(ps, version, sizeof version);
    const sky_param *lf = sky_params_peek(ps, "local_folder");
    const char *folder = lf && lf->kind == SKY_PARAM_STRING ? lf->str : NULL;
    const size_t fl = folder ? strlen(folder) : 0;
    const int len = snprintf(out, n, "%s%swebsky/%s/%s/%s_%06.1f.fits", folder ? folder : "",
                             fl && folder[fl - 1] != '/' ? "/" : "", version, kind, kind,
                             websky_freqs[k]);
    return len < 0 || (size_t)len >= n ? -1 : 0;
}

int sky_websky_grid_check(const sky_params *ps, int *bad, sky_error *err)
{
    return sky_interp_kind_check(ps, bad, err);
}

int sky_websky_grid_init(sky_interp_grid *g, sky_params *ps, const char *kind,
                         const char *default_units, int default_spt, sky_error *err)
{
    const char *units = default_units, *s = NULL;
    int spt = default_spt, rc, bad;
    sky_params_take(ps, "websky_version");
    if ((rc = sky_params_string(ps, "input_units", 0, &units, err)) ||
        (rc = sky_params_string(ps, "interpolation_kind", 0, &s, err)) ||
        (rc = sky_params_string(ps, "local_folder", 0, &s, err)) ||
        (rc = sky_params_bool(ps, "apply_SPT_correction", 0, &spt, err)))
        return rc;
    if ((rc = sky_websky_grid_check(ps, &bad, err)))
        return sky_prefix(err, rc, "component %s: ", ps->owner);
    if ((rc = sky_interp_grid_alloc(g, WEBSKY_N, err)))
        return rc;
    snprintf(g->input_units, sizeof g->input_units, "%s", units);
    g->spt = spt;
    for (int k = 0; k < WEBSKY_N; k++) {
        char name[1024];
        g->freq[k] = websky_freqs[k];
        if (websky_name(ps, kind, k, name, sizeof name) ||
            sky_interp_grid_set_path(g, k, "%s", name))
            return sky_fail(err, SKY_EINVAL, "component %s: local_folder: path too long",
                            ps->owner);
    }
    return SKY_OK;
}

int sky_websky_grid_files(const sky_params *ps, const char *kind,
                          int (*fn)(const char *path, void *ctx), void *ctx)
{
    int rc = 0;
    for (int k = 0; k < WEBSKY_N && !rc; k++) {
        char name[1024];
        if (!websky_name(ps, kind, k, name, sizeof name))
            rc = fn(name, ctx);
    }
    return rc;
}
