/*
 * hd2017.c - physical dust of Hensley & Draine 2017 (PySM class
 * HensleyDraine2017; presets d5, d7, d8).
 *
 * The grain models tabulate nu I_nu per H atom, in total intensity and in
 * polarisation, against wavelength (0.1 to 10^4 micron) and the log10 of the
 * radiation field strength U (-3 to 5 in steps of 0.1): silicate grains
 * (pysm_2/sil_fe00_2.0.dat), silicate with iron inclusions (sil_fe05_2.0.dat)
 * and carbonaceous grains (car_1.0.dat). A pixel's SED is the mixture
 *   S(U, lambda) = (1 - f_fe) S_sil + f_car S_car + f_fe S_silfe,
 * interpolated as PySM does with a bicubic interpolating spline in (U,
 * lambda) (spline.h), clamped to the table's edges; the I and Q/U templates
 * in uK_RJ scale from their reference frequencies by S(U, nu)/S(U, nu_ref)
 * times (nu_ref/nu)^2 (the Jy/sr -> uK_RJ ratio). Below 10 GHz the SED at
 * 10 GHz continues as a power law (nu/10 GHz)^1.54.
 *
 * U is fixed (`uval`, d8) or drawn (rnd_uval, d5 and d7) exactly as PySM
 * draws it: from the Commander dust temperature and index maps at nside_uval
 * (columns 3, 5, 6, 8: T, sigma_T, beta, sigma_beta), with numpy's generator
 * seeded by `seed`, T = T_mean + sigma_T * randn for every pixel, then beta
 * the same way, and
 *   log10 U = clip((4 + beta) log10(T / mean(T)), -3, 5),
 * brought to the sky nside by ud_grade.
 *
 * The spline is linear in the tabulated values, so the mixture is formed on
 * the table and splined once: along lambda once at load, along log10 U for
 * each frequency (prepare), leaving one cubic per pixel and frequency.
 *
 * Where PySM fails: any band of more than one frequency raises a unit error
 * in PySM 3.4.5; here it is integrated like every other model (trapezoid
 * steps accumulated in the templates' precision, as PySM's other float32
 * models do).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/constants.h"
#include "core/error.h"
#include "core/numeric.h"
#include "core/spline.h"
#include "model.h"

enum {
    NU = 81,         /* log10 U = -3.0, -2.9, ... 5.0: PySM's np.arange(-3.0, 5.01, 0.1) */
    COL_I = 3,       /* first intensity column; polarisation follows at COL_I + NU */
    NCOLS = 3 + 2 * NU,
    NDATA = 4 * NU + 2 /* band data per frequency: see frequency_data() */
};

static const double BREAK_GHZ = 10.0, LOW_INDEX = 1.54;

static const char *const TABLE_PATH[3] = {
    "pysm_2/sil_fe00_2.0.dat", /* silicate */
    "pysm_2/car_1.0.dat",      /* carbonaceous */
    "pysm_2/sil_fe05_2.0.dat", /* silicate with iron inclusions */
};
static const char *const COMMANDER_PATH = "pysm_2/COM_CompMap_dust-commander_0256_R2.00.fits";

struct hd2017 {
    sky_iqu_templates t; /* uK_RJ; q = u = NULL when unpolarised */
    sky_field uval;      /* log10 U: a map at the sky nside, or a constant */
    double logu[NU];
    int nw;
    double *wav;          /* nw wavelengths, micron, increasing */
    double *sed[2];       /* mixture S for I and P: nw x NU, row-major */
    double *sed_dl[2];    /* their derivatives along lambda, same layout */
    double ref[2][2 * NU]; /* S at the reference lambda of I and P, and d/dlogU */
};

static double wavelength_um(double freq_ghz)
{
    return SKY_C_LIGHT / (freq_ghz * SKY_GHZ) * 1e6;
}

/* The mixture's values at wavelength lam against log10 U (out[0..NU)) and
 * their spline derivatives (out[NU..2NU)). */
static void sed_at(const struct hd2017 *m, int s, double lam, double *out)
{
    const int k = sky_spline_interval(m->nw, m->wav, &lam);
    for (int j = 0; j < NU; j++) {
        double col[2], dcol[2];
        for (int r = 0; r < 2; r++) {
            col[r] = m->sed[s][(size_t)(k + r) * NU + j];
            dcol[r] = m->sed_dl[s][(size_t)(k + r) * NU + j];
        }
        out[j] = sky_spline_at(m->wav + k, col, dcol, 0, lam);
    }
    double work[3 * NU];
    sky_spline_slopes(NU, m->logu, out, 1, out + NU, work);
}

