/*
 * point_source_catalog.c - a catalogue of point sources (PySM class
 * PointSourceCatalog, preset rg2: the WebSky radio sources above 1 mJy).
 *
 * The catalogue (io/hdf5_catalog.h) gives each source's colatitude,
 * longitude and two polynomials in ln(nu / GHz) for its flux and polarised
 * flux in Jy. As PySM computes it without a beam:
 *   S(nu) = max(0, sum_k c_k (ln nu)^(n-1-k));
 *   over a band, S = trapezoid(S(nu_i) w_i, nu) with the RJ-normalised
 *   weights w (the polarised flux the same way);
 *   each source adds S / Omega_pix * f to the RING pixel it falls in
 *   (ang2pix), f the band's Jy/sr -> uK_RJ factor (bandpass_unit_conversion)
 *   and Omega_pix = 4 pi / npix; Q and U add the polarised value times
 *   cos 2 psi and sin 2 psi, psi drawn for each source in file order from
 *   numpy's legacy generator seeded 56567 (uniform in [-pi/2, pi/2)).
 * PySM accumulates into a float32 array, source by source in file order:
 * each pixel's sum here is rounded to float32 after every source, in that
 * order, so the map is PySM's to the bit up to the last digit of the flux.
 *
 * Evaluation by pixel blocks: the sources are kept sorted by (pixel, file
 * order), a block takes the run of sources in its pixels, so that any split
 * of the sky (threads, --parts, MPI) gives the serial map. A process of a
 * split sky keeps only the sources of its part.
 *
 * Parameters: catalog_filename (the HDF5 file, a PySM data path) and
 * catalog_slice, PySM's slice of the sources as [start, stop] or
 * [start, stop, step] (Python's slice semantics, negative bounds counted
 * from the end; step >= 1 as h5py requires).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "component.h"
#include "core/error.h"
#include "healpix/paint.h"
#include "io/hdf5_catalog.h"
#include "model.h"
#include "sht/rotate.h"
#include "sht/sht.h"

#define PSC_PI 3.14159265358979323846
#define PSC_SEED 56567u /* PySM's np.random.seed for the polarisation angles */

typedef struct psc_source {
    int64_t pix;   /* RING pixel at the sky nside */
    int64_t index; /* position in the (sliced) catalogue */
} psc_source;

/* Every source is kept (painting a part of the sky needs the sources of the
 * neighbouring parts too): first this process's part's, sorted by pixel
 * then file order (src), then the others in file order. */
struct psc {
    int64_t n;             /* sources in this process's part (src) */
    int64_t nall;          /* all sources */
    int ncoef, ncoef_pol;
    psc_source *src;       /* nall: pixel and file index of each position */
    double *coef;          /* nall x ncoef */
    double *coef_pol;      /* nall x ncoef_pol */
    double *cos2, *sin2;   /* nall: cos 2 psi, sin 2 psi */
    double *theta, *phi;   /* nall: position */
    double pix_area;       /* sr, at the sky nside */
};

/* [start, stop, step] of catalog_slice as Python's slice.indices(n). */
static int slice_of(const sky_param *p, int64_t n, int64_t *start, int64_t *stop,
                    int64_t *step)
{
    long long v[3];
    const int k = p->kind == SKY_PARAM_STRING ? sky_parse_int_list(p->str, v, 3) : -1;
    if (k < 2)
        return -1;
    *step = k == 3 ? v[2] : 1;
    if (*step < 1)
        return -1;
    int64_t b[2] = {v[0], v[1]};
    for (int j = 0; j < 2; j++) {
        if (b[j] < 0)
            b[j] += n;
        b[j] = b[j] < 0 ? 0 : b[j] > n ? n : b[j];
    }
    *start = b[0];
    *stop = b[1];
    return 0;
}

static int psc_check(const sky_params *ps, int *bad, sky_error *err)
{
    const sky_param *p = sky_params_peek(ps, "catalog_slice");
    int64_t a, b, c;
    if (p && slice_of(p, 0, &a, &b, &c)) {
        *bad = (int)(p - ps->p);
        return sky_fail(err, SKY_EINVAL, "catalog_slice = %s: expected [start, stop] or "
                        "[start, stop, step] with integers and step >= 1 (Python's slice)",
                        p->kind == SKY_PARAM_STRING ? p->str : "(not a list)");
    }
    return SKY_OK;
}

