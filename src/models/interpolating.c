/*
 * interpolating.c - maps on a grid of frequencies, interpolated linearly
 * (PySM class InterpolatingComponent, preset rg3; the engine is
 * interp_grid.c).
 *
 * Parameters as PySM's: `path` (a folder, {nside} filled with the
 * available_nside entry closest to the sky's), `freqs` (GHz, increasing:
 * one file path/{f:05.1f}.fits per value, e.g. 018.7.fits, 1000.0.fits),
 * `input_units`, `interpolation_kind` ("linear"), and optionally
 * `pre_applied_beam` (an inline table of FWHM per templates nside,
 * {2048=5.1, 4096=2.6}) with `pre_applied_beam_units` ("arcmin").
 *
 * With a pre-applied beam the component includes smoothing (PySM's
 * includes_smoothing): its maps carry that beam, so it cannot be used
 * unsmoothed (PySM asserts an lmax); a smoothed channel (--fwhm F, --lmax
 * L) gets its map transformed as PySM's get_emission(fwhm=F, lmax=L) does:
 * alm (map2alm or least squares, PySM's choice, 10 iterations) times
 * gauss_beam(F) / gauss_beam(pre_beam) per T, E, B, rotated, back to a map
 * (or a CAR map) at the output nside; F equal to the pre-applied beam with
 * no rotation, CAR map or nside change: the map itself. A beam window file
 * replaces gauss_beam(F). Without --lmax, PySM's default of the pipeline
 * (2.5 nside) is used where PySM would stop.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "core/error.h"
#include "core/heap.h"
#include "interp_grid.h"
#include "parallel/threads.h"
#include "sht/smooth.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

enum { MAX_GRID = 4096, MAX_BEAMS = 32 };

struct interpolating {
    sky_interp_grid g;
    double pre_beam_rad; /* 0: none */
    double pre_beam_value; /* in pre_applied_beam_units, for messages */
    char pre_beam_units[32];
    int templates_nside;
};

/* pre_applied_beam's text ({2048=5.1, "4096" = 2.6}) into keys and values:
 * the count, or -1 when it is not such an inline table. */