static int check_table(const sky_table *t, const char *path, const sky_table *first,
                       const char *owner, sky_error *err)
{
    if (t->ncols < NCOLS || t->nrows < 4)
        return sky_fail(err, SKY_EFORMAT,
                        "component %s: %s has %d rows of %d columns: expected at least 4 rows "
                        "of %d (wavelength, 2 columns, %d intensity, %d polarisation)",
                        owner, path, t->nrows, t->ncols, NCOLS, NU, NU);
    for (int r = 0; r < t->nrows; r++) {
        const double w = sky_table_at(t, r, 0);
        if (!(w > 0) || !isfinite(w) || (r && !(w > sky_table_at(t, r - 1, 0))))
            return sky_fail(err, SKY_EFORMAT,
                            "component %s: %s row %d: wavelength %g: expected positive, "
                            "strictly increasing wavelengths",
                            owner, path, r + 1, w);
    }
    if (first && t->nrows != first->nrows)
        return sky_fail(err, SKY_EFORMAT,
                        "component %s: %s has %d wavelengths, %s has %d: expected the same",
                        owner, path, t->nrows, TABLE_PATH[0], first->nrows);
    return SKY_OK;
}

static int load_tables(struct hd2017 *m, sky_params *ps, sky_loader *ld, sky_error *err)
{
    double f_fe = 0, f_car = 0;
    const sky_table *tab[3];
    int rc;
    if ((rc = sky_params_number(ps, "f_fe", 1, &f_fe, err)) ||
        (rc = sky_params_number(ps, "f_car", 1, &f_car, err)))
        return rc;
    const double frac[3] = {1.0 - f_fe, f_car, f_fe};
    for (int s = 0; s < 3; s++)
        if ((rc = sky_load_table(ld, TABLE_PATH[s], &tab[s], err)) ||
            (rc = check_table(tab[s], TABLE_PATH[s], s ? tab[0] : NULL, ps->owner, err)))
            return rc;
    const int nw = m->nw = tab[0]->nrows;
    m->wav = malloc((size_t)nw * sizeof *m->wav);
    for (int s = 0; s < 2; s++) {
        m->sed[s] = malloc((size_t)nw * NU * sizeof *m->sed[s]);
        m->sed_dl[s] = malloc((size_t)nw * NU * sizeof *m->sed_dl[s]);
    }
    double *work = malloc((size_t)3 * nw * sizeof *work);
    if (!m->wav || !m->sed[0] || !m->sed[1] || !m->sed_dl[0] || !m->sed_dl[1] || !work) {
        free(work);
        return sky_nomem(err, "the HD2017 tables");
    }
    for (int r = 0; r < nw; r++) {
        /* Tabulated nu I_nu over nu = c / lambda: I_nu up to a constant. All
         * three tables are taken on the silicate wavelengths, as PySM does. */
        const double w = m->wav[r] = sky_table_at(tab[0], r, 0);
        for (int s = 0; s < 2; s++)
            for (int j = 0; j < NU; j++) {
                const int c = COL_I + s * NU + j;
                double v = 0;
                for (int g = 0; g < 3; g++)
                    v += frac[g] * sky_table_at(tab[g], r, c);
                m->sed[s][(size_t)r * NU + j] = v * w;
            }
    }
    for (int s = 0; s < 2; s++)
        for (int j = 0; j < NU; j++)
            sky_spline_slopes(nw, m->wav, m->sed[s] + j, NU, m->sed_dl[s] + j, work);
    free(work);
    /* numpy's arange fills start + i * (second - start) */
    const double step = (-3.0 + 0.1) - (-3.0);
    for (int j = 0; j < NU; j++)
        m->logu[j] = j == 1 ? -3.0 + 0.1 : -3.0 + j * step;
    return SKY_OK;
}

/* log10 U drawn from the Commander maps, as a map at the sky nside or at
 * nside_uval when that is coarser. */
