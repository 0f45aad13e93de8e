/*
 * test_pipeline.c - the library's channel pipeline (skymodel.h, "Channels"):
 * channels evaluated into memory equal sky_emission_channels bit for bit,
 * for the whole sky and for a part (its ranges back to back); the block
 * step sees every pixel of every channel exactly once, and a hook that
 * fails stops the evaluation with its status; a channel's scale multiplies
 * its map; sky_channels_maps gives the unsmoothed channels as evaluated and
 * a smoothed one equal to sky_smooth of its unsmoothed map; sky_channels_write
 * writes the evaluated maps, and none when one of them fails.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "test_sky.h"
#include "io/fits_map.h"
#include "skymodel.h"

enum { NCHAN = 3 };
static const double F1[1] = {100}, F3[3] = {140, 150, 160}, W3[3] = {1, 2, 1},
                    F5[5] = {20, 25, 30, 35, 40};

static void channels(sky_channel ch[NCHAN])
{
    static const char *const units[NCHAN] = {"K_CMB", "MJy/sr", "uK_RJ"};
    const sky_band bands[NCHAN] = {{1, F1, NULL}, {3, F3, W3}, {5, F5, NULL}};
    for (int c = 0; c < NCHAN; c++) {
        sky_channel_init(&ch[c]);
        ch[c].band = bands[c];
        ch[c].unit = units[c];
    }
}

/* The block step's hook: counts, per channel, how often each pixel passed. */
typedef struct seen {
    int64_t npix;
    int *count[NCHAN];
    int calls, fail_at; /* fail_at > 0: the fail_at-th call fails */
} seen;

static int count_block(void *ctx, int index, int64_t first, int64_t count, double *iqu,
                       int64_t stride, sky_error *err)
{
    seen *s = ctx;
    (void)iqu;
    (void)stride;
    if (++s->calls == s->fail_at) {
        snprintf(err->msg, sizeof err->msg, "stopped");
        return err->code = SKY_EIO;
    }
    for (int64_t p = first; p < first + count; p++)
        s->count[index][p]++;
    return SKY_OK;
}

static void test_evaluate(const char *presets, int nside, int part, int nparts)
{
    sky_sky *sky = test_sky_part(presets, nside, part, nparts);
    if (!sky)
        return;
    const int64_t npix = sky_npix(sky), nloc = sky_held_npix(sky);
    int64_t first[2], count[2];
    const int nseg = sky_part_ranges(sky, first, count);
    sky_channel ch[NCHAN];
    channels(ch);
    seen s = {npix, {NULL}, 0, 0};
    double *maps[NCHAN], *ref[NCHAN];
    sky_band bands[NCHAN];
    const char *units[NCHAN];
    for (int c = 0; c < NCHAN; c++) {
        maps[c] = malloc((size_t)(3 * nloc) * sizeof *maps[c]);
        ref[c] = malloc((size_t)(3 * count[0]) * sizeof *ref[c]);
        s.count[c] = calloc((size_t)npix, sizeof *s.count[c]);
        ch[c].block_hook = count_block;
        ch[c].block_ctx = &s;
        bands[c] = ch[c].band;
        units[c] = ch[c].unit;
    }
    sky_error err;
    int rc = sky_channels_evaluate(sky, NCHAN, ch, maps, &err);
    CHECK(rc == SKY_OK, "%s part %d/%d: %s", presets, part, nparts, err.msg);
    /* every pixel held, every channel, exactly once; none outside */
    int64_t bad = 0;
    for (int c = 0; c < NCHAN; c++)
        for (int64_t p = 0; p < npix; p++) {
            int held = 0;
            for (int g = 0; g < nseg; g++)
                held |= p >= first[g] && p < first[g] + count[g];
            bad += s.count[c][p] != held;
        }
    CHECK(bad == 0, "%s part %d/%d: %lld pixels not through the block step exactly once",
          presets, part, nparts, (long long)bad);
    /* each segment equals sky_emission_channels over it */
    int64_t off = 0;
    for (int g = 0; g < nseg && !rc; g++) {
        ref[0] = realloc(ref[0], (size_t)(3 * count[g]) * sizeof *ref[0]);
        for (int c = 1; c < NCHAN; c++)
            ref[c] = realloc(ref[c], (size_t)(3 * count[g]) * sizeof *ref[c]);
        rc = sky_emission_channels(sky, NCHAN, bands, units, first[g], count[g], ref, &err);
        CHECK(rc == SKY_OK, "%s: sky_emission_channels: %s", presets, err.msg);
        for (int c = 0; c < NCHAN && !rc; c++)
            for (int k = 0; k < 3; k++)
                CHECK(!memcmp(maps[c] + k * nloc + off, ref[c] + k * count[g],
                              (size_t)count[g] * sizeof(double)),
                      "%s part %d/%d: channel %d component %d segment %d differs", presets,
                      part, nparts, c, k, g);
        off += count[g];
    }
    /* a hook that fails stops the evaluation with its status and message */
    s.calls = 0;
    s.fail_at = 2;
    rc = sky_channels_evaluate(sky, NCHAN, ch, maps, &err);
    CHECK(rc == SKY_EIO && !strcmp(err.msg, "stopped"), "a failing hook: %d %s", rc, err.msg);
    CHECK(s.calls == 2, "a failing hook: called %d times after it failed", s.calls);
    for (int c = 0; c < NCHAN; c++) {
        free(maps[c]);
        free(ref[c]);
        free(s.count[c]);
    }
    sky_free(sky);
}

