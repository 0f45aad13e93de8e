/*
 * test_model_fixture.c - models on a few hand-written pixels against a hand
 * computation (model_fixture.h). PowerLaw: I = I0 (nu/nu_I)^beta and
 * Q, U = Q0, U0 (nu/nu_P)^beta in uK_RJ, beta per pixel.
 */
#include "model_fixture.h"

#include <math.h>

static void test_power_law(void)
{
    double iqu[3 * FIXTURE_NPIX], beta[FIXTURE_NPIX];
    for (int p = 0; p < FIXTURE_NPIX; p++) {
        iqu[p] = 10.0 + p;                         /* I0 */
        iqu[FIXTURE_NPIX + p] = 0.5 * (p - 6);     /* Q0 */
        iqu[2 * FIXTURE_NPIX + p] = -0.25 * p;     /* U0 */
        beta[p] = -3.1 + 0.05 * p;
    }
    model_fixture fx;
    fixture_open(&fx, "PowerLaw");
    fixture_map(&fx, "amp.fits", 3, iqu, "uK_RJ");
    fixture_map(&fx, "beta.fits", 1, beta, "");
    fixture_string(&fx, "map_I", "amp.fits");
    fixture_string(&fx, "map_pl_index", "beta.fits");
    fixture_string(&fx, "freq_ref_I", "23 GHz");
    fixture_string(&fx, "freq_ref_P", "30 GHz");
    const double freqs[] = {23.0, 30.0, 100.0, 353.0};
    for (int f = 0; f < 4; f++) {
        double out[3 * FIXTURE_NPIX];
        if (fixture_emission(&fx, freqs[f], "uK_RJ", out))
            break;
        for (int p = 0; p < FIXTURE_NPIX; p++) {
            double si = pow(freqs[f] / 23.0, beta[p]), sp = pow(freqs[f] / 30.0, beta[p]);
            CHECK_CLOSE(out[p], iqu[p] * si, 1e-13, "I pixel %d at %g GHz: %.17g, hand %.17g",
                        p, freqs[f], out[p], iqu[p] * si);
            for (int s = 1; s < 3; s++) {
                double want = iqu[s * FIXTURE_NPIX + p] * sp, got = out[s * FIXTURE_NPIX + p];
                CHECK(fabs(got - want) <= 1e-13 * fmax(1.0, fabs(want)),
                      "%c pixel %d at %g GHz: %.17g, hand %.17g", "IQU"[s], p, freqs[f], got,
                      want);
            }
        }
    }
    /* a constant index and the unit conversion: mK_RJ is uK_RJ / 1000 */
    fixture_number(&fx, "map_pl_index", -3.0);
    double out[3 * FIXTURE_NPIX];
    if (!fixture_emission(&fx, 46.0, "mK_RJ", out))
        for (int p = 0; p < FIXTURE_NPIX; p++)
            CHECK_CLOSE(out[p], iqu[p] * pow(2.0, -3.0) / 1000, 1e-13,
                        "I pixel %d, beta -3 at 46 GHz in mK_RJ: %.17g", p, out[p]);
    fixture_close(&fx);
}

int main(void)
{
    test_power_law();
    return check_report("test_model_fixture");
}