static int cmp_source(const void *a, const void *b)
{
    const psc_source *x = a, *y = b;
    if (x->pix != y->pix)
        return x->pix < y->pix ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

static void psc_free(void *state)
{
    struct psc *m = state;
    free(m->src);
    free(m->coef);
    free(m->coef_pol);
    free(m->cos2);
    free(m->sin2);
    free(m->theta);
    free(m->phi);
}

static int psc_init(void *state, sky_params *ps, sky_loader *ld, sky_error *err)
{
    struct psc *m = state;
    const char *name = NULL;
    int rc, bad;
    if ((rc = sky_params_string(ps, "catalog_filename", 1, &name, err)))
        return rc;
    if ((rc = psc_check(ps, &bad, err)))
        return sky_prefix(err, rc, "component %s: ", ps->owner);
    char *file = NULL;
    if ((rc = sky_datapath_find(ld->dp, name, &file, err)))
        return rc;
    int64_t n = 0, start = 0, stop = -1, step = 1;
    const sky_param *sl = sky_params_take(ps, "catalog_slice");
    sky_catalog cat;
    if (sl && !(rc = sky_catalog_count(file, &n, err)))
        slice_of(sl, n, &start, &stop, &step);
    if (!rc)
        rc = sky_catalog_read(file, start, sl ? stop : -1, step, &cat, err);
    free(file);
    if (rc)
        return sky_prefix(err, rc, "component %s: ", ld->label);
    n = cat.n;
    const int nside = sky_loader_nside(ld);
    m->pix_area = 4 * PSC_PI / (double)sky_hpx_npix(nside);
    m->ncoef = cat.ncoef;
    m->ncoef_pol = cat.ncoef_pol;
    /* every source's angle, drawn in file order whatever this process keeps */
    sky_np_rng rng;
    sky_np_seed(&rng, PSC_SEED);
    double *psi = malloc((size_t)(n ? n : 1) * sizeof *psi);
    psc_source *all = malloc((size_t)(n ? n : 1) * sizeof *all);
    if (!psi || !all) {
        free(psi);
        free(all);
        sky_catalog_free(&cat);
        return sky_nomem(err, "the catalogue");
    }
    const double lo = -PSC_PI / 2.0, hi = PSC_PI / 2.0;
    const sky_region *part = sky_loader_part(ld);
    int64_t kept = 0, other = n;
    for (int64_t s = 0; s < n; s++) {
        psi[s] = lo + (hi - lo) * sky_np_random(&rng);
        const int64_t p = sky_hpx_ang2pix_ring(nside, cat.theta[s], cat.phi[s]);
        if (sky_region_holds(part, p, 1))
            all[kept++] = (psc_source){p, s};
        else
            all[--other] = (psc_source){p, s};
    }
    qsort(all, (size_t)kept, sizeof *all, cmp_source);
    for (int64_t a = kept, b = n - 1; a < b; a++, b--) { /* the others in file order */
        const psc_source t = all[a];
        all[a] = all[b];
        all[b] = t;
    }
    m->n = kept;
    m->nall = n;
    m->src = all;
    const size_t k1 = (size_t)(n ? n : 1);
    m->coef = malloc(k1 * (size_t)m->ncoef * sizeof *m->coef);
    m->coef_pol = malloc(k1 * (size_t)m->ncoef_pol * sizeof *m->coef_pol);
    m->cos2 = malloc(k1 * sizeof *m->cos2);
    m->sin2 = malloc(k1 * sizeof *m->sin2);
    m->theta = malloc(k1 * sizeof *m->theta);
    m->phi = malloc(k1 * sizeof *m->phi);
    if (!m->coef || !m->coef_pol || !m->cos2 || !m->sin2 || !m->theta || !m->phi) {
        free(psi);
        sky_catalog_free(&cat);
        return sky_nomem(err, "the catalogue");
    }
    for (int64_t j = 0; j < n; j++) {
        const int64_t s = all[j].index;
        for (int k = 0; k < m->ncoef; k++)
            m->coef[j * m->ncoef + k] = cat.coef[(int64_t)k * n + s];
        for (int k = 0; k < m->ncoef_pol; k++)
            m->coef_pol[j * m->ncoef_pol + k] = cat.coef_pol[(int64_t)k * n + s];
        m->cos2[j] = cos(2 * psi[s]);
        m->sin2[j] = sin(2 * psi[s]);
        m->theta[j] = cat.theta[s];
        m->phi[j] = cat.phi[s];
    }
    free(psi);
    sky_catalog_free(&cat);
    return SKY_OK;
}

/* x^e for an integer e >= 0 by repeated squaring (numba's float ** int) */
static double ipow(double x, int e)
{
    double r = 1.0;
    while (e) {
        if (e & 1)
            r *= x;
        x *= x;
        e >>= 1;
    }
    return r;
}

/* PySM's evaluate_poly: the clipped polynomial at ln nu = x. */
static double poly(const double *c, int n, double x)
{
    double v = 0.0;
    for (int k = 0; k < n; k++)
        v += c[k] * ipow(x, n - 1 - k);
    return v > 0 ? v : 0.0;
}

/* PySM's evaluate_model: the flux at one frequency, or its trapezoid
 * integral with the normalised weights over the band. */
static double band_flux(const double *c, int n, const sky_bandq *band)
{
    if (band->n == 1)
        return poly(c, n, band->ln_freq[0]);
    double sum = 0.0, prev = poly(c, n, band->ln_freq[0]) * band->weight[0];
    for (int i = 1; i < band->n; i++) {
        const double y = poly(c, n, band->ln_freq[i]) * band->weight[i];
        sum += (band->freq[i] - band->freq[i - 1]) * (y + prev) / 2.0;
        prev = y;
    }
    return sum;
}

/* The first kept source at pixel >= p. */
static int64_t lower_bound(const struct psc *m, int64_t p)
{
    int64_t lo = 0, hi = m->n;
    while (lo < hi) {
        const int64_t mid = lo + (hi - lo) / 2;
        if (m->src[mid].pix < p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void psc_emission(const void *state, const sky_bandq *band, const double *bdata,
                         int64_t first, int64_t count, double *out_i, double *out_q,
                         double *out_u)
{
    (void)bdata;
    const struct psc *m = state;
    for (int64_t k = 0; k < count; k++)
        out_i[k] = out_q[k] = out_u[k] = 0.0;
    const double f = band->jysr_to_rj;
    for (int64_t j = lower_bound(m, first); j < m->n && m->src[j].pix < first + count; j++) {
        const int64_t k = m->src[j].pix - first;
        const double si = band_flux(m->coef + j * m->ncoef, m->ncoef, band) / m->pix_area * f;
        const double sp =
            band_flux(m->coef_pol + j * m->ncoef_pol, m->ncoef_pol, band) / m->pix_area * f;
        /* a float32 array in PySM: rounded after every source */
        out_i[k] = (double)(float)(out_i[k] + si);
        out_q[k] = (double)(float)(out_q[k] + sp * m->cos2[j]);
        out_u[k] = (double)(float)(out_u[k] + sp * m->sin2[j]);
    }
}

static int psc_f32_output(const void *state, const sky_bandq *band)
{
    (void)state;
    (void)band;
    return 1;
}

static int psc_files(const sky_params *ps, int nside, int (*fn)(const char *path, void *ctx),
                     void *ctx)
{
    (void)nside;
    const sky_param *p = sky_params_peek(ps, "catalog_filename");
    return p && p->kind == SKY_PARAM_STRING ? fn(p->str, ctx) : 0;
}

/* Smoothed channels: the sources are painted with the beam (PySM's
 * includes_smoothing, done on the pixels rather than through pixell). */
static int psc_smoothing(const void *state, sky_error *why)
{
    (void)state;
    (void)why;
    return SKY_SMOOTHING_OWN;
}

/* Positions and polarisation angles in the output frame: v' = R v, and the
 * angle alpha from the rotated local meridian (R e_theta) to the new one,
 * which turns psi into psi + alpha. */
static void rotate_source(const double r[3][3], double theta, double phi, double *theta_out,
                          double *phi_out, double *alpha)
{
    const double st = sin(theta), ct = cos(theta), sp = sin(phi), cp = cos(phi);
    const double v[3] = {st * cp, st * sp, ct}, et[3] = {ct * cp, ct * sp, -st};
    double w[3], e[3];
    for (int i = 0; i < 3; i++) {
        w[i] = r[i][0] * v[0] + r[i][1] * v[1] + r[i][2] * v[2];
        e[i] = r[i][0] * et[0] + r[i][1] * et[1] + r[i][2] * et[2];
    }
    const double t2 = atan2(hypot(w[0], w[1]), w[2]);
    double p2 = atan2(w[1], w[0]);
    if (p2 < 0)
        p2 += 2 * PSC_PI;
    const double st2 = sin(t2), ct2 = cos(t2), sp2 = sin(p2), cp2 = cos(p2);
    const double et2[3] = {ct2 * cp2, ct2 * sp2, -st2}, ep2[3] = {-sp2, cp2, 0};
    *alpha = atan2(e[0] * ep2[0] + e[1] * ep2[1] + e[2] * ep2[2],
                   e[0] * et2[0] + e[1] * et2[1] + e[2] * et2[2]);
    *theta_out = t2;
    *phi_out = p2;
}

/* No beam but another frame, nside or a CAR map: each source in the pixel
 * holding it, S / (pixel area). */
static void put_in_pixels(const struct psc *m, const double *th, const double *ph,
                          const double *const *amp, const sky_region *part, double *out, int ny,
                          int nx, double *car)
{
    const int64_t held = sky_region_npix(part);
    const double area = 4 * PSC_PI / (double)sky_hpx_npix(part->nside), res = PSC_PI / ny;
    for (int64_t s = 0; s < m->nall; s++) {
        const int64_t p = sky_hpx_ang2pix_ring(part->nside, th[s], ph[s]);
        if (out && sky_region_holds(part, p, 1)) {
            const int64_t i = sky_region_index(part, p);
            for (int c = 0; c < 3; c++)
                out[c * held + i] += amp[c][s] / area;
        }
        if (car) {
            const double dec = PSC_PI / 2 - th[s];
            int row = (int)floor((dec + PSC_PI / 2) / res);
            row = row < 0 ? 0 : row >= ny ? ny - 1 : row;
            long col = lround((PSC_PI - ph[s]) / (2 * PSC_PI / nx));
            col = ((col % nx) + nx) % nx;
            const double cell = (2 * PSC_PI / nx) * (sin(-PSC_PI / 2 + (row + 1) * res) -
                                                     sin(-PSC_PI / 2 + row * res));
            for (int c = 0; c < 3; c++)
                car[((int64_t)c * ny + row) * nx + col] += amp[c][s] / cell;
        }
    }
}

/* The sources painted on the pixels of `part` (at o's output nside) and on
 * the CAR map: every source, whichever process's part it lies in, so that a
 * pixel gets the same sum from the same sources in the same order on any
 * process. */
static int psc_emission_smoothed_part(const void *state, const sky_bandq *band,
                                      const double *bdata, int nside, const sky_smooth_opts *o,
                                      const sky_region *part, double *out, double *car,
                                      sky_error *err)
{
    (void)bdata;
    (void)nside;
    const struct psc *m = state;
    const int64_t npix = sky_region_npix(part), n = m->nall;
    int ny = 0, nx = 0, rc = SKY_OK;
    if (car && (rc = sky_car_shape(o->car_res_rad, &ny, &nx, err)))
        return rc;
    if (out)
        memset(out, 0, (size_t)(3 * npix) * sizeof *out);
    if (car)
        memset(car, 0, (size_t)3 * ny * nx * sizeof *car);
    const size_t n1 = (size_t)(n ? n : 1);
    double *th = malloc(n1 * sizeof *th), *ph = malloc(n1 * sizeof *ph);
    double *a = malloc(3 * n1 * sizeof *a);
    if (!th || !ph || !a) {
        free(th), free(ph), free(a);
        return sky_nomem(err, "the painted sources");
    }
    const double *amp[3] = {a, a + n1, a + 2 * n1};
    double rot[3][3];
    const int rotate = o->rot_from && o->rot_from != o->rot_to;
    if (rotate && (rc = sky_coord_matrix(o->rot_from, o->rot_to, rot, err))) {
        free(th), free(ph), free(a);
        return rc;
    }
    const double f = band->jysr_to_rj;
    /* into file order, so that the painting order is every process's */
#pragma omp parallel for schedule(static)
    for (int64_t j = 0; j < n; j++) {
        const int64_t s = m->src[j].index;
        double alpha = 0;
        if (rotate)
            rotate_source(rot, m->theta[j], m->phi[j], &th[s], &ph[s], &alpha);
        else
            th[s] = m->theta[j], ph[s] = m->phi[j];
        const double si = band_flux(m->coef + j * m->ncoef, m->ncoef, band) * f;
        const double sp = band_flux(m->coef_pol + j * m->ncoef_pol, m->ncoef_pol, band) * f;
        double c2 = m->cos2[j], s2 = m->sin2[j];
        if (rotate) { /* psi + alpha */
            const double ca = cos(2 * alpha), sa = sin(2 * alpha);
            const double c = c2 * ca - s2 * sa;
            s2 = s2 * ca + c2 * sa;
            c2 = c;
        }
        a[s] = si;
        a[n1 + s] = sp * c2;
        a[2 * n1 + s] = sp * s2;
    }
    sky_beam_profile prof = {0};
    if (o->beam)
        rc = sky_beam_profile_window(o->beam, o->beam_len - 1, &prof, err);
    else if (o->fwhm_rad > 0)
        rc = sky_beam_profile_gauss(o->fwhm_rad, &prof, err);
    else
        put_in_pixels(m, th, ph, amp, part, out, ny, nx, car);
    if (!rc && (o->beam || o->fwhm_rad > 0)) {
        sky_rings g;
        if (out && !(rc = sky_rings_region(part, &g, err))) {
            double *maps[3] = {out, out + npix, out + 2 * npix};
            rc = sky_paint_sources(&g, &prof, n, th, ph, 3, amp, maps, err);
            sky_rings_free(&g);
        }
        if (!rc && car && !(rc = sky_rings_car(ny, nx, &g, err))) {
            const int64_t nc = (int64_t)ny * nx;
            double *maps[3] = {car, car + nc, car + 2 * nc};
            rc = sky_paint_sources(&g, &prof, n, th, ph, 3, amp, maps, err);
            sky_rings_free(&g);
        }
    }
    sky_beam_profile_free(&prof);
    free(th), free(ph), free(a);
    return rc;
}

static int psc_emission_smoothed(const void *state, const sky_bandq *band, const double *bdata,
                                 int nside, const sky_smooth_opts *o, double *out, double *car,
                                 sky_error *err)
{
    sky_region all;
    sky_region_full(o->nside_out ? o->nside_out : nside, &all);
    return psc_emission_smoothed_part(state, band, bdata, nside, o, &all, out, car, err);
}

static const sky_param_spec psc_params[] = {
    SKY_SPEC_PATH("catalog_filename", 1),
    SKY_SPEC("catalog_slice", SKY_WANT_STRING, 0),
    SKY_SPEC_END,
};

const sky_model_type sky_model_point_source_catalog = {
    .name = "PointSourceCatalog",
    .summary = "point sources from an HDF5 catalogue (flux polynomials in ln nu), each in its "
               "pixel, or painted with the beam when smoothed; polarisation angles from numpy's "
               "generator seeded 56567",
    .params = psc_params,
    .state_size = sizeof(struct psc),
    .init = psc_init,
    .f32_output = psc_f32_output,
    .emission = psc_emission,
    .free = psc_free,
    .files = psc_files,
    .check = psc_check,
    .smoothing = psc_smoothing,
    .emission_smoothed = psc_emission_smoothed,
    .emission_smoothed_part = psc_emission_smoothed_part,
};
