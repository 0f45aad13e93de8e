/*
 * test_templates.c - the synthetic template set: every file the presets read
 * is written with PySM's layout (columns, units), values are finite and
 * positive where they must be, the same seed gives the same bytes and
 * another seed different ones, existing files are kept without overwrite, and
 * every preset builds and evaluates on the set.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "config.h"
#include "io/fits_map.h"
#include "io/text_table.h"
#include "templates/synth.h"

static const struct {
    const char *name;
    int ncols;
    const char *unit0;
    int positive;
} maps[] = {
    {"dust_t_new.fits", 1, "uK_RJ", 1}, {"dust_q_new.fits", 1, "uK_RJ", 0},
    {"dust_u_new.fits", 1, "uK_RJ", 0}, {"dust_beta.fits", 1, "", 1},
    {"dust_temp.fits", 1, "K", 1}, {"beta_mean1p59_std0p2.fits", 1, "", 0},
    {"beta_mean1p59_std0p3.fits", 1, "", 0}, {"dust2comp_I1_ns512_545.fits", 1, "uK_RJ", 1},
    {"dust2comp_I2_ns512_545.fits", 1, "uK_RJ", 1}, {"dust2comp_Q1_ns512_353.fits", 1, "uK_RJ", 0},
    {"dust2comp_Q2_ns512_353.fits", 1, "uK_RJ", 0}, {"dust2comp_U1_ns512_353.fits", 1, "uK_RJ", 0},
    {"dust2comp_U2_ns512_353.fits", 1, "uK_RJ", 0}, {"dust2comp_beta1_ns512.fits", 1, "", 1},
    {"dust2comp_beta2_ns512.fits", 1, "", 1}, {"dust2comp_temp1_ns512.fits", 1, "K", 1},
    {"dust2comp_temp2_ns512.fits", 1, "K", 1},
    {"COM_CompMap_dust-commander_0256_R2.00.fits", 9, "uK_RJ", 1},
    {"synch_t_new.fits", 1, "uK_RJ", 1}, {"synch_q_new.fits", 1, "uK_RJ", 0},
    {"synch_u_new.fits", 1, "uK_RJ", 0}, {"synch_beta.fits", 1, "", 0},
    {"beta_latvar.fits", 1, "", 0}, {"ff_t_new.fits", 1, "uK_RJ", 1},
    {"ame_t_new.fits", 1, "uK_RJ", 1}, {"ame2_t_new.fits", 1, "uK_RJ", 1},
    {"ame_nu_peak_0.fits", 1, "GHz", 1}, {"lensed_cmb.fits", 3, "uK_CMB", 0},
};
static const struct {
    const char *name;
    int ncols;
} tables[] = {{"emissivity.txt", 2},         {"sil_fe00_2.0.dat", 165},
              {"sil_fe05_2.0.dat", 165},     {"car_1.0.dat", 165},
              {"camb_lenspotentialCls.dat", 8}, {"delens_ells.txt", 2}};

static char *slurp(const char *path, long *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    *len = ftell(f);
    rewind(f);
    char *b = malloc(*len);
    if (fread(b, 1, *len, f) != (size_t)*len)
        *len = -1;
    fclose(f);
    return b;
}

int main(void)
{
    char dir[] = "/tmp/skymodel_tmpl_XXXXXX", other[] = "/tmp/skymodel_tmpl_XXXXXX";
    CHECK(mkdtemp(dir) && mkdtemp(other), "mkdtemp");
    sky_error err;
    const int nside = 16;
    CHECK(sky_synth_templates(dir, nside, 7, 0, SKY_SYNTH_ALL, NULL, NULL, &err) == SKY_OK, "%s", err.msg);
    char path[512];
    for (size_t i = 0; i < sizeof maps / sizeof *maps; i++) {
        snprintf(path, sizeof path, "%s/pysm_2/%s", dir, maps[i].name);
        int fields[9];
        sky_hmap m[9];
        char units[9][64];
        for (int k = 0; k < maps[i].ncols; k++)
            fields[k] = k;
        int rc = sky_fits_read_map(path, maps[i].ncols, fields, m, units, &err);
        CHECK(rc == SKY_OK, "%s: %s", maps[i].name, err.msg);
        if (rc)
            continue;
        CHECK(m[0].nside == nside && m[0].f != NULL, "%s: nside %d, float32", maps[i].name,
              m[0].nside);
        CHECK(!strcmp(units[0], maps[i].unit0), "%s: unit '%s', expected '%s'", maps[i].name,
              units[0], maps[i].unit0);
        int finite = 1, positive = 1;
        for (int k = 0; k < maps[i].ncols; k++)
            for (int64_t p = 0; p < m[k].npix; p++) {
                finite &= isfinite(m[k].f[p]);
                positive &= m[k].f[p] > 0;
            }
        CHECK(finite, "%s: non-finite values", maps[i].name);
        CHECK(!maps[i].positive || positive, "%s: values <= 0", maps[i].name);
        for (int k = 0; k < maps[i].ncols; k++)
            sky_hmap_free(&m[k]);
    }
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
        snprintf(path, sizeof path, "%s/pysm_2/%s", dir, tables[i].name);
        sky_table t;
        int rc = sky_table_read(path, "table", &t, &err);
        CHECK(rc == SKY_OK && t.ncols == tables[i].ncols, "%s: %s", tables[i].name,
              rc ? err.msg : "wrong column count");
        if (!rc)
            sky_table_free(&t);
    }

    /* determinism */
    long la, lb;
    CHECK(sky_synth_templates(other, nside, 7, 0, SKY_SYNTH_ALL, NULL, NULL, &err) == SKY_OK, "%s", err.msg);
    snprintf(path, sizeof path, "%s/pysm_2/dust_q_new.fits", dir);
    char *a = slurp(path, &la);
    snprintf(path, sizeof path, "%s/pysm_2/dust_q_new.fits", other);
    char *b = slurp(path, &lb);
    CHECK(a && b && la == lb && !memcmp(a, b, la), "same seed, same bytes");
    free(b);
    CHECK(sky_synth_templates(other, nside, 8, 1, SKY_SYNTH_ALL, NULL, NULL, &err) == SKY_OK, "%s", err.msg);
    b = slurp(path, &lb);
    CHECK(a && b && la == lb && memcmp(a, b, la), "another seed, other values");
    free(b);

    /* no overwrite without asking; the files are kept */
    CHECK(sky_synth_templates(dir, nside, 9, 0, SKY_SYNTH_ALL, NULL, NULL, &err) == SKY_EINVAL &&
              strstr(err.msg, "file exists"),
          "second run without overwrite: %s", err.msg);
    snprintf(path, sizeof path, "%s/pysm_2/dust_q_new.fits", dir);
    b = slurp(path, &lb);
    CHECK(a && b && la == lb && !memcmp(a, b, la), "kept intact");
    free(a);
    free(b);

    /* every preset runs on the set, d11 and s6 with random seeds from their
     * alm and spectra (the presets named by {nside} or {layer}, d9, d10, d12,
     * s4, s5 and s7, read files of PySM's nsides: test_hires covers them) */
    for (int i = 0; i < sky_preset_count(); i++) {
        sky_config *cfg = sky_config_new();
        sky_config_add_preset(cfg, sky_preset_name(i), &err);
        int by_nside = 0;
        for (int c = 0; c < cfg->n; c++)
            for (int k = 0; k < cfg->comp[c].params.n; k++)
                by_nside |= cfg->comp[c].params.p[k].kind == SKY_PARAM_STRING &&
                            (strstr(cfg->comp[c].params.p[k].str, "{nside}") ||
                             strstr(cfg->comp[c].params.p[k].str, "{layer}"));
        if (by_nside) {
            sky_config_free(cfg);
            continue;
        }
        const char *dirs[] = {dir, NULL};
        sky_options opt;
        sky_options_init(&opt);
        opt.nside = 32; /* above the templates: the expanded path */
        opt.data_dirs = dirs;
        opt.offline = 1;
        sky_sky *sky = NULL;
        int rc = sky_create(cfg, &opt, &sky, &err);
        CHECK(rc == SKY_OK, "%s: %s", sky_preset_name(i), err.msg);
        if (!rc) {
            double f[] = {90, 100, 110};
            sky_band band = {3, f, NULL};
            double *iqu = malloc(3 * sky_npix(sky) * sizeof *iqu);
            CHECK(sky_emission(sky, &band, "uK_CMB", iqu, &err) == SKY_OK, "%s", err.msg);
            int finite = 1;
            for (int64_t p = 0; p < 3 * sky_npix(sky); p++)
                finite &= isfinite(iqu[p]);
            CHECK(finite, "%s: non-finite emission", sky_preset_name(i));
            free(iqu);
        }
        sky_free(sky);
        sky_config_free(cfg);
    }
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", dir, other);
    CHECK(system(cmd) == 0, "cleanup");
    return check_report("test_templates");
}
