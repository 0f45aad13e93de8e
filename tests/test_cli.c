/*
 * test_cli.c - the `skymodel` program's contract for bad input: each case
 * must exit with status 2, print a one-line message naming what is wrong, and
 * leave no output file. Also: NEST-ordered templates are converted, --force,
 * --help and --version.
 *
 * usage: test_cli SKYMODEL_BINARY TEMPLATE_DIR
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <fcntl.h>
#include <fitsio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "run_cli.h"
#include "models/model.h"
#include "healpix/healpix.h"
#include "io/fits_map.h"

static const char *bin, *tmpl;
static char tmp[256], out[512], errfile[512];

/* Runs the binary with the NULL-terminated args; returns its exit status and
 * leaves stderr in `errfile` and stdout in `outpath` (NULL: discarded). */
static int run_to(const char *const *args, const char *outpath)
{
    return run_cli(bin, errfile, outpath, args);
}

static int run(const char *const *args)
{
    return run_to(args, NULL);
}

/* The whole of a file (empty if it cannot be read), in a buffer that grows
 * as needed and is reused by the next call. */
static char *read_file(const char *path)
{
    static char *buf;
    static size_t cap;
    size_t n = 0;
    FILE *f = fopen(path, "r");
    for (;;) {
        if (cap - n < 4096) {
            size_t ncap = cap ? 2 * cap : 16384;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                fprintf(stderr, "test_cli: out of memory reading %s\n", path);
                exit(1);
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = f ? fread(buf + n, 1, cap - n - 1, f) : 0;
        n += got;
        if (!got)
            break;
    }
    buf[n] = '\0';
    if (f)
        fclose(f);
    return buf;
}

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* Expects exit 2, `needle` in a one-line message, and no output file. */
static void expect_bad(const char *what, const char *needle, const char *const *args)
{
    unlink(out);
    int code = run(args);
    const char *msg = read_file(errfile);
    CHECK(code == 2, "%s: exit status %d, expected 2 (stderr: %s)", what, code, msg);
    CHECK(strstr(msg, needle) != NULL, "%s: message '%s' lacks '%s'", what, msg, needle);
    CHECK(strncmp(msg, "skymodel: ", 10) == 0, "%s: message not prefixed", what);
    const char *nl = strchr(msg, '\n');
    CHECK(nl && nl[1] == '\0', "%s: message is not exactly one line: %s", what, msg);
    CHECK(!exists(out), "%s: output file left behind", what);
    DIR *d = opendir(tmp);
    for (struct dirent *e; d && (e = readdir(d));)
        CHECK(strncmp(e->d_name, "out.fits.tmp.", 13) != 0, "%s: temporary %s left behind", what,
              e->d_name);
    if (d)
        closedir(d);
}

static void copy(const char *from, const char *to, long limit)
{
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    char buf[65536];
    size_t n;
    long total = 0;
    while (a && b && (n = fread(buf, 1, sizeof buf, a)) > 0 && (limit < 0 || total < limit)) {
        if (limit >= 0 && total + (long)n > limit)
            n = (size_t)(limit - total);
        fwrite(buf, 1, n, b);
        total += (long)n;
    }
    if (a)
        fclose(a);
    if (b)
        fclose(b);
}

/* 1 when the IQU maps in files a and b hold the same values, bit for bit. */
static int same_maps(const char *a, const char *b)
{
    sky_hmap ma[3], mb[3];
    char ua[3][64], ub[3][64];
    const int f3[3] = {0, 1, 2};
    sky_error e;
    if (sky_fits_read_map(a, 3, f3, ma, ua, &e) != SKY_OK)
        return 0;
    if (sky_fits_read_map(b, 3, f3, mb, ub, &e) != SKY_OK) {
        for (int c = 0; c < 3; c++)
            sky_hmap_free(&ma[c]);
        return 0;
    }
    int same = 1;
    for (int c = 0; c < 3; c++) {
        same &= ma[c].npix == mb[c].npix && !strcmp(ua[c], ub[c]);
        for (int64_t q = 0; same && q < ma[c].npix; q++)
            same &= sky_hmap_at(&ma[c], q) == sky_hmap_at(&mb[c], q);
        sky_hmap_free(&ma[c]);
        sky_hmap_free(&mb[c]);
    }
    return same;
}

/* A data folder holding only `name`, made by `make`. */
static const char *data_dir(const char *tag)
{
    static char d[512];
    snprintf(d, sizeof d, "%s/%s", tmp, tag);
    mkdir(d, 0755);
    char p[600];
    snprintf(p, sizeof p, "%s/pysm_2", d);
    mkdir(p, 0755);
    return d;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* skymodel sim --instrument: each channel's map equals the single-band run
 * with the same options, bit for bit; bad instrument files exit 2 with no
 * output. */
static void test_instrument(void)
{
    char inst[600], dir[600], path[700], single[700], bp[600];
    snprintf(inst, sizeof inst, "%s/inst.json", tmp);
    snprintf(dir, sizeof dir, "%s/inst_out", tmp);
    snprintf(bp, sizeof bp, "%s/bp.txt", tmp);
    write_text(bp, "# GHz weight\n200 0.5\n220 1\n240 1\n260 0.25\n");
    write_text(inst,
               "{\"sky\": [\"d1\", \"s1\", \"a2\"], \"output_unit\": \"uK_CMB\",\n"
               " \"description\": \"three channels\",\n"
               " \"channels\": [\n"
               "  {\"name\": \"lo\", \"center_GHz\": 30, \"band_low_GHz\": 25.0,\n"
               "   \"band_high_GHz\": 35.0, \"npoints\": 4, \"fwhm_arcmin\": 120.0},\n"
               "  {\"name\": \"mid\", \"freqs_ghz\": [90, 100, 110], \"weights\": [1, 2, 1],\n"
               "   \"unit\": \"MJy/sr\"},\n"
               "  {\"name\": \"hi\", \"bandpass_file\": \"bp.txt\", \"fwhm_arcmin\": 90}]}\n");
    int code = run((const char *[]){"sim", "-q", "--instrument", inst, "--nside", "16",
                                    "--data-dir", tmpl, "--lsq-maxiter", "3", "--dtype",
                                    "float64", "-o", dir, NULL});
    CHECK(code == 0, "--instrument: %d %s", code, read_file(errfile));
    const struct {
        const char *name;
        const char *args[8];
    } singles[3] = {
        {"lo", {"--freqs", "25,28.333333333333332,31.666666666666668,35", "--fwhm", "120",
                "--unit", "uK_CMB", NULL}},
        {"mid", {"--freqs", "90,100,110", "--weights", "1,2,1", "--unit", "MJy/sr", NULL}},
        {"hi", {"--bandpass", bp, "--fwhm", "90", "--unit", "uK_CMB", NULL}},
    };
    for (int c = 0; c < 3; c++) {
        const char *args[32] = {"sim", "-q", "--preset", "d1,s1,a2", "--nside", "16",
                                "--data-dir", tmpl, "--lsq-maxiter", "3", "-o", single,
                                "--force", "--dtype", "float64"};
        int n = 15;
        for (int k = 0; singles[c].args[k]; k++)
            args[n++] = singles[c].args[k];
        args[n] = NULL;
        snprintf(single, sizeof single, "%s/single_%s.fits", tmp, singles[c].name);
        snprintf(path, sizeof path, "%s/%s.fits", dir, singles[c].name);
        code = run(args);
        CHECK(code == 0, "single %s: %s", singles[c].name, read_file(errfile));
        CHECK(same_maps(path, single), "channel %s differs from its single-band run",
              singles[c].name);
        unlink(single);
    }
    /* again: the outputs exist */
    code = run((const char *[]){"sim", "-q", "--instrument", inst, "--nside", "16",
                                "--data-dir", tmpl, "-o", dir, NULL});
    CHECK(code == 2 && strstr(read_file(errfile), "lo.fits: file exists: use --force"),
          "instrument outputs exist: %d %s", code, read_file(errfile));

    static const struct {
        const char *tag, *json, *needle;
    } bad[] = {
        {"syntax", "{\"channels\": [\n  {\"name\": \"a\",, }]}",
         "line 2 column"},
        {"unknown key", "{\"sky\": [\"d1\"], \"chanels\": []}", "unknown key 'chanels'"},
        {"no channels", "{\"sky\": [\"d1\"], \"channels\": []}",
         "channels: expected a non-empty list"},
        {"no name", "{\"sky\": [\"d1\"], \"channels\": [{\"freqs_ghz\": [100]}]}",
         "channels[0]: missing \"name\""},
        {"same name",
         "{\"sky\": [\"d1\"], \"channels\": [{\"name\": \"a\", \"freqs_ghz\": [100]},"
         " {\"name\": \"a\", \"freqs_ghz\": [90]}]}",
         "channels[1].name 'a': already the name of channels[0]"},
        {"slash", "{\"sky\": [\"d1\"], \"channels\": [{\"name\": \"a/b\", \"freqs_ghz\": [1]}]}",
         "expected a file name"},
        {"two bands",
         "{\"sky\": [\"d1\"], \"channels\": [{\"name\": \"a\", \"freqs_ghz\": [100],"
         " \"bandpass_file\": \"x\"}]}",
         "expected exactly one of"},
        {"npoints",
         "{\"sky\": [\"d1\"], \"channels\": [{\"name\": \"a\", \"band_low_GHz\": 1,"
         " \"band_high_GHz\": 2, \"npoints\": 0}]}",
         "channels[0].npoints: expected an integer from 1 to 100000"},
        {"decreasing", "{\"sky\": [\"d1\"], \"channels\": [{\"name\": \"a\", \"freqs_ghz\": [2, 1]}]}",
         "channels[0]: "},
        {"fwhm", "{\"sky\": [\"d1\"], \"channels\": [{\"name\": \"a\", \"freqs_ghz\": [1],"
         " \"fwhm_arcmin\": -1}]}",
         "channels[0].fwhm_arcmin: expected a number >= 0"},
        {"unit", "{\"sky\": [\"d1\"], \"channels\": [{\"name\": \"a\", \"freqs_ghz\": [1],"
         " \"unit\": \"furlong\"}]}",
         "channels[0].unit: "},
        {"no sky", "{\"channels\": [{\"name\": \"a\", \"freqs_ghz\": [100]}]}",
         "has no \"sky\": give --preset"},
        {"bandpass", "{\"sky\": [\"d1\"], \"channels\": [{\"name\": \"a\", \"bandpass_file\":"
         " \"missing.txt\"}]}",
         "missing.txt"},
    };
    snprintf(dir, sizeof dir, "%s/inst_bad", tmp);
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        write_text(inst, bad[k].json);
        code = run((const char *[]){"sim", "-q", "--instrument", inst, "--nside", "8",
                                    "--data-dir", tmpl, "-o", dir, NULL});
        const char *msg = read_file(errfile);
        CHECK(code == 2 && strstr(msg, bad[k].needle) && strstr(msg, "inst.json"),
              "instrument %s: exit %d, message '%s' lacks '%s'", bad[k].tag, code, msg,
              bad[k].needle);
        CHECK(!exists(dir), "instrument %s: output folder made", bad[k].tag);
    }
    write_text(inst, "{\"sky\": [\"d1\"], \"channels\": [{\"name\": \"a\", \"freqs_ghz\": [100]}]}");
    code = run((const char *[]){"sim", "-q", "--instrument", inst, "--nside", "8", "--data-dir",
                                tmpl, "-o", dir, "--freq", "100", NULL});
    CHECK(code == 2 && strstr(read_file(errfile), "--freq cannot be used with --instrument"),
          "instrument --freq: %d %s", code, read_file(errfile));
    code = run((const char *[]){"sim", "-q", "--instrument", inst, "--nside", "8", "--data-dir",
                                tmpl, "-o", inst, NULL});
    CHECK(code == 2 && strstr(read_file(errfile), "exists and is not a folder"),
          "instrument -o file: %d %s", code, read_file(errfile));
    /* a missing template fails the run before any map is written */
    code = run((const char *[]){"sim", "-q", "--instrument", inst, "--nside", "8", "--data-dir",
                                tmp, "--offline", "--preset", "d1", "-o", dir, NULL});
    snprintf(path, sizeof path, "%s/a.fits", dir);
    CHECK(code == 2 && !exists(path) && !exists(dir), "instrument, missing template: %d %s",
          code, read_file(errfile));
}

/* skymodel info: every preset listed with its files found; one preset's
 * parameters as configured and where each file is; missing files said;
 * an unknown preset refused. */
static void test_info(void)
{
    char listing[512];
    snprintf(listing, sizeof listing, "%s/info.txt", tmp);
    const char *all[] = {"info", "-d", tmpl, NULL};
    CHECK(run_to(all, listing) == 0, "info: %s", read_file(errfile));
    const char *text = read_file(listing);
    for (int i = 0; i < sky_preset_count(); i++) {
        char line[64];
        snprintf(line, sizeof line, "\n%-6s ", sky_preset_name(i));
        CHECK(strstr(text, line) != NULL, "info lacks preset %s", sky_preset_name(i));
    }
    /* every model family with its summary, whether a preset uses it or not */
    for (int i = 0; i < sky_model_count(); i++) {
        char line[512];
        snprintf(line, sizeof line, "\n%-32s %s\n", sky_model_at(i)->name,
                 sky_model_at(i)->summary);
        CHECK(strstr(text, line) != NULL, "info lacks model family %s", sky_model_at(i)->name);
        const sky_model_type *t = sky_model_at(i);
        CHECK(t->summary && t->params && t->state_size && t->init && t->emission &&
                  sky_model_find(t->name) == t,
              "model family %s: summary, params, state_size, init or emission unset", t->name);
    }
    CHECK(strstr(text, "\nModifiedBlackBodyLayers          dust as modified black bodies") != NULL,
          "info: the ModifiedBlackBodyLayers family line not as expected:\n%s", text);
    CHECK(strstr(text, "d1     ModifiedBlackBody                64     8192  5/5") != NULL &&
              strstr(text, "a1     2 x SpDust ") != NULL,
          "info: d1 / a1 lines not as expected:\n%s", text);
    const char *d1[] = {"info", "d1", "-d", tmpl, NULL};
    CHECK(run_to(d1, listing) == 0, "info d1: %s", read_file(errfile));
    text = read_file(listing);
    CHECK(strstr(text, "map_mbb_index          = \"pysm_2/dust_beta.fits\"") != NULL &&
              strstr(text, "freq_ref_I             = \"545 GHz\"") != NULL &&
              strstr(text, "pysm_2/dust_temp.fits                        nside 64") != NULL,
          "info d1:\n%s", text);
    const char *none[] = {"info", "s1", "-d", tmp, "--cache-dir", tmp, NULL};
    CHECK(run_to(none, listing) == 0, "info s1 (nothing here): %s", read_file(errfile));
    CHECK(strstr(read_file(listing), "pysm_2/synch_beta.fits                       missing") !=
              NULL,
          "info s1: missing files not said:\n%s", read_file(listing));
    const char *bad[] = {"info", "d99", NULL};
    expect_bad("info d99", "unknown preset 'd99'", bad);
}

/* --config: a TOML file holding d1's and a1's tables under other names gives
 * the --preset map bit for bit, combines with --preset, and a bad file is
 * refused with file:line, exit 2, no output. */
static void test_config(void)
{
    char cfg[512], ref[512], bad[512];
    snprintf(cfg, sizeof cfg, "%s/sky.toml", tmp);
    snprintf(ref, sizeof ref, "%s/ref.fits", tmp);
    snprintf(bad, sizeof bad, "%s/bad.toml", tmp);
    write_text(cfg,
               "# d1 and a1 as a user's PySM component_config would give them\n"
               "[mydust]\n"
               "class = \"ModifiedBlackBody\"\n"
               "map_I = \"pysm_2/dust_t_new.fits\"\n"
               "map_Q = \"pysm_2/dust_q_new.fits\"\n"
               "map_U = \"pysm_2/dust_u_new.fits\"\n"
               "unit_I = \"uK_RJ\"\nunit_Q = \"uK_RJ\"\nunit_U = \"uK_RJ\"\n"
               "map_mbb_index = \"pysm_2/dust_beta.fits\"\n"
               "map_mbb_temperature = \"pysm_2/dust_temp.fits\"\n"
               "unit_mbb_temperature = \"K\"\n"
               "freq_ref_I = \"545 GHz\"\n"
               "freq_ref_P = \"353 GHz\"\n"
               "max_nside = 8192\n"
               "[myame]\n"
               "    [myame.comp1]\n"
               "    class = \"SpDust\"\n"
               "    map_I = \"pysm_2/ame_t_new.fits\"\n"
               "    emissivity = \"pysm_2/emissivity.txt\"\n"
               "    unit_I = \"uK_RJ\"\n"
               "    freq_ref_I = \"22.8 GHz\"\n"
               "    freq_peak = \"pysm_2/ame_nu_peak_0.fits\"\n"
               "    freq_ref_peak = \"30 GHz\"\n"
               "    [myame.comp2]\n"
               "    class = \"SpDust\"\n"
               "    map_I = \"pysm_2/ame2_t_new.fits\"\n"
               "    emissivity = \"pysm_2/emissivity.txt\"\n"
               "    unit_I = \"uK_RJ\"\n"
               "    freq_ref_I = \"41 GHz\"\n"
               "    freq_peak = \"33.35 GHz\"\n"
               "    freq_ref_peak = \"30 GHz\"\n");
    const char *base[] = {"--nside", "16", "--freqs", "20,30,40", "-u", "uK_CMB", "-d", tmpl,
                          "--offline", "-q"};
#define ARGS(...) (const char *[]){"sim", __VA_ARGS__, base[0], base[1], base[2], base[3], \
                                   base[4], base[5], base[6], base[7], base[8], base[9], NULL}
    unlink(ref);
    unlink(out);
    CHECK(run(ARGS("-p", "d1,a1", "-o", ref)) == 0, "preset run: %s", read_file(errfile));
    CHECK(run(ARGS("--config", cfg, "-o", out)) == 0, "config run: %s", read_file(errfile));
    CHECK(same_maps(ref, out), "--config d1+a1 tables differ from --preset d1,a1");
    unlink(ref);
    unlink(out);
    /* presets first, then the file: d0 then d1 + a1 */
    CHECK(run(ARGS("-p", "d0,d1,a1", "-o", ref)) == 0, "preset run: %s", read_file(errfile));
    CHECK(run(ARGS("-p", "d0", "--config", cfg, "-o", out)) == 0, "combined: %s",
          read_file(errfile));
    CHECK(same_maps(ref, out), "--preset d0 --config differs from --preset d0,d1,a1");
    unlink(ref);
    write_text(bad, "[x]\nclass = \"ModifiedBlackBody\"\nmap_I = \"unterminated\n");
    expect_bad("bad toml", "bad.toml:3: unterminated string", ARGS("--config", bad, "-o", out));
    write_text(bad, "[x]\nclass = \"NoSuchModel\"\n");
    expect_bad("unknown class", "bad.toml:2: component x: model class 'NoSuchModel' is not "
               "implemented", ARGS("--config", bad, "-o", out));
    write_text(bad, "[x]\nclass = \"PowerLaw\"\nmap_I = \"pysm_2/ff_t_new.fits\"\n"
                    "unit_I = \"uK_RJ\"\nfreq_ref_I = \"30 GHz\"\nmap_pl_index = -2.14\n"
                    "has_polarization = false\nwhat = 1\n");
    expect_bad("unknown key", ".toml:8: [x] what: unknown parameter of PowerLaw (it reads map_I,",
               ARGS("--config", bad, "-o", out));
    /* info --config lists the file's components */
    char listing[512];
    snprintf(listing, sizeof listing, "%s/info.txt", tmp);
    CHECK(run_to((const char *[]){"info", "--config", cfg, NULL}, listing) == 0, "info --config");
    const char *text = read_file(listing);
    CHECK(strstr(text, "mydust   2      ModifiedBlackBody") && strstr(text, "myame.comp2") &&
              strstr(text, "3 of 3 components implemented"),
          "info --config:\n%s", text);
#undef ARGS
}

