/*
 * mbb_decorrelated.c - thermal dust with frequency decorrelation (PySM class
 * DecorrelatedModifiedBlackBody, preset d6; Vansyngel et al. 2017).
 *
 * The modified black body (mbb.h) at each band frequency nu_i is multiplied
 * by a random factor rho_i, the same for every pixel, drawn for each
 * evaluation: I and P have their own factors. The factors at the band
 * frequencies and at the reference frequency nu_0 (where rho = 1) are
 * jointly Gaussian with correlation
 *   C(nu, nu') = exp(-(ln(nu/nu') / xi)^2 / 2),  xi = correlation_length,
 * and rho is drawn from the conditional distribution given rho_0 = 1:
 * mean -(P_uu)^-1 P_u0 and covariance (P_uu)^-1, P = C^-1 (its square root,
 * from the eigen-decomposition with negative eigenvalues clipped, colours
 * the draws). The draws are numpy's: n randn for I then n for P, from the
 * global generator as the sky's seed leaves it (PySM never seeds it).
 *
 * C is nearly singular (xi = 5 makes neighbouring frequencies correlated to
 * 1e-4), so the factors depend on rounding. They are computed as PySM does:
 * each inverse through LAPACK's dsyevd eigen-decomposition (numpy's eigh,
 * with its regularisation of non-positive eigenvalues), and every matrix
 * product summed in BLAS order. Linked against the reference LAPACK that
 * Debian's numpy uses, this reproduces PySM's factors to rounding.
 *
 * Then, per frequency, as PySM: rho_i times the single-frequency MBB (in
 * double), accumulated by trapezoid steps into a float32 map for a band.
 *
 * Where PySM fails: a band frequency equal to a reference frequency (353 or
 * 545 GHz for the presets) makes C singular and PySM's index bookkeeping
 * break. There the factor is exactly 1 (it is the constraint), and the
 * other frequencies are conditioned as usual; its random draw is still
 * consumed, so the other factors are those of the same seed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/npy_math.h"
#include "mbb.h"

/* LAPACK (Fortran) */
extern void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
                    double *w, double *work, const int *lwork, int *iwork, const int *liwork,
                    int *info, size_t jobz_len, size_t uplo_len);

struct mbb_decorrelated {
    sky_mbb mbb; /* first */
    double corr_length;
};

enum { MAXN = 4096 }; /* frequencies in one band */

/* numpy.linalg.eigh(a) (dsyevd, lower triangle): ascending eigenvalues w and
 * eigenvectors as the columns of v, both row-major n x n. */
static int eigh(int n, const double *a, double *w, double *v)
{
    double *fa = malloc((size_t)n * n * sizeof *fa);
    if (!fa)
        return -1000;
    for (int r = 0; r < n; r++) /* Fortran order: element (r, c) at c * n + r */
        for (int c = 0; c < n; c++)
            fa[c * n + r] = a[r * n + c];
    int info = 0, lwork = -1, liwork = -1, iwq = 0;
    double wq = 0;
    dsyevd_("V", "L", &n, fa, &n, w, &wq, &lwork, &iwq, &liwork, &info, 1, 1);
    if (info) {
        free(fa);
        return info;
    }
    lwork = (int)wq;
    liwork = iwq;
    double *work = malloc((size_t)lwork * sizeof *work);
    int *iwork = malloc((size_t)liwork * sizeof *iwork);
    if (!work || !iwork)
        info = -1000;
    else
        dsyevd_("V", "L", &n, fa, &n, w, work, &lwork, iwork, &liwork, &info, 1, 1);
    free(work);
    free(iwork);
    for (int r = 0; r < n; r++)
        for (int c = 0; c < n; c++)
            v[r * n + c] = fa[c * n + r];
    free(fa);
    return info;
}

/* c = a b (n x k times k x m), each element summed over k in order from 0,
 * as the reference BLAS dgemm does. */
static void matmul(int n, int k, int m, const double *a, const double *b, double *c)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) {
            double s = 0;
            for (int l = 0; l < k; l++)
                s += a[i * k + l] * b[l * m + j];
            c[i * m + j] = s;
        }
}

/* v diag(d) v^T, with PySM's grouping: v (diag(d) v^T). */
static int recompose(int n, const double *v, const double *d, double *out)
{
    double *dvt = malloc((size_t)n * n * sizeof *dvt);
    if (!dvt)
        return -1000;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double s = 0; /* diag(d) v^T, zeros included as BLAS adds them */
            for (int l = 0; l < n; l++)
                s += (l == i ? d[i] : 0.0) * v[j * n + l];
            dvt[i * n + j] = s;
        }
    matmul(n, n, n, v, dvt, out);
    free(dvt);
    return 0;
}

