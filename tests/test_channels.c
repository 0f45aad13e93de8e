/*
 * test_channels.c - the multi-channel engine: sky_emission_channels equals
 * one sky_emission per channel bit for bit (float32 paths, coarse
 * components, random band data, several units, pixel sub-ranges), and
 * evaluating at a template's nside then expanding equals evaluating on
 * templates upgraded beforehand (PySM's way), bit for bit. At nside 256 the
 * four channels' maps together outgrow the cache and are written with
 * non-temporal stores (sky.c), from rows that start off 16-byte boundaries
 * in the sub-range; one channel's are not. A sky is the sum of its parts
 * evaluated alone, bit for bit, where components add onto the sums.
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

/* A sky's channels are the sum of its groups' (and a group's of its
 * components'), each evaluated alone, in PySM's order in float64: the
 * components that add their values straight onto the sums (model.h's
 * emission_add) give what their rows added by the sky gave. Twelve
 * detectors of one band, so that the fast path's lanes and bases serve them
 * (from nside 128, on templates of the sky's nside so that no component is
 * evaluated coarser); uK_RJ, so that the unit factor is 1. */
enum { SUM_NCH = 12, SUM_NS = 10 };

typedef struct sum_case {
    const char *presets, *toml; /* a sky, as test_sky takes it */
} sum_case;

/* The channels of sky `c` (*out: SUM_NCH maps of 3 npix), or -1. */
static int sum_eval(const char *dir, int nside, sum_case c, double **out, int64_t *npix)
{
    static double f[SUM_NCH][SUM_NS], w[SUM_NCH][SUM_NS];
    sky_band bands[SUM_NCH];
    const char *units[SUM_NCH];
    for (int ch = 0; ch < SUM_NCH; ch++) {
        for (int j = 0; j < SUM_NS; j++) {
            f[ch][j] = 80.0 + 0.13 * ch + 3.1 * j;
            w[ch][j] = 1.0 + 0.05 * ((ch * 7 + j * 3) % 5);
        }
        bands[ch] = (sky_band){SUM_NS, f[ch], w[ch]};
        units[ch] = "uK_RJ";
    }
    sky_options opt;
    sky_options_init(&opt);
    opt.nside = nside;
    sky_sky *sky = test_sky(c.presets, c.toml, dir, opt);
    if (!sky)
        return -1;
    *npix = sky_npix(sky);
    for (int ch = 0; ch < SUM_NCH; ch++)
        out[ch] = malloc((size_t)(3 * *npix) * sizeof(double));
    sky_error err;
    const int rc = sky_emission_channels(sky, SUM_NCH, bands, units, 0, *npix, out, &err);
    CHECK(rc == SKY_OK, "%s%s: %s", c.presets ? c.presets : "", c.toml ? c.toml : "", err.msg);
    sky_free(sky);
    return rc ? -1 : 0;
}

/* Sky `whole` equals the sum of the `n` skies `parts`, in their order. */
static void sum_check(const char *dir, int nside, sum_case whole, int n, const sum_case *parts)
{
    double *tot[SUM_NCH] = {0}, *sum[SUM_NCH] = {0}, *one[SUM_NCH] = {0};
    int64_t npix = 0;
    int rc = sum_eval(dir, nside, whole, tot, &npix);
    for (int p = 0; p < n && !rc; p++) {
        rc = sum_eval(dir, nside, parts[p], p ? one : sum, &npix);
        for (int ch = 0; ch < SUM_NCH && p && !rc; ch++) {
            for (int64_t k = 0; k < 3 * npix; k++)
                sum[ch][k] += one[ch][k];
            free(one[ch]);
        }
    }
    for (int ch = 0; ch < SUM_NCH && !rc; ch++)
        CHECK(!memcmp(sum[ch], tot[ch], (size_t)(3 * npix) * sizeof(double)),
              "nside %d channel %d: %s%s%s differs from the sum of its parts", nside, ch,
              whole.presets ? whole.presets : "", whole.presets && whole.toml ? " + " : "",
              whole.toml ? whole.toml : "");
    for (int ch = 0; ch < SUM_NCH; ch++) {
        free(tot[ch]);
        free(sum[ch]);
    }
}