static int draw_uval(struct hd2017 *m, sky_loader *ld, uint32_t seed, int nside_uval,
                     sky_error *err)
{
    static const int fields[4] = {3, 5, 6, 8}; /* T, sigma_T, beta, sigma_beta */
    sky_hmap c[4];
    int rc = sky_load_maps_at(ld, COMMANDER_PATH, 4, fields, NULL, NULL, nside_uval, c, err);
    if (rc)
        return rc;
    sky_hmap *u = NULL;
    const int64_t npix = c[0].npix;
    double *t = malloc((size_t)npix * sizeof *t);
    if (!t || (rc = sky_loader_new_map(ld, nside_uval, 0, &u, err))) {
        if (!rc)
            rc = sky_nomem(err, "the HD2017 temperature draw");
        goto done;
    }
    sky_np_rng rng;
    sky_np_seed(&rng, seed);
    for (int64_t p = 0; p < npix; p++)
        t[p] = sky_hmap_at(&c[0], p) + sky_np_gauss(&rng) * sky_hmap_at(&c[1], p);
    const double mean = sky_pairwise_sum(t, npix) / (double)npix;
    for (int64_t p = 0; p < npix; p++) { /* beta: the second npix draws */
        const double beta = sky_hmap_at(&c[2], p) + sky_np_gauss(&rng) * sky_hmap_at(&c[3], p);
        const double v = (4.0 + beta) * log10(t[p] / mean);
        u->d[p] = v < -3.0 ? -3.0 : v > 5.0 ? 5.0 : v;
    }
    /* PySM brings U to the sky nside. Above nside_uval that only repeats
     * values, which the loader's harmonisation (and the sky's expansion of
     * coarse components) does for free; below, average as PySM does. */
    if (sky_loader_nside(ld) < nside_uval)
        rc = sky_hmap_ud_grade(u, sky_loader_nside(ld), err);
    m->uval.map = u;
done:
    free(t);
    for (int k = 0; k < 4; k++)
        sky_hmap_free(&c[k]);
    return rc;
}

static int hd2017_init(void *state, sky_params *ps, sky_loader *ld, sky_error *err)
{
    struct hd2017 *m = state;
    int rc, rnd = 1;
    double nside_uval = 256;
    m->uval.value = 0.2;
    if ((rc = sky_load_iqu_templates(ld, ps, &m->t, err)) ||
        (rc = load_tables(m, ps, ld, err)) ||
        (rc = sky_params_bool(ps, "rnd_uval", 0, &rnd, err)) ||
        (rc = sky_params_number(ps, "uval", 0, &m->uval.value, err)) ||
        (rc = sky_params_number(ps, "nside_uval", 0, &nside_uval, err)))
        return rc;
    if (rnd) {
        uint32_t seed;
        if (nside_uval != floor(nside_uval) || !sky_hpx_nside_ok((int64_t)nside_uval))
            return sky_fail(err, SKY_EINVAL,
                            "component %s: nside_uval = %g: expected a power of 2 up to %d",
                            ps->owner, nside_uval, SKY_NSIDE_MAX);
        if ((rc = sky_load_seed(ld, ps, "seed", -1, &seed, err)) ||
            (rc = draw_uval(m, ld, seed, (int)nside_uval, err)))
            return rc;
    } else {
        sky_params_take(ps, "seed"); /* unused without a draw, as in PySM */
        if (!isfinite(m->uval.value))
            return sky_fail(err, SKY_EINVAL, "component %s: uval = %g: expected a number",
                            ps->owner, m->uval.value);
    }
    sed_at(m, 0, wavelength_um(m->t.freq_ref_i), m->ref[0]);
    if (m->t.q)
        sed_at(m, 1, wavelength_um(m->t.freq_ref_p), m->ref[1]);
    return SKY_OK;
}

static int hd2017_f32(const void *state, const sky_bandq *band)
{
    const struct hd2017 *m = state;
    (void)band;
    return m->t.i->f != NULL; /* PySM's result has the I template's type */
}

static int hd2017_len(const void *state, const sky_bandq *band)
{
    (void)state;
    return NDATA * band->n;
}

/*
 * Per band frequency: the I and P mixtures at its wavelength against log10 U
 * with their derivatives (4 NU values), then the factor each scaling carries
 * besides the SED ratio: (nu_ref/nu)^2, evaluated at the break below it and
 * times the power law there.
 */
