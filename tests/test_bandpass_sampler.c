/*
 * test_bandpass_sampler.c - `skymodel bandpass sample`'s library side
 * against PySM 3.4.5 (references made by
 * data/make_bandpass_sampler_references.py, which runs PySM's
 * resample_bandpass): numpy's default_rng draws bit for bit, the same
 * bandpasses for the same seeds to rounding, the distribution of centroids
 * and bandwidths over 400 draws of another seed within sampling error of
 * PySM's, the checks of bad inputs, and the files written (read back as
 * bandpasses and as an instrument, all or none).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "data/pcg64_golden.h"
#include "random/pcg64.h"
#include "skymodel.h"

#define DIR "data/bandpass_sampler/"

static void pcg64_draws(void)
{
    for (size_t k = 0; k < sizeof pcg64_golden / sizeof *pcg64_golden; k++) {
        sky_pcg64 g, h;
        sky_pcg64_seed(&g, pcg64_golden[k].seed);
        sky_pcg64_seed(&h, pcg64_golden[k].seed);
        for (int i = 0; i < 4; i++) {
            const uint64_t u = sky_pcg64_next(&g);
            const double r = sky_pcg64_random(&h);
            CHECK(u == pcg64_golden[k].u64[i], "seed %llu draw %d: %llu, numpy %llu",
                  pcg64_golden[k].seed, i, (unsigned long long)u, pcg64_golden[k].u64[i]);
            CHECK(r == pcg64_golden[k].rnd[i], "seed %llu random %d: %.17g, numpy %.17g",
                  pcg64_golden[k].seed, i, r, pcg64_golden[k].rnd[i]);
        }
    }
}

typedef struct input {
    double *f, *w;
    int n;
    sky_band band;
} input;

static int read_input(input *in)
{
    sky_error err = {0};
    int rc = sky_band_read(DIR "input.txt", &in->f, &in->w, &in->n, &err);
    CHECK(rc == 0, "input.txt: %s", err.msg);
    in->band = (sky_band){in->n, in->f, in->w};
    return rc;
}

/* PySM's bandpasses of one seed and bootstrap size, k = 0, 1, 2 */
static void against_pysm(const input *in, unsigned long long seed, int boot)
{
    char path[256];
    snprintf(path, sizeof path, DIR "ref_%llu_%d.txt", seed, boot);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL, "%s missing", path);
    if (!f)
        return;
    sky_band_sample s[3];
    sky_error err = {0};
    double sigma = 0;
    int rc = sky_bandpass_sample(&in->band, 3, boot, seed, s, &sigma, &err);
    CHECK(rc == 0 && sigma > 0, "%s: %s", path, err.msg);
    if (rc) {
        fclose(f);
        return;
    }
    char line[512];
    int rows[3] = {0, 0, 0};
    double worst_f = 0, worst_w = 0, worst_m = 0;
    while (fgets(line, sizeof line, f)) {
        int k;
        double a, b;
        if (line[0] == '#') {
            if (sscanf(line, "# %d %lf %lf", &k, &a, &b) == 3 && k >= 0 && k < 3) {
                worst_m = fmax(worst_m, fabs(a - s[k].centroid) / a);
                worst_m = fmax(worst_m, fabs(b - s[k].bandwidth) / b);
            }
            continue;
        }
        if (sscanf(line, "%d %lf %lf", &k, &a, &b) != 3 || k < 0 || k > 2 || rows[k] >= boot)
            continue;
        const int i = rows[k]++;
        worst_f = fmax(worst_f, fabs(a - s[k].freq_ghz[i]) / a);
        worst_w = fmax(worst_w, fabs(b - s[k].weight[i]));
    }
    fclose(f);
    double peak = 0;
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < s[k].n; i++)
            peak = fmax(peak, s[k].weight[i]);
    CHECK(rows[0] == boot && rows[1] == boot && rows[2] == boot && s[0].n == boot,
          "%s: %d %d %d rows, %d made, expected %d", path, rows[0], rows[1], rows[2], s[0].n,
          boot);
    CHECK(worst_f <= 1e-15, "%s: frequencies differ by %.3g (relative)", path, worst_f);
    CHECK(worst_w <= 1e-12 * peak, "%s: weights differ by %.3g of the peak", path,
          worst_w / peak);
    CHECK(worst_m <= 1e-12, "%s: moments differ by %.3g (relative)", path, worst_m);
    sky_band_samples_free(s, 3);
}