static void test_sum_of_parts(const char *dir, int nside)
{
    /* a1's two components as a --config each, and both as two groups */
    static const char *const ame =
        "[ame%d]\nclass = \"SpDust\"\nmap_I = \"pysm_2/%s\"\nfreq_ref_I = \"%s\"\n"
        "freq_peak = \"%s\"\nunit_I = \"uK_RJ\"\nemissivity = \"pysm_2/emissivity.txt\"\n"
        "freq_ref_peak = \"30 GHz\"\n";
    char toml[3][600];
    for (int t = 0; t < 3; t++) {
        snprintf(toml[t], sizeof toml[t], "%s/ame%d.toml", dir, t);
        FILE *fp = fopen(toml[t], "w");
        CHECK(fp != NULL, "%s", toml[t]);
        if (!fp)
            return;
        for (int a = 0; a < 2; a++)
            if (t == a || t == 2)
                fprintf(fp, ame, a + 1, a ? "ame2_t_new.fits" : "ame_t_new.fits",
                        a ? "41 GHz" : "22.8 GHz", a ? "33.35 GHz" : "pysm_2/ame_nu_peak_0.fits");
        fclose(fp);
    }
    /* a1 first: its constant peak's values added onto the peak map's in its
     * group, then each of d1, s1 and f1 onto the total */
    const sum_case one_by_one[5] = {
        {NULL, toml[0]}, {NULL, toml[1]}, {"d1", NULL}, {"s1", NULL}, {"f1", NULL}};
    sum_check(dir, nside, (sum_case){"a1,d1,s1,f1", NULL}, 5, one_by_one);
    /* SpDust's components last, each a group of its own: both added onto the
     * total (the peak map's values through the lanes) */
    const sum_case ame_last[5] = {
        {"d1", NULL}, {"s1", NULL}, {"f1", NULL}, {NULL, toml[0]}, {NULL, toml[1]}};
    sum_check(dir, nside, (sum_case){"d1,s1,f1", toml[2]}, 5, ame_last);
    for (int t = 0; t < 3; t++)
        unlink(toml[t]);
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

/* The templates of d1, s1, f1, a1, a2 and c2 at UPGRADED_NSIDE in tmp (the
 * test templates are nside 64). */
static const char *const upgraded_maps[] = {
    "pysm_2/dust_t_new.fits",  "pysm_2/dust_q_new.fits",  "pysm_2/dust_u_new.fits",
    "pysm_2/dust_beta.fits",   "pysm_2/dust_temp.fits",   "pysm_2/synch_t_new.fits",
    "pysm_2/synch_q_new.fits", "pysm_2/synch_u_new.fits", "pysm_2/synch_beta.fits",
    "pysm_2/ff_t_new.fits",    "pysm_2/ame_t_new.fits",   "pysm_2/ame_nu_peak_0.fits",
    "pysm_2/ame2_t_new.fits",  "pysm_2/lensed_cmb.fits",  NULL};
enum { UPGRADED_NSIDE = 128 };

static void make_upgraded(const char *tmp)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/pysm_2", tmp);
    mkdir(dir, 0755);
    for (int k = 0; upgraded_maps[k]; k++)
        upgraded_copy(upgraded_maps[k], tmp, UPGRADED_NSIDE);
    copy_file("pysm_2/emissivity.txt", tmp);
}

static void remove_upgraded(const char *tmp)
{
    for (int k = 0; upgraded_maps[k]; k++) {
        char p[600];
        snprintf(p, sizeof p, "%s/%s", tmp, upgraded_maps[k]);
        unlink(p);
    }
    char p[600];
    snprintf(p, sizeof p, "%s/pysm_2/emissivity.txt", tmp);
    unlink(p);
    snprintf(p, sizeof p, "%s/pysm_2", tmp);
    rmdir(p);
}

static void test_expand_equals_upgrade(const char *tmp)
{
    const int nside = UPGRADED_NSIDE;
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
    make_upgraded(tmp);
    test_expand_equals_upgrade(tmp);
    test_sum_of_parts(tmp, UPGRADED_NSIDE); /* at the templates' nside: no expansion */
    remove_upgraded(tmp);
    rmdir(tmp);
    return check_report("test_channels");
}
