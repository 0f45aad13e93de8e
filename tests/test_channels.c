/*
 * test_channels.c - the multi-channel engine: sky_emission_channels equals
 * one sky_emission per channel bit for bit (float32 paths, coarse
 * components, random band data, several units, pixel sub-ranges), and
 * evaluating at a template's nside then expanding equals evaluating on
 * templates upgraded beforehand (PySM's way), bit for bit. At nside 256 the
 * four channels' maps together outgrow the cache and are written with
 * non-temporal stores (sky.c), from rows that start off 16-byte boundaries
 * in the sub-range; one channel's are not.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "test_sky.h"
#include "io/fits_map.h"
#include "io/text_table.h"
#include "skymodel.h"

static sky_sky *make_sky(const char *presets, int nside, const char *dir)
{
    sky_options opt;
    sky_options_init(&opt);
    opt.nside = nside;
    return test_sky(presets, NULL, dir, opt);
}

static void test_channels_equal_single(const char *presets, int nside)
{
    sky_sky *sky = make_sky(presets, nside, "data/templates");
    if (!sky)
        return;
    static const double f1[1] = {100}, f3[3] = {140, 150, 160}, w3[3] = {1, 2, 1},
                        f5[5] = {20, 25, 30, 35, 40}, f1b[1] = {353};
    const sky_band bands[4] = {{1, f1, NULL}, {3, f3, w3}, {5, f5, NULL}, {1, f1b, NULL}};
    const char *units[4] = {"K_CMB", "MJy/sr", "uK_RJ", "uK_RJ"};
    const int64_t npix = sky_npix(sky);
    /* the whole sky, and a range that starts and ends inside blocks */
    const int64_t ranges[2][2] = {{0, npix}, {npix / 3 + 7, npix / 2 - 11}};
    for (int r = 0; r < 2; r++) {
        const int64_t first = ranges[r][0], count = ranges[r][1];
        double *multi[4], *one = malloc((size_t)(3 * count) * sizeof *one);
        for (int c = 0; c < 4; c++)
            multi[c] = malloc((size_t)(3 * count) * sizeof *multi[c]);
        sky_error err;
        int rc = sky_emission_channels(sky, 4, bands, units, first, count, multi, &err);
        CHECK(rc == SKY_OK, "%s: channels: %s", presets, err.msg);
        for (int c = 0; c < 4 && !rc; c++) {
            rc = sky_emission_range(sky, &bands[c], units[c], first, count, one, &err);
            CHECK(rc == SKY_OK && !memcmp(one, multi[c], (size_t)(3 * count) * sizeof *one),
                  "%s nside %d range %d: channel %d differs from its single evaluation (%s)",
                  presets, nside, r, c, rc ? err.msg : "");
        }
        for (int c = 0; c < 4; c++)
            free(multi[c]);
        free(one);
    }
    sky_free(sky);
}

/* Copies template `rel` from data/templates to `dir`, every column upgraded
 * to `nside` (RING), in the file's precision and units. */
static void upgraded_copy(const char *rel, const char *dir, int nside)
{
    char src[512], dst[512];
    snprintf(src, sizeof src, "data/templates/%s", rel);
    snprintf(dst, sizeof dst, "%s/%s", dir, rel);
    sky_error err;
    int ncols = 0;
    CHECK(sky_fits_count_columns(src, &ncols, &err) == SKY_OK && ncols <= 9, "%s: %s", src,
          err.msg);
    int fields[9];
    sky_hmap maps[9];
    char units[9][64];
    for (int k = 0; k < ncols; k++)
        fields[k] = k;
    if (sky_fits_read_map(src, ncols, fields, maps, units, &err)) {
        CHECK(0, "%s: %s", src, err.msg);
        return;
    }
    const int64_t npix = 12 * (int64_t)nside * nside;
    double *data = malloc((size_t)(ncols * npix) * sizeof *data);
    const char *names[9], *unit_ptr[9];
    char name_buf[9][16];
    int f32 = 1;
    for (int k = 0; k < ncols; k++) {
        CHECK(sky_hmap_ud_grade(&maps[k], nside, &err) == SKY_OK, "%s", err.msg);
        for (int64_t p = 0; p < npix; p++)
            data[k * npix + p] = sky_hmap_at(&maps[k], p);
        f32 &= maps[k].f != NULL;
        snprintf(name_buf[k], sizeof name_buf[k], "C%d", k);
        names[k] = name_buf[k];
        unit_ptr[k] = units[k];
        sky_hmap_free(&maps[k]);
    }
    sky_fits_columns cols = {nside, ncols, names, unit_ptr, data,
                             f32 ? SKY_FLOAT32 : SKY_FLOAT64, "G", 1, NULL};
    CHECK(sky_fits_write_columns(dst, &cols, &err) == SKY_OK, "%s: %s", dst, err.msg);
    free(data);
}