/* 400 bandpasses of another seed: the mean centroid and bandwidth within 4
 * standard errors of PySM's, their spreads within 20 % */
static void distribution(const input *in)
{
    FILE *f = fopen(DIR "stats.txt", "r");
    char line[512];
    int n = 0;
    double mc = 0, sc = 0, mb = 0, sb = 0;
    while (f && fgets(line, sizeof line, f))
        if (line[0] != '#')
            sscanf(line, "%d %lf %lf %lf %lf", &n, &mc, &sc, &mb, &sb);
    if (f)
        fclose(f);
    CHECK(n == 400, "stats.txt: n %d", n);
    if (n != 400)
        return;
    sky_band_sample *s = calloc(400, sizeof *s);
    sky_error err = {0};
    int rc = sky_bandpass_sample(&in->band, 400, 128, 2026, s, NULL, &err);
    CHECK(rc == 0, "400 bandpasses: %s", err.msg);
    if (!rc) {
        double c1 = 0, c2 = 0, b1 = 0, b2 = 0;
        for (int k = 0; k < 400; k++) {
            c1 += s[k].centroid;
            b1 += s[k].bandwidth;
        }
        c1 /= 400;
        b1 /= 400;
        for (int k = 0; k < 400; k++) {
            c2 += (s[k].centroid - c1) * (s[k].centroid - c1);
            b2 += (s[k].bandwidth - b1) * (s[k].bandwidth - b1);
        }
        c2 = sqrt(c2 / 399);
        b2 = sqrt(b2 / 399);
        const double ec = sqrt((sc * sc + c2 * c2) / 400), eb = sqrt((sb * sb + b2 * b2) / 400);
        CHECK(fabs(c1 - mc) < 4 * ec, "mean centroid %.5f, PySM's %.5f (error %.5f)", c1, mc,
              ec);
        CHECK(fabs(b1 - mb) < 4 * eb, "mean bandwidth %.5f, PySM's %.5f (error %.5f)", b1, mb,
              eb);
        CHECK(fabs(c2 / sc - 1) < 0.2, "centroid spread %.5f, PySM's %.5f", c2, sc);
        CHECK(fabs(b2 / sb - 1) < 0.2, "bandwidth spread %.5f, PySM's %.5f", b2, sb);
        /* a different seed is a different draw */
        CHECK(s[0].centroid != s[1].centroid, "two bandpasses alike");
    }
    sky_band_samples_free(s, 400);
    free(s);
}

static void expect_error(const sky_band *b, int count, int boot, const char *want)
{
    sky_band_sample s[2];
    sky_error err = {0};
    int rc = sky_bandpass_sample(b, count, boot, 1, s, NULL, &err);
    CHECK(rc == SKY_EINVAL && strstr(err.msg, want) && !strchr(err.msg, '\n'),
          "expected '%s', got %d '%s'", want, rc, err.msg);
}

static void bad_inputs(const input *in)
{
    const double f1[] = {100}, w1[] = {1};
    const double f2[] = {100, 90}, w2[] = {1, 1}, wneg[] = {1, -1}, wz[] = {0, 0};
    const double f3[] = {90, 100};
    expect_error(&(sky_band){1, f1, w1}, 2, 128, "1 frequency: expected at least 2");
    expect_error(&(sky_band){2, f2, w2}, 2, 128, "strictly increasing");
    expect_error(&(sky_band){2, f3, wneg}, 2, 128, "weight -1");
    expect_error(&(sky_band){2, f3, wz}, 2, 128, "all zero");
    expect_error(&(sky_band){2, f3, NULL}, 2, 128, "no weights");
    expect_error(&in->band, 0, 128, "count 0: expected 1 to 100000");
    expect_error(&in->band, 2, 7, "bootstrap size 7: expected 8 to 10000");
    const double fhz[] = {9e10, 1e11};
    expect_error(&(sky_band){2, fhz, w2}, 2, 128, "did you give Hz?");
}

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* the files: read back as bandpasses and as an instrument; existing files
 * refused, nothing written then */
