/*
 * test_shell_api.c - the public functions a shell returning typed arrays
 * needs (issue 19, the Python module): sky_emission_channels_strided (a map
 * evaluated in pieces, each written in place, equals the one-call map),
 * sky_emission_f32 (PySM's dtype: float32 for a sky whose first component
 * returns float32 when the unit factor is a scalar) and
 * sky_bandpass_unit_conversion (PySM's bandpass_unit_conversion).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "skymodel.h"

static sky_sky *make(const char *presets, int nside)
{
    sky_error err;
    sky_config *cfg = sky_config_new();
    char buf[64];
    snprintf(buf, sizeof buf, "%s", presets);
    for (char *p = strtok(buf, ","); p; p = strtok(NULL, ","))
        CHECK(sky_config_add_preset(cfg, p, &err) == SKY_OK, "%s", err.msg);
    const char *dirs[] = {"data/templates", NULL};
    sky_options opt;
    sky_options_init(&opt);
    opt.nside = nside;
    opt.data_dirs = dirs;
    opt.offline = 1;
    sky_sky *sky = NULL;
    CHECK(sky_create(cfg, &opt, &sky, &err) == SKY_OK, "%s: %s", presets, err.msg);
    sky_config_free(cfg);
    return sky;
}

static int f32_of(const sky_sky *sky, int n, const double *f, const char *unit)
{
    sky_band band = {n, f, NULL};
    sky_error err;
    int f32 = -1;
    CHECK(sky_emission_f32(sky, &band, unit, &f32, &err) == SKY_OK, "%s", err.msg);
    return f32;
}

int main(void)
{
    sky_error err;
    /* pieces written in place, with a stride, give the one-call map */
    sky_sky *sky = make("d1,s1,c2", 16);
    if (sky) {
        const int64_t npix = sky_npix(sky);
        double f[3] = {90, 100, 110};
        sky_band band = {3, f, NULL};
        double *one = malloc(3 * npix * sizeof *one), *pieces = malloc(3 * npix * sizeof *pieces);
        const char *unit = "uK_CMB";
        CHECK(sky_emission(sky, &band, unit, one, &err) == SKY_OK, "%s", err.msg);
        for (int64_t p = 0; p < npix; p += 1000) {
            const int64_t m = npix - p < 1000 ? npix - p : 1000;
            double *at = pieces + p;
            CHECK(sky_emission_channels_strided(sky, 1, &band, &unit, p, m, &at, npix, &err) ==
                      SKY_OK, "%s", err.msg);
        }
        CHECK(!memcmp(one, pieces, 3 * npix * sizeof *one), "pieces differ from one call");
        double *at = pieces;
        CHECK(sky_emission_channels_strided(sky, 1, &band, &unit, 0, 100, &at, 99, &err) ==
                  SKY_EINVAL, "stride below the count");
        CHECK(!strcmp(err.msg, "sky_emission: stride 99 below the 100 pixels"), "%s", err.msg);
        free(one);
        free(pieces);
        /* dtype: d1 first, float64 whatever c2 does */
        CHECK(f32_of(sky, 3, f, "uK_RJ") == 0, "d1,s1,c2 over a band");
        sky_free(sky);
    }
    /* c2 first: a CMBMap over a band is float32, and stays so (scalar factor) */
    if ((sky = make("c2,d1", 16))) {
        double f[3] = {140, 150, 160}, one = 150;
        CHECK(f32_of(sky, 3, f, "K_CMB") == 1, "c2 band in K_CMB");
        CHECK(f32_of(sky, 3, f, "MJy/sr") == 1, "c2 band in MJy/sr");
        CHECK(f32_of(sky, 1, &one, "uK_RJ") == 0, "c2 at one frequency");
        sky_band bad = {1, &one, NULL};
        int f32;
        CHECK(sky_emission_f32(sky, &bad, "uK_cmb", &f32, &err) == SKY_EINVAL, "unit");
        CHECK(!strcmp(err.msg, "unit 'uK_cmb' not recognised: did you mean uK_CMB?"), "%s",
              err.msg);
        sky_free(sky);
    }
    /* a2 (SpDustPol first): float32 unless one frequency is converted
     * through an equivalency (a one-element array factor in PySM) */
    if ((sky = make("a2", 16))) {
        double one = 30, f[3] = {25, 30, 35};
        CHECK(f32_of(sky, 1, &one, "uK_RJ") == 1, "a2 at 30 GHz in uK_RJ");
        CHECK(f32_of(sky, 1, &one, "uK_CMB") == 0, "a2 at 30 GHz in uK_CMB");
        CHECK(f32_of(sky, 3, f, "Jy/sr") == 1, "a2 over a band in Jy/sr");
        sky_free(sky);
    }
    /* PySM's bandpass_unit_conversion */
    {
        double one = 100, f[3] = {90, 100, 110}, w[3] = {1, 2, 1}, k = 0, back = 0;
        sky_band b1 = {1, &one, NULL}, b3 = {3, f, w};
        CHECK(sky_bandpass_unit_conversion(&b1, "uK_RJ", "uK_CMB", &k, &err) == SKY_OK, "%s",
              err.msg);
        CHECK_CLOSE(k, 1.2866242305292757, 1e-12, "uK_RJ -> uK_CMB at 100 GHz: %.17g", k);
        CHECK(sky_bandpass_unit_conversion(&b3, "MJy/sr", "K_CMB", &k, &err) == SKY_OK, "%s",
              err.msg);
        CHECK(sky_bandpass_unit_conversion(&b3, "K_CMB", "MJy/sr", &back, &err) == SKY_OK, "%s",
              err.msg);
        CHECK_CLOSE(k * back, 1.0, 1e-12, "there and back over a band: %.17g", k * back);
        CHECK(sky_bandpass_unit_conversion(&b1, "uK_RJ", "K", &k, &err) == SKY_EINVAL, "K");
        CHECK(!strcmp(err.msg, "unit 'K' is ambiguous: did you mean K_RJ or K_CMB?"), "%s",
              err.msg);
        double hz = 1e11;
        sky_band bad = {1, &hz, NULL};
        CHECK(sky_bandpass_unit_conversion(&bad, "uK_RJ", "uK_CMB", &k, &err) == SKY_EINVAL,
              "1e11 GHz");
    }
    return check_report("test_shell_api");
}
