/*
 * test_spectra.c - units and bandpass arithmetic: golden values computed with
 * PySM 3.4.5 / astropy 5.2 (cmb_equivalencies, bandpass_unit_conversion,
 * normalize_weights), unit parsing, and the band invariants (a one-point band
 * is the monochromatic value; weights are scale-free).
 */
#include <math.h>
#include <string.h>

#include "check.h"
#include "core/numeric.h"
#include "spectra/bandpass.h"
#include "spectra/units.h"

static double convert1(const char *from, const char *to, double ghz)
{
    sky_unit a, b;
    sky_unit_parse(from, &a, NULL);
    sky_unit_parse(to, &b, NULL);
    sky_band band = {1, &ghz, NULL};
    return sky_band_unit_factor(&band, &a, &b);
}

int main(void)
{
    sky_unit u;
    sky_error err;
    /* parsing */
    CHECK(sky_unit_parse_output("uK_CMB", &u, &err) == SKY_OK && u.family == SKY_UNIT_K_CMB &&
              u.scale == 1e-6, "uK_CMB");
    CHECK(sky_unit_parse_output("MJy / sr", &u, &err) == SKY_OK && u.family == SKY_UNIT_JY_SR &&
              u.scale == 1e6, "MJy / sr");
    CHECK(sky_unit_parse_output("K_RJ", &u, &err) == SKY_OK && u.scale == 1.0, "K_RJ");
    CHECK(sky_unit_parse_output("K", &u, &err) == SKY_EINVAL, "plain K is not an output unit");
    CHECK(strstr(err.msg, "ambiguous: did you mean K_RJ or K_CMB?") != NULL,
          "plain K names both readings: %s", err.msg);
    CHECK(sky_unit_parse_output("uK_XYZ", &u, &err) == SKY_EINVAL, "unknown unit");
    CHECK(strstr(err.msg, "K_RJ, K_CMB or Jy/sr") != NULL, "message lists units: %s", err.msg);
    CHECK(sky_unit_parse("", &u, &err) == SKY_OK && u.family == SKY_UNIT_NONE, "dimensionless");
    CHECK(sky_unit_parse("GHz", &u, &err) == SKY_OK && u.family == SKY_UNIT_HZ && u.scale == 1e9,
          "GHz");

    /* golden conversions (astropy 5.2 through PySM's cmb_equivalencies) */
    CHECK_CLOSE(convert1("uK_RJ", "uK_CMB", 100.0), 1.2866242305292745, 1e-14, "RJ->CMB 100");
    CHECK_CLOSE(convert1("K_CMB", "MJy/sr", 353.0), 296.6515331433709, 1e-14, "CMB->MJy/sr 353");
    CHECK_CLOSE(convert1("mK_RJ", "Jy/sr", 30.0), 27651.225370326705, 1e-14, "mK_RJ->Jy/sr 30");
    CHECK_CLOSE(convert1("uK_CMB", "uK_CMB", 30.0), 1.0, 1e-15, "identity");

    /* bandpass_unit_conversion with the 1e-10 cut, and without */
    {
        double f[] = {130, 135, 140, 145, 150, 155, 160, 165, 170};
        double w[] = {0, 0.3, 0.8, 1, 1, 1, 0.8, 0.3, 0};
        sky_band b = {9, f, w};
        sky_unit rj, cmb;
        sky_unit_parse("uK_RJ", &rj, NULL);
        sky_unit_parse("uK_CMB", &cmb, NULL);
        CHECK_CLOSE(sky_band_unit_factor(&b, &rj, &cmb), 1.7433953500522483, 1e-14, "zero edges");
        double f3[] = {90, 100, 110};
        sky_band t = {3, f3, NULL};
        sky_unit mjy;
        sky_unit_parse("MJy/sr", &mjy, NULL);
        CHECK_CLOSE(sky_band_unit_factor(&t, &rj, &mjy), 0.0003087720166353148, 1e-14, "tophat");
        /* a cut that leaves one sample converts at that sample */
        double w1[] = {0, 1, 0};
        sky_band one = {3, f3, w1};
        CHECK_CLOSE(sky_band_unit_factor(&one, &rj, &cmb), convert1("uK_RJ", "uK_CMB", 100.0),
                    1e-14, "single surviving sample");
    }

    /* normalize_weights times the trapezoid interval */
    {
        double f[] = {90, 100, 110}, w[] = {1, 2, 1};
        sky_band b = {3, f, w};
        sky_bandq q;
        CHECK(sky_bandq_prepare(&b, &q, &err) == SKY_OK, "%s", err.msg);
        const double expect[] = {0.0269103, 0.06644518, 0.04019934}; /* PySM, printed to 7 digits */
        const double delta[] = {10, 20, 10};
        for (int i = 0; i < 3; i++)
            CHECK_CLOSE(q.coef[i], 0.5 * expect[i] * delta[i], 2e-7, "coef %d = %.9g", i,
                        q.coef[i]);
        /* the coefficients integrate a flat K_RJ spectrum to itself only with the nu^2 weight:
         * sum c_i * (nu_i/nu_0)^-2 ... here just check they are scale-free in the weights */
        double w2[] = {3.7, 7.4, 3.7};
        sky_band b2 = {3, f, w2};
        sky_bandq q2;
        sky_bandq_prepare(&b2, &q2, &err);
        for (int i = 0; i < 3; i++)
            CHECK_CLOSE(q.coef[i], q2.coef[i], 1e-15, "weights are normalised");
        sky_bandq_free(&q);
        sky_bandq_free(&q2);
        double f1 = 143.0;
        sky_band mono = {1, &f1, NULL};
        CHECK(sky_bandq_prepare(&mono, &q, &err) == SKY_OK && q.coef[0] == 1.0, "one frequency");
        sky_bandq_free(&q);
    }

    /* band checks */
    {
        double f[] = {100, 90}, w[] = {1, 1}, z[] = {0, 0}, neg[] = {1, -1};
        sky_band b = {2, f, w};
        CHECK(sky_band_check(&b, &err) == SKY_EINVAL && strstr(err.msg, "increasing"), "%s",
              err.msg);
        double g[] = {90, 100};
        sky_band zw = {2, g, z}, nw = {2, g, neg};
        CHECK(sky_band_check(&zw, &err) == SKY_EINVAL && strstr(err.msg, "all zero"), "%s",
              err.msg);
        CHECK(sky_band_check(&nw, &err) == SKY_EINVAL && strstr(err.msg, ">= 0"), "%s", err.msg);
        double nanf = NAN;
        sky_band nb = {1, &nanf, NULL};
        CHECK(sky_band_check(&nb, &err) == SKY_EINVAL, "NaN frequency");
    }

    /* numpy primitives */
    {
        double x[] = {0, 1, 2, 3}, y[] = {1, 3, 2, 0};
        CHECK(sky_trapz(y, x, 4) == 5.5, "trapz");
        CHECK(sky_interp(-1, x, y, 4) == 1 && sky_interp(9, x, y, 4) == 0, "interp clamps");
        CHECK(sky_interp(0.5, x, y, 4) == 2.0 && sky_interp(2, x, y, 4) == 2.0, "interp");
        /* the hinted search finds the same interval as a plain scan, whatever the hint */
        double xp[200], fp[200];
        for (int i = 0; i < 200; i++) {
            xp[i] = exp(0.05 * i) - 0.5;
            fp[i] = sin(0.3 * i);
        }
        int hint = 0, same = 1;
        for (int t = 0; t < 5000; t++) {
            double v = -1.0 + 25000.0 * ((t * 7919) % 5003) / 5003.0 / (1 + t % 97);
            int j = 0;
            while (j < 198 && xp[j + 1] <= v)
                j++;
            double expect = v <= xp[0]      ? fp[0]
                            : v >= xp[199] ? fp[199]
                                           : (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]) *
                                                     (v - xp[j]) + fp[j];
            if (t % 13 == 0)
                hint = t % 250 - 20; /* out-of-range hints too */
            same &= sky_interp_hint(v, xp, fp, 200, &hint) == expect;
        }
        CHECK(same, "interp with hints");
        double a[300];
        for (int i = 0; i < 300; i++)
            a[i] = 1.0 / (i + 1);
        double s = 0;
        for (int i = 0; i < 300; i++)
            s += a[i];
        CHECK_CLOSE(sky_pairwise_sum(a, 300), s, 1e-14, "pairwise sum");
    }
    return check_report("test_spectra");
}
