/*
 * bandpass_sampler.c - bandpass resampling as PySM 3.4.4's bandpass_sampler
 * does it (sky_bandpass_sample, skymodel.h): the bandpass read as a
 * probability density over frequency, bootstrap draws from its inverse CDF,
 * each new bandpass a Gaussian kernel density estimate of one set of draws
 * on a fixed grid, with one kernel bandwidth chosen by leave-one-out
 * likelihood on a first set.
 *
 * The draws come from numpy's default_rng(seed) (random/pcg64.c), in PySM's
 * order: the bandwidth's set first, then one set per bandpass; the inverse
 * CDF is scipy's linear interp1d, with PySM's flat-region handling (the CDF
 * with repeated values dropped, the first kept); sums that PySM computes
 * with numpy are pairwise (core/numeric.h). The same seed then gives PySM's
 * bandpasses to rounding.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/numeric.h"
#include "random/pcg64.h"
#include "skymodel.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* PySM's checks of an input bandpass, after sky_band_check's */
static int check_input(const sky_band *b, double *area, sky_error *err)
{
    int rc = sky_band_check(b, err);
    if (rc)
        return rc;
    if (b->n < 2)
        return sky_fail(err, SKY_EINVAL, "%d frequency: expected at least 2 to sample a "
                        "bandpass", b->n);
    if (!b->weight)
        return sky_fail(err, SKY_EINVAL, "no weights: expected a bandpass with weights");
    *area = sky_trapz(b->weight, b->freq_ghz, b->n);
    if (!(*area > 0) || !isfinite(*area))
        return sky_fail(err, SKY_EINVAL, "the weights integrate to %g: expected a positive "
                        "area", *area);
    return SKY_OK;
}

int sky_bandpass_moments(const sky_band *band, double *centroid, double *bandwidth,
                         sky_error *err)
{
    double area = 0;
    int rc = check_input(band, &area, err);
    if (rc)
        return rc;
    const int n = band->n;
    const double *nu = band->freq_ghz;
    double *t = malloc((size_t)n * sizeof *t);
    if (!t)
        return sky_nomem(err, "the bandpass moments");
    for (int i = 0; i < n; i++)
        t[i] = band->weight[i] / area * nu[i];
    const double c = sky_trapz(t, nu, n);
    for (int i = 0; i < n; i++)
        t[i] = band->weight[i] / area * ((nu[i] - c) * (nu[i] - c));
    const double var = sky_trapz(t, nu, n);
    free(t);
    *centroid = c;
    *bandwidth = sqrt(var > 0 ? var : 0);
    return SKY_OK;
}

/* The inverse CDF: PySM's normalised CDF with repeated values dropped. */
typedef struct inv_cdf {
    int n;
    double *cdf, *nu;
} inv_cdf;

static int make_inv_cdf(const sky_band *b, double area, inv_cdf *q, sky_error *err)
{
    const int n = b->n;
    q->cdf = malloc((size_t)n * sizeof *q->cdf);
    q->nu = malloc((size_t)n * sizeof *q->nu);
    if (!q->cdf || !q->nu)
        return sky_nomem(err, "the bandpass CDF");
    double *c = q->cdf;
    c[0] = 0;
    /* scipy's cumulative_trapezoid: a running sum of d (y[i+1] + y[i]) / 2 */
    for (int i = 1; i < n; i++) {
        const double y0 = b->weight[i - 1] / area, y1 = b->weight[i] / area;
        c[i] = c[i - 1] + (b->freq_ghz[i] - b->freq_ghz[i - 1]) * (y1 + y0) / 2.0;
    }
    const double last = c[n - 1];
    if (!(last > 0))
        return sky_fail(err, SKY_EINVAL, "the CDF ends at %g: expected a positive area", last);
    int m = 0;
    for (int i = 0; i < n; i++) {
        const double v = c[i] / last;
        if (m && v == q->cdf[m - 1])
            continue; /* a flat stretch: its first point stands for it */
        q->cdf[m] = v;
        q->nu[m] = b->freq_ghz[i];
        m++;
    }
    q->n = m;
    return SKY_OK;
}

/* scipy's interp1d(kind="linear") at u in [0, 1): the bracketing points
 * found as searchsorted(side="left") clipped to [1, n-1]. */