static int parse_beams(const char *s, char (*keys)[16], double *vals, int max)
{
    int n = 0;
    s += strspn(s, " \t\r\n");
    if (*s++ != '{')
        return -1;
    for (;;) {
        s += strspn(s, " \t\r\n");
        if (*s == '}' && n == 0)
            return *(s + 1 + strspn(s + 1, " \t\r\n")) ? -1 : 0;
        if (n >= max)
            return -1;
        size_t len;
        if (*s == '"' || *s == '\'') {
            const char q = *s++;
            len = strcspn(s, q == '"' ? "\"" : "'");
            if (s[len] != q || len >= 16)
                return -1;
            memcpy(keys[n], s, len);
            keys[n][len] = 0;
            s += len + 1;
        } else {
            len = strspn(s, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-");
            if (!len || len >= 16)
                return -1;
            memcpy(keys[n], s, len);
            keys[n][len] = 0;
            s += len;
        }
        s += strspn(s, " \t");
        if (*s++ != '=')
            return -1;
        char *end;
        vals[n] = strtod(s, &end);
        if (end == s || !isfinite(vals[n]))
            return -1;
        n++;
        s = end + strspn(end, " \t\r\n");
        if (*s == ',') {
            s++;
            continue;
        }
        if (*s != '}')
            return -1;
        s++;
        return *(s + strspn(s, " \t\r\n")) ? -1 : n;
    }
}

static int interp_check(const sky_params *ps, int *bad, sky_error *err)
{
    int rc = sky_interp_kind_check(ps, bad, err);
    if (rc)
        return rc;
    const sky_param *f = sky_params_peek(ps, "freqs");
    if (!f) {
        *bad = -1;
        return sky_fail(err, SKY_EINVAL, "freqs: missing parameter of InterpolatingComponent: "
                        "expected the grid's frequencies in GHz, e.g. [18.7, 24.5, 44.0] "
                        "(skymodel does not list the folder)");
    }
    if (f->kind == SKY_PARAM_STRING || f->kind == SKY_PARAM_NUMBER) {
        double *v = malloc(MAX_GRID * sizeof *v);
        if (!v)
            return sky_nomem(err, "the grid");
        const int n = f->kind == SKY_PARAM_NUMBER ? (v[0] = f->num, 1)
                                                  : sky_interp_parse_numbers(f->str, v, MAX_GRID);
        int k = n < 1 ? -1 : 0;
        while (k >= 0 && k < n && v[k] > 0 && (k == 0 || v[k] > v[k - 1]))
            k++;
        const double at = k >= 0 && k < n ? v[k] : 0, before = k > 0 && k < n ? v[k - 1] : 0;
        free(v);
        if (n < 1 || k != n) {
            *bad = (int)(f - ps->p);
            if (k < 0)
                return sky_fail(err, SKY_EINVAL, "freqs = %s: expected a list of frequencies in "
                                "GHz, e.g. [18.7, 24.5, 44.0]", f->str);
            if (!(at > 0))
                return sky_fail(err, SKY_EINVAL, "freqs: %g: expected frequencies in GHz > 0",
                                at);
            return sky_fail(err, SKY_EINVAL, "freqs: %g after %g: expected strictly increasing "
                            "frequencies in GHz", at, before);
        }
    }
    const sky_param *b = sky_params_peek(ps, "pre_applied_beam");
    if (b && b->kind != SKY_PARAM_STRING) {
        *bad = (int)(b - ps->p);
        return sky_fail(err, SKY_EINVAL, "pre_applied_beam: expected an inline table of beam "
                        "FWHM per nside, e.g. {2048=5.1, 4096=2.6}");
    }
    if (b && b->kind == SKY_PARAM_STRING) {
        char keys[MAX_BEAMS][16];
        double vals[MAX_BEAMS];
        if (parse_beams(b->str, keys, vals, MAX_BEAMS) < 1) {
            *bad = (int)(b - ps->p);
            return sky_fail(err, SKY_EINVAL, "pre_applied_beam = %s: expected an inline table "
                            "of beam FWHM per nside, e.g. {2048=5.1, 4096=2.6}", b->str);
        }
        if (!sky_params_peek(ps, "pre_applied_beam_units")) {
            *bad = (int)(b - ps->p);
            return sky_fail(err, SKY_EINVAL, "pre_applied_beam needs pre_applied_beam_units "
                            "(e.g. \"arcmin\")");
        }
    }
    const sky_param *u = sky_params_peek(ps, "pre_applied_beam_units");
    double deg;
    char q[64];
    if (u && u->kind == SKY_PARAM_STRING &&
        (snprintf(q, sizeof q, "1 %s", u->str) >= (int)sizeof q ||
         !sky_parse_quantity(q, "deg", &deg))) {
        *bad = (int)(u - ps->p);
        return sky_fail(err, SKY_EINVAL, "pre_applied_beam_units = \"%s\": expected an angle "
                        "unit (arcmin, arcsec, deg or rad)", u->str);
    }
    return SKY_OK;
}

/* The grid's frequencies from `freqs` (checked). */
static int read_freqs(const sky_param *f, double **out, int *n)
{
    *out = malloc(MAX_GRID * sizeof **out);
    if (!*out)
        return -1;
    *n = f->kind == SKY_PARAM_NUMBER ? ((*out)[0] = f->num, 1)
                                     : sky_interp_parse_numbers(f->str, *out, MAX_GRID);
    return *n;
}

static int interp_init(void *state, sky_params *ps, sky_loader *ld, sky_error *err)
{
    struct interpolating *m = state;
    const char *path = NULL, *units = NULL, *s = NULL, *beam_units = NULL;
    int rc, bad;
    if ((rc = sky_params_string(ps, "path", 1, &path, err)) ||
        (rc = sky_params_string(ps, "input_units", 1, &units, err)) ||
        (rc = sky_params_string(ps, "interpolation_kind", 0, &s, err)) ||
        (rc = sky_params_string(ps, "pre_applied_beam_units", 0, &beam_units, err)))
        return rc;
    if ((rc = interp_check(ps, &bad, err)))
        return sky_prefix(err, rc, "component %s: ", ps->owner);
    const sky_param *f = sky_params_take(ps, "freqs");
    const sky_param *b = sky_params_take(ps, "pre_applied_beam");
    if (!f)
        return sky_fail(err, SKY_EINVAL, "component %s: freqs is required (skymodel does not "
                        "list the folder): the grid's frequencies in GHz", ps->owner);
    double *freqs;
    int n;
    if (read_freqs(f, &freqs, &n) < 1) {
        free(freqs);
        return sky_nomem(err, "the grid");
    }
    rc = sky_interp_grid_alloc(&m->g, n, err);
    for (int k = 0; k < n && !rc; k++) {
        m->g.freq[k] = freqs[k];
        if (sky_interp_grid_set_path(&m->g, k, "%s/%05.1f.fits", path, freqs[k]))
            rc = sky_fail(err, SKY_EINVAL, "component %s: path too long", ps->owner);
    }
    free(freqs);
    if (rc)
        return rc;
    snprintf(m->g.input_units, sizeof m->g.input_units, "%s", units);
    if ((rc = sky_interp_grid_check(&m->g, ps->owner, err)))
        return rc;
    m->templates_nside = sky_loader_templates_nside(ld);
    if (b) { /* the entry of the templates nside: TOML's keys are strings */
        char keys[MAX_BEAMS][16], want[16];
        double vals[MAX_BEAMS], deg = 0;
        const int nb = parse_beams(b->str, keys, vals, MAX_BEAMS);
        snprintf(want, sizeof want, "%d", m->templates_nside);
        int at = -1;
        for (int k = 0; k < nb && at < 0; k++)
            if (!strcmp(keys[k], want))
                at = k;
        if (at < 0 && !m->templates_nside)
            return sky_fail(err, SKY_EINVAL, "component %s: pre_applied_beam needs "
                            "available_nside (its entries are per templates nside)", ps->owner);
        if (at < 0)
            return sky_fail(err, SKY_EINVAL, "component %s: pre_applied_beam = %s has no entry "
                            "for %s, the templates nside (of available_nside)", ps->owner,
                            b->str, want);
        char q[64];
        snprintf(q, sizeof q, "%.17g %s", vals[at], beam_units);
        sky_parse_quantity(q, "deg", &deg);
        if (!(deg > 0))
            return sky_fail(err, SKY_EINVAL, "component %s: pre_applied_beam %s = %g: expected "
                            "a FWHM > 0", ps->owner, want, vals[at]);
        m->pre_beam_rad = deg * M_PI / 180;
        m->pre_beam_value = vals[at];
        snprintf(m->pre_beam_units, sizeof m->pre_beam_units, "%s", beam_units);
    }
    return SKY_OK;
}

static int interp_smoothing(const void *state, sky_error *why)
{
    const struct interpolating *m = state;
    if (!m->pre_beam_rad)
        return SKY_SMOOTHING_NONE;
    sky_fail(why, SKY_EINVAL, "its maps carry a %g %s beam (pre_applied_beam at nside %d), "
             "which PySM divides out: give the beam to smooth to (--fwhm ARCMIN, and --lmax L)",
             m->pre_beam_value, m->pre_beam_units, m->templates_nside);
    return SKY_SMOOTHING_REQUIRED;
}

/* healpy.gauss_beam(fwhm, pol=True) column c (T, E, B) at l */
static double gauss_beam(double fwhm, int l, int c)
{
    const double sigma = fwhm / sqrt(8.0 * log(2.0)), s2 = sigma * sigma;
    const double g = exp(-0.5 * l * (l + 1.0) * s2);
    return c > 0 ? g * exp(2 * s2) : g;
}

static int interp_emission_smoothed(const void *state, const sky_bandq *band,
                                    const double *bdata, int nside, const sky_smooth_opts *o,
                                    double *out, double *car, sky_error *err)
{
    const struct interpolating *m = state;
    const int nside_out = o->nside_out ? o->nside_out : nside;
    if (!(o->fwhm_rad > 0) && !o->beam) {
        sky_error why;
        interp_smoothing(state, &why);
        return sky_fail(err, SKY_EINVAL, "%s", why.msg);
    }
    const int64_t npix = 12 * (int64_t)nside * nside;
    double *map = sky_big_alloc((size_t)(3 * npix) * sizeof *map);
    if (!map)
        return sky_nomem(err, "the component's map");
    const int64_t block = 1024;
#pragma omp parallel for schedule(static) if (npix >= SKY_OMP_MIN_WORK)
    for (int64_t b = 0; b < npix; b += block) {
        const int64_t c = npix - b < block ? npix - b : block;
        sky_interp_emission(state, band, bdata, b, c, map + b, map + npix + b,
                            map + 2 * npix + b);
    }
    const int same = !o->beam && fabs(o->fwhm_rad - m->pre_beam_rad) <= 1e-12 * m->pre_beam_rad;
    const int rotate = o->rot_from && o->rot_from != o->rot_to;
    if (same && !rotate && !(o->car_res_rad > 0) && nside_out == nside) {
        /* PySM's map path: no transform */
        if (out)
            memcpy(out, map, (size_t)(3 * npix) * sizeof *out);
        free(map);
        return SKY_OK;
    }
    const int lmax = o->lmax >= 0 ? o->lmax : sky_smooth_default_lmax(nside, nside_out);
    if (o->beam && o->beam_len < lmax + 1) {
        free(map);
        return sky_fail(err, SKY_EINVAL, "beam window has %d values: expected at least lmax + "
                        "1 = %d", o->beam_len, lmax + 1);
    }
    double *ratio = malloc((size_t)3 * (lmax + 1) * sizeof *ratio);
    if (!ratio) {
        free(map);
        return sky_nomem(err, "the beam ratio");
    }
    for (int c = 0; c < 3; c++)
        for (int l = 0; l <= lmax; l++) {
            const double target =
                o->beam ? o->beam[(int64_t)(o->beam_ncols == 3 ? c : 0) * o->beam_len + l]
                        : gauss_beam(o->fwhm_rad, l, c);
            ratio[(int64_t)c * (lmax + 1) + l] = target / gauss_beam(m->pre_beam_rad, l, c);
        }
    sky_smooth_opts so = *o;
    so.fwhm_rad = 0;
    so.beam = ratio;
    so.beam_ncols = 3;
    so.beam_len = lmax + 1;
    so.lmax = lmax;
    so.lsq_maxiter = 10; /* PySM's component: map2alm's default */
    const int rc = sky_smooth_inplace(map, nside, 3, &so, out, car, NULL, err);
    free(ratio);
    free(map);
    return rc;
}

/* The files at sky nside `nside` ({nside} filled as the loader fills it),
 * or for every available nside when `nside` is 0. */
static int interp_files(const sky_params *ps, int nside, int (*fn)(const char *path, void *ctx),
                        void *ctx)
{
    const sky_param *p = sky_params_peek(ps, "path");
    const sky_param *f = sky_params_peek(ps, "freqs");
    if (!p || p->kind != SKY_PARAM_STRING || !f)
        return 0;
    double *freqs;
    int n, rc = 0;
    if (read_freqs(f, &freqs, &n) < 1) {
        free(freqs);
        return 0;
    }
    long long sets[64];
    int nsets = 1;
    sets[0] = 0;
    if (strstr(p->str, "{nside}")) {
        const sky_param *a = sky_params_peek(ps, "available_nside");
        if (nside > 0)
            sets[0] = sky_templates_nside(ps, nside, NULL);
        else if (a && a->kind == SKY_PARAM_STRING)
            nsets = sky_parse_int_list(a->str, sets, 64);
        else if (a && a->kind == SKY_PARAM_NUMBER)
            sets[0] = (long long)a->num;
    }
    for (int s = 0; s < nsets && !rc; s++) {
        char dir[1024];
        if (sky_expand_nside(p->str, (int)sets[s], dir, sizeof dir) < 0)
            snprintf(dir, sizeof dir, "%s", p->str);
        for (int k = 0; k < n && !rc; k++) {
            char name[1100];
            snprintf(name, sizeof name, "%s/%05.1f.fits", dir, freqs[k]);
            rc = fn(name, ctx);
        }
    }
    free(freqs);
    return rc;
}

static const sky_param_spec interp_params[] = {
    SKY_SPEC_PATH("path", 1),
    SKY_SPEC("freqs", SKY_WANT_STRING | SKY_WANT_NUMBER, 0), /* required: interp_check */
    {"input_units", SKY_WANT_UNIT, 1, NULL, NULL},
    SKY_SPEC("interpolation_kind", SKY_WANT_STRING, 0),
    SKY_SPEC("pre_applied_beam", SKY_WANT_STRING | SKY_WANT_NUMBER | SKY_WANT_BOOL, 0),
    SKY_SPEC("pre_applied_beam_units", SKY_WANT_STRING, 0),
    SKY_SPEC_END,
};

const sky_model_type sky_model_interpolating = {
    .name = "InterpolatingComponent",
    .summary = "maps on a grid of frequencies (path/{freq:05.1f}.fits), interpolated linearly "
               "and read only where a band needs them; with pre_applied_beam it smooths itself",
    .params = interp_params,
    .state_size = sizeof(struct interpolating),
    .init = interp_init,
    SKY_INTERP_GRID_HOOKS,
    .files = interp_files,
    .check = interp_check,
    .smoothing = interp_smoothing,
    .emission_smoothed = interp_emission_smoothed,
};