static void frequency_data(const struct hd2017 *m, double f, double *out)
{
    double low = 1.0;
    if (f < BREAK_GHZ) {
        low = pow(f / BREAK_GHZ, LOW_INDEX);
        f = BREAK_GHZ;
    }
    sed_at(m, 0, wavelength_um(f), out);
    const double ri = m->t.freq_ref_i / f;
    out[4 * NU] = ri * ri * low;
    if (m->t.q) {
        sed_at(m, 1, wavelength_um(f), out + 2 * NU);
        const double rp = m->t.freq_ref_p / f;
        out[4 * NU + 1] = rp * rp * low;
    } else {
        memset(out + 2 * NU, 0, (2 * NU + 1) * sizeof *out);
    }
}

static int hd2017_prepare(const void *state, const sky_bandq *band, sky_np_rng *rng,
                          double *bdata, sky_error *err)
{
    (void)rng;
    (void)err;
    for (int n = 0; n < band->n; n++)
        frequency_data(state, band->freq[n], bdata + (size_t)n * NDATA);
    return SKY_OK;
}

static void hd2017_emission(const void *state, const sky_bandq *band, const double *bdata,
                            int64_t first, int64_t count, double *out_i, double *out_q,
                            double *out_u)
{
    const struct hd2017 *m = state;
    const int f32 = hd2017_f32(state, band), pol = m->t.q != NULL;
    const double *x = m->logu;
    for (int64_t k = 0; k < count; k++) {
        const int64_t p = first + k;
        double lu = sky_field_at(&m->uval, p);
        const int j = sky_spline_interval(NU, x, &lu);
        const double ref_i = sky_spline_at(x, m->ref[0], m->ref[0] + NU, j, lu);
        const double ref_p = pol ? sky_spline_at(x, m->ref[1], m->ref[1] + NU, j, lu) : 1.0;
        const double t0[3] = {sky_hmap_at(m->t.i, p), pol ? sky_hmap_at(m->t.q, p) : 0.0,
                              pol ? sky_hmap_at(m->t.u, p) : 0.0};
        double acc[3] = {0, 0, 0};
        for (int n = 0; n < band->n; n++) {
            const double *b = bdata + (size_t)n * NDATA;
            const double si = sky_spline_at(x, b, b + NU, j, lu) / ref_i * b[4 * NU];
            const double sp =
                pol ? sky_spline_at(x, b + 2 * NU, b + 3 * NU, j, lu) / ref_p * b[4 * NU + 1]
                    : 0.0;
            double v[3] = {t0[0] * si, t0[1] * sp, t0[2] * sp};
            for (int s = 0; s < 3; s++) {
                if (f32)
                    v[s] = (float)v[s];
                if (band->n == 1)
                    acc[s] = v[s];
                else if (f32) /* trapz_step_inplace into the templates' float32 */
                    acc[s] = (float)(acc[s] + 0.5 * v[s] * band->weight[n] * band->delta[n]);
                else
                    acc[s] += 0.5 * v[s] * band->weight[n] * band->delta[n];
            }
        }
        out_i[k] = acc[0];
        out_q[k] = acc[1];
        out_u[k] = acc[2];
    }
}

static void hd2017_free(void *state)
{
    struct hd2017 *m = state;
    free(m->wav);
    for (int s = 0; s < 2; s++) {
        free(m->sed[s]);
        free(m->sed_dl[s]);
    }
}

static const sky_param_spec sky_params_hd2017[] = {
    SKY_SPEC_IQU_TEMPLATES, SKY_SPEC_NUMBER("f_fe", 1), SKY_SPEC_NUMBER("f_car", 1),
    SKY_SPEC_BOOL("rnd_uval"), SKY_SPEC_NUMBER("uval", 0), SKY_SPEC_NUMBER("nside_uval", 0),
    SKY_SPEC_NUMBER("seed", 0),
    SKY_SPEC_END,
};

const sky_model_type sky_model_hd2017 = {
    .name = "HensleyDraine2017",
    .summary =
        "physical dust (Hensley & Draine 2017): silicate, carbonaceous and iron grain SEDs at a "
        "radiation field drawn from the Commander dust maps",
    .params = sky_params_hd2017,
    .state_size = sizeof(struct hd2017),
    .init = hd2017_init,
    .f32_output = hd2017_f32,
    .band_data_len = hd2017_len,
    .prepare = hd2017_prepare,
    .emission = hd2017_emission,
    .free = hd2017_free,
};
