/*
 * test_synth_extragalactic.c - the synthetic templates of the extragalactic
 * presets (c3, c4, tsz1-tsz4, ksz1-ksz3, co1-co3): every file at PySM's
 * path with its columns, units and nside; values finite and in the ranges
 * the models expect (y > 0, g in [0, 1], psi in (-pi/2, pi/2], the
 * high-latitude clouds zero at |b| < 20 deg, CO in the plane); the same seed
 * gives the same bytes and another seed different ones; each preset's --set
 * writes only its files; --real-nside gives each file PySM's nside; bad
 * --set names and option mixes are refused with one line.
 *
 * Usage: test_synth_extragalactic SKYMODEL
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chealpix.h>

#include "check.h"
#include "run_cli.h"
#include "io/fits_map.h"
#include "templates/synth.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static const char *bin;
static char errfile[512];

/* kinds of file, for the range checks */
enum { CMB, KSZ, TSZ, LINES, PSI, DEP, HGL };

static const struct {
    const char *path;
    int ncols, kind, real_nside;
    const char *unit;
} files[] = {
    {"websky/0.4/cmb/map_I_lensed_alm_seed1_nside512.fits", 1, CMB, 512, "uK_CMB"},
    {"websky/0.4/cmb/map_Q_lensed_alm_seed1_nside512.fits", 1, CMB, 512, "uK_CMB"},
    {"websky/0.4/cmb/map_U_lensed_alm_seed1_nside512.fits", 1, CMB, 512, "uK_CMB"},
    {"websky/0.4/cmb/map_I_lensed_alm_seed1_nside4096.fits", 1, CMB, 4096, "uK_CMB"},
    {"websky/0.4/cmb/map_Q_lensed_alm_seed1_nside4096.fits", 1, CMB, 4096, "uK_CMB"},
    {"websky/0.4/cmb/map_U_lensed_alm_seed1_nside4096.fits", 1, CMB, 4096, "uK_CMB"},
    {"websky/0.4/cmb/map_I_unlensed_alm_seed1_nside512.fits", 1, CMB, 512, "uK_CMB"},
    {"websky/0.4/cmb/map_Q_unlensed_alm_seed1_nside512.fits", 1, CMB, 512, "uK_CMB"},
    {"websky/0.4/cmb/map_U_unlensed_alm_seed1_nside512.fits", 1, CMB, 512, "uK_CMB"},
    {"websky/0.4/cmb/map_I_unlensed_alm_seed1_nside4096.fits", 1, CMB, 4096, "uK_CMB"},
    {"websky/0.4/cmb/map_Q_unlensed_alm_seed1_nside4096.fits", 1, CMB, 4096, "uK_CMB"},
    {"websky/0.4/cmb/map_U_unlensed_alm_seed1_nside4096.fits", 1, CMB, 4096, "uK_CMB"},
    {"websky/0.4/ksz.fits", 1, KSZ, 4096, "uK_CMB"},
    {"websky/0.4/tsz_8192_hp.fits", 1, TSZ, 8192, ""},
    {"agora/agora_ukszNG_bahamas80_bnd_unb_1.0e+12_1.0e+18.fits", 1, KSZ, 8192, "uK_CMB"},
    {"agora/agora_utszNG_bahamas80_bnd_unb_1.0e+12_1.0e+18.fits", 1, TSZ, 8192, ""},
    {"agora/agora_lkszNG_bahamas80_bnd_unb_1.0e+12_1.0e+18_lensed.fits", 1, KSZ, 8192, "uK_CMB"},
    {"agora/agora_ltszNG_bahamas80_bnd_unb_1.0e+12_1.0e+18_lensed.fits", 1, TSZ, 8192, ""},
    {"halfdome/0.1/tsz/y_b16_halo_res1_s100.fits", 1, TSZ, 8192, ""},
    {"co/HFI_CompMap_CO-Type1_512_R2.00_ring.fits", 3, LINES, 512, "K_CMB"},
    {"co/HFI_CompMap_CO-Type1_2048_R2.00_ring.fits", 3, LINES, 2048, "K_CMB"},
    {"co/psimap_dust90_512.fits", 1, PSI, 512, "rad"},
    {"co/psimap_dust90_2048.fits", 1, PSI, 2048, "rad"},
    {"co/gmap_dust90_512.fits", 1, DEP, 512, ""},
    {"co/gmap_dust90_2048.fits", 1, DEP, 2048, ""},
    {"co/mcmoleCO_HGL_512.fits", 3, HGL, 512, "K_CMB"},
    {"co/mcmoleCO_HGL_2048.fits", 3, HGL, 2048, "K_CMB"},
};
#define NFILES ((int)(sizeof files / sizeof *files))

