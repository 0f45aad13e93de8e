/*
 * co_lines.c - the CO rotational lines 1-0, 2-1 and 3-2 (PySM class COLines,
 * presets co1 unpolarised, co2 polarised, co3 polarised with high-latitude
 * clouds).
 *
 * Templates, as PySM names them (the 512 set for a sky up to nside 512, the
 * 2048 set above): co/HFI_CompMap_CO-Type1_{n}_R2.00_ring.fits, columns 1-3
 * the three lines, read as K_CMB; co/psimap_dust90_{n}.fits, the dust
 * polarisation angle psi (radians); co/gmap_dust90_{n}.fits, the
 * depolarisation g; co/mcmoleCO_HGL_{n}.fits, the MCMole3D high-latitude
 * clouds added to each line (include_high_galactic_latitude_clouds).
 *
 * Each line is a delta function: it counts when its frequency lies within
 * [first, last] band frequency, weighted by the RJ-normalised band weight
 * interpolated linearly at the line (a single frequency: only exactly on
 * it), converted K_CMB -> uK_RJ at the line. I += T k w; polarised,
 * Q, U += p g T (cos 2 psi, sin 2 psi) k w. As in PySM, T is in double
 * (healpy's ud_grade of PySM's map returns double), while p g and the cosine
 * and sine of the float32 angle map are float32. Outside every line: zeros.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "model.h"
#include "spectra/units.h"

enum { CO_NLINES = 3 };

static const struct {
    const char *name;
    double ghz;
} co_line[CO_NLINES] = {{"10", 115.271}, {"21", 230.538}, {"32", 345.796}};

struct co_lines {
    int n;                        /* lines simulated, in the order given */
    int id[CO_NLINES];            /* index into co_line */
    const sky_hmap *t[CO_NLINES]; /* K_CMB */
    const sky_hmap *hgl[CO_NLINES]; /* NULL without the clouds */
    const sky_hmap *psi, *g;      /* NULL when unpolarised */
    double pol_frac;
};

/* The template set for a sky at `nside`. */
static int set_nside(int nside)
{
    return nside <= 512 ? 512 : 2048;
}

/* The lines of parameter `lines` (default all three) into id; their count,
 * or -1 when the value is not a list of known line names. */
static int parse_lines(const sky_param *p, int *id)
{
    char names[CO_NLINES + 1][16];
    if (!p) {
        for (int k = 0; k < CO_NLINES; k++)
            id[k] = k;
        return CO_NLINES;
    }
    const int n = p->kind == SKY_PARAM_STRING ? sky_parse_str_list(p->str, names, CO_NLINES) : -1;
    if (n < 1)
        return -1;
    for (int k = 0; k < n; k++) {
        id[k] = -1;
        for (int j = 0; j < CO_NLINES; j++)
            if (!strcmp(names[k], co_line[j].name))
                id[k] = j;
        if (id[k] < 0)
            return -1;
        for (int j = 0; j < k; j++) /* PySM would add a line given twice twice */
            if (id[j] == id[k])
                return -1;
    }
    return n;
}

/* The index of `key` in ps (for check()'s *bad), or -1. */
static int at(const sky_params *ps, const sky_param *p)
{
    return p ? (int)(p - ps->p) : -1;
}

static int co_check(const sky_params *ps, int *bad, sky_error *err)
{
    int id[CO_NLINES];
    const sky_param *mc = sky_params_peek(ps, "run_mcmole3d");
    const sky_param *lp = sky_params_peek(ps, "lines");
    if (mc && mc->num != 0) {
        *bad = at(ps, mc);
        return sky_fail(err, SKY_EINVAL, "run_mcmole3d = true needs the mcmole3d Python "
                        "package, which skymodel cannot run: use run_mcmole3d = false (the "
                        "clouds then come from co/mcmoleCO_HGL_*.fits)");
    }
    if (parse_lines(lp, id) < 0) {
        *bad = at(ps, lp);
        return sky_fail(err, SKY_EINVAL, "lines = %s: expected a list of distinct lines among "
                        "\"10\", \"21\" and \"32\", e.g. [\"10\", \"21\"]",
                        lp->kind == SKY_PARAM_STRING ? lp->str : "(not a list)");
    }
    return SKY_OK;
}

