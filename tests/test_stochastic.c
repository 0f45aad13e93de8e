/*
 * test_stochastic.c - the random presets beyond the reference maps: seeds
 * (the --seed override equals setting the preset's own seed; the same seed
 * gives the same bits, another seed another sky), d6 at its reference
 * frequencies (where PySM fails: the factor must be exactly 1), HD2017
 * (d5/d7/d8) seeds, bands and limits, and bad parameters of c1, d6 and d5.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "check.h"
#include "io/fits_map.h"
#include "skymodel.h"

static const char *dirs[3] = {NULL, "data/templates", NULL};

/* Builds `preset` at nside with an optional parameter change and seed, and
 * evaluates one band; returns the map (caller frees) or NULL with err set. */
static double *simulate(const char *preset, int nside, const char *key, const char *sval,
                        double nval, int64_t seed, int nf, const double *freqs, sky_error *err)
{
    sky_config *cfg = sky_config_new();
    sky_sky *sky = NULL;
    double *map = NULL;
    int rc = sky_config_add_preset(cfg, preset, err);
    if (!rc && key)
        rc = sval ? sky_config_set_string(cfg, 0, key, sval, err)
                  : sky_config_set_number(cfg, 0, key, nval, err);
    sky_options opt;
    sky_options_init(&opt);
    opt.nside = nside;
    opt.data_dirs = dirs;
    opt.seed = seed;
    if (!rc)
        rc = sky_create(cfg, &opt, &sky, err);
    if (!rc) {
        map = malloc((size_t)(3 * sky_npix(sky)) * sizeof *map);
        sky_band band = {nf, freqs, NULL};
        if (sky_emission(sky, &band, "uK_RJ", map, err)) {
            free(map);
            map = NULL;
        }
    }
    sky_free(sky);
    sky_config_free(cfg);
    return map;
}

static int same(const double *a, const double *b, int64_t n)
{
    return a && b && !memcmp(a, b, (size_t)n * sizeof *a);
}

static void test_seeds(void)
{
    sky_error err;
    const double f100 = 100, band[3] = {90, 100, 110};
    const int64_t n = 3 * 12 * 8 * 8;
    double *a = simulate("c1", 8, "cmb_seed", NULL, 42, SKY_SEED_PRESET, 1, &f100, &err);
    double *b = simulate("c1", 8, NULL, NULL, 0, 42, 1, &f100, &err);
    double *c = simulate("c1", 8, NULL, NULL, 0, SKY_SEED_PRESET, 1, &f100, &err);
    CHECK(same(a, b, n), "c1: --seed 42 differs from cmb_seed = 42");
    CHECK(a && c && !same(a, c, n), "c1: seed 42 gives the preset's sky");
    free(a);
    free(b);
    free(c);
#ifdef _OPENMP
    /* the realisation itself (transforms, deflection) does not depend on threads */
    const int nt = omp_get_max_threads();
    omp_set_num_threads(1);
    double *one = simulate("c1", 32, NULL, NULL, 0, SKY_SEED_PRESET, 1, &f100, &err);
    omp_set_num_threads(nt > 1 ? nt : 2);
    double *many = simulate("c1", 32, NULL, NULL, 0, SKY_SEED_PRESET, 1, &f100, &err);
    omp_set_num_threads(nt);
    CHECK(same(one, many, 3 * 12 * 32 * 32), "c1: 1 thread and several differ");
    free(one);
    free(many);
#endif
    a = simulate("d6", 8, NULL, NULL, 0, 7, 3, band, &err);
    b = simulate("d6", 8, NULL, NULL, 0, 7, 3, band, &err);
    c = simulate("d6", 8, NULL, NULL, 0, 8, 3, band, &err);
    CHECK(same(a, b, n), "d6: same seed, different maps");
    CHECK(a && c && !same(a, c, n), "d6: another seed gives the same map");
    free(a);
    free(b);
    free(c);
    /* d5: --seed is the preset's `seed`; d8 draws nothing, so no seed changes it */
    a = simulate("d5", 8, "seed", NULL, 99, SKY_SEED_PRESET, 1, &f100, &err);
    b = simulate("d5", 8, NULL, NULL, 0, 99, 1, &f100, &err);
    c = simulate("d5", 8, NULL, NULL, 0, SKY_SEED_PRESET, 1, &f100, &err);
    CHECK(same(a, b, n), "d5: --seed 99 differs from seed = 99");
    CHECK(a && c && !same(a, c, n), "d5: seed 99 gives the preset's sky");
    free(a);
    free(b);
    free(c);
    a = simulate("d8", 8, NULL, NULL, 0, 99, 1, &f100, &err);
    b = simulate("d8", 8, NULL, NULL, 0, SKY_SEED_PRESET, 1, &f100, &err);
    CHECK(a && same(a, b, n), "d8: the seed changed a sky with a fixed uval");
    free(a);
    free(b);
    a = simulate("c1", 8, NULL, NULL, 0, 4294967296LL, 1, &f100, &err);
    CHECK(!a && strstr(err.msg, "seed 4294967296: expected an integer from 0 to 4294967295"),
          "seed out of range: %s", err.msg);
    free(a);
}