/* ---------------------------------------------------------------------- */

static char *slurp(const char *path, long *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    *len = ftell(f);
    rewind(f);
    char *b = malloc(*len > 0 ? *len : 1);
    if (fread(b, 1, *len, f) != (size_t)*len)
        *len = -1;
    fclose(f);
    return b;
}

static int same_bytes(const char *a, const char *b)
{
    long la = -1, lb = -2;
    char *x = slurp(a, &la), *y = slurp(b, &lb);
    int same = x && y && la == lb && !memcmp(x, y, la);
    free(x);
    free(y);
    return same;
}

/* the number of regular files under dir, recursively */
static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p, &st) == 0)
            n += S_ISDIR(st.st_mode) ? count_files(p) : 1;
    }
    if (d)
        closedir(d);
    return n;
}

static int run(const char *const *args)
{
    return run_cli(bin, errfile, NULL, args);
}

/* exit 2 with `needle` in a one-line message, and no file written in dir */
static void expect_bad(const char *what, const char *needle, const char *dir,
                       const char *const *args)
{
    int code = run(args);
    long len = 0;
    char *msg = slurp(errfile, &len);
    const int one_line = msg && len > 0 && msg[len - 1] == '\n' &&
                         memchr(msg, '\n', (size_t)len - 1) == NULL;
    if (msg && len > 0)
        msg[len - 1] = '\0';
    CHECK(code == 2, "%s: exit status %d, expected 2", what, code);
    CHECK(msg && strstr(msg, needle), "%s: message '%s' lacks '%s'", what, msg ? msg : "",
          needle);
    CHECK(one_line, "%s: not exactly one line: '%s'", what, msg ? msg : "");
    CHECK(count_files(dir) == 0, "%s: files written", what);
    free(msg);
}

/* ---------------------------------------------------------------------- */

typedef struct stats {
    double min, max, mean, rms;
    int finite;
} stats;

static stats stats_of(const float *v, int64_t n)
{
    stats s = {INFINITY, -INFINITY, 0, 0, 1};
    double s1 = 0, s2 = 0;
    for (int64_t p = 0; p < n; p++) {
        s.finite &= isfinite(v[p]);
        s.min = fmin(s.min, v[p]);
        s.max = fmax(s.max, v[p]);
        s1 += v[p];
        s2 += (double)v[p] * v[p];
    }
    s.mean = s1 / n;
    s.rms = sqrt(fmax(s2 / n - s.mean * s.mean, 0));
    return s;
}

/* mean of v over the pixels with sinb_lo <= |sin b| < sinb_hi */
static double band_mean(const float *v, int nside, double sinb_lo, double sinb_hi)
{
    double s = 0;
    int64_t n = 0;
    for (int64_t p = 0; p < 12 * (int64_t)nside * nside; p++) {
        double th, ph;
        pix2ang_ring64(nside, p, &th, &ph);
        const double sb = fabs(cos(th));
        if (sb >= sinb_lo && sb < sinb_hi) {
            s += v[p];
            n++;
        }
    }
    return n ? s / n : NAN;
}