static int co_init(void *state, sky_params *ps, sky_loader *ld, sky_error *err)
{
    struct co_lines *m = state;
    int pol = 1, clouds = 0, mcmole = 0, verbose = 0, rc;
    double theta = 20, seed = 1234567;
    m->pol_frac = 0.001;
    if ((rc = sky_params_bool(ps, "has_polarization", 0, &pol, err)) ||
        (rc = sky_params_number(ps, "polarization_fraction", 0, &m->pol_frac, err)) ||
        (rc = sky_params_bool(ps, "include_high_galactic_latitude_clouds", 0, &clouds, err)) ||
        (rc = sky_params_number(ps, "theta_high_galactic_latitude_deg", 0, &theta, err)) ||
        (rc = sky_params_number(ps, "random_seed", 0, &seed, err)) ||
        (rc = sky_params_bool(ps, "verbose", 0, &verbose, err)) ||
        (rc = sky_params_bool(ps, "run_mcmole3d", 0, &mcmole, err)))
        return rc;
    int bad;
    if ((rc = co_check(ps, &bad, err))) /* sky_create checked it: for direct callers */
        return sky_prefix(err, rc, "component %s: ", ps->owner);
    m->n = parse_lines(sky_params_take(ps, "lines"), m->id);
    const int tn = set_nside(sky_loader_nside(ld));
    char path[128];
    int fields[CO_NLINES];
    for (int k = 0; k < m->n; k++)
        fields[k] = m->id[k];
    snprintf(path, sizeof path, "co/HFI_CompMap_CO-Type1_%d_R2.00_ring.fits", tn);
    if ((rc = sky_load_maps(ld, path, m->n, fields, "K_CMB", "K_CMB", m->t, err)))
        return rc;
    const int f0 = 0;
    if (pol) {
        snprintf(path, sizeof path, "co/psimap_dust90_%d.fits", tn);
        if ((rc = sky_load_maps(ld, path, 1, &f0, NULL, NULL, &m->psi, err)))
            return rc;
        snprintf(path, sizeof path, "co/gmap_dust90_%d.fits", tn);
        if ((rc = sky_load_maps(ld, path, 1, &f0, NULL, NULL, &m->g, err)))
            return rc;
    }
    if (clouds) {
        snprintf(path, sizeof path, "co/mcmoleCO_HGL_%d.fits", tn);
        if ((rc = sky_load_maps(ld, path, m->n, fields, "K_CMB", "K_CMB", m->hgl, err)))
            return rc;
    }
    return SKY_OK;
}

static int co_files(const sky_params *ps, int nside, int (*fn)(const char *path, void *ctx),
                    void *ctx)
{
    static const int sets[2] = {512, 2048};
    const sky_param *pol = sky_params_peek(ps, "has_polarization");
    const sky_param *hgl = sky_params_peek(ps, "include_high_galactic_latitude_clouds");
    const int with_pol = !pol || pol->num != 0, with_hgl = hgl && hgl->num != 0;
    int rc = 0;
    for (int s = 0; s < 2 && !rc; s++) {
        if (nside > 0 && sets[s] != set_nside(nside))
            continue;
        char path[128];
        snprintf(path, sizeof path, "co/HFI_CompMap_CO-Type1_%d_R2.00_ring.fits", sets[s]);
        rc = fn(path, ctx);
        if (with_pol && !rc) {
            snprintf(path, sizeof path, "co/psimap_dust90_%d.fits", sets[s]);
            if (!(rc = fn(path, ctx))) {
                snprintf(path, sizeof path, "co/gmap_dust90_%d.fits", sets[s]);
                rc = fn(path, ctx);
            }
        }
        if (with_hgl && !rc) {
            snprintf(path, sizeof path, "co/mcmoleCO_HGL_%d.fits", sets[s]);
            rc = fn(path, ctx);
        }
    }
    return rc;
}

