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
#include "core/error.h"
#include "core/vmath.h"
#include "mbb.h"

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

SKY_VECTOR_CLONES
void sky_mbb_emission(const void *state, const sky_bandq *band, const double *bdata,
                         int64_t first, int64_t count, double *out_i, double *out_q,
                         double *out_u)
{
    (void)bdata;
    const sky_mbb *m = state;
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

static const sky_param_spec sky_params_mbb[] = {
    SKY_SPEC_IQU_TEMPLATES, SKY_SPEC_MBB_FIELDS,
    SKY_SPEC_END,
};

const sky_model_type sky_model_mbb = {
    .name = "ModifiedBlackBody",
    .summary =
        "modified black body dust: I, Q, U templates scaled by (nu/nu0)^(beta-2) B_nu(T)/B_nu0(T)",
    .params = sky_params_mbb,
    .state_size = sizeof(sky_mbb),
    .init = mbb_init,
    .emission = sky_mbb_emission,
};