static void check_file(const char *dir, int i, int nside)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, files[i].path);
    const char *name = files[i].path;
    int fields[3] = {0, 1, 2};
    sky_hmap m[3];
    char units[3][64];
    sky_error err;
    int rc = sky_fits_read_map(path, files[i].ncols, fields, m, units, &err);
    CHECK(rc == SKY_OK, "%s: %s", name, err.msg);
    if (rc)
        return;
    CHECK(m[0].nside == nside && m[0].f, "%s: nside %d (expected %d), float32", name, m[0].nside,
          nside);
    for (int k = 0; k < files[i].ncols; k++)
        CHECK(!strcmp(units[k], files[i].unit), "%s: column %d unit '%s', expected '%s'", name,
              k, units[k], files[i].unit);
    stats s[3];
    for (int k = 0; k < files[i].ncols; k++) {
        s[k] = stats_of(m[k].f, m[k].npix);
        CHECK(s[k].finite, "%s: non-finite values", name);
    }
    switch (files[i].kind) {
    case CMB:
        CHECK(s[0].rms > 0.1 && s[0].max < 1000 && s[0].min > -1000, "%s: rms %g, range %g %g",
              name, s[0].rms, s[0].min, s[0].max);
        break;
    case KSZ:
        CHECK(fabs(s[0].mean) < 0.3 && s[0].rms > 0.5 && s[0].rms < 10,
              "%s: mean %g, rms %g uK: expected ~0 and a few uK", name, s[0].mean, s[0].rms);
        break;
    case TSZ:
        CHECK(s[0].min > 0 && s[0].max <= 1.0001e-4 && s[0].max > 1e-6,
              "%s: y in [%g, %g], expected positive, clusters up to 1e-4", name, s[0].min,
              s[0].max);
        CHECK(s[0].mean > 5e-8 && s[0].mean < 1e-6, "%s: mean y %g", name, s[0].mean);
        break;
    case LINES: {
        CHECK(s[0].min > 0 && s[1].min > 0 && s[2].min > 0, "%s: values <= 0", name);
        CHECK(s[0].max > 1 && s[0].max < 200, "%s: CO 1-0 up to %g K_CMB", name, s[0].max);
        const double r21 = s[1].mean / s[0].mean, r32 = s[2].mean / s[0].mean;
        CHECK(r21 > 0.4 && r21 < 0.6 && r32 > 0.2 && r32 < 0.4, "%s: line ratios %g %g", name,
              r21, r32);
        const double in = band_mean(m[0].f, nside, 0, 0.05);
        const double out = band_mean(m[0].f, nside, 0.5, 1.1);
        CHECK(in > 100 * out, "%s: plane mean %g, high latitude %g", name, in, out);
        break;
    }
    case PSI:
        CHECK(s[0].min >= (float)(-M_PI / 2) && s[0].max <= (float)(M_PI / 2) &&
                  s[0].rms > 0.1,
              "%s: psi in [%g, %g], expected (-pi/2, pi/2]", name, s[0].min, s[0].max);
        break;
    case DEP:
        CHECK(s[0].min >= 0 && s[0].max <= 1, "%s: g in [%g, %g]", name, s[0].min, s[0].max);
        CHECK(band_mean(m[0].f, nside, 0, 0.05) < band_mean(m[0].f, nside, 0.5, 1.1),
              "%s: g not lower in the plane", name);
        break;
    case HGL: {
        int zero_low = 1, nonneg = 1, some = 0;
        for (int k = 0; k < 3; k++)
            for (int64_t p = 0; p < m[k].npix; p++) {
                double th, ph;
                pix2ang_ring64(nside, p, &th, &ph);
                if (fabs(cos(th)) < sin(20 * M_PI / 180))
                    zero_low &= m[k].f[p] == 0;
                nonneg &= m[k].f[p] >= 0;
                some |= m[k].f[p] > 0;
            }
        CHECK(zero_low && nonneg && some, "%s: zero at |b| < 20 deg %d, >= 0 %d, clouds %d",
              name, zero_low, nonneg, some);
        break;
    }
    }
    for (int k = 0; k < files[i].ncols; k++)
        sky_hmap_free(&m[k]);
}

/* ---------------------------------------------------------------------- */

typedef struct listing {
    int n;
    char line[64][256];
} listing;

static void collect(void *ctx, const char *line)
{
    listing *l = ctx;
    if (l->n < 64)
        snprintf(l->line[l->n++], 256, "%s", line);
}

