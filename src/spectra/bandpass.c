/*
 * bandpass.c - band checks, PySM's weight normalisation and bandpass unit
 * conversion (see bandpass.h). References: PySM 3.4.5 utils.normalize_weights,
 * utils.bandpass_unit_conversion, utils.trapz_step_inplace.
 */
#include "bandpass.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/constants.h"
#include "core/error.h"
#include "core/numeric.h"

/* A number as short as %g writes it, without the exponent's '+' and leading
 * zeros: 1e+11 -> 1e11, 2.5e-05 -> 2.5e-5. */
static void compact(double v, char *buf, size_t len)
{
    char t[48];
    snprintf(t, sizeof t, "%g", v);
    size_t o = 0;
    for (const char *c = t; *c && o + 1 < len; c++) {
        buf[o++] = *c;
        if (*c != 'e')
            continue;
        if (c[1] == '+')
            c++;
        else if (c[1] == '-')
            buf[o++] = *++c;
        while (c[1] == '0' && c[2])
            c++;
    }
    buf[o] = '\0';
}

/* Why frequency f (positive, finite) is outside the accepted range, or ""
 * when it is inside. A value that is a sensible frequency in Hz or MHz gets
 * that hint. */
static void range_problem(double f, char *why, size_t len)
{
    why[0] = '\0';
    if (f >= SKY_FREQ_MIN_GHZ && f <= SKY_FREQ_MAX_GHZ)
        return;
    char given[32], ghz[32];
    compact(f, given, sizeof given);
    /* above the range: MHz when that gives 30 to 3000 GHz, else Hz when that
     * gives a frequency in the range */
    if (f > SKY_FREQ_MAX_GHZ && f <= 3e6) {
        compact(f * 1e-3, ghz, sizeof ghz);
        snprintf(why, len, "frequencies are in GHz (did you give MHz? %s GHz is %s, not %s)", ghz,
                 ghz, given);
    } else if (f > 3e6 && f * 1e-9 <= SKY_FREQ_MAX_GHZ) {
        compact(f * 1e-9, ghz, sizeof ghz);
        snprintf(why, len, "frequencies are in GHz (did you give Hz? %s GHz is %s, not %s)", ghz,
                 ghz, given);
    } else {
        snprintf(why, len, "expected a frequency from %g to %g GHz (1 MHz to 30 THz), where the "
                 "sky models apply", SKY_FREQ_MIN_GHZ, SKY_FREQ_MAX_GHZ);
    }
}

int sky_freq_check(double freq_ghz, sky_error *err)
{
    char why[256];
    if (!isfinite(freq_ghz) || freq_ghz <= 0)
        return sky_fail(err, SKY_EINVAL, "%g: expected a positive finite frequency in GHz",
                        freq_ghz);
    range_problem(freq_ghz, why, sizeof why);
    return why[0] ? sky_fail(err, SKY_EINVAL, "%g: %s", freq_ghz, why) : SKY_OK;
}

int sky_band_check(const sky_band *band, sky_error *err)
{
    if (!band || band->n < 1 || !band->freq_ghz)
        return sky_fail(err, SKY_EINVAL, "bandpass: expected at least one frequency");
    for (int i = 0; i < band->n; i++) {
        double f = band->freq_ghz[i];
        if (!isfinite(f) || f <= 0)
            return sky_fail(err, SKY_EINVAL,
                            "frequency %g GHz (sample %d): expected a positive finite value", f,
                            i + 1);
        char why[256];
        range_problem(f, why, sizeof why);
        if (why[0] && band->n == 1)
            return sky_fail(err, SKY_EINVAL, "frequency %g: %s", f, why);
        if (why[0])
            return sky_fail(err, SKY_EINVAL, "frequency %g (sample %d of %d): %s", f, i + 1,
                            band->n, why);
        if (i > 0 && f <= band->freq_ghz[i - 1])
            return sky_fail(err, SKY_EINVAL,
                            "frequency %g GHz (sample %d) after %g GHz: expected strictly "
                            "increasing frequencies without duplicates",
                            f, i + 1, band->freq_ghz[i - 1]);
    }
    if (!band->weight)
        return SKY_OK;
    int nonzero = 0;
    for (int i = 0; i < band->n; i++) {
        double w = band->weight[i];
        if (!isfinite(w) || w < 0)
            return sky_fail(err, SKY_EINVAL,
                            "weight %g (sample %d, %g GHz): expected a finite value >= 0", w,
                            i + 1, band->freq_ghz[i]);
        nonzero += w > 0;
    }
    if (!nonzero)
        return sky_fail(err, SKY_EINVAL, "bandpass weights are all zero: expected some > 0");
    if (band->n > 1) {
        /* the normalisation divides by this integral: weights near the
         * largest double overflow it to Inf, and every weight to 0 or NaN */
        const double integral = sky_trapz(band->weight, band->freq_ghz, band->n);
        if (!(integral > 0))
            return sky_fail(err, SKY_EINVAL,
                            "bandpass weights integrate to zero over the band: expected a "
                            "positive integral");
        if (!isfinite(integral))
            return sky_fail(err, SKY_EINVAL,
                            "bandpass weights integrate to %g over the band: expected a finite "
                            "integral (scale the weights down; only their shape matters)",
                            integral);
    }
    return SKY_OK;
}

