/*
 * test_fuzz_findings.c - what the fuzz targets (tests/fuzz) found, checked in
 * every build: the fuzz stage itself needs clang.
 */
#define _POSIX_C_SOURCE 200809L
#include <complex.h>
#include <fitsio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"
#include "config.h"
#include "io/fits_alm.h"
#include "io/fits_map.h"
#include "io/fits_open.h"
#include "io/text_table.h"
#include "io/toml.h"
#include "models/params.h"
#include "skymodel.h"

/* A TOML array over several lines keeps its line ends and comments in its
 * text; integer lists read from it (available_nside, seeds) must skip them
 * (fuzz_toml, seed dialect.toml). */
static void test_int_list_over_lines(void)
{
    static const struct {
        const char *s;
        int n;
    } cases[] = {
        {"[2048, 4096,\n    8192,  # more\n]", 3},
        {"[16,\t32]", 2},
        {"[ 16, 32,]", 2},
        {"[\r\n  1,\r\n  2\r\n]", 2},
        {"[1 # one\n, 2] # two", 2},
        {"8192", 1},
        {"[]", 0},
        {"[1 2]", -1},
        {"[1, x]", -1},
        {"[1] 2", -1},
        {"[1,, 2]", -1},
        {"# only\n", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        long long v[8];
        const int n = sky_parse_int_list(cases[i].s, v, 8);
        CHECK(n == cases[i].n, "'%s': %d items, expected %d", cases[i].s, n, cases[i].n);
    }
    long long v[3];
    CHECK(sky_parse_int_list("[2048, 4096,\n 8192, # c\n]", v, 3) == 3 && v[0] == 2048 &&
              v[1] == 4096 && v[2] == 8192,
          "values");

    /* the whole path: a configuration file's multi-line available_nside */
    const char *text = "[d9small]\n"
                       "class = \"ModifiedBlackBody\"\n"
                       "map_I = \"dust_gnilc/gnilc_dust_template_nside{nside}_2023.02.10.fits\"\n"
                       "map_mbb_index = 1.48\n"
                       "map_mbb_temperature = 19.6\n"
                       "unit_mbb_temperature = \"K\"\n"
                       "freq_ref_I = \"353 GHz\"\n"
                       "freq_ref_P = \"353 GHz\"\n"
                       "available_nside = [\n    16,  # low\n    32,\n]\n";
    sky_error err = {0};
    sky_toml doc;
    int rc = sky_toml_parse(text, "multi.toml", &doc, &err);
    CHECK(rc == SKY_OK, "parse: %s", err.msg);
    sky_config *cfg = sky_config_new();
    if (!rc) {
        rc = sky_config_add_doc(cfg, &doc, "multi.toml", &err);
        CHECK(rc == SKY_OK, "add: %s", err.msg);
        sky_toml_free(&doc);
    }
    if (!rc && cfg->n == 1) {
        int tn = sky_templates_nside(&cfg->comp[0].params, 64, &err);
        CHECK(tn == 32, "templates nside %d (%s)", tn, tn < 0 ? err.msg : "");
        tn = sky_templates_nside(&cfg->comp[0].params, 8, &err);
        CHECK(tn == 16, "templates nside %d (%s)", tn, tn < 0 ? err.msg : "");
    }
    sky_config_free(cfg);
}

/* ---- FITS headers cfitsio 4.2 mishandles (fuzz_fits_map, fuzz_fits_alm) --
 * The files of tests/fuzz/regress/, read as the program reads them; each
 * must be refused by the pre-scan (src/io/fits_open.c) with this message,
 * before cfitsio parses the header or decompresses the file. */
static void test_fits_regress(void)
{
    static const struct {
        int alm; /* read as alm, else as a map */
        const char *file, *msg;
    } cases[] = {
        /* N2: a card that is not printable ASCII where TFIELDS belongs:
         * cfitsio went on with an uninitialised column count */
        {0, "fuzz/regress/fits_map/cfitsio_nonprintable_card_for_tfields.fits",
         "malformed header: card 8 of the extension 1 has the byte 0x19 in column 1 (a FITS "
         "header is printable ASCII)"},
        {1, "fuzz/regress/fits_alm/cfitsio_nonprintable_card_for_tfields.fits",
         "malformed header: card 8 of the extension 1 has the byte 0x19 in column 1 (a FITS "
         "header is printable ASCII)"},
        /* N2: NAXIS1 with a stray character */
        {0, "fuzz/regress/fits_map/cfitsio_unparsable_naxis1.fits",
         "malformed header: NAXIS1 = '`       12' (card 4 of the extension 1): expected an "
         "integer"},
        /* N3: more columns than FITS allows (14.7 s and 3.1 GB in cfitsio) */
        {0, "fuzz/regress/fits_map/cfitsio_tfields_20000000.fits",
         "malformed header: TFIELDS = '20000000' (card 8 of the extension 1): expected 0 to 999 "
         "columns"},
        {0, "fuzz/regress/fits_map/cfitsio_tfields_2e50.fits",
         "malformed header: TFIELDS = '1125899906842624' (card 8 of the extension 1): expected "
         "0 to 999 columns"},
        /* N5: a gzip header alone; cfitsio sized its buffer from the bytes
         * where the trailer would be (3-4 GB) */
        {0, "fuzz/regress/fits_map/cfitsio_gzip_isize_3gb.fits.gz",
         "truncated gzip file: expected a whole gzip-compressed FITS file"},
        {1, "fuzz/regress/fits_alm/cfitsio_gzip_isize_4gb.fits.gz",
         "truncated gzip file: expected a whole gzip-compressed FITS file"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char want[1024];
        snprintf(want, sizeof want, "%s: %s", cases[i].file, cases[i].msg);
        sky_error err = {0};
        int rc;
        if (cases[i].alm) {
            double complex *alm = NULL;
            int lmax = 0;
            char unit[64];
            rc = sky_fits_read_alm(cases[i].file, 1, &alm, &lmax, unit, &err);
            free(alm);
        } else {
            sky_hmap m[1];
            char units[1][64];
            rc = sky_fits_read_map(cases[i].file, 1, (int[]){0}, m, units, &err);
            if (!rc) {
                free(m[0].f);
                free(m[0].d);
            }
        }
        CHECK(rc == SKY_EFORMAT && !strcmp(err.msg, want), "%s: rc %d, '%s', expected '%s'",
              cases[i].file, rc, err.msg, want);
    }
}

static char tmpdir[256];

static const char *tmp_path(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char *b = NULL;
    *n = 0;
    if (f) {
        fseek(f, 0, SEEK_END);
        const long size = ftell(f);
        fseek(f, 0, SEEK_SET);
        b = malloc((size_t)size);
        if (b && fread(b, 1, (size_t)size, f) != (size_t)size) {
            free(b);
            b = NULL;
        }
        if (b)
            *n = (size_t)size;
        fclose(f);
    }
    if (!b)
        abort();
    return b;
}

static const char *spit(const char *name, const void *b, size_t n)
{
    const char *path = tmp_path(name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b, 1, n, f) != n)
        abort();
    fclose(f);
    return path;
}

static const char *gzip_bytes(const char *name, const void *b, size_t n)
{
    const char *path = tmp_path(name);
    gzFile out = gzopen(path, "wb");
    if (!out || gzwrite(out, b, (unsigned)n) != (int)n)
        abort();
    gzclose(out);
    return path;
}

/* The pre-scan on variants of a valid table written by cfitsio: the
 * mandatory cards in their order with plain values (FITS 4.0, 4.4.1), a
 * header of printable ASCII, a gzip stream whole and as large as its
 * trailer says (what cfitsio allocates). */
static void test_fits_header_rules(void)
{
    const char *path = tmp_path("valid.fits");
    char bang[600];
    snprintf(bang, sizeof bang, "!%s", path);
    fitsfile *fp;
    int status = 0;
    char *ttype[] = {"TEMPERATURE"}, *tform[] = {"E"};
    float v[12] = {0};
    fits_create_file(&fp, bang, &status);
    fits_create_img(fp, 8, 0, NULL, &status);
    fits_create_tbl(fp, BINARY_TBL, 12, 1, ttype, tform, NULL, NULL, &status);
    fits_write_col(fp, TFLOAT, 1, 1, 1, 12, v, &status);
    fits_close_file(fp, &status);
    CHECK(status == 0, "cfitsio wrote no test file (%d)", status);
    if (status)
        return;
    size_t n;
    unsigned char *b = slurp(path, &n);
    sky_error err = {0};
    CHECK(sky_fits_prescan(path, &err) == SKY_OK, "valid file refused: %s", err.msg);

    struct {
        const char *name, *msg;
    } cases[] = {
        {"order.fits", "malformed header: card 2 of the primary HDU is NAXIS where the FITS "
                       "standard requires BITPIX"},
        {"tfields_real.fits",
         "malformed header: TFIELDS = '1.0' (card 8 of the extension 1): expected an integer"},
        {"del.fits", "malformed header: card 9 of the extension 1 has the byte 0x7f in column 40 "
                     "(a FITS header is printable ASCII)"},
        {"no_gcount.fits", "malformed header: card 7 of the extension 1 is TFIELDS where the "
                           "FITS standard requires GCOUNT"},
        {"bitpix.fits", "malformed header: BITPIX = '7' (card 2 of the extension 1): expected "
                        "8, 16, 32, 64, -32 or -64"},
        /* cfitsio's old name of a binary table */
        {"a3d.fits", "malformed header: TFIELDS = '5000' (card 8 of the extension 1): expected "
                     "0 to 999 columns"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        unsigned char *c = malloc(n);
        memcpy(c, b, n);
        unsigned char *ext = c + 2880;
        char card[81];
        switch (i) {
        case 0: /* BITPIX and NAXIS swapped */
            memcpy(card, c + 80, 80);
            memcpy(c + 80, c + 160, 80);
            memcpy(c + 160, card, 80);
            break;
        case 1:
            snprintf(card, sizeof card, "%-8s= %20s%-50s", "TFIELDS", "1.0", "");
            memcpy(ext + 7 * 80, card, 80);
            break;
        case 2:
            ext[8 * 80 + 39] = 0x7f;
            break;
        case 3: /* GCOUNT dropped: the cards after it move up */
            memmove(ext + 6 * 80, ext + 7 * 80, 2880 - 7 * 80);
            memset(ext + 2880 - 80, ' ', 80);
            break;
        case 4:
            snprintf(card, sizeof card, "%-8s= %20s%-50s", "BITPIX", "7", "");
            memcpy(ext + 80, card, 80);
            break;
        case 5:
            snprintf(card, sizeof card, "%-8s= %-70s", "XTENSION", "'A3DTABLE'");
            memcpy(ext, card, 80);
            snprintf(card, sizeof card, "%-8s= %20s%-50s", "TFIELDS", "5000", "");
            memcpy(ext + 7 * 80, card, 80);
            break;
        }
        const char *p = spit(cases[i].name, c, n);
        char want[1024];
        snprintf(want, sizeof want, "%s: %s", p, cases[i].msg);
        int rc = sky_fits_prescan(p, &err);
        CHECK(rc == SKY_EFORMAT && !strcmp(err.msg, want), "%s: rc %d, '%s', expected '%s'",
              cases[i].name, rc, err.msg, want);
        free(c);
    }

    /* gzip: whole, it opens */
    const char *gz = gzip_bytes("valid.fits.gz", b, n);
    CHECK(sky_fits_prescan(gz, &err) == SKY_OK, "valid gzip refused: %s", err.msg);
    size_t gn;
    unsigned char *g = slurp(gz, &gn);
    unsigned char *h = malloc(gn + 4);
    /* trailing bytes zlib ignores, read by cfitsio as the size: 2 GB */
    memcpy(h, g, gn);
    memcpy(h + gn, "\x00\x00\x00\x80", 4);
    const char *p = spit("trailing.fits.gz", h, gn + 4);
    char want[1024];
    snprintf(want, sizeof want,
             "%s: corrupt gzip file: its trailer gives a size of 2147483648 bytes but it holds "
             "%zu bytes of data",
             p, n);
    int rc = sky_fits_prescan(p, &err);
    CHECK(rc == SKY_EFORMAT && !strcmp(err.msg, want), "trailing: rc %d, '%s'", rc, err.msg);
    /* a wrong size in the trailer itself: zlib's length check */
    h[gn - 1] = 0x80;
    p = spit("isize.fits.gz", h, gn);
    snprintf(want, sizeof want, "%s: corrupt gzip file (incorrect length check): expected a whole "
             "gzip-compressed FITS file", p);
    rc = sky_fits_prescan(p, &err);
    CHECK(rc == SKY_EFORMAT && !strcmp(err.msg, want), "isize: rc %d, '%s'", rc, err.msg);
    /* cut short */
    p = spit("short.fits.gz", g, gn / 2);
    rc = sky_fits_prescan(p, &err);
    CHECK(rc == SKY_EFORMAT && strstr(err.msg, ": truncated gzip file: expected a whole "),
          "short: rc %d, '%s'", rc, err.msg);
    free(g);
    free(h);
    free(b);
}

/* N4: weights near the largest double pass every sample check, but their
 * integral overflows and the normalised weights became 0 and NaN: a NaN
 * map written with exit 0 (fuzz_options, fuzz_text_table). */
static void test_band_weights_overflow(void)
{
    const char *why = "bandpass weights integrate to inf over the band: expected a finite "
                      "integral (scale the weights down; only their shape matters)";
    double f[3] = {90, 100, 110}, w[3] = {1e308, 1e308, 1e308};
    sky_band b = {3, f, w};
    sky_error err = {0};
    int rc = sky_band_check(&b, &err);
    CHECK(rc == SKY_EINVAL && !strcmp(err.msg, why), "rc %d, '%s'", rc, err.msg);
    const char *file = "fuzz/regress/text_table/n4_weights_1e308.txt";
    double *fr = NULL, *we = NULL;
    int n = 0;
    rc = sky_band_read(file, &fr, &we, &n, &err);
    char want[512];
    snprintf(want, sizeof want, "bandpass file %s: %s", file, why);
    CHECK(rc == SKY_EINVAL && !strcmp(err.msg, want) && !fr && !we, "rc %d, '%s'", rc, err.msg);
    /* the same shape, scaled down, is fine */
    for (int i = 0; i < 3; i++)
        w[i] = 1e300;
    CHECK(sky_band_check(&b, &err) == SKY_OK, "1e300: %s", err.msg);
    w[1] = 0;
    w[0] = w[2] = 1.7e308; /* each interval alone overflows */
    CHECK(sky_band_check(&b, &err) == SKY_EINVAL, "1.7e308 at the ends accepted");
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "%s/skymodel_fuzz_findings.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir))
        return 1;
    test_int_list_over_lines();
    test_fits_regress();
    test_fits_header_rules();
    test_band_weights_overflow();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return check_report("test_fuzz_findings");
}
