/*
 * test_fast_sed.c - bands integrated through tabulated spectra (the fast
 * path of issue 21, spectra/sed_table.h) against every sample evaluated
 * exactly (sky_options.exact_sed), for every model that has the fast path:
 * ModifiedBlackBody with maps (d1), constants (d0), two of them (d4), its
 * realisation (d11); PowerLaw with an index map (s1, s2) and its
 * realisation (s6); CurvedPowerLaw with a constant (s3) and a map of
 * curvature; SpDust with a peak map (a1: a ratio of two lines per piece,
 * exact to rounding). Bands below, around and above the references, one holding
 * freq_ref_I exactly (PySM's no-scaling quirk), weighted ones, the 3-sample
 * threshold; each Stokes map within 1e-8 of its RMS (the issue asks 1e-7).
 * Also: the choice (sky_fast_sed: samples, nside, exact_sed), and a sky in
 * parts giving the same bits as the whole sky.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "test_sky.h"
#include "skymodel.h"

#define NSIDE 128

static sky_sky *make_sky(const char *presets, const char *toml, int exact, int part,
                         int nparts)
{
    sky_options opt;
    sky_options_init(&opt);
    opt.nside = NSIDE;
    opt.seed = 7;
    opt.exact_sed = exact;
    opt.part = part;
    opt.nparts = nparts;
    return test_sky(presets, toml, NULL, opt);
}

/* A component of `body` (its TOML section, "%s" where the path of the map
 * goes) with a map of mid + amp sin(0.37 p) at nside 32, both written into
 * dir as name.fits and name.toml: the TOML's path, or NULL. */
static const char *map_toml(const char *dir, const char *name, double mid, double amp,
                            const char *body)
{
    static char path[2][512];
    static int turn;
    char map[400];
    char *out = path[turn++ % 2];
    snprintf(map, sizeof map, "%s/%s.fits", dir, name);
    snprintf(out, sizeof path[0], "%s/%s.toml", dir, name);
    const int nside = 32;
    const int64_t npix = 12 * nside * nside;
    double *c = malloc((size_t)npix * sizeof *c);
    for (int64_t p = 0; p < npix; p++)
        c[p] = mid + amp * sin(0.37 * (double)p);
    sky_error err = {0};
    sky_map_header h = {"", "G", SKY_FLOAT64, 1, NULL, NULL};
    const int rc = sky_write_map(map, nside, 1, c, &h, &err);
    free(c);
    CHECK(rc == 0, "%s", err.msg);
    FILE *f = rc ? NULL : fopen(out, "w");
    if (!f)
        return NULL;
    fprintf(f, body, map);
    fclose(f);
    return out;
}

/* a curved power law with a curvature map from -0.08 to -0.02 (the
 * two-parameter table) */
static const char *curved_map_toml(const char *dir)
{
    return map_toml(dir, "curved", -0.052, 0.03,
                    "[curved]\nclass = \"CurvedPowerLaw\"\nmap_I = \"pysm_2/synch_t_new.fits\"\n"
                    "map_Q = \"pysm_2/synch_q_new.fits\"\nmap_U = \"pysm_2/synch_u_new.fits\"\n"
                    "unit_I = \"uK_RJ\"\nunit_Q = \"uK_RJ\"\nunit_U = \"uK_RJ\"\n"
                    "freq_ref_I = \"408 MHz\"\nfreq_ref_P = \"23 GHz\"\n"
                    "map_pl_index = \"pysm_2/synch_beta.fits\"\n"
                    "spectral_curvature = \"%s\"\nfreq_curve = \"23 GHz\"\n");
}

/* SpDust with a peak map from 8 to 60 GHz (u = 1 / peak ratio over 0.5 to
 * 3.75: more than the lattice's buckets cover, so the pieces searched one by
 * one; a1's map spans 24 to 36 GHz and takes the buckets) */
static const char *wide_peak_toml(const char *dir)
{
    return map_toml(dir, "wide_peak", 34.0, 26.0,
                    "[wide]\nclass = \"SpDust\"\nmap_I = \"pysm_2/ame_t_new.fits\"\n"
                    "unit_I = \"uK_RJ\"\nfreq_ref_I = \"22.8 GHz\"\n"
                    "emissivity = \"pysm_2/emissivity.txt\"\nfreq_peak = \"%s\"\n"
                    "freq_ref_peak = \"30 GHz\"\n");
}

typedef struct band {
    int n;
    double f[12], w[12];
    int weighted;
} band;

/* the pixel ranges compared: the north cap, the equator, the south cap */
enum { SPAN = 12288 };