static int index_of(const char *path)
{
    for (int i = 0; i < NFILES; i++)
        if (!strcmp(files[i].path, path))
            return i;
    return -1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_synth_extragalactic SKYMODEL\n");
        return 2;
    }
    bin = argv[1];
    char dir[] = "/tmp/skymodel_xgal_XXXXXX", other[] = "/tmp/skymodel_xgal_XXXXXX";
    CHECK(mkdtemp(dir) && mkdtemp(other), "mkdtemp");
    snprintf(errfile, sizeof errfile, "%s.err", dir);
    sky_error err;
    const int nside = 32;
    listing wrote = {0};
    CHECK(sky_synth_templates(dir, nside, 7, 0, SKY_SYNTH_EXTRAGALACTIC, collect, &wrote, &err) ==
              SKY_OK,
          "%s", err.msg);
    CHECK(wrote.n == NFILES && count_files(dir) == NFILES, "%d files logged, %d written, "
          "expected %d", wrote.n, count_files(dir), NFILES);
    for (int i = 0; i < NFILES; i++)
        check_file(dir, i, nside);

    /* the nside512- and nside4096-named files are the same sky; lensed maps
     * differ slightly from the unlensed ones */
    char a[1024], b[1024];
    snprintf(a, sizeof a, "%s/%s", dir, files[0].path);
    snprintf(b, sizeof b, "%s/%s", dir, files[3].path);
    CHECK(same_bytes(a, b), "nside512 and nside4096 lensed I differ at the same nside");
    {
        int f[1] = {0};
        sky_hmap lm, um;
        char u[1][64];
        snprintf(b, sizeof b, "%s/%s", dir, files[6].path);
        if (sky_fits_read_map(a, 1, f, &lm, u, &err) == SKY_OK &&
            sky_fits_read_map(b, 1, f, &um, u, &err) == SKY_OK) {
            double d2 = 0, u2 = 0;
            for (int64_t p = 0; p < lm.npix; p++) {
                d2 += (double)(lm.f[p] - um.f[p]) * (lm.f[p] - um.f[p]);
                u2 += (double)um.f[p] * um.f[p];
            }
            const double r = sqrt(d2 / u2);
            CHECK(r > 0.005 && r < 0.2, "lensed - unlensed: %g of the rms", r);
            sky_hmap_free(&lm);
            sky_hmap_free(&um);
        } else {
            CHECK(0, "%s", err.msg);
        }
    }

    /* determinism: same seed, same bytes; another seed, other bytes */
    CHECK(sky_synth_templates(other, nside, 7, 0, SKY_SYNTH_EXTRAGALACTIC, NULL, NULL, &err) ==
              SKY_OK,
          "%s", err.msg);
    for (int i = 0; i < NFILES; i++) {
        snprintf(a, sizeof a, "%s/%s", dir, files[i].path);
        snprintf(b, sizeof b, "%s/%s", other, files[i].path);
        CHECK(same_bytes(a, b), "%s: same seed, different bytes", files[i].path);
    }
    CHECK(sky_synth_templates(other, nside, 8, 1, SKY_SYNTH_EXTRAGALACTIC, NULL, NULL, &err) ==
              SKY_OK,
          "%s", err.msg);
    for (int i = 0; i < NFILES; i++) {
        snprintf(a, sizeof a, "%s/%s", dir, files[i].path);
        snprintf(b, sizeof b, "%s/%s", other, files[i].path);
        CHECK(!same_bytes(a, b), "%s: another seed, same bytes", files[i].path);
    }

    /* --real-nside: each file at PySM's nside (listed: the real SZ maps are
     * 3.2 GB) */
    listing l = {0};
    CHECK(sky_synth_templates(other, SKY_SYNTH_REAL_NSIDE, 1, 0,
                              SKY_SYNTH_EXTRAGALACTIC | SKY_SYNTH_LIST, collect, &l, &err) ==
              SKY_OK,
          "%s", err.msg);
    CHECK(l.n == NFILES, "listed %d files, expected %d", l.n, NFILES);
    for (int k = 0; k < l.n; k++) {
        char path[256];
        int n = 0;
        const int got = sscanf(l.line[k], "%255s %d", path, &n);
        const int i = got == 2 ? index_of(path) : -1;
        CHECK(i >= 0 && n == files[i].real_nside, "listed '%s': expected nside %d", l.line[k],
              i >= 0 ? files[i].real_nside : -1);
    }
    CHECK(sky_synth_templates(other, SKY_SYNTH_REAL_NSIDE, 1, 0, SKY_SYNTH_PYSM2, NULL, NULL,
                              &err) == SKY_EINVAL &&
              strstr(err.msg, "only for the extragalactic sets"),
          "real nside with pysm2: %s", err.msg);

    /* the command: one preset's files only, written at PySM's nside with
     * --real-nside (co2's 512 files; its 2048 line map is in the way, so the
     * run stops there with "file exists" before writing 200 MB maps) */
    static const struct {
        const char *set;
        int nfiles;
    } sets[] = {{"c3", 6},   {"c4", 6},   {"ksz1", 1},     {"tsz1", 1}, {"ksz2", 1},
                {"ksz3", 1}, {"tsz2", 1}, {"tsz3", 1},     {"tsz4", 1}, {"co1", 2},
                {"co2", 6},  {"co3", 8},  {"websky", 14}, {"agora", 4}, {"halfdome", 1},
                {"co", 8},   {"extragalactic", NFILES}};
    char sub[256], cmd[1024];
    for (size_t k = 0; k < sizeof sets / sizeof *sets; k++) {
        snprintf(sub, sizeof sub, "%s/set_%s", other, sets[k].set);
        const int code = run((const char *[]){"templates", "--nside", "2", "--set", sets[k].set,
                                              sub, NULL});
        CHECK(code == 0 && count_files(sub) == sets[k].nfiles, "--set %s: exit %d, %d files, "
              "expected %d", sets[k].set, code, count_files(sub), sets[k].nfiles);
    }
    snprintf(sub, sizeof sub, "%s/set_tsz2", other);
    snprintf(a, sizeof a, "%s/agora/agora_utszNG_bahamas80_bnd_unb_1.0e+12_1.0e+18.fits", sub);
    CHECK(access(a, F_OK) == 0, "--set tsz2 wrote no %s", a);

    snprintf(sub, sizeof sub, "%s/real", other);
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s/co' && : > '%s/co/HFI_CompMap_CO-Type1_2048_R2.00_ring.fits'", sub,
             sub);
    CHECK(system(cmd) == 0, "%s", cmd);
    int code = run((const char *[]){"templates", "--real-nside", "--set", "co2", sub, NULL});
    CHECK(code == 2, "--real-nside --set co2 over an existing file: exit %d", code);
    for (int i = 0; i < NFILES; i++)
        if (files[i].real_nside == 512 && (files[i].kind == LINES || files[i].kind == PSI ||
                                           files[i].kind == DEP))
            check_file(sub, i, 512);

    /* bad input: one line, exit 2, nothing written */
    char empty[256];
    snprintf(empty, sizeof empty, "%s/empty", other);
    mkdir(empty, 0755);
    expect_bad("bad set", "--set 'tsz5': expected all, pysm2, hires, extragalactic, websky, "
               "agora, halfdome, co, grids or a preset (d9-d12, s4-s7, c3, c4, tsz1-tsz4, "
               "ksz1-ksz3, co1-co3, cib1, rg1, rg2, rg3)", empty,
               (const char *[]){"templates", "--nside", "2", "--set", "co,tsz5", empty, NULL});
    expect_bad("real with pysm2", "--real-nside with --set 'co,pysm2': expected only "
               "extragalactic sets", empty,
               (const char *[]){"templates", "--real-nside", "--set", "co,pysm2", empty, NULL});
    expect_bad("real by default", "--real-nside with --set 'all'", empty,
               (const char *[]){"templates", "--real-nside", empty, NULL});
    expect_bad("real and nside", "--nside and --real-nside: expected one of them", empty,
               (const char *[]){"templates", "--real-nside", "--nside", "8", "--set", "co",
                                empty, NULL});
    expect_bad("no nside", "--nside is required (or --real-nside)", empty,
               (const char *[]){"templates", "--set", "co", empty, NULL});

    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s' '%s'", dir, other, errfile);
    CHECK(system(cmd) == 0, "cleanup");
    return check_report("test_synth_extragalactic");
}