/* PySM's invert_safe: eigen-decompose, lifting the diagonal by twice the
 * most negative eigenvalue (at least 2e-14) until all are positive. */
static int invert_safe(int n, const double *a, double *out)
{
    double *mb = malloc((size_t)(2 * n * n + 2 * n) * sizeof *mb);
    if (!mb)
        return -1000;
    double *v = mb + n * n, *w = v + n * n, *winv = w + n;
    memcpy(mb, a, (size_t)n * n * sizeof *mb);
    int info = 0;
    for (int iter = 0; !info; iter++) {
        if ((info = eigh(n, mb, w, v)))
            break;
        double wmin = w[0];
        for (int i = 1; i < n; i++)
            wmin = w[i] < wmin ? w[i] : wmin;
        if (wmin > 0)
            break;
        if (iter == 200) {
            info = -1;
            break;
        }
        const double lift = 2.0 * (-wmin > 1e-14 ? -wmin : 1e-14);
        for (int i = 0; i < n; i++)
            mb[i * n + i] += lift;
    }
    if (!info) {
        for (int i = 0; i < n; i++)
            winv[i] = 1.0 / w[i];
        info = recompose(n, v, winv, out);
    }
    free(mb);
    return info;
}

/*
 * PySM's get_decorrelation_matrix for the `n` frequencies f (none equal to
 * ref): the colouring matrix cov (n x n) and the mean (n).
 */
static int decorrelation(double ref, const double *f, int n, double xi, double *cov,
                         double *mean)
{
    const int na = n + 1;
    double *c = malloc((size_t)(2 * na * na + 3 * n * n + 3 * n + 1) * sizeof *c);
    if (!c)
        return -1000;
    double *inv = c + na * na, *uu = inv + na * na, *uu_inv = uu + n * n, *v = uu_inv + n * n;
    double *cu = v + n * n, *w = cu + n, *all = w + n;
    all[0] = ref;
    memcpy(all + 1, f, (size_t)n * sizeof *f);
    for (int i = 0; i < na; i++)
        for (int j = 0; j < na; j++) {
            const double x = sky_npy_log(all[i] / all[j]) / xi;
            c[i * na + j] = sky_npy_exp(-0.5 * (x * x));
        }
    int info = invert_safe(na, c, inv);
    if (!info) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++)
                uu[i * n + j] = inv[(i + 1) * na + (j + 1)];
            cu[i] = inv[(i + 1) * na];
        }
        if (!(info = invert_safe(n, uu, uu_inv)))
            info = eigh(n, uu_inv, w, v);
    }
    if (!info) {
        for (int i = 0; i < n; i++)
            w[i] = sqrt(w[i] > 0 ? w[i] : 0.0);
        info = recompose(n, v, w, cov);
        matmul(n, n, 1, uu_inv, cu, mean);
        for (int i = 0; i < n; i++)
            mean[i] = -mean[i];
    }
    free(c);
    return info;
}

/* The factors rho for the band: decorr[i] for I, decorr[n + i] for P. */
static int factors(double ref, const sky_bandq *band, double xi, sky_np_rng *rng,
                   double *decorr, sky_error *err)
{
    const int n = band->n;
    double *f = malloc((size_t)(n * n + 3 * n) * sizeof *f);
    int *idx = malloc((size_t)n * sizeof *idx);
    if (!f || !idx) {
        free(f);
        free(idx);
        return sky_nomem(err, "d6 decorrelation");
    }
    double *cov = f + n, *mean = cov + n * n, *g = mean + n;
    int m = 0;
    for (int i = 0; i < n; i++)
        if (band->freq[i] != ref) {
            idx[m] = i;
            f[m++] = band->freq[i];
        }
    int info = m ? decorrelation(ref, f, m, xi, cov, mean) : 0;
    if (!info) {
        for (int i = 0; i < n; i++)
            g[i] = sky_np_gauss(rng);
        for (int i = 0; i < n; i++)
            decorr[i] = 1.0; /* at the reference frequency */
        for (int a = 0; a < m; a++) {
            double s = 0;
            for (int b = 0; b < m; b++)
                s += cov[a * m + b] * g[idx[b]];
            decorr[idx[a]] = mean[a] + s;
        }
    }
    free(f);
    free(idx);
    if (info == -1000)
        return sky_nomem(err, "d6 decorrelation");
    if (info)
        return sky_fail(err, SKY_EINTERNAL,
                        "d6 decorrelation at reference %g GHz: eigen-decomposition failed "
                        "(LAPACK info %d)",
                        ref, info);
    return SKY_OK;
}