static void files(const input *in)
{
    char dir[] = "/tmp/skymodel_bpXXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    sky_band_sample s[2];
    sky_error err = {0};
    int rc = sky_bandpass_sample(&in->band, 2, 32, 5, s, NULL, &err);
    CHECK(rc == 0, "%s", err.msg);
    rc = sky_band_samples_write(dir, "pa5_f090", s, 2, "a test", 0, &err);
    CHECK(rc == 0, "write: %s", err.msg);
    char path[256];
    for (int k = 0; k < 2 && !rc; k++) {
        snprintf(path, sizeof path, "%s/pa5_f090_%d.txt", dir, k);
        double *f, *w;
        int n;
        rc = sky_band_read(path, &f, &w, &n, &err);
        CHECK(rc == 0 && n == 32, "%s: %s", path, err.msg);
        if (rc)
            break;
        int same = 1;
        for (int i = 0; i < n; i++)
            same &= f[i] == s[k].freq_ghz[i] && w[i] == s[k].weight[i];
        CHECK(same, "%s: not the bandpass made (%%.17g round trip)", path);
        free(f);
        free(w);
    }
    snprintf(path, sizeof path, "%s/instrument.json", dir);
    sky_instrument ins;
    rc = sky_instrument_read(path, &ins, &err);
    CHECK(rc == 0 && ins.nchan == 2, "%s: %s", path, err.msg);
    if (!rc) {
        CHECK(!strcmp(ins.chan[1].name, "pa5_f090_1") && ins.chan[1].nfreq == 32 &&
              ins.chan[1].freq[5] == s[1].freq_ghz[5] && ins.chan[1].weight[5] == s[1].weight[5],
              "channel 1: %s %d", ins.chan[1].name, ins.chan[1].nfreq);
        sky_instrument_free(&ins);
    }
    /* an existing file: refused before anything is written */
    char other[] = "/tmp/skymodel_bpXXXXXX";
    CHECK(mkdtemp(other) != NULL, "mkdtemp");
    snprintf(path, sizeof path, "%s/instrument.json", other);
    FILE *f = fopen(path, "w");
    if (f)
        fclose(f);
    rc = sky_band_samples_write(other, "pa5_f090", s, 2, NULL, 0, &err);
    char p0[300];
    snprintf(p0, sizeof p0, "%s/pa5_f090_0.txt", other);
    CHECK(rc == SKY_EINVAL && strstr(err.msg, "instrument.json: file exists") && !exists(p0),
          "existing instrument.json: %d '%s'", rc, err.msg);
    rc = sky_band_samples_write(other, "a/b", s, 2, NULL, 1, &err);
    CHECK(rc == SKY_EINVAL && strstr(err.msg, "bandpass name 'a/b'"), "a/b: '%s'", err.msg);
    sky_band_samples_free(s, 2);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s %s", dir, other);
    CHECK(system(cmd) == 0, "%s", cmd);
}

int main(void)
{
    pcg64_draws();
    input in;
    if (read_input(&in) == 0) {
        against_pysm(&in, 0, 128);
        against_pysm(&in, 1234, 128);
        against_pysm(&in, 1099511627779ULL, 64);
        against_pysm(&in, 7, 300);
        distribution(&in);
        bad_inputs(&in);
        files(&in);
        free(in.f);
        free(in.w);
    }
    return check_report("test_bandpass_sampler");
}
