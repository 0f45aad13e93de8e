/*
 * test_compress.c - compressed channel groups (issue 22):
 * - the low-rank core: random matrices of known rank give that K, a small
 *   extra direction is found when the target asks for it;
 * - sky_smooth_opts_equal and the groups it makes (sky_smooth_groups);
 * - a group of channels with perturbed bands through sky_channels_compress
 *   and sky_compressed_channel against each channel smoothed on its own
 *   (sky_channel_smooth_map): HEALPix and CAR maps within 1e-5 of each
 *   Stokes map's RMS, with rotation and a lower output nside; the reported
 *   error within the tolerance, K growing as the tolerance falls; at nside
 *   128 the directions come from a sample of the pixels.
 * Run from tests/ (data/templates).
 */
#define _POSIX_C_SOURCE 200809L /* strtok_r in test_sky.h */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "skymodel.h"
#include "test_sky.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static uint64_t rng = 88172645463325252ULL;
static double uniform(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}
static double gauss(void)
{
    const double u = uniform() + 1e-300, v = uniform();
    return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

/* n channels x m samples of rank r (+ one direction of amplitude eps): the
 * Gram matrix, and the K the core finds for `target`. */
static int rank_found(int n, int m, int r, double eps, double target, int *kmax)
{
    double *l = malloc((size_t)n * (r + 1) * sizeof *l), *s = malloc((size_t)(r + 1) * m * sizeof *s);
    double *x = malloc((size_t)n * m * sizeof *x), *g = calloc((size_t)n * n, sizeof *g);
    for (int i = 0; i < n * (r + 1); i++)
        l[i] = 1 + 0.1 * gauss();
    for (int i = 0; i < (r + 1) * m; i++)
        s[i] = gauss();
    for (int c = 0; c < n; c++)
        for (int i = 0; i < m; i++) {
            double v = 0;
            for (int k = 0; k < r; k++)
                v += l[c * (r + 1) + k] * s[k * m + i];
            x[c * m + i] = v + eps * l[c * (r + 1) + r] * s[r * m + i];
        }
    for (int c = 0; c < n; c++)
        for (int d = 0; d < n; d++)
            for (int i = 0; i < m; i++)
                g[c * n + d] += x[c * m + i] * x[d * m + i];
    sky_lowrank lr;
    sky_error err = {0, ""};
    int k = -1;
    if (sky_lowrank_from_gram(n, g, m, 1, target, &lr, &err) == SKY_OK) {
        k = lr.k;
        *kmax = lr.kmax;
        CHECK(lr.rms[0] > 0, "rms");
        CHECK(k == lr.kmax || sky_lowrank_estimate(&lr, k) <= target, "estimate %g over the target %g",
              sky_lowrank_estimate(&lr, k), target);
        sky_lowrank_free(&lr);
    } else {
        CHECK(0, "sky_lowrank_from_gram: %s", err.msg);
    }
    free(l);
    free(s);
    free(x);
    free(g);
    return k;
}

static void test_core(void)
{
    int kmax;
    int k = rank_found(30, 2000, 4, 0, 1e-6, &kmax);
    CHECK(k == 4, "rank 4: K %d", k);
    /* beyond the Gram matrix's resolution (about 1e-8 of the largest
     * singular value): no direction of rounding is taken */
    k = rank_found(30, 2000, 4, 0, 1e-12, &kmax);
    CHECK(k == kmax && kmax <= 6, "rank 4 at 1e-12: K %d, kmax %d", k, kmax);
    k = rank_found(30, 2000, 4, 1e-4, 1e-7, &kmax);
    CHECK(k == 5, "rank 4 + 1e-4: K %d at 1e-7", k);
    k = rank_found(30, 2000, 4, 1e-4, 1e-2, &kmax);
    CHECK(k == 4, "rank 4 + 1e-4: K %d at 1e-2", k);
    k = rank_found(12, 500, 1, 0, 1e-6, &kmax);
    CHECK(k == 1, "rank 1: K %d", k);
    sky_lowrank lr;
    sky_error err = {0, ""};
    double g[4] = {1, 0, 0, 1};
    CHECK(sky_lowrank_from_gram(2, g, 10, 1, 0, &lr, &err) == SKY_EINVAL, "target 0 refused");
}

static void test_opts_equal(void)
{
    sky_smooth_opts a, b;
    sky_smooth_opts_init(&a);
    sky_smooth_opts_init(&b);
    a.fwhm_rad = b.fwhm_rad = 0.01;
    CHECK(sky_smooth_opts_equal(&a, &b), "equal");
    b.fwhm_rad = 0.02;
    CHECK(!sky_smooth_opts_equal(&a, &b), "fwhm");
    b.fwhm_rad = 0.01;
    b.rot_from = 'G', b.rot_to = 'C';
    CHECK(!sky_smooth_opts_equal(&a, &b), "rotation");
    double w1[3] = {1, 0.5, 0.25}, w2[3] = {1, 0.5, 0.25};
    sky_smooth_opts_init(&a);
    sky_smooth_opts_init(&b);
    a.beam = w1, b.beam = w2;
    a.beam_ncols = b.beam_ncols = 1;
    a.beam_len = b.beam_len = 3;
    CHECK(sky_smooth_opts_equal(&a, &b), "the same beam window values");
    w2[2] = 0.3;
    CHECK(!sky_smooth_opts_equal(&a, &b), "another beam window");
    /* groups: a (twice), none, b, a again */
    const sky_smooth_opts *list[5] = {&a, &a, NULL, &b, &a};
    int group[5];
    CHECK(sky_smooth_groups(5, list, group) == 2 && group[0] == 0 && group[1] == 0 &&
              group[2] == -1 && group[3] == 3 && group[4] == 0,
          "groups %d %d %d %d %d", group[0], group[1], group[2], group[3], group[4]);
}

/* rms of n values */
static double rms(const double *v, int64_t n)
{
    double s = 0;
    for (int64_t i = 0; i < n; i++)
        s += v[i] * v[i];
    return sqrt(s / (double)n);
}

/* every Stokes map of b within tol of a's RMS; returns the worst ratio */
static double worst(const double *a, const double *b, int64_t n)
{
    double w = 0;
    for (int s = 0; s < 3; s++) {
        const double r = rms(a + s * n, n);
        double m = 0;
        for (int64_t i = 0; i < n; i++)
            m = fmax(m, fabs(a[s * n + i] - b[s * n + i]));
        w = fmax(w, r > 0 ? m / r : m);
    }
    return w;
}

enum { NCH = 16, NF = 4 };

static void test_group(const char *presets, int nside, const sky_smooth_opts *o, double tol,
                       int *k_out)
{
    sky_sky *sky = test_sky_part(presets, nside, 0, 1);
    if (!sky)
        return;
    static double freq[NCH][NF], weight[NCH][NF];
    sky_channel ch[NCH];
    for (int c = 0; c < NCH; c++) {
        const double centre = 90 + 2 * (uniform() - 0.5), width = 20 + 2 * (uniform() - 0.5);
        for (int j = 0; j < NF; j++) {
            freq[c][j] = centre - width / 2 + width * j / (NF - 1);
            weight[c][j] = 1 + 0.1 * sin(j * (1 + 2 * uniform()) + 6 * uniform());
        }
        sky_channel_init(&ch[c]);
        ch[c].band = (sky_band){NF, freq[c], weight[c]};
        ch[c].unit = "uK_CMB";
        ch[c].smooth = o;
    }
    sky_error err = {0, ""};
    sky_compressed cm;
    int rc = sky_channels_compress(sky, NCH, ch, tol, &cm, &err);
    CHECK(rc == SKY_OK, "%s: %s", presets, err.msg);
    if (rc) {
        sky_free(sky);
        return;
    }
    CHECK(!cm.fallback, "%s: not compressed: %s", presets, cm.fallback ? cm.fallback : "");
    if (cm.fallback) {
        sky_free(sky);
        return;
    }
    CHECK(cm.worst_i <= tol && cm.worst_p <= tol, "%s: worst %g %g over %g", presets,
          cm.worst_i, cm.worst_p, tol);
    CHECK(cm.nbasis < NCH && cm.nbasis >= 1, "%s: %d basis maps", presets, cm.nbasis);
    *k_out = cm.nbasis;
    const int64_t npix = sky_npix(sky);
    double *map = malloc((size_t)(3 * npix) * sizeof *map);
    double w_hp = 0, w_car = 0;
    for (int c = 0; c < NCH; c++) {
        sky_smoothed ref, got;
        double *maps[1] = {map};
        CHECK(sky_channels_evaluate(sky, 1, &ch[c], maps, &err) == SKY_OK, "%s", err.msg);
        CHECK(sky_channel_smooth_map(sky, &ch[c], map, 1, &ref, &err) == SKY_OK, "%s", err.msg);
        CHECK(sky_compressed_channel(sky, &cm, &ch[c], c, &got, &err) == SKY_OK, "%s", err.msg);
        CHECK(got.nside == ref.nside && got.ny == ref.ny && got.nx == ref.nx, "shapes");
        const int64_t npo = 12 * (int64_t)ref.nside * ref.nside;
        w_hp = fmax(w_hp, worst(ref.hp, got.hp, npo));
        if (ref.car)
            w_car = fmax(w_car, worst(ref.car, got.car, (int64_t)ref.ny * ref.nx));
        sky_smoothed_free(&ref);
        sky_smoothed_free(&got);
    }
    printf("%s nside %d: K_I %d, K_P %d, %d pass(es), worst reconstruction %.2g; against "
           "each channel smoothed: HEALPix %.2g, CAR %.2g of the RMS\n", presets, nside,
           cm.k_i, cm.k_p, cm.passes, fmax(cm.worst_i, cm.worst_p), w_hp, w_car);
    /* 1e-5 (the bound) for the default tolerance; a loose one allows its own */
    const double allowed = fmax(1e-5, 2 * tol);
    CHECK(w_hp <= allowed, "%s: HEALPix maps %g of the RMS from each channel smoothed", presets,
          w_hp);
    CHECK(w_car <= allowed, "%s: CAR maps %g of the RMS from each channel smoothed", presets,
          w_car);
    free(map);
    sky_compressed_free(&cm);
    sky_free(sky);
}

int main(void)
{
    test_core();
    test_opts_equal();
    sky_smooth_opts o;
    sky_smooth_opts_init(&o);
    o.fwhm_rad = 120.0 / 60 * M_PI / 180;
    o.car_res_rad = 300.0 / 60 * M_PI / 180;
    int k6 = 0, k3 = 0;
    test_group("d1,s1,f1,a1,c1", 32, &o, 1e-6, &k6);
    test_group("d1,s1,f1,a1,c1", 32, &o, 1e-3, &k3);
    CHECK(k3 <= k6 && k3 > 0, "K %d at 1e-3 against %d at 1e-6", k3, k6);
    /* rotation and a lower output nside (map2alm with 3 iterations) */
    sky_smooth_opts r = o;
    r.car_res_rad = 0;
    r.rot_from = 'G', r.rot_to = 'C';
    r.nside_out = 16;
    int k = 0;
    test_group("d1,s1,f1,a1,c1", 32, &r, 1e-6, &k);
    /* nside 128: the directions from a sample of the pixels (every 6th block
     * of 1024), checked on all; a band limit that keeps the transforms cheap */
    sky_smooth_opts s = o;
    s.car_res_rad = 0;
    s.nside_out = 64;
    s.lmax = 96;
    test_group("d1,s1,f1,a1,c1", 128, &s, 1e-6, &k);
    return check_report("test_compress");
}