static void copy_file(const char *rel, const char *dir)
{
    char src[512], dst[512];
    snprintf(src, sizeof src, "data/templates/%s", rel);
    snprintf(dst, sizeof dst, "%s/%s", dir, rel);
    FILE *a = fopen(src, "rb"), *b = fopen(dst, "wb");
    char buf[65536];
    size_t n;
    while (a && b && (n = fread(buf, 1, sizeof buf, a)) > 0)
        fwrite(buf, 1, n, b);
    CHECK(a && b, "copy %s", rel);
    if (a)
        fclose(a);
    if (b)
        fclose(b);
}

static void test_expand_equals_upgrade(const char *tmp)
{
    static const char *const maps[] = {
        "pysm_2/dust_t_new.fits",  "pysm_2/dust_q_new.fits",    "pysm_2/dust_u_new.fits",
        "pysm_2/dust_beta.fits",   "pysm_2/dust_temp.fits",     "pysm_2/synch_t_new.fits",
        "pysm_2/synch_q_new.fits", "pysm_2/synch_u_new.fits",   "pysm_2/synch_beta.fits",
        "pysm_2/ff_t_new.fits",    "pysm_2/ame_t_new.fits",     "pysm_2/ame_nu_peak_0.fits",
        "pysm_2/ame2_t_new.fits",  "pysm_2/lensed_cmb.fits",    NULL};
    char dir[512];
    snprintf(dir, sizeof dir, "%s/pysm_2", tmp);
    mkdir(dir, 0755);
    const int nside = 128; /* the test templates are nside 64 */
    for (int k = 0; maps[k]; k++)
        upgraded_copy(maps[k], tmp, nside);
    copy_file("pysm_2/emissivity.txt", tmp);
    const char *presets = "d1,s1,f1,a2,c2";
    sky_sky *expand = make_sky(presets, nside, "data/templates");
    sky_sky *upgraded = make_sky(presets, nside, tmp);
    if (expand && upgraded) {
        const int64_t n = 3 * sky_npix(expand);
        double *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)n * sizeof *b);
        const double f[3] = {90, 100, 110}, f1 = 30;
        const sky_band bands[2] = {{3, f, NULL}, {1, &f1, NULL}};
        for (int c = 0; c < 2; c++) {
            sky_error err;
            int rc = sky_emission(expand, &bands[c], "uK_CMB", a, &err);
            if (!rc)
                rc = sky_emission(upgraded, &bands[c], "uK_CMB", b, &err);
            CHECK(rc == SKY_OK && !memcmp(a, b, (size_t)n * sizeof *a),
                  "band %d: evaluate-then-expand differs from upgrade-then-evaluate (%s)", c,
                  rc ? err.msg : "");
        }
        free(a);
        free(b);
    }
    sky_free(expand);
    sky_free(upgraded);
    for (int k = 0; maps[k]; k++) {
        char p[600];
        snprintf(p, sizeof p, "%s/%s", tmp, maps[k]);
        unlink(p);
    }
    char p[600];
    snprintf(p, sizeof p, "%s/pysm_2/emissivity.txt", tmp);
    unlink(p);
    rmdir(dir);
}

int main(void)
{
    test_channels_equal_single("d1,s1,f1,a1", 32);
    test_channels_equal_single("a2,c2,d6", 16);   /* float32 groups, random band data */
    test_channels_equal_single("d5,c1", 8);       /* HD2017 and the lensed CMB */
    test_channels_equal_single("d1,s1", 128);     /* components at nside 64, expanded */
    test_channels_equal_single("d1,s1,a1", 256);  /* 4 maps above SKY_STREAM_BYTES, one not */
    char tmp[] = "/tmp/skymodel_channels_XXXXXX";
    if (!mkdtemp(tmp))
        return 1;
    test_expand_equals_upgrade(tmp);
    rmdir(tmp);
    return check_report("test_channels");
}