/* numpy's np.interp at x of the increasing xp, fp */
static double interp(double x, const double *xp, const double *fp, int n)
{
    if (x <= xp[0])
        return fp[0];
    if (x >= xp[n - 1])
        return fp[n - 1];
    int j = 0;
    while (xp[j + 1] <= x)
        j++;
    if (xp[j] == x)
        return fp[j];
    return (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]) * (x - xp[j]) + fp[j];
}

/* Band data: per line simulated, 1 if it is in the band, then its K_CMB ->
 * uK_RJ factor and interpolated weight. */
static int co_band_data_len(const void *state, const sky_bandq *band)
{
    (void)band;
    const struct co_lines *m = state;
    return 3 * m->n;
}

static int co_prepare(const void *state, const sky_bandq *band, sky_np_rng *rng, double *bdata,
                      sky_error *err)
{
    (void)rng;
    const struct co_lines *m = state;
    const double lo = band->freq[0], hi = band->freq[band->n - 1];
    for (int k = 0; k < m->n; k++) {
        const double nu = co_line[m->id[k]].ghz;
        double *b = bdata + 3 * k;
        b[0] = b[1] = b[2] = 0;
        if (!(nu >= lo && nu <= hi))
            continue;
        double conv;
        const int rc = sky_unit_convert("K_CMB", "uK_RJ", nu, &conv, "a CO line", err);
        if (rc)
            return rc;
        b[0] = 1;
        b[1] = conv;
        b[2] = interp(nu, band->freq, band->weight, band->n);
    }
    return SKY_OK;
}

/* x rounded to float32 when the array it belongs to is float32 (numpy keeps
 * a float32 array float32 when multiplied by a scalar). */
static inline double as(double x, int f32)
{
    return f32 ? (double)(float)x : x;
}

static void co_emission(const void *state, const sky_bandq *band, const double *bdata,
                        int64_t first, int64_t count, double *out_i, double *out_q,
                        double *out_u)
{
    (void)band;
    const struct co_lines *m = state;
    const int psi32 = m->psi && m->psi->f, g32 = m->g && m->g->f;
    for (int64_t k = 0; k < count; k++) {
        const int64_t p = first + k;
        double i = 0, q = 0, u = 0;
        for (int l = 0; l < m->n; l++) {
            const double *b = bdata + 3 * l;
            if (b[0] == 0)
                continue;
            double t = sky_hmap_at(m->t[l], p);
            if (m->hgl[l])
                t += sky_hmap_at(m->hgl[l], p);
            if (m->psi) {
                const double psi2 = as(2.0 * sky_hmap_at(m->psi, p), psi32);
                const double c = as(cos(psi2), psi32), s = as(sin(psi2), psi32);
                const double pmap = as(as(m->pol_frac, g32) * sky_hmap_at(m->g, p), g32) * t;
                q += pmap * c * b[1] * b[2];
                u += pmap * s * b[1] * b[2];
            }
            i += t * b[1] * b[2];
        }
        out_i[k] = i;
        out_q[k] = q;
        out_u[k] = u;
    }
}

static const sky_param_spec co_params[] = {
    SKY_SPEC_BOOL("has_polarization"),
    SKY_SPEC_NUMBER("polarization_fraction", 0),
    SKY_SPEC_BOOL("include_high_galactic_latitude_clouds"),
    SKY_SPEC("lines", SKY_WANT_STRING, 0),
    SKY_SPEC_NUMBER("theta_high_galactic_latitude_deg", 0),
    SKY_SPEC_NUMBER("random_seed", 0),
    SKY_SPEC_BOOL("verbose"),
    SKY_SPEC_BOOL("run_mcmole3d"),
    SKY_SPEC_END,
};

const sky_model_type sky_model_co_lines = {
    .name = "COLines",
    .summary = "CO 1-0, 2-1, 3-2 line emission (Planck Type 1 maps) as delta lines in the band, "
               "optionally polarised and with high-latitude clouds",
    .params = co_params,
    .state_size = sizeof(struct co_lines),
    .init = co_init,
    .band_data_len = co_band_data_len,
    .prepare = co_prepare,
    .emission = co_emission,
    .files = co_files,
    .check = co_check,
};