static double inv_cdf_at(const inv_cdf *q, double u)
{
    int lo = 0, hi = q->n; /* first index with cdf >= u */
    while (lo < hi) {
        const int mid = lo + (hi - lo) / 2;
        if (q->cdf[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    int k = lo < 1 ? 1 : lo > q->n - 1 ? q->n - 1 : lo;
    if (u < q->cdf[0])
        return q->nu[0];
    if (u > q->cdf[q->n - 1])
        return q->nu[q->n - 1];
    const double slope = (q->nu[k] - q->nu[k - 1]) / (q->cdf[k] - q->cdf[k - 1]);
    return slope * (u - q->cdf[k - 1]) + q->nu[k - 1];
}

static void draw(sky_pcg64 *g, const inv_cdf *q, int n, double *x)
{
    for (int i = 0; i < n; i++)
        x[i] = inv_cdf_at(q, sky_pcg64_random(g));
}

/* numpy.std(x, ddof=1) */
static double std_ddof1(const double *x, int n, double *scratch)
{
    const double mean = sky_pairwise_sum(x, n) / n;
    for (int i = 0; i < n; i++)
        scratch[i] = (x[i] - mean) * (x[i] - mean);
    return sqrt(sky_pairwise_sum(scratch, n) / (n - 1));
}

/* The kernel bandwidth of largest leave-one-out log-likelihood among 64
 * log-spaced values from max(1e-3, 0.05 s) to 2 s (s: the draws' standard
 * deviation, 1 when they are all equal); the first of equal ones. */
static double kernel_bandwidth(const double *x, int n, double *scratch)
{
    double s = std_ddof1(x, n, scratch);
    if (!isfinite(s) || s <= 0)
        s = 1.0;
    const double lo = log10(fmax(1e-3, 0.05 * s)), hi = log10(2.0 * s);
    double exps[64];
    sky_linspace(lo, hi, 64, exps);
    double best_h = pow(10.0, exps[0]), best_ll = -INFINITY;
    const double norm = sqrt(2.0 * M_PI);
    for (int b = 0; b < 64; b++) {
        const double h = pow(10.0, exps[b]);
        for (int i = 0; i < n; i++) {
            /* row i of the kernel matrix, its own term (d2 = inf) exp(-inf) = 0 */
            for (int j = 0; j < n; j++) {
                const double d = x[i] - x[j];
                scratch[j] = i == j ? 0.0 : exp(-0.5 * (d * d) / (h * h));
            }
            const double dens = sky_pairwise_sum(scratch, n) / ((n - 1) * h * norm);
            scratch[n + i] = log(dens + 1e-300);
        }
        const double ll = sky_pairwise_sum(scratch + n, n);
        if (ll > best_ll) {
            best_ll = ll;
            best_h = h;
        }
    }
    return best_h;
}

int sky_bandpass_sample(const sky_band *band, int count, int bootstrap_size, uint64_t seed,
                        sky_band_sample *out, double *kernel_sigma, sky_error *err)
{
    double area = 0;
    int rc = check_input(band, &area, err);
    if (rc)
        return rc;
    if (count < 1 || count > SKY_BANDPASS_MAX_COUNT)
        return sky_fail(err, SKY_EINVAL, "count %d: expected 1 to %d bandpasses", count,
                        SKY_BANDPASS_MAX_COUNT);
    if (bootstrap_size < 8 || bootstrap_size > SKY_BANDPASS_MAX_BOOTSTRAP)
        return sky_fail(err, SKY_EINVAL, "bootstrap size %d: expected 8 to %d draws",
                        bootstrap_size, SKY_BANDPASS_MAX_BOOTSTRAP);
    memset(out, 0, (size_t)count * sizeof *out);
    const int nb = bootstrap_size;
    inv_cdf q = {0, NULL, NULL};
    double *x = malloc((size_t)nb * sizeof *x);
    double *scratch = malloc((size_t)(2 * nb) * sizeof *scratch);
    double *kern = malloc((size_t)nb * sizeof *kern);
    if (!x || !scratch || !kern)
        rc = sky_nomem(err, "the bandpass draws");
    if (!rc)
        rc = make_inv_cdf(band, area, &q, err);
    sky_pcg64 g;
    sky_pcg64_seed(&g, seed);
    double h = 0;
    if (!rc) {
        draw(&g, &q, nb, x);
        h = kernel_bandwidth(x, nb, scratch);
    }
    const double fmin = band->freq_ghz[0], fmax = band->freq_ghz[band->n - 1];
    const double norm = h * sqrt(2.0 * M_PI);
    for (int k = 0; k < count && !rc; k++) {
        sky_band_sample *s = &out[k];
        s->n = nb;
        s->freq_ghz = malloc((size_t)nb * sizeof *s->freq_ghz);
        s->weight = malloc((size_t)nb * sizeof *s->weight);
        if (!s->freq_ghz || !s->weight) {
            rc = sky_nomem(err, "the resampled bandpasses");
            break;
        }
        draw(&g, &q, nb, x);
        sky_linspace(fmin, fmax, nb, s->freq_ghz);
        for (int j = 0; j < nb; j++) {
            for (int i = 0; i < nb; i++) {
                const double z = (s->freq_ghz[j] - x[i]) / h;
                kern[i] = exp(-0.5 * (z * z));
            }
            s->weight[j] = sky_pairwise_sum(kern, nb) / nb / norm;
        }
        const double a = sky_trapz(s->weight, s->freq_ghz, nb);
        for (int j = 0; j < nb; j++)
            s->weight[j] /= a;
        sky_band b = {nb, s->freq_ghz, s->weight};
        rc = sky_bandpass_moments(&b, &s->centroid, &s->bandwidth, err);
    }
    if (!rc && kernel_sigma)
        *kernel_sigma = h;
    if (rc)
        sky_band_samples_free(out, count);
    free(q.cdf);
    free(q.nu);
    free(x);
    free(scratch);
    free(kern);
    return rc;
}

void sky_band_samples_free(sky_band_sample *s, int count)
{
    for (int k = 0; s && k < count; k++) {
        free(s[k].freq_ghz);
        free(s[k].weight);
        s[k].freq_ghz = s[k].weight = NULL;
    }
}