/* d6 at exactly its reference frequencies is the template: factor 1. */
static void test_d6_reference(void)
{
    sky_error err;
    const double f353 = 353, f545 = 545;
    double *q = simulate("d6", 16, NULL, NULL, 0, 3, 1, &f353, &err);
    double *i = simulate("d6", 16, NULL, NULL, 0, 3, 1, &f545, &err);
    CHECK(q && i, "d6 at a reference frequency: %s", err.msg);
    sky_hmap t[3];
    char units[3][64];
    const int f0 = 0;
    const char *files[3] = {"data/templates/pysm_2/dust_t_new.fits",
                            "data/templates/pysm_2/dust_q_new.fits",
                            "data/templates/pysm_2/dust_u_new.fits"};
    for (int s = 0; s < 3; s++) {
        CHECK(sky_fits_read_map(files[s], 1, &f0, &t[s], units, &err) == SKY_OK, "%s", err.msg);
        CHECK(sky_hmap_ud_grade(&t[s], 16, &err) == SKY_OK, "%s", err.msg);
    }
    const int64_t npix = 12 * 16 * 16;
    int ok_i = 1, ok_p = 1;
    for (int64_t p = 0; q && i && p < npix; p++) {
        ok_i &= i[p] == sky_hmap_at(&t[0], p);
        /* the MBB scaling 353 -> 353 GHz is 1 to rounding; the factor exactly 1 */
        ok_p &= fabs(q[npix + p] - sky_hmap_at(&t[1], p)) <= 1e-14 * fabs(sky_hmap_at(&t[1], p)) &&
                fabs(q[2 * npix + p] - sky_hmap_at(&t[2], p)) <= 1e-14 * fabs(sky_hmap_at(&t[2], p));
    }
    CHECK(ok_i, "d6 at 545 GHz: I is not the template");
    CHECK(ok_p, "d6 at 353 GHz: Q, U are not the templates");
    for (int s = 0; s < 3; s++)
        sky_hmap_free(&t[s]);
    free(q);
    free(i);
    /* a band through a reference frequency works (PySM fails there) */
    const double band[3] = {300, 353, 400};
    double *b = simulate("d6", 8, NULL, NULL, 0, 3, 3, band, &err);
    CHECK(b != NULL, "d6 band through 353 GHz: %s", err.msg);
    free(b);
}

/* HD2017 beyond the reference maps: a very narrow band is its centre
 * frequency; below 10 GHz the SED is a power law of index 1.54 in K_RJ. */
static void test_hd2017(void)
{
    sky_error err;
    const int64_t n = 3 * 12 * 16 * 16;
    const double f = 143, pair[2] = {143 - 1e-6, 143 + 1e-6}, f5 = 5, f10 = 10;
    double *a = simulate("d7", 16, NULL, NULL, 0, SKY_SEED_PRESET, 1, &f, &err);
    double *b = simulate("d7", 16, NULL, NULL, 0, SKY_SEED_PRESET, 2, pair, &err);
    int ok = a && b;
    for (int64_t p = 0; ok && p < n; p++)
        ok = fabs(a[p] - b[p]) <= 1e-6 * fabs(a[p]);
    CHECK(ok, "d7: a band 2 kHz wide is not its centre frequency: %s", err.msg);
    free(a);
    free(b);
    a = simulate("d5", 16, NULL, NULL, 0, SKY_SEED_PRESET, 1, &f5, &err);
    b = simulate("d5", 16, NULL, NULL, 0, SKY_SEED_PRESET, 1, &f10, &err);
    const double r = pow(0.5, 1.54);
    ok = a && b;
    for (int64_t p = 0; ok && p < n; p++)
        ok = fabs(a[p] - b[p] * r) <= 1e-6 * fabs(a[p]) + 1e-30;
    CHECK(ok, "d5: 5 GHz is not 10 GHz times (1/2)^1.54");
    free(a);
    free(b);
}

static void test_bad_parameters(const char *tmp)
{
    sky_error err;
    const double f = 100;
    double *h = simulate("d5", 8, "nside_uval", NULL, 100, SKY_SEED_PRESET, 1, &f, &err);
    CHECK(!h && strstr(err.msg, "nside_uval = 100: expected a power of 2"), "%s", err.msg);
    free(h);
    double *m = simulate("d6", 8, "correlation_length", NULL, 0, 1, 1, &f, &err);
    CHECK(!m && strstr(err.msg, "correlation_length = 0: expected a positive number"), "%s",
          err.msg);
    free(m);
    /* delensing factors that stop before the spectra do */
    char path[512];
    snprintf(path, sizeof path, "%s/short_delens.txt", tmp);
    FILE *fp = fopen(path, "w");
    for (int l = 2; l < 40; l++)
        fprintf(fp, "%d 0.5\n", l);
    fclose(fp);
    sky_config *cfg = sky_config_new();
    sky_sky *sky = NULL;
    sky_options opt;
    sky_options_init(&opt);
    opt.nside = 8;
    opt.data_dirs = dirs;
    int rc = sky_config_add_preset(cfg, "c1", &err);
    if (!rc)
        rc = sky_config_set_bool(cfg, 0, "apply_delens", 1, &err);
    if (!rc)
        rc = sky_config_set_string(cfg, 0, "delensing_ells", "short_delens.txt", &err);
    CHECK(rc == SKY_OK, "%s", err.msg);
    rc = sky_create(cfg, &opt, &sky, &err);
    CHECK(rc == SKY_EFORMAT && strstr(err.msg, "short_delens.txt goes to L = 39: expected every "
                                               "multipole of the spectra"),
          "short delensing table: %s", err.msg);
    sky_free(sky);
    sky_config_free(cfg);
    unlink(path);
}

int main(void)
{
    char tmp[] = "/tmp/skymodel_stochastic_XXXXXX";
    if (!mkdtemp(tmp))
        return 1;
    dirs[0] = tmp;
    test_seeds();
    test_d6_reference();
    test_hd2017();
    test_bad_parameters(tmp);
    rmdir(tmp);
    return check_report("test_stochastic");
}
