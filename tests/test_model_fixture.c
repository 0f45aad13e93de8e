/*
 * test_model_fixture.c - models on a few hand-written pixels against a hand
 * computation (model_fixture.h):
 * - PowerLaw: I = I0 (nu/nu_I)^beta and Q, U = Q0, U0 (nu/nu_P)^beta in
 *   uK_RJ, beta per pixel;
 * - CMBDipole: the Doppler-shifted monopole (and PySM's first-order form with
 *   the quadrupole) at the 12 pixel centres of nside 1, in uK_CMB;
 * - SimpleSZ: y times the thermal spectrum, or the kinetic map, in uK_CMB;
 * - COLines: a line read exactly, polarised along psi, inside a two-sample
 *   band at its interpolated weight, and nothing off the lines;
 * - WebSkyCMB: the file its parameters name, read as uK_CMB.
 */
#include "model_fixture.h"

#include <math.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

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

/* The centre of pixel p of nside 1 (RING): three rings of four pixels at
 * z = 2/3, 0, -2/3, the polar ones offset by half a pixel in phi. */
static void nside1_vec(int p, double v[3])
{
    const int ring = p / 4, k = p % 4;
    const double z = ring == 0 ? 2.0 / 3 : ring == 1 ? 0.0 : -2.0 / 3;
    const double phi = (k + (ring == 1 ? 0.0 : 0.5)) * M_PI / 2, st = sqrt(1 - z * z);
    v[0] = st * cos(phi);
    v[1] = st * sin(phi);
    v[2] = z;
}

static void test_dipole(void)
{
    const double t = 2.72548, amp = 3366.6e-6, lon = 263.986, lat = 48.247;
    const double d = amp / t, beta = d * (d + 2) / (d * d + 2 * d + 2);
    const double gamma = 1 / sqrt(1 - beta * beta), deg = M_PI / 180;
    const double dir[3] = {cos(lat * deg) * cos(lon * deg), cos(lat * deg) * sin(lon * deg),
                           sin(lat * deg)};
    for (int quad = 0; quad < 2; quad++) {
        model_fixture fx;
        fixture_open(&fx, "CMBDipole");
        fixture_string(&fx, "amp", "3.3666 mK_CMB");
        fixture_string(&fx, "T_cmb", "2.72548 K_CMB");
        fixture_string(&fx, "dip_lon", "263.986 deg");
        fixture_string(&fx, "dip_lat", "2894.82 arcmin");
        fixture_bool(&fx, "quadrupole_correction", quad);
        const double freqs[] = {30.0, 143.0, 857.0};
        for (int f = 0; f < 3; f++) {
            double out[3 * FIXTURE_NPIX];
            if (fixture_emission(&fx, freqs[f], "uK_CMB", out))
                break;
            /* x = h nu / (k T_cmb), CODATA 2018 */
            const double x = 6.62607015e-34 * freqs[f] * 1e9 / (1.380649e-23 * t);
            const double fcor = x / 2 * (exp(x) + 1) / (exp(x) - 1);
            for (int p = 0; p < FIXTURE_NPIX; p++) {
                double v[3];
                nside1_vec(p, v);
                const double bc = beta * (dir[0] * v[0] + dir[1] * v[1] + dir[2] * v[2]);
                const double want = 1e6 * (quad ? t * (bc + fcor * bc * bc)
                                                : t / (gamma * (1 - bc)) - t);
                CHECK(fabs(out[p] - want) <= 1e-9 * 3366.6,
                      "dipole%s pixel %d at %g GHz: %.12g uK_CMB, hand %.12g",
                      quad ? " (quadrupole)" : "", p, freqs[f], out[p], want);
                CHECK(out[FIXTURE_NPIX + p] == 0 && out[2 * FIXTURE_NPIX + p] == 0,
                      "dipole pixel %d: Q, U not zero", p);
            }
        }
        fixture_close(&fx);
    }
}

static void test_simple_sz(void)
{
    double y[FIXTURE_NPIX];
    for (int p = 0; p < FIXTURE_NPIX; p++)
        y[p] = 1e-6 * (1 + p);
    for (int thermal = 0; thermal < 2; thermal++) {
        model_fixture fx;
        fixture_open(&fx, "SimpleSZ");
        fixture_map(&fx, "sz/y.fits", 1, y, "K_CMB"); /* the header is ignored: uK_CMB */
        fixture_string(&fx, "template_name", "sz/y.fits");
        fixture_string(&fx, "sz_type", thermal ? "thermal" : "kinetic");
        const double freqs[] = {30.0, 150.0, 217.0, 353.0};
        for (int f = 0; f < 4; f++) {
            double out[3 * FIXTURE_NPIX];
            if (fixture_emission(&fx, freqs[f], "uK_CMB", out))
                break;
            /* PySM's constants: h, k in cgs, k = 1.380622e-16, T = 2.725 */
            const double x = 6.62607004e-27 * freqs[f] * 1e9 / 1.380622e-16 / 2.725;
            const double g = thermal ? 1e6 * 2.725 * (x * (exp(x) + 1) / (exp(x) - 1) - 4) : 1;
            for (int p = 0; p < FIXTURE_NPIX; p++)
                CHECK(fabs(out[p] - y[p] * g) <= 1e-12 * fabs(y[p] * g) + 1e-20,
                      "%s SZ pixel %d at %g GHz: %.15g, hand %.15g", thermal ? "thermal" : "kinetic",
                      p, freqs[f], out[p], y[p] * g);
        }
        fixture_close(&fx);
    }
}