/* sim --plot writes the map and its picture (a PNG); with --instrument it
 * is refused. The picture's geometry is checked against healpy by
 * oracle_plot.py. */
static void test_plot_option(void)
{
    char png[512];
    snprintf(png, sizeof png, "%s/map.png", tmp);
    unlink(out);
    unlink(png);
    CHECK(run((const char *[]){"sim", "-p", "d1,s1", "-n", "16", "-f", "100", "-d", tmpl,
                               "--offline", "-o", out, "--plot", png, NULL}) == 0,
          "sim --plot: %s", read_file(errfile));
    FILE *f = fopen(png, "rb");
    unsigned char sig[8] = {0};
    if (f) {
        CHECK(fread(sig, 1, 8, f) == 8, "short PNG");
        fclose(f);
    }
    CHECK(exists(out) && !memcmp(sig, "\x89PNG\r\n\x1a\n", 8), "sim --plot: no map or no PNG");
    unlink(png);
    expect_bad("--plot with --instrument", "--plot cannot be used with --instrument",
               (const char *[]){"sim", "--instrument", "x.json", "-n", "16", "-o", out,
                                "--plot", png, NULL});
    CHECK(!exists(png), "--plot with --instrument wrote a picture");
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_cli SKYMODEL TEMPLATE_DIR\n");
        return 2;
    }
    bin = argv[1];
    tmpl = argv[2];
    snprintf(tmp, sizeof tmp, "%s/skymodel_cli_XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    CHECK(mkdtemp(tmp) != NULL, "mkdtemp");
    snprintf(out, sizeof out, "%s/out.fits", tmp);
    snprintf(errfile, sizeof errfile, "%s/stderr.txt", tmp);

#define SIM "sim", "-q", "-o", out, "--data-dir", tmpl
    /* options and values */
    expect_bad("nside not a power of two", "--nside 100: expected a power of two",
               (const char *[]){SIM, "--preset", "d1", "--nside", "100", "--freq", "100", NULL});
    expect_bad("nside too large", "expected a power of two from 1 to 8192",
               (const char *[]){SIM, "--preset", "d1", "--nside", "16384", "--freq", "100", NULL});
    expect_bad("nside not a number", "--nside 'abc'",
               (const char *[]){SIM, "--preset", "d1", "--nside", "abc", "--freq", "100", NULL});
    expect_bad("zero frequency", "expected a positive finite value",
               (const char *[]){SIM, "--preset", "d1", "--nside", "8", "--freq", "0", NULL});
    expect_bad("negative frequency", "frequency -5 GHz",
               (const char *[]){SIM, "--preset", "d1", "--nside", "8", "--freq", "-5", NULL});
    expect_bad("NaN frequency", "is NaN",
               (const char *[]){SIM, "--preset", "d1", "--nside", "8", "--freq", "nan", NULL});
    expect_bad("unsorted frequencies", "strictly increasing",
               (const char *[]){SIM, "--preset", "d1", "--nside", "8", "--freqs", "100,90", NULL});
    expect_bad("duplicate frequencies", "without duplicates",
               (const char *[]){SIM, "--preset", "d1", "--nside", "8", "--freqs", "90,90,100", NULL});
    expect_bad("weights length", "one weight per frequency",
               (const char *[]){SIM, "--preset", "d1", "--nside", "8", "--freqs", "90,100",
                                "--weights", "1", NULL});
    expect_bad("all-zero weights", "all zero",
               (const char *[]){SIM, "--preset", "d1", "--nside", "8", "--freqs", "90,100",
                                "--weights", "0,0", NULL});
    expect_bad("negative weight", "expected a finite value >= 0",
               (const char *[]){SIM, "--preset", "d1", "--nside", "8", "--freqs", "90,100",
                                "--weights", "1,-1", NULL});
    expect_bad("unknown preset", "unknown preset 'd99' (did you mean d9?)",
               (const char *[]){SIM, "--preset", "d1,d99", "--nside", "8", "--freq", "100", NULL});
    expect_bad("unknown unit", "unit 'furlong' not recognised: expected K_RJ, K_CMB or Jy/sr",
               (const char *[]){SIM, "--preset", "d1", "--nside", "8", "--freq", "100", "--unit",
                                "furlong", NULL});
    expect_bad("unknown option", "unknown option '--colour'",
               (const char *[]){SIM, "--preset", "d1", "--nside", "8", "--freq", "100",
                                "--colour", NULL});
    expect_bad("no frequency", "give exactly one of --freq, --freqs or --bandpass",
               (const char *[]){SIM, "--preset", "d1", "--nside", "8", NULL});
    char bp[512];
    snprintf(bp, sizeof bp, "%s/band.txt", tmp);
    FILE *f = fopen(bp, "w");
    fprintf(f, "# GHz weight\n90 1\n100 abc\n");
    fclose(f);
    expect_bad("bad bandpass file", "band.txt:3: 'abc' is not a number",
               (const char *[]){SIM, "--preset", "d1", "--nside", "8", "--bandpass", bp, NULL});

    /* smoothing options */
    expect_bad("negative fwhm", "--fwhm '-5': expected one finite value >= 0",
               (const char *[]){SIM, "--preset", "d1", "--nside", "8", "--freq", "100", "--fwhm",
                                "-5", NULL});
    expect_bad("NaN fwhm", "--fwhm 'nan'",
               (const char *[]){SIM, "--preset", "d1", "--nside", "8", "--freq", "100", "--fwhm",
                                "nan", NULL});
    expect_bad("lmax too large", "--lmax '33': expected an integer from 0 to 32",
               (const char *[]){SIM, "--preset", "d1", "--nside", "8", "--freq", "100", "--lmax",
                                "33", NULL});
    expect_bad("negative lmax", "--lmax '-1'",
               (const char *[]){SIM, "--preset", "d1", "--nside", "8", "--freq", "100", "--lmax",
                                "-1", NULL});
    expect_bad("unknown coordinates", "--rotate 'G:X': expected A:B with A and B among G",
               (const char *[]){SIM, "--preset", "d1", "--nside", "8", "--freq", "100",
                                "--rotate", "G:X", NULL});
    expect_bad("bad out-nside", "--out-nside 3: expected a power of two",
               (const char *[]){SIM, "--preset", "d1", "--nside", "8", "--freq", "100",
                                "--out-nside", "3", NULL});
    expect_bad("CAR resolution", "--car-resol: CAR resolution 7 arcmin does not divide 180 "
                                 "degrees into whole pixels: expected 10800/n arcmin, e.g.",
               (const char *[]){SIM, "--preset", "d1", "--nside", "8", "--freq", "100",
                                "--car-resol", "7", NULL});
    char beamf[512];
    snprintf(beamf, sizeof beamf, "%s/beam.txt", tmp);
    f = fopen(beamf, "w");
    for (int l = 0; l < 10; l++)
        fprintf(f, "%g\n", 1.0 - 0.01 * l);
    fclose(f);
    expect_bad("short beam window", "beam.txt: 10 rows, expected at least lmax + 1 = 21",
               (const char *[]){SIM, "--preset", "d1", "--nside", "8", "--freq", "100",
                                "--beam-window", beamf, NULL});
    f = fopen(beamf, "w");
    for (int l = 0; l < 30; l++)
        fprintf(f, "%s\n", l == 7 ? "nan" : "1");
    fclose(f);
    expect_bad("NaN in beam window", "beam.txt: row 8 is not finite",
               (const char *[]){SIM, "--preset", "d1", "--nside", "8", "--freq", "100",
                                "--beam-window", beamf, NULL});

    /* templates */
    char path[700];
    const char *empty = data_dir("empty");
    char cache[600];
    snprintf(cache, sizeof cache, "%s/cache", tmp);
    expect_bad("missing template", "offline and 1 template is missing (not in the data folders "
                                   "or the cache ",
               (const char *[]){"sim", "-q", "-o", out, "--data-dir", empty, "--preset", "f1",
                                "--nside", "8", "--freq", "30", "--offline", "--cache-dir", cache,
                                NULL});
    expect_bad("missing templates listed", "): pysm_2/dust_t_new.fits, pysm_2/dust_q_new.fits",
               (const char *[]){"sim", "-q", "-o", out, "--data-dir", empty, "--preset", "d1,f1",
                                "--nside", "8", "--freq", "30", "--offline", "--cache-dir", cache,
                                NULL});
    const char *trunc = data_dir("truncated");
    char src[700];
    snprintf(src, sizeof src, "%s/pysm_2/ff_t_new.fits", tmpl);
    snprintf(path, sizeof path, "%s/pysm_2/ff_t_new.fits", trunc);
    copy(src, path, 100000);
    expect_bad("truncated template", "ff_t_new.fits: truncated file: the extension 1 declares ",
               (const char *[]){"sim", "-q", "-o", out, "--data-dir", trunc, "--preset", "f1",
                                "--nside", "8", "--freq", "30", NULL});
    const char *text = data_dir("text");
    snprintf(path, sizeof path, "%s/pysm_2/ff_t_new.fits", text);
    f = fopen(path, "w");
    fprintf(f, "not a FITS file\n");
    fclose(f);
    expect_bad("not FITS", "cannot open as FITS",
               (const char *[]){"sim", "-q", "-o", out, "--data-dir", text, "--preset", "f1",
                                "--nside", "8", "--freq", "30", NULL});
    /* a valid FITS table whose length is not 12 nside^2 */
    const char *odd = data_dir("odd");
    snprintf(path, sizeof path, "%s/pysm_2/ff_t_new.fits", odd);
    {
        double v[1000];
        for (int i = 0; i < 1000; i++)
            v[i] = i;
        fitsfile *fp;
        int status = 0;
        char *tt[] = {"I"}, *tf[] = {"D"}, *tu[] = {"uK_RJ"};
        char bang[720];
        snprintf(bang, sizeof bang, "!%s", path);
        fits_create_file(&fp, bang, &status);
        fits_create_img(fp, 8, 0, NULL, &status);
        fits_create_tbl(fp, BINARY_TBL, 1000, 1, tt, tf, tu, "x", &status);
        fits_write_col(fp, TDOUBLE, 1, 1, 1, 1000, v, &status);
        fits_close_file(fp, &status);
        CHECK(status == 0, "writing the odd table");
    }
    expect_bad("not HEALPix", "not a HEALPix map",
               (const char *[]){"sim", "-q", "-o", out, "--data-dir", odd, "--preset", "f1",
                                "--nside", "8", "--freq", "30", NULL});
    const char *cols = data_dir("columns");
    snprintf(path, sizeof path, "%s/pysm_2/lensed_cmb.fits", cols);
    copy(src, path, -1); /* a one-column map where c2 reads three */
    expect_bad("column count", "lensed_cmb.fits: has 1 column, expected at least 3",
               (const char *[]){"sim", "-q", "-o", out, "--data-dir", cols, "--preset", "c2",
                                "--nside", "8", "--freq", "100", NULL});
    const char *dir = data_dir("directory");
    snprintf(path, sizeof path, "%s/pysm_2/ff_t_new.fits", dir);
    mkdir(path, 0755);
    expect_bad("template is a folder", "missing",
               (const char *[]){"sim", "-q", "-o", out, "--data-dir", dir, "--preset", "f1",
                                "--nside", "8", "--freq", "30", "--offline", "--cache-dir",
                                cache, NULL});
    if (geteuid() != 0) {
        const char *unr = data_dir("unreadable");
        snprintf(path, sizeof path, "%s/pysm_2/ff_t_new.fits", unr);
        copy(src, path, -1);
        chmod(path, 0);
        expect_bad("unreadable template", "ff_t_new.fits",
                   (const char *[]){"sim", "-q", "-o", out, "--data-dir", unr, "--preset", "f1",
                                    "--nside", "8", "--freq", "30", NULL});
    }

    /* skymodel smooth: the same transform as sim --fwhm, and bad maps refused */
    {
        char plain[600], a[600], b[600];
        snprintf(plain, sizeof plain, "%s/plain.fits", tmp);
        snprintf(a, sizeof a, "%s/a.fits", tmp);
        snprintf(b, sizeof b, "%s/b.fits", tmp);
        CHECK(run((const char *[]){"sim", "-q", "-o", plain, "--data-dir", tmpl, "--preset",
                                   "d1", "--nside", "16", "--freq", "100", "--dtype", "float64",
                                   NULL}) == 0, "plain: %s", read_file(errfile));
        CHECK(run((const char *[]){"sim", "-q", "-o", a, "--data-dir", tmpl, "--preset", "d1",
                                   "--nside", "16", "--freq", "100", "--fwhm", "90", "--rotate",
                                   "G:C", NULL}) == 0, "sim --fwhm: %s", read_file(errfile));
        CHECK(run((const char *[]){"smooth", "-q", plain, "-o", b, "--fwhm", "90", "--rotate",
                                   "G:C", NULL}) == 0, "smooth: %s", read_file(errfile));
        CHECK(same_maps(a, b), "smooth differs from sim --fwhm");
        char odd_map[700];
        snprintf(odd_map, sizeof odd_map, "%s/odd/pysm_2/ff_t_new.fits", tmp);
        unlink(out);
        expect_bad("smooth: not HEALPix", "not a HEALPix map",
                   (const char *[]){"smooth", "-q", odd_map, "-o", out, "--fwhm", "10", NULL});
        expect_bad("smooth: no input", "expected one input map",
                   (const char *[]){"smooth", "-q", "-o", out, NULL});
    }

    /* a NESTED template is converted, giving the RING result */
    {
        const char *nest = data_dir("nest");
        sky_hmap m;
        char units[1][64];
        const int f0 = 0;
        sky_error err;
        CHECK(sky_fits_read_map(src, 1, &f0, &m, units, &err) == SKY_OK, "%s", err.msg);
        double *n = malloc(m.npix * sizeof *n);
        for (int64_t p = 0; p < m.npix; p++)
            n[sky_hpx_ring2nest(m.nside, p)] = sky_hmap_at(&m, p);
        const char *names[] = {"I"}, *u[] = {"uK_RJ"};
        snprintf(path, sizeof path, "%s/pysm_2/ff_t_new.fits", nest);
        sky_fits_columns c = {m.nside, 1, names, u, n, SKY_FLOAT32, "G", 1, NULL};
        CHECK(sky_fits_write_columns(path, &c, &err) == SKY_OK, "%s", err.msg);
        fitsfile *fp;
        int status = 0;
        fits_open_file(&fp, path, READWRITE, &status);
        fits_movabs_hdu(fp, 2, NULL, &status);
        fits_update_key(fp, TSTRING, "ORDERING", "NESTED", NULL, &status);
        fits_close_file(fp, &status);
        CHECK(status == 0, "marking NESTED");
        char ring_out[600];
        snprintf(ring_out, sizeof ring_out, "%s/ring.fits", tmp);
        CHECK(run((const char *[]){"sim", "-q", "-o", ring_out, "--data-dir", tmpl, "--preset",
                                   "f1", "--nside", "32", "--freq", "30", NULL}) == 0,
              "RING run: %s", read_file(errfile));
        unlink(out);
        CHECK(run((const char *[]){"sim", "-q", "-o", out, "--data-dir", nest, "--preset", "f1",
                                   "--nside", "32", "--freq", "30", NULL}) == 0,
              "NEST run: %s", read_file(errfile));
        sky_hmap a, b;
        CHECK(sky_fits_read_map(ring_out, 1, &f0, &a, units, &err) == SKY_OK, "%s", err.msg);
        CHECK(sky_fits_read_map(out, 1, &f0, &b, units, &err) == SKY_OK, "%s", err.msg);
        int same = a.npix == b.npix;
        for (int64_t p = 0; same && p < a.npix; p++)
            same = sky_hmap_at(&a, p) == sky_hmap_at(&b, p);
        CHECK(same, "NESTED template gives a different map");
        CHECK(!strcmp(units[0], "uK_RJ"), "TUNIT of the output: %s", units[0]);
        sky_hmap_free(&a);
        sky_hmap_free(&b);
        sky_hmap_free(&m);
        free(n);
        unlink(ring_out);
    }

    /* an existing output is refused without --force and kept intact */
    f = fopen(out, "w");
    fprintf(f, "precious");
    fclose(f);
    int code = run((const char *[]){SIM, "--preset", "d1", "--nside", "8", "--freq", "100", NULL});
    CHECK(code == 2 && strstr(read_file(errfile), "file exists: use --force"), "no --force: %d %s",
          code, read_file(errfile));
    CHECK(!strcmp(read_file(out), "precious"), "existing output modified");
    code = run((const char *[]){SIM, "--preset", "d1", "--nside", "8", "--freq", "100", "--force",
                                NULL});
    CHECK(code == 0, "--force: %d %s", code, read_file(errfile));
    unlink(out);

    /* skymodel templates */
    char tdir[600];
    /* c1: CAMB spectra and seeds */
    static const struct {
        const char *tag, *text, *needle;
    } spectra[] = {
        {"camb_cols", "2 1 2 3 4\n3 1 2 3 4\n", "has 5 columns: expected 8 (L, TT, EE, BB, TE"},
        {"camb_neg", "2 1 1 1 0 1 0 0\n3 -1 1 1 0 1 0 0\n", "TT = -1 at L = 3: expected a power"},
        {"camb_gap", "2 1 1 1 0 1 0 0\n4 1 1 1 0 1 0 0\n", "expected consecutive multipoles"},
        {"camb_empty", "# L TT EE BB TE PP TP EP\n", "camb_lenspotentialCls.dat"},
    };
    for (size_t k = 0; k < sizeof spectra / sizeof *spectra; k++) {
        const char *d = data_dir(spectra[k].tag);
        snprintf(path, sizeof path, "%s/pysm_2/camb_lenspotentialCls.dat", d);
        f = fopen(path, "w");
        fputs(spectra[k].text, f);
        fclose(f);
        expect_bad(spectra[k].tag, spectra[k].needle,
                   (const char *[]){"sim", "-q", "-o", out, "--data-dir", d, "--preset", "c1",
                                    "--nside", "8", "--freq", "100", NULL});
    }
    /* d5/d7/d8: grain tables (wavelength, 2 columns, 81 I, 81 P) */
    static const struct {
        const char *tag, *file;
        double w[5];
        int ncols;
        const char *needle;
    } grains[] = {
        {"hd_nonmono", "sil_fe00_2.0.dat", {1, 2, 3, 2.5, 5}, 165,
         "sil_fe00_2.0.dat row 4: wavelength 2.5: expected positive, strictly increasing"},
        {"hd_repeat", "car_1.0.dat", {1, 2, 2, 4, 5}, 165,
         "car_1.0.dat row 3: wavelength 2: expected positive, strictly increasing"},
        {"hd_cols", "sil_fe05_2.0.dat", {1, 2, 3, 4, 5}, 100,
         "sil_fe05_2.0.dat has 5 rows of 100 columns: expected at least 4 rows of 165"},
    };
    for (size_t k = 0; k < sizeof grains / sizeof *grains; k++) {
        const char *d = data_dir(grains[k].tag);
        snprintf(path, sizeof path, "%s/pysm_2/%s", d, grains[k].file);
        f = fopen(path, "w");
        for (int r = 0; r < 5; r++) {
            fprintf(f, "%g", grains[k].w[r]);
            for (int c = 1; c < grains[k].ncols; c++)
                fprintf(f, " %g", 1e-20 * (r + 1) * (c + 1));
            fputc('\n', f);
        }
        fclose(f);
        expect_bad(grains[k].tag, grains[k].needle,
                   (const char *[]){"sim", "-q", "-o", out, "--data-dir", d, "--data-dir", tmpl,
                                    "--offline", "--preset", "d7", "--nside", "8", "--freq",
                                    "100", NULL});
    }
    expect_bad("seed negative", "--seed '-1'",
               (const char *[]){SIM, "--preset", "c1", "--nside", "8", "--freq", "100", "--seed",
                                "-1", NULL});
    expect_bad("seed too large", "--seed '4294967296'",
               (const char *[]){SIM, "--preset", "c1", "--nside", "8", "--freq", "100", "--seed",
                                "4294967296", NULL});
    /* the seed used is in the header, and another seed gives another sky */
    {
        CHECK(run((const char *[]){SIM, "--preset", "c1,d1", "--nside", "8", "--freq", "100",
                                   "--seed", "4294967295", "--force", NULL}) == 0,
              "c1 --seed: %s", read_file(errfile));
        fitsfile *fp;
        int status = 0;
        long seed = 0;
        char comment[80] = "";
        fits_open_file(&fp, out, READONLY, &status);
        fits_movabs_hdu(fp, 2, NULL, &status);
        fits_read_key(fp, TLONG, "SEED1", &seed, comment, &status);
        fits_close_file(fp, &status);
        CHECK(status == 0 && seed == 4294967295L && strstr(comment, "cmb_seed"),
              "c1 --seed: header SEED1 = %ld / %s (status %d)", seed, comment, status);
    }
    snprintf(tdir, sizeof tdir, "%s/tmpl", tmp);
    expect_bad("templates nside", "--nside 100: expected a power of two",
               (const char *[]){"templates", "--nside", "100", tdir, NULL});
    expect_bad("templates seed", "--seed '-3'",
               (const char *[]){"templates", "--nside", "8", "--seed", "-3", tdir, NULL});
    expect_bad("templates folder", "expected one output folder",
               (const char *[]){"templates", "--nside", "8", NULL});
    CHECK(!exists(tdir), "templates: folder made despite bad input");
    CHECK(run((const char *[]){"templates", "--nside", "8", "-q", tdir, NULL}) == 0,
          "templates: %s", read_file(errfile));
    code = run((const char *[]){"templates", "--nside", "8", "-q", tdir, NULL});
    CHECK(code == 2 && strstr(read_file(errfile), "file exists"), "templates twice: %d %s", code,
          read_file(errfile));
    code = run((const char *[]){"sim", "-q", "-o", out, "--data-dir", tdir, "--preset",
                                "d1,s1,f1,a1,c2", "--nside", "16", "--freq", "100", NULL});
    CHECK(code == 0 && exists(out), "sim on synthetic templates: %s", read_file(errfile));
    unlink(out);

    test_instrument();
    test_info();
    test_config();
    test_plot_option();
    CHECK(run((const char *[]){"--version", NULL}) == 0, "--version");
    CHECK(run((const char *[]){"sim", "--help", NULL}) == 0, "sim --help");
    CHECK(run((const char *[]){"frobnicate", NULL}) == 2, "unknown command");

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    CHECK(system(cmd) == 0, "cleanup");
    return check_report("test_cli");
}