static void compare(const char *name, const sky_sky *fast, const sky_sky *exact, const band *b,
                    const char *unit)
{
    sky_band sb = {b->n, b->f, b->weighted ? b->w : NULL};
    const int64_t npix = sky_npix(fast), n = 3 * SPAN;
    const int64_t firsts[3] = {0, npix / 2 - SPAN / 2, npix - SPAN};
    double *x = malloc((size_t)(3 * n) * sizeof *x), *y = malloc((size_t)(3 * n) * sizeof *y);
    sky_error err = {0};
    CHECK(sky_fast_sed(fast, &sb) && !sky_fast_sed(exact, &sb), "%s: the choice", name);
    int rc = SKY_OK;
    for (int r = 0; r < 3 && !rc; r++) {
        double *xo[1] = {x + r * SPAN}, *yo[1] = {y + r * SPAN};
        rc = sky_emission_channels_strided(fast, 1, &sb, &unit, firsts[r], SPAN, xo, n, &err);
        if (!rc)
            rc = sky_emission_channels_strided(exact, 1, &sb, &unit, firsts[r], SPAN, yo, n,
                                               &err);
    }
    CHECK(rc == 0, "%s: %s", name, err.msg);
    for (int s = 0; s < 3 && !rc; s++) {
        double rms = 0, worst = 0;
        for (int64_t p = 0; p < n; p++) {
            rms += y[s * n + p] * y[s * n + p];
            worst = fmax(worst, fabs(x[s * n + p] - y[s * n + p]));
        }
        rms = sqrt(rms / n);
        CHECK(worst <= 1e-8 * rms || (rms == 0 && worst == 0),
              "%s %.0f-%.0f GHz (%d samples) Stokes %d: %.3g of the RMS %.3g", name, b->f[0],
              b->f[b->n - 1], b->n, s, rms > 0 ? worst / rms : worst, rms);
    }
    free(x);
    free(y);
}

static band linspace(double lo, double hi, int n)
{
    band b = {n, {0}, {0}, 0};
    for (int i = 0; i < n; i++)
        b.f[i] = lo + (hi - lo) * i / (n - 1);
    return b;
}

static void against_exact(const char *presets, const char *toml)
{
    sky_sky *fast = make_sky(presets, toml, 0, 0, 1), *exact = make_sky(presets, toml, 1, 0, 1);
    const char *name = presets ? presets : toml;
    if (fast && exact) {
        band bands[] = {linspace(1.0, 3.0, 5),     linspace(18, 30, 10),
                        linspace(85, 115, 11),     linspace(130, 170, 3),
                        linspace(340, 366, 12),    linspace(535, 555, 5), /* 545 exactly */
                        linspace(800, 1000, 8),    linspace(2000, 3000, 6)};
        band w = linspace(140, 160, 7);
        w.weighted = 1;
        for (int i = 0; i < 7; i++)
            w.w[i] = 0.2 + i * (6 - i);
        const int nb = (int)(sizeof bands / sizeof *bands);
        for (int k = 0; k < nb; k++)
            compare(name, fast, exact, &bands[k], "uK_RJ");
        compare(name, fast, exact, &w, "MJy/sr");
    }
    sky_free(fast);
    sky_free(exact);
}

/* the whole sky and its parts: the same bits */
static void parts(void)
{
    sky_sky *whole = make_sky("a1,d1,s1,s3", NULL, 0, 0, 1);
    if (!whole)
        return;
    const band b = linspace(20, 40, 9);
    const sky_band sb = {b.n, b.f, NULL};
    const int64_t npix = sky_npix(whole);
    double *all = malloc((size_t)(3 * npix) * sizeof *all);
    sky_error err = {0};
    CHECK(sky_emission(whole, &sb, "uK_CMB", all, &err) == 0, "%s", err.msg);
    int same = 1;
    for (int part = 0; part < 3; part++) {
        sky_sky *p = make_sky("a1,d1,s1,s3", NULL, 0, part, 3);
        if (!p)
            continue;
        int64_t first[2], count[2];
        const int nseg = sky_part_ranges(p, first, count);
        for (int s = 0; s < nseg; s++) {
            double *v = malloc((size_t)(3 * count[s]) * sizeof *v);
            CHECK(sky_emission_range(p, &sb, "uK_CMB", first[s], count[s], v, &err) == 0, "%s",
                  err.msg);
            for (int st = 0; st < 3; st++)
                for (int64_t k = 0; k < count[s]; k++)
                    same &= v[st * count[s] + k] == all[st * npix + first[s] + k];
            free(v);
        }
        sky_free(p);
    }
    CHECK(same, "a sky in 3 parts differs from the whole sky");
    free(all);
    sky_free(whole);
}

/* a sky freed and another made (its components may get the same addresses):
 * nothing of the first is reused for the second (the block cache of the
 * modified black body knows components by number, not address) */
static void another_sky(void)
{
    const band b = linspace(20, 40, 9);
    const sky_band sb = {b.n, b.f, NULL};
    sky_sky *first = make_sky("d2", NULL, 0, 0, 1);
    if (first) { /* the cache filled with d2's blocks */
        const int64_t n = 4096;
        double *v = malloc((size_t)(3 * n) * sizeof *v);
        sky_error err = {0};
        const char *unit = "uK_RJ";
        CHECK(sky_emission_channels_strided(first, 1, &sb, &unit, 0, n, &v, n, &err) == 0,
              "%s", err.msg);
        free(v);
    }
    sky_free(first);
    sky_sky *fast = make_sky("d3", NULL, 0, 0, 1), *exact = make_sky("d3", NULL, 1, 0, 1);
    if (fast && exact)
        compare("d3 after d2", fast, exact, &b, "uK_RJ");
    sky_free(fast);
    sky_free(exact);
}