/* scale X gives X times the map, in every pixel range */
static void test_scale(void)
{
    sky_sky *sky = test_sky_part("d1,s1", 16, 0, 1);
    if (!sky)
        return;
    const int64_t first = 100, count = 1000;
    sky_channel all[NCHAN], ch[2];
    channels(all);
    ch[0] = ch[1] = all[0];
    ch[1].scale = -2.5;
    double *a = malloc(3 * count * sizeof *a), *b = malloc(3 * count * sizeof *b);
    double *out[2] = {a, b};
    sky_error err;
    int rc = sky_channels_range(sky, 2, ch, first, count, out, &err);
    CHECK(rc == SKY_OK, "scale: %s", err.msg);
    int64_t bad = 0;
    for (int64_t i = 0; i < 3 * count; i++)
        bad += b[i] != -2.5 * a[i];
    CHECK(bad == 0, "scale -2.5: %lld values not -2.5 times the unscaled map", (long long)bad);
    /* a channel not from sky_channel_init (scale 0) is refused */
    sky_channel zero = {.band = ch[0].band, .unit = "uK_RJ"};
    rc = sky_channels_range(sky, 1, &zero, first, count, &a, &err);
    CHECK(rc == SKY_EINVAL && strstr(err.msg, "sky_channel_init"), "scale 0: %d %s", rc,
          err.msg);
    sky_channel d;
    sky_channel_init(&d);
    CHECK(d.scale == 1 && d.unit && !strcmp(d.unit, "uK_RJ") && !d.smooth &&
              d.dtype == SKY_FLOAT32 && !d.block_hook,
          "sky_channel_init: scale %g", d.scale);
    free(a);
    free(b);
    sky_free(sky);
}

/* sky_channels_maps: unsmoothed as sky_channels_evaluate, smoothed (beam,
 * rotation, lower output nside) as sky_smooth of the unsmoothed map */
static void test_maps(void)
{
    const int nside = 16;
    sky_sky *sky = test_sky_part("d1,s1", nside, 0, 1);
    if (!sky)
        return;
    const int64_t npix = sky_npix(sky);
    sky_smooth_opts o;
    sky_smooth_opts_init(&o);
    o.fwhm_rad = 120.0 / 60 * 3.14159265358979323846 / 180;
    o.rot_from = 'G';
    o.rot_to = 'C';
    o.nside_out = nside / 2;
    o.car_res_rad = 0.2; /* not made by sky_channels_maps */
    sky_channel ch[NCHAN];
    channels(ch);
    ch[1].smooth = &o;
    double *maps[NCHAN], *plain[NCHAN];
    sky_error err;
    int rc = sky_channels_maps(sky, NCHAN, ch, maps, &err);
    CHECK(rc == SKY_OK, "sky_channels_maps: %s", err.msg);
    ch[1].smooth = NULL;
    for (int c = 0; c < NCHAN; c++)
        plain[c] = malloc((size_t)(3 * npix) * sizeof *plain[c]);
    rc = rc ? rc : sky_channels_evaluate(sky, NCHAN, ch, plain, &err);
    CHECK(rc == SKY_OK, "sky_channels_evaluate: %s", err.msg);
    if (!rc) {
        CHECK(!memcmp(maps[0], plain[0], (size_t)(3 * npix) * sizeof(double)) &&
                  !memcmp(maps[2], plain[2], (size_t)(3 * npix) * sizeof(double)),
              "sky_channels_maps: an unsmoothed channel differs from its evaluation");
        const int64_t nout = 12 * (int64_t)o.nside_out * o.nside_out;
        double *want = malloc((size_t)(3 * nout) * sizeof *want);
        o.car_res_rad = 0;
        rc = sky_smooth(plain[1], nside, 3, &o, want, NULL, NULL, &err);
        CHECK(rc == SKY_OK, "sky_smooth: %s", err.msg);
        CHECK(!rc && !memcmp(maps[1], want, (size_t)(3 * nout) * sizeof(double)),
              "sky_channels_maps: the smoothed channel is not sky_smooth of its map");
        /* one process: the distributed smoothing's part is the whole map */
        sky_smoothed r;
        rc = sky_smooth_map_parts(plain[1], nside, 3, &o, 1, &r, &err);
        CHECK(rc == SKY_OK && r.nside == o.nside_out && r.own && !r.car,
              "sky_smooth_map_parts: %s", err.msg);
        double worst = 0, peak = 0;
        for (int64_t i = 0; !rc && i < 3 * nout; i++) {
            worst = fmax(worst, fabs(r.hp[i] - want[i]));
            peak = fmax(peak, fabs(want[i]));
        }
        CHECK(worst <= 1e-12 * peak, "sky_smooth_map_parts: %g from sky_smooth", worst / peak);
        if (!rc)
            sky_smoothed_free(&r);
        free(want);
    }
    for (int c = 0; c < NCHAN; c++) {
        free(maps[c]);
        free(plain[c]);
    }
    sky_free(sky);
    /* a part of the sky cannot be smoothed alone */
    sky = test_sky_part("d1", nside, 0, 2);
    ch[1].smooth = &o;
    rc = sky ? sky_channels_maps(sky, NCHAN, ch, maps, &err) : SKY_OK;
    CHECK(rc == SKY_EINVAL && maps[0] == NULL && strstr(err.msg, "whole sky"),
          "sky_channels_maps on a part: %d %s", rc, err.msg);
    sky_free(sky);
}