/* Trapezoid interval weight of sample i, as trapz_step_inplace: the full
 * neighbouring interval at the ends, the two half-intervals inside; 2 for a
 * single sample so that 0.5 * 2 = 1. */
static double interval(const double *f, int n, int i)
{
    if (n == 1)
        return 2.0;
    if (i == 0)
        return f[1] - f[0];
    if (i == n - 1)
        return f[n - 1] - f[n - 2];
    return f[i + 1] - f[i - 1];
}

int sky_bandq_prepare(const sky_band *band, sky_bandq *q, sky_error *err)
{
    int rc = sky_band_check(band, err);
    if (rc)
        return rc;
    const int n = band->n;
    q->n = n;
    q->freq = band->freq_ghz;
    q->coef = malloc((size_t)4 * n * sizeof *q->coef);
    if (!q->coef)
        return sky_nomem(err, "bandpass weights");
    q->ln_freq = q->coef + n;
    q->weight = q->coef + 2 * n;
    q->delta = q->coef + 3 * n;
    for (int i = 0; i < n; i++)
        q->ln_freq[i] = log(band->freq_ghz[i]);
    if (n == 1) {
        q->coef[0] = 1.0;
        q->weight[0] = 1.0;
        q->delta[0] = 2.0;
    } else {
        double *w = q->weight;
        for (int i = 0; i < n; i++)
            w[i] = band->weight ? band->weight[i] : 1.0;
        double norm = sky_trapz(w, band->freq_ghz, n);
        const sky_unit uk_rj = {SKY_UNIT_K_RJ, 1e-6};
        for (int i = 0; i < n; i++)
            w[i] = w[i] / norm * sky_unit_to_jysr(&uk_rj, band->freq_ghz[i]);
        norm = sky_trapz(w, band->freq_ghz, n);
        for (int i = 0; i < n; i++) {
            w[i] = w[i] / norm;
            q->delta[i] = interval(band->freq_ghz, n, i);
            q->coef[i] = 0.5 * w[i] * q->delta[i];
        }
    }
    const sky_unit uk_cmb = {SKY_UNIT_K_CMB, 1e-6}, uk_rj = {SKY_UNIT_K_RJ, 1e-6};
    q->cmb_to_rj = sky_band_unit_factor(band, &uk_cmb, &uk_rj);
    const sky_unit jysr = {SKY_UNIT_JY_SR, 1.0};
    q->jysr_to_rj = sky_band_unit_factor(band, &jysr, &uk_rj);
    return SKY_OK;
}

void sky_bandq_free(sky_bandq *q)
{
    if (q) {
        free(q->coef);
        q->coef = NULL;
        q->ln_freq = q->weight = q->delta = NULL;
    }
}

double sky_band_unit_factor(const sky_band *band, const sky_unit *in, const sky_unit *out)
{
    const int n = band->n;
    if (n <= 1)
        return sky_unit_to_jysr(in, band->freq_ghz[0]) / sky_unit_to_jysr(out, band->freq_ghz[0]);
    double *buf = malloc((size_t)4 * n * sizeof *buf);
    if (!buf)
        return NAN;
    double *g = buf, *f = buf + n, *a = buf + 2 * n, *b = buf + 3 * n;
    for (int i = 0; i < n; i++) {
        g[i] = band->weight ? band->weight[i] : 1.0;
        f[i] = band->freq_ghz[i];
    }
    double norm = sky_trapz(g, f, n);
    int m = 0, cut = 0;
    for (int i = 0; i < n; i++)
        cut |= g[i] / norm < SKY_BANDPASS_WEIGHT_CUT;
    for (int i = 0; i < n; i++) {
        double gi = g[i] / norm;
        if (cut && gi < SKY_BANDPASS_WEIGHT_CUT)
            continue;
        g[m] = gi;
        f[m] = f[i];
        m++;
    }
    double factor;
    if (m == 1) {
        factor = sky_unit_to_jysr(in, f[0]) / sky_unit_to_jysr(out, f[0]);
    } else {
        if (cut) {
            norm = sky_trapz(g, f, m);
            for (int i = 0; i < m; i++)
                g[i] /= norm;
        }
        for (int i = 0; i < m; i++) {
            a[i] = g[i] * sky_unit_to_jysr(in, f[i]);
            b[i] = g[i] * sky_unit_to_jysr(out, f[i]);
        }
        factor = sky_trapz(a, f, m) / sky_trapz(b, f, m);
    }
    free(buf);
    return factor;
}

int sky_bandpass_unit_conversion(const sky_band *band, const char *input_unit,
                                 const char *output_unit, double *factor, sky_error *err)
{
    sky_unit in, out;
    int rc;
    if (!band || !input_unit || !output_unit || !factor)
        return sky_fail(err, SKY_EINVAL, "bandpass_unit_conversion: NULL argument");
    if ((rc = sky_band_check(band, err)) || (rc = sky_unit_parse_output(input_unit, &in, err)) ||
        (rc = sky_unit_parse_output(output_unit, &out, err)))
        return rc;
    *factor = sky_band_unit_factor(band, &in, &out);
    return SKY_OK;
}