/* Many channels in one evaluation (the tables side by side, sed_lanes.h):
 * each channel's map is the bits of the channel evaluated alone, for bands
 * that share their axes (detectors of one band) and bands that do not. */
static void together(const char *presets)
{
    sky_sky *sky = make_sky(presets, NULL, 0, 0, 1);
    if (!sky)
        return;
    enum { NCH = 7, NP = 4096 };
    band b[NCH];
    for (int c = 0; c < NCH; c++) /* five detectors around 90 GHz, then 30 and 353 GHz */
        b[c] = c < 5 ? linspace(80 + 0.3 * c, 100 - 0.2 * c, 7 + c) : c == 5 ? linspace(25, 35, 6)
                                                                       : linspace(330, 370, 8);
    for (int c = 0; c < 2; c++) { /* weighted ones */
        b[c].weighted = 1;
        for (int i = 0; i < b[c].n; i++)
            b[c].w[i] = 1 + 0.1 * sin(i + c);
    }
    sky_band sb[NCH];
    const char *units[NCH];
    double *all[NCH], *one = malloc((size_t)(3 * NP) * sizeof *one);
    for (int c = 0; c < NCH; c++) {
        sb[c] = (sky_band){b[c].n, b[c].f, b[c].weighted ? b[c].w : NULL};
        units[c] = c == 3 ? "uK_CMB" : "uK_RJ";
        all[c] = malloc((size_t)(3 * NP) * sizeof *all[c]);
    }
    sky_error err = {0};
    const int64_t first = sky_npix(sky) / 3;
    CHECK(sky_emission_channels(sky, NCH, sb, units, first, NP, all, &err) == 0, "%s", err.msg);
    for (int c = 0; c < NCH; c++) {
        CHECK(sky_emission_channels(sky, 1, &sb[c], &units[c], first, NP, &one, &err) == 0, "%s",
              err.msg);
        int64_t diff = 0;
        for (int64_t k = 0; k < 3 * NP; k++)
            diff += memcmp(&one[k], &all[c][k], sizeof one[k]) != 0;
        CHECK(diff == 0, "%s: channel %d of %d: %lld values differ from the channel alone",
              presets, c, NCH, (long long)diff);
        free(all[c]);
    }
    free(one);
    sky_free(sky);
}

/* when the tables are used */
static void choice(void)
{
    sky_sky *fast = make_sky("d1", NULL, 0, 0, 1);
    if (!fast)
        return;
    const double f[3] = {90, 100, 110};
    const sky_band two = {2, f, NULL}, three = {3, f, NULL}, one = {1, f, NULL};
    CHECK(sky_fast_sed(fast, &three) && !sky_fast_sed(fast, &two) && !sky_fast_sed(fast, &one),
          "3 samples and more: tables");
    char names[64];
    CHECK(sky_fast_sed_components(fast, names, sizeof names) == 1 && !strcmp(names, "d1"),
          "components: '%s'", names);
    sky_free(fast);
    sky_sky *small = test_sky_part("d1", 64, 0, 1); /* below SKY_FAST_SED_MIN_NSIDE */
    CHECK(small && !sky_fast_sed(small, &three), "nside 64: exact");
    sky_free(small);
    /* the polarised spinning dust and the CMB have none; a free-free
     * constant index has one scaling per band */
    sky_sky *other = make_sky("f1,a2,c1", NULL, 0, 0, 1);
    CHECK(other && sky_fast_sed_components(other, names, sizeof names) == 1 && !strcmp(names, "f1"),
          "f1,a2,c1: '%s'", names);
    sky_free(other);
}

int main(void)
{
    against_exact("d1", NULL);
    against_exact("d0", NULL);
    against_exact("d4", NULL);
    against_exact("s1", NULL);
    against_exact("s2", NULL);
    against_exact("s3", NULL);
    against_exact("a1", NULL);
    against_exact("f1", NULL);
    against_exact(NULL, "data/realization/d11.toml");
    against_exact(NULL, "data/realization/s6.toml");
    char dir[] = "/tmp/skymodel_fast_sedXXXXXX";
    const char *curved = mkdtemp(dir) ? curved_map_toml(dir) : NULL;
    CHECK(curved != NULL, "cannot write the curved power law's configuration");
    if (curved)
        against_exact(NULL, curved);
    const char *wide = curved ? wide_peak_toml(dir) : NULL;
    CHECK(wide != NULL, "cannot write the wide SpDust's configuration");
    if (wide)
        against_exact(NULL, wide);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0, "%s", cmd);
    parts();
    together("d1");
    together("d4");
    together("s1");
    together("s3");
    together("a1,d1,s1,f1");
    another_sky();
    choice();
    return check_report("test_fast_sed");
}