/* K_CMB -> K_RJ at nu: x^2 e^x / (e^x - 1)^2, x = h nu / (k 2.7255 K) */
static double cmb_to_rj(double nu)
{
    const double x = 6.62607015e-34 * nu * 1e9 / (1.380649e-23 * 2.7255);
    return x * x * exp(x) / ((exp(x) - 1) * (exp(x) - 1));
}

static void test_co_lines(void)
{
    double t[3 * FIXTURE_NPIX], psi[FIXTURE_NPIX], g[FIXTURE_NPIX], hgl[3 * FIXTURE_NPIX];
    for (int p = 0; p < FIXTURE_NPIX; p++) {
        for (int l = 0; l < 3; l++) {
            t[l * FIXTURE_NPIX + p] = (3.0 - l) * (1 + p % 4);
            hgl[l * FIXTURE_NPIX + p] = 0.01 * (l + 1) * (p % 3);
        }
        psi[p] = -1.5 + 0.25 * p;
        g[p] = 0.05 * p + 0.2;
    }
    model_fixture fx;
    fixture_open(&fx, "COLines");
    fixture_map(&fx, "co/HFI_CompMap_CO-Type1_512_R2.00_ring.fits", 3, t, "K_CMB");
    fixture_map(&fx, "co/psimap_dust90_512.fits", 1, psi, "rad");
    fixture_map(&fx, "co/gmap_dust90_512.fits", 1, g, "");
    fixture_map(&fx, "co/mcmoleCO_HGL_512.fits", 3, hgl, "K_CMB");
    fixture_number(&fx, "polarization_fraction", 0.01);
    fixture_bool(&fx, "include_high_galactic_latitude_clouds", 1);
    double out[3 * FIXTURE_NPIX];
    const double lines[3] = {115.271, 230.538, 345.796};
    for (int l = 0; l < 3; l++) { /* exactly on a line, in K_CMB: the template */
        if (fixture_emission(&fx, lines[l], "K_CMB", out))
            break;
        for (int p = 0; p < FIXTURE_NPIX; p++) {
            const double i = t[l * FIXTURE_NPIX + p] + hgl[l * FIXTURE_NPIX + p];
            const double pol = 0.01 * g[p] * i;
            CHECK_CLOSE(out[p], i, 1e-6, "CO line %d pixel %d: I %.9g, hand %.9g", l, p,
                        out[p], i);
            CHECK(fabs(out[FIXTURE_NPIX + p] - pol * cos(2 * psi[p])) <= 1e-6 * pol &&
                      fabs(out[2 * FIXTURE_NPIX + p] - pol * sin(2 * psi[p])) <= 1e-6 * pol,
                  "CO line %d pixel %d: Q, U %.9g %.9g, hand %.9g %.9g", l, p,
                  out[FIXTURE_NPIX + p], out[2 * FIXTURE_NPIX + p], pol * cos(2 * psi[p]),
                  pol * sin(2 * psi[p]));
        }
    }
    if (!fixture_emission(&fx, 100.0, "uK_RJ", out)) /* off every line */
        for (int k = 0; k < 3 * FIXTURE_NPIX; k++)
            CHECK(out[k] == 0, "CO off the lines: value %d is %g", k, out[k]);
    /* a band [110, 120] GHz, flat in power: RJ-normalised weights w_i ~ nu_i^2,
     * interpolated at the 1-0 line */
    const double nu[2] = {110, 120};
    if (!fixture_band_emission(&fx, 2, nu, NULL, "uK_RJ", out)) {
        const double norm = 10 * (110.0 * 110 + 120.0 * 120) / 2;
        const double w0 = 110.0 * 110 / norm, w1 = 120.0 * 120 / norm;
        const double w = w0 + (w1 - w0) * (115.271 - 110) / 10;
        for (int p = 0; p < FIXTURE_NPIX; p++) {
            const double want = (t[p] + hgl[p]) * 1e6 * cmb_to_rj(115.271) * w;
            CHECK_CLOSE(out[p], want, 1e-6, "CO band pixel %d: %.9g, hand %.9g", p, out[p], want);
        }
    }
    fixture_close(&fx);
}

static void test_websky_cmb(void)
{
    double iqu[3][FIXTURE_NPIX];
    for (int p = 0; p < FIXTURE_NPIX; p++) {
        iqu[0][p] = 70.0 * sin(p);
        iqu[1][p] = 1.5 * cos(p);
        iqu[2][p] = -0.7 * p;
    }
    model_fixture fx;
    fixture_open(&fx, "WebSkyCMB");
    for (int s = 0; s < 3; s++) {
        char name[128];
        snprintf(name, sizeof name, "websky/0.5/cmb/map_%c_unlensed_alm_seed7_solardipole_nside512.fits",
                 "IQU"[s]);
        fixture_map(&fx, name, 1, iqu[s], "K_CMB"); /* read as uK_CMB whatever it says */
    }
    fixture_string(&fx, "websky_version", "0.5");
    fixture_number(&fx, "seed", 7);
    fixture_bool(&fx, "lensed", 0);
    fixture_bool(&fx, "include_solar_dipole", 1);
    double out[3 * FIXTURE_NPIX];
    if (!fixture_emission(&fx, 143.0, "uK_CMB", out))
        for (int s = 0; s < 3; s++)
            for (int p = 0; p < FIXTURE_NPIX; p++)
                CHECK(fabs(out[s * FIXTURE_NPIX + p] - iqu[s][p]) <= 1e-12 * 100,
                      "WebSkyCMB %c pixel %d: %.15g, map %.15g", "IQU"[s], p,
                      out[s * FIXTURE_NPIX + p], iqu[s][p]);
    fixture_close(&fx);
}

int main(void)
{
    test_power_law();
    test_dipole();
    test_simple_sz();
    test_co_lines();
    test_websky_cmb();
    return check_report("test_model_fixture");
}