static int decorrelated_init(void *state, sky_params *ps, sky_loader *ld, sky_error *err)
{
    struct mbb_decorrelated *d = state;
    int rc;
    if ((rc = sky_mbb_load(&d->mbb, ps, ld, err)) ||
        (rc = sky_params_number(ps, "correlation_length", 1, &d->corr_length, err)))
        return rc;
    if (!(d->corr_length > 0) || !isfinite(d->corr_length))
        return sky_fail(err, SKY_EINVAL,
                        "component %s: correlation_length = %g: expected a positive number",
                        ps->owner, d->corr_length);
    if (!d->mbb.t.q)
        return sky_fail(err, SKY_EINVAL,
                        "component %s: DecorrelatedModifiedBlackBody needs polarisation "
                        "templates",
                        ps->owner);
    sky_loader_global_rng(ld);
    return SKY_OK;
}

static int decorrelated_f32(const void *state, const sky_bandq *band)
{
    (void)state;
    return band->n > 1; /* PySM accumulates into an array of the templates' float32 type */
}

static int decorrelated_len(const void *state, const sky_bandq *band)
{
    (void)state;
    return 2 * band->n;
}

static int decorrelated_prepare(const void *state, const sky_bandq *band, sky_np_rng *rng,
                                double *bdata, sky_error *err)
{
    const struct mbb_decorrelated *d = state;
    if (band->n > MAXN)
        return sky_fail(err, SKY_EINVAL, "d6: a band of %d frequencies: at most %d supported",
                        band->n, MAXN);
    int rc = factors(d->mbb.t.freq_ref_i, band, d->corr_length, rng, bdata, err);
    if (!rc)
        rc = factors(d->mbb.t.freq_ref_p, band, d->corr_length, rng, bdata + band->n, err);
    return rc;
}

static void decorrelated_emission(const void *state, const sky_bandq *band, const double *rho,
                                  int64_t first, int64_t count, double *out_i, double *out_q,
                                  double *out_u)
{
    const struct mbb_decorrelated *d = state;
    const sky_mbb *m = &d->mbb;
    const int n = band->n;
    for (int64_t k = 0; k < count; k++) {
        sky_mbb_pixel x;
        sky_mbb_pixel_at(m, first + k, &x);
        double acc[3] = {0, 0, 0};
        for (int j = 0; j < n; j++) {
            const double f = band->freq[j];
            double v[3] = {x.i0, x.q0, x.u0};
            if (f != m->t.freq_ref_i) { /* PySM quirk: no scaling at all at freq_ref_I */
                const double s = sky_mbb_scale(m, &x, f, band->ln_freq[j]);
                v[0] *= s;
                v[1] *= s * x.p_over_i;
                v[2] *= s * x.p_over_i;
            }
            v[0] *= rho[j];
            v[1] *= rho[n + j];
            v[2] *= rho[n + j];
            if (n == 1) {
                memcpy(acc, v, sizeof acc);
                break;
            }
            for (int s = 0; s < 3; s++) /* trapz_step_inplace into float32 */
                acc[s] = (float)(acc[s] + 0.5 * v[s] * band->weight[j] * band->delta[j]);
        }
        out_i[k] = acc[0];
        out_q[k] = acc[1];
        out_u[k] = acc[2];
    }
}

static const sky_param_spec sky_params_mbb_decorrelated[] = {
    SKY_SPEC_IQU_TEMPLATES, SKY_SPEC_MBB_FIELDS,
    SKY_SPEC_NUMBER("correlation_length", 1),
    SKY_SPEC_END,
};

const sky_model_type sky_model_mbb_decorrelated = {
    .name = "DecorrelatedModifiedBlackBody",
    .summary = "modified black body dust with a random decorrelation factor per frequency "
        "(Vansyngel et al. 2017)",
    .params = sky_params_mbb_decorrelated,
    .state_size = sizeof(struct mbb_decorrelated),
    .init = decorrelated_init,
    .f32_output = decorrelated_f32,
    .band_data_len = decorrelated_len,
    .prepare = decorrelated_prepare,
    .emission = decorrelated_emission,
};