/* sky_channels_write: each file holds its channel's map as evaluated (float64,
 * its unit); a path that cannot be written leaves no file of the call */
static void test_write(void)
{
    sky_sky *sky = test_sky_part("d1,s1", 8, 0, 1);
    if (!sky)
        return;
    const int64_t npix = sky_npix(sky);
    char dir[] = "/tmp/test_pipeline_XXXXXX", paths[NCHAN][64];
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    const char *p[NCHAN];
    for (int c = 0; c < NCHAN; c++) {
        snprintf(paths[c], sizeof paths[c], "%s/ch%d.fits", dir, c);
        p[c] = paths[c];
    }
    sky_channel ch[NCHAN];
    channels(ch);
    for (int c = 0; c < NCHAN; c++)
        ch[c].dtype = SKY_FLOAT64;
    ch[2].scale = 3;
    const struct sky_prov *cards[NCHAN] = {NULL, NULL, NULL};
    sky_error err;
    double t = -1;
    int rc = sky_channels_write(sky, NCHAN, ch, p, cards, 0, &t, &err);
    CHECK(rc == SKY_OK && t >= 0, "sky_channels_write: %s", err.msg);
    double *maps[NCHAN];
    for (int c = 0; c < NCHAN; c++)
        maps[c] = malloc((size_t)(3 * npix) * sizeof *maps[c]);
    rc = rc ? rc : sky_channels_evaluate(sky, NCHAN, ch, maps, &err);
    for (int c = 0; c < NCHAN && !rc; c++) {
        sky_hmap m[3];
        char units[3][64];
        const int fields[3] = {0, 1, 2};
        int r = sky_fits_read_map(p[c], 3, fields, m, units, &err);
        CHECK(r == SKY_OK, "%s: %s", p[c], err.msg);
        int64_t bad = 0;
        for (int k = 0; k < 3 && !r; k++) {
            for (int64_t i = 0; i < npix; i++)
                bad += !m[k].d || m[k].d[i] != maps[c][k * npix + i];
            bad += strcmp(units[k], ch[c].unit) != 0;
            sky_hmap_free(&m[k]);
        }
        CHECK(bad == 0, "%s: %lld values or units not the channel's", p[c], (long long)bad);
    }
    for (int c = 0; c < NCHAN; c++) {
        free(maps[c]);
        unlink(p[c]);
    }
    /* channel 2 to a folder that does not exist: no file at all */
    snprintf(paths[2], sizeof paths[2], "%s/missing/ch2.fits", dir);
    rc = sky_channels_write(sky, NCHAN, ch, p, cards, 0, NULL, &err);
    CHECK(rc != SKY_OK, "sky_channels_write to a missing folder succeeded");
    CHECK(access(p[0], F_OK) != 0 && access(p[1], F_OK) != 0,
          "sky_channels_write: a failed call left files");
    /* smoothed channels are refused */
    sky_smooth_opts o;
    sky_smooth_opts_init(&o);
    ch[0].smooth = &o;
    rc = sky_channels_write(sky, NCHAN, ch, p, cards, 0, NULL, &err);
    CHECK(rc == SKY_EINVAL && strstr(err.msg, "channel 0: smoothed"), "smoothed: %s", err.msg);
    rmdir(dir);
    sky_free(sky);
}

int main(void)
{
    test_evaluate("d1,s1,f1", 16, 0, 1);
    test_evaluate("d1,s1,f1", 16, 1, 3); /* a band of rings and its mirror */
    test_evaluate("a2,c2,d6", 8, 0, 2);
    test_scale();
    test_maps();
    test_write();
    return check_report("test_pipeline");
}
