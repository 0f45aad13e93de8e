/*
 * test_parsers.c - the library's readers of user files against hostile
 * input (issue 17, findings of the fuzz campaign): each case is a file or
 * text that crashed, overflowed, read past its end, hung or allocated
 * without bound before, written here by hand (raw FITS header blocks,
 * TOML, text tables), and must now give one clean line naming the file,
 * with SKY_EFORMAT (exit 2), at once.
 *
 * Cases are named after the findings: f1_..., f2_..., f3_... f10_..., f13_...
 * A case that needs a whole run of the program (the instrument JSON, which
 * the command-line shell reads) is in test_parsers_cli.sh.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <fitsio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"
#include "config.h"
#include "core/error.h"
#include "io/fits_alm.h"
#include "io/fits_map.h"
#include "io/fits_open.h"
#include "io/text_table.h"
#include "io/toml.h"
#include "models/params.h"

static char tmp[512];

static const char *tmp_path(const char *name)
{
    static char buf[8][700];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmp, name);
    return buf[k];
}

/* ------------------------------------------------------------------ */
/* raw FITS files                                                       */

typedef struct rawfits {
    unsigned char *b;
    size_t n, cap;
} rawfits;

static void raw_bytes(rawfits *f, const void *p, size_t n)
{
    if (f->n + n > f->cap) {
        f->cap = (f->n + n) * 2;
        f->b = realloc(f->b, f->cap);
    }
    memcpy(f->b + f->n, p, n);
    f->n += n;
}

/* One 80-character card: "KEY     = value" (value written as given). */
static void raw_card(rawfits *f, const char *key, const char *value)
{
    char card[81];
    if (value)
        snprintf(card, sizeof card, "%-8.8s= %-70.70s", key, value);
    else
        snprintf(card, sizeof card, "%-80.80s", key);
    raw_bytes(f, card, 80);
}

/* END, then blanks (header) or zeros (data) to the next 2880 bytes. */
static void raw_pad(rawfits *f, char fill)
{
    while (f->n % 2880) {
        raw_bytes(f, &fill, 1);
    }
}

static void raw_end(rawfits *f)
{
    raw_card(f, "END", NULL);
    raw_pad(f, ' ');
}

static void raw_primary(rawfits *f)
{
    raw_card(f, "SIMPLE", "T");
    raw_card(f, "BITPIX", "8");
    raw_card(f, "NAXIS", "0");
    raw_card(f, "EXTEND", "T");
    raw_end(f);
}

/* A binary-table extension header with `ncols` columns of `tform`. */
static void raw_bintable(rawfits *f, long long naxis1, const char *naxis2, int ncols,
                         const char *tform, const char *ttype1)
{
    char v[80];
    raw_card(f, "XTENSION", "'BINTABLE'");
    raw_card(f, "BITPIX", "8");
    raw_card(f, "NAXIS", "2");
    snprintf(v, sizeof v, "%lld", naxis1);
    raw_card(f, "NAXIS1", v);
    raw_card(f, "NAXIS2", naxis2);
    raw_card(f, "PCOUNT", "0");
    raw_card(f, "GCOUNT", "1");
    snprintf(v, sizeof v, "%d", ncols);
    raw_card(f, "TFIELDS", v);
    for (int c = 1; c <= ncols; c++) {
        char key[16];
        snprintf(key, sizeof key, "TTYPE%d", c);
        if (c == 1 && ttype1)
            raw_card(f, key, ttype1);
        else {
            snprintf(v, sizeof v, "'COL%d'", c);
            raw_card(f, key, v);
        }
        snprintf(key, sizeof key, "TFORM%d", c);
        snprintf(v, sizeof v, "'%s'", tform);
        raw_card(f, key, v);
    }
}

static void raw_data(rawfits *f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        raw_bytes(f, "", 1);
    raw_pad(f, '\0');
}

static const char *raw_write(rawfits *f, const char *name)
{
    const char *path = tmp_path(name);
    FILE *fp = fopen(path, "wb");
    fwrite(f->b, 1, f->n, fp);
    fclose(fp);
    free(f->b);
    memset(f, 0, sizeof *f);
    return path;
}

/* The same bytes gzip-compressed. */
static const char *gzip_copy(const char *src, const char *name)
{
    const char *path = tmp_path(name);
    FILE *in = fopen(src, "rb");
    gzFile out = gzopen(path, "wb");
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        gzwrite(out, buf, (unsigned)n);
    fclose(in);
    gzclose(out);
    return path;
}

static size_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (size_t)st.st_size : 0;
}

/* rc is SKY_EFORMAT and the one-line message names the file and says `what` */
#define CHECK_REFUSED(name, rc, err, path, what)                                               \
    CHECK((rc) == SKY_EFORMAT && strstr((err).msg, (path)) && strstr((err).msg, (what)) &&    \
              !strchr((err).msg, '\n'),                                                        \
          "%s: rc %d, message '%s' (expected '%s')", name, rc, (err).msg, what)

/* F1: a 28.8 KB table declaring 2^50 rows of two 1024B columns wrapped the
 * size of sky_fits_read_table's buffer to 0 (heap overflow). */
static void f1_table_naxis2_2p50(void)
{
    rawfits f = {0};
    raw_primary(&f);
    raw_bintable(&f, 2048, "1125899906842624", 2, "1024B", NULL);
    raw_end(&f);
    raw_data(&f, 2880 * 8);
    const char *path = raw_write(&f, "f1.fits");
    CHECK(file_size(path) == 28800, "f1: %zu bytes", file_size(path));
    double *data = NULL;
    int ncols = 0;
    long nrows = 0;
    sky_error err = {0};
    int rc = sky_fits_read_table(path, 3, &data, &ncols, &nrows, NULL, &err);
    CHECK_REFUSED("f1_table_naxis2_2p50", rc, err, path, "truncated file");
    CHECK(!data, "f1: data returned");

    /* the second line of defence, behind the pre-scan: the table checked
     * against the file as cfitsio opened it */
    fitsfile *fp;
    int status = 0;
    fits_open_diskfile(&fp, path, READONLY, &status);
    fits_movabs_hdu(fp, 2, NULL, &status);
    CHECK(status == 0, "f1: cfitsio cannot open it (%d)", status);
    if (!status) {
        rc = sky_fits_table_in_file(fp, path, &err);
        CHECK_REFUSED("f1_table_in_file", rc, err, path, "declares 2305843009213693952 bytes");
        fits_close_file(fp, &status);
    }
}

/* A table whose NAXIS1 x NAXIS2 overflows 64 bits. */
static void f1_table_size_overflow(void)
{
    rawfits f = {0};
    raw_primary(&f);
    raw_bintable(&f, 1LL << 40, "1099511627776", 1, "1099511627776B", NULL);
    raw_end(&f);
    const char *path = raw_write(&f, "f1_overflow.fits");
    double *data = NULL;
    int ncols = 0;
    long nrows = 0;
    sky_error err = {0};
    int rc = sky_fits_read_table(path, 3, &data, &ncols, &nrows, NULL, &err);
    CHECK_REFUSED("f1_table_size_overflow", rc, err, path, "more data than any file holds");
}

/* F2: an alm table of 2^61 rows of three 1B columns (read_index's size
 * wrapped: "free(): corrupted unsorted chunks"). */
static void f2_alm_naxis2_2p61(void)
{
    rawfits f = {0};
    raw_primary(&f);
    raw_bintable(&f, 3, "2305843009213693952", 3, "1B", NULL);
    raw_end(&f);
    raw_data(&f, 2880);
    const char *path = raw_write(&f, "f2.fits");
    double complex *alm = NULL;
    int lmax = 0;
    char unit[64];
    sky_error err = {0};
    int rc = sky_fits_read_alm(path, 1, &alm, &lmax, unit, &err);
    CHECK_REFUSED("f2_alm_naxis2_2p61", rc, err, path, "truncated file");
    CHECK(!alm, "f2: alm returned");
}

/* Rows of zero bytes (TFORM 0B) pass any size check on NAXIS1 x NAXIS2:
 * 2^61 of them would size the INDEX buffer as 2^64 bytes, i.e. 0. */
static void f2_alm_zero_width_rows(void)
{
    rawfits f = {0};
    raw_primary(&f);
    raw_bintable(&f, 0, "2305843009213693952", 3, "0B", NULL);
    raw_end(&f);
    const char *path = raw_write(&f, "f2_zero.fits");
    double complex *alm = NULL;
    int lmax = 0;
    char unit[64];
    sky_error err = {0};
    int rc = sky_fits_read_alm(path, 1, &alm, &lmax, unit, &err);
    CHECK_REFUSED("f2_alm_zero_width_rows", rc, err, path, "rows of 0 bytes");
}

/* A small valid alm table (written by cfitsio) whose INDEX column says
 * `top` in its last row. */
static const char *alm_file(const char *name, long long top)
{
    const char *path = tmp_path(name);
    char bang[800];
    snprintf(bang, sizeof bang, "!%s", path);
    fitsfile *fp;
    int status = 0;
    char *ttype[3] = {"INDEX", "REAL", "IMAG"}, *tform[3] = {"1K", "1D", "1D"};
    long long idx[3] = {1, 3, top}; /* (l, m) = (0, 0), (1, 0), ... */
    double re[3] = {1, 2, 3};
    fits_create_file(&fp, bang, &status);
    fits_create_img(fp, 8, 0, NULL, &status);
    fits_create_tbl(fp, BINARY_TBL, 3, 3, ttype, tform, NULL, NULL, &status);
    fits_write_col(fp, TLONGLONG, 1, 1, 1, 3, idx, &status);
    fits_write_col(fp, TDOUBLE, 2, 1, 1, 3, re, &status);
    fits_write_col(fp, TDOUBLE, 3, 1, 1, 3, re, &status);
    fits_close_file(fp, &status);
    CHECK(status == 0, "writing %s: %d", path, status);
    return path;
}

/* F10: an alm INDEX near 2^40 sized a multi-TB allocation (3 rows, lmax
 * 2^20); the row count is checked against lmax first now. */
static void f10_alm_index_2p40(void)
{
    const char *path = alm_file("f10_alm.fits", (1LL << 40) - 5);
    double complex *alm = NULL;
    int lmax = 0;
    char unit[64];
    sky_error err = {0};
    int rc = sky_fits_read_alm(path, 1, &alm, &lmax, unit, &err);
    CHECK_REFUSED("f10_alm_index_2p40", rc, err, path, "holds 3 of the 549756338176 coefficients");
    /* and a complete lmax = 1 table still reads */
    path = alm_file("alm_ok.fits", 4); /* (1, 1) */
    rc = sky_fits_read_alm(path, 1, &alm, &lmax, unit, &err);
    CHECK(rc == SKY_OK && lmax == 1, "lmax 1 alm: rc %d lmax %d %s", rc, lmax, rc ? err.msg : "");
    free(alm);
}

/* F10: an 8.6 KB map whose header says NAXIS2 = 805306368 (nside 8192)
 * allocated 2 GB before failing. */
static void f10_map_naxis2_805306368(void)
{
    rawfits f = {0};
    raw_primary(&f);
    raw_bintable(&f, 4, "805306368", 1, "1E", NULL);
    raw_card(&f, "PIXTYPE", "'HEALPIX'");
    raw_card(&f, "ORDERING", "'RING'");
    raw_card(&f, "NSIDE", "8192");
    raw_end(&f);
    raw_data(&f, 2880);
    const char *path = raw_write(&f, "f10_map.fits");
    CHECK(file_size(path) == 8640, "f10: %zu bytes", file_size(path));
    sky_hmap m[1];
    char units[1][64];
    sky_error err = {0};
    int rc = sky_fits_read_map(path, 1, (int[]){0}, m, units, &err);
    CHECK_REFUSED("f10_map_naxis2_805306368", rc, err, path, "truncated file");
    int ncols = 0, nside = 0;
    rc = sky_fits_map_shape(path, &ncols, &nside, &err);
    CHECK_REFUSED("f10_map_shape", rc, err, path, "truncated file");
}

/* F7: TTYPE1 = 70 unquoted characters overflowed a buffer inside cfitsio
 * 4.2 ("*** buffer overflow detected ***"), plain or compressed. */
static void f7_ttype_unquoted_70(void)
{
    char value[71];
    memset(value, 'x', 70);
    value[70] = '\0';
    rawfits f = {0};
    raw_primary(&f);
    raw_bintable(&f, 8, "4", 1, "1D", value);
    raw_end(&f);
    raw_data(&f, 32);
    const char *path = raw_write(&f, "f7.fits");
    double *data = NULL;
    int ncols = 0;
    long nrows = 0;
    sky_error err = {0};
    int rc = sky_fits_read_table(path, 3, &data, &ncols, &nrows, NULL, &err);
    CHECK_REFUSED("f7_ttype_unquoted_70", rc, err, path,
                  "card 9 of the extension 1 (TTYPE1) has an unquoted value of 70 characters");
    sky_hmap m[1];
    char units[1][64];
    rc = sky_fits_read_map(path, 1, (int[]){0}, m, units, &err);
    CHECK_REFUSED("f7_map", rc, err, path, "unquoted value");
    const char *gz = gzip_copy(path, "f7.fits.gz");
    rc = sky_fits_read_table(gz, 3, &data, &ncols, &nrows, NULL, &err);
    CHECK_REFUSED("f7_ttype_unquoted_70_gz", rc, err, gz, "unquoted value of 70 characters");
    /* a .gz name is not needed for cfitsio to decompress */
    const char *hidden = tmp_path("f7_gz_named.fits");
    rename(gz, hidden);
    rc = sky_fits_read_table(hidden, 3, &data, &ncols, &nrows, NULL, &err);
    CHECK_REFUSED("f7_ttype_unquoted_70_gz_any_name", rc, err, hidden, "unquoted value");
    double complex *alm = NULL;
    int lmax;
    char unit[64];
    rc = sky_fits_read_alm(path, 1, &alm, &lmax, unit, &err);
    CHECK_REFUSED("f7_alm", rc, err, path, "unquoted value");
}

/* Under TTYPEn and TUNITn even a number of 70 digits reaches cfitsio's
 * unbounded copy; elsewhere 70 unquoted characters that are no number are
 * malformed. */
static void f7_other_overlong_cards(void)
{
    char digits[71];
    for (int i = 0; i < 70; i++)
        digits[i] = (char)('0' + i % 10);
    digits[70] = '\0';
    rawfits f = {0};
    raw_primary(&f);
    raw_bintable(&f, 8, "4", 1, "1D", NULL);
    raw_card(&f, "TUNIT1", digits);
    raw_end(&f);
    raw_data(&f, 32);
    const char *path = raw_write(&f, "f7_tunit.fits");
    double *data = NULL;
    int ncols = 0;
    long nrows = 0;
    sky_error err = {0};
    int rc = sky_fits_read_table(path, 3, &data, &ncols, &nrows, NULL, &err);
    CHECK_REFUSED("f7_tunit_unquoted_digits", rc, err, path, "(TUNIT1) has an unquoted value of 70");
    raw_card(&f, "SIMPLE", "T");
    raw_card(&f, "BITPIX", "8");
    raw_card(&f, "NAXIS", "0");
    raw_card(&f, "EXTEND", "T");
    raw_card(&f, "OBSERVER", "Jane Doe of the Very Long Name Observatory on the Far Side of the Moon");
    raw_end(&f);
    path = raw_write(&f, "f7_text.fits");
    rc = sky_fits_prescan(path, &err);
    CHECK_REFUSED("f7_unquoted_text_primary", rc, err, path, "card 5 of the primary HDU (OBSERVER)");
}

/* Quoted values of any length, and numbers, are what FITS allows: kept. */
static void f7_valid_cards_accepted(void)
{
    char value[71];
    memset(value, 'q', 70);
    value[0] = value[69] = '\'';
    value[70] = '\0';
    rawfits f = {0};
    raw_primary(&f);
    raw_bintable(&f, 8, "4", 1, "1D", value);
    /* a 70-digit integer is legal FITS (astropy's test headers have one) */
    raw_card(&f, "LONGNUM", "1234567890123456789012345678901234567890123456789012345678901234567890");
    raw_card(&f, "LONGREAL", "-1.23456789012345678901234567890123456789012345678901234567890123D+100");
    raw_card(&f, "LONGCPLX", "(1.234567890123456789012345678901, -1.2345678901234567890123456789012)");
    raw_card(&f, "COMMENT", NULL);
    raw_end(&f);
    raw_data(&f, 32);
    const char *path = raw_write(&f, "f7_ok.fits");
    double *data = NULL;
    int ncols = 0;
    long nrows = 0;
    sky_error err = {0};
    int rc = sky_fits_read_table(path, 3, &data, &ncols, &nrows, NULL, &err);
    CHECK(rc == SKY_OK && ncols == 1 && nrows == 4, "f7 valid: rc %d %s", rc, rc ? err.msg : "");
    free(data);
}

/* Every FITS file of the test data (healpy, astropy and PySM-layout
 * templates, gzip-compressed ones) passes the pre-scan. */
static int scan_tree(const char *dir, int *nfiles)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int bad = 0;
    if (!d)
        return 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            bad += scan_tree(path, nfiles);
        } else if (strstr(e->d_name, ".fits")) {
            sky_error err = {0};
            fitsfile *fp = NULL;
            (*nfiles)++;
            if (sky_fits_open_read(path, &fp, &err)) {
                bad++;
                fprintf(stderr, "refused: %s\n", err.msg);
            } else {
                int status = 0;
                fits_close_file(fp, &status);
            }
        }
    }
    closedir(d);
    return bad;
}

static void f7_test_data_accepted(void)
{
    int n = 0;
    const int bad = scan_tree("data", &n);
    CHECK(n > 100 && bad == 0, "%d of %d FITS files in tests/data refused", bad, n);
}

/* The file-system cases of the FITS readers. */
static void f8_fits_not_a_file(void)
{
    double *data = NULL;
    int ncols = 0;
    long nrows = 0;
    sky_error err = {0};
    int rc = sky_fits_read_table(tmp, 3, &data, &ncols, &nrows, NULL, &err);
    CHECK_REFUSED("f8_fits_directory", rc, err, tmp, "is a directory");
    rc = sky_fits_read_table("/dev/zero", 3, &data, &ncols, &nrows, NULL, &err);
    CHECK_REFUSED("f8_fits_dev_zero", rc, err, "/dev/zero", "not a regular file");
    const char *path = tmp_path("not_fits.fits");
    FILE *f = fopen(path, "w");
    fputs("not a FITS file\n", f);
    fclose(f);
    rc = sky_fits_read_table(path, 3, &data, &ncols, &nrows, NULL, &err);
    CHECK_REFUSED("f8_fits_text", rc, err, path, "cannot open as FITS");
    rc = sky_fits_read_table(tmp_path("missing.fits"), 3, &data, &ncols, &nrows, NULL, &err);
    CHECK(rc == SKY_ENOTFOUND, "missing FITS: rc %d %s", rc, err.msg);
}

/* ------------------------------------------------------------------ */
/* TOML                                                                 */

/* Parses `text` from a buffer of exactly its size, so that AddressSanitizer
 * sees a read past its end. */
static int toml_of(const char *text, sky_toml *doc, sky_error *err)
{
    const size_t n = strlen(text);
    char *exact = malloc(n + 1);
    memcpy(exact, text, n + 1);
    int rc = sky_toml_parse(exact, "t.toml", doc, err);
    free(exact);
    if (!rc)
        sky_toml_free(doc);
    return rc;
}

/* F3: a table name of three 199-character parts overflowed name[256]. */
static void f3_toml_long_table_name(void)
{
    char text[1024];
    int n = snprintf(text, sizeof text, "[");
    for (int p = 0; p < 3; p++) {
        if (p)
            text[n++] = '.';
        memset(text + n, 'a' + p, 199);
        n += 199;
    }
    snprintf(text + n, sizeof text - (size_t)n, "]\nk = 1\n");
    sky_toml doc;
    sky_error err = {0};
    int rc = toml_of(text, &doc, &err);
    CHECK_REFUSED("f3_toml_long_table_name", rc, err, "t.toml:1:", "table name longer than 255");
    /* 255 characters are still fine */
    memset(text, 0, sizeof text);
    text[0] = '[';
    memset(text + 1, 'n', 255);
    strcat(text, "]\nk = 1\n");
    rc = toml_of(text, &doc, &err);
    CHECK(rc == SKY_OK, "255-character name: %s", err.msg);
}

/* F4: `k = ` and 100,000 '[' recursed off the stack. */
static void f4_toml_deep_nesting(void)
{
    const int n = 100000;
    char *text = malloc((size_t)n + 16);
    strcpy(text, "[a]\nk = ");
    memset(text + 8, '[', (size_t)n);
    text[8 + n] = '\0';
    sky_toml doc;
    sky_error err = {0};
    int rc = toml_of(text, &doc, &err);
    CHECK_REFUSED("f4_toml_deep_nesting", rc, err, "t.toml:2:", "nested more than 128 deep");
    /* and inline tables alike */
    for (int i = 0; i + 3 <= n; i += 3)
        memcpy(text + 8 + i, "{a=", 3);
    rc = toml_of(text, &doc, &err);
    CHECK_REFUSED("f4_toml_deep_inline_tables", rc, err, "t.toml:2:", "nested more than 128");
    free(text);
    rc = toml_of("[a]\nk = [[[[1]]], {x = [2]}]\n", &doc, &err);
    CHECK(rc == SKY_OK, "shallow nesting: %s", err.msg);
}

/* F5: a backslash at the end of the text stepped past its NUL. */
static void f5_toml_trailing_backslash(void)
{
    sky_toml doc;
    sky_error err = {0};
    int rc = toml_of("[a]\nk=\"\\", &doc, &err);
    CHECK_REFUSED("f5_toml_trailing_backslash", rc, err, "t.toml:2:", "unterminated string");
    rc = toml_of("[a]\nk=\"\\\nx\"\n", &doc, &err);
    CHECK_REFUSED("f5_toml_backslash_newline", rc, err, "t.toml:2:", "unterminated string");
    rc = toml_of("[a]\nk=\"\\u0000\"\n", &doc, &err);
    CHECK_REFUSED("f5_toml_nul_escape", rc, err, "t.toml:2:", "\\u escape");
}

/* F8: /dev/zero read until memory ran out; a folder was a read error. */
static void f8_toml_whole_file(void)
{
    sky_toml doc;
    sky_error err = {0};
    int rc = sky_toml_read("/dev/zero", &doc, &err);
    CHECK_REFUSED("f8_toml_dev_zero", rc, err, "/dev/zero", "a NUL byte at offset 0");
    rc = sky_toml_read(tmp, &doc, &err);
    CHECK_REFUSED("f8_toml_directory", rc, err, tmp, "is a directory");
    const char *big = tmp_path("big.toml");
    FILE *f = fopen(big, "w");
    fputs("[a]\n", f);
    fclose(f);
    CHECK(truncate(big, (16 << 20) + 1) == 0, "truncate");
    rc = sky_toml_read(big, &doc, &err);
    CHECK_REFUSED("f8_toml_over_cap", rc, err, big, "larger than 16 MiB");
    unlink(big);
}

/* F8: getline on /dev/zero grew one line without end; a folder was an I/O
 * error (exit 1); running out of memory read as "no data rows". */
static void f8_text_table(void)
{
    sky_table t;
    sky_error err = {0};
    int rc = sky_table_read("/dev/zero", "bandpass file", &t, &err);
    CHECK_REFUSED("f8_table_dev_zero", rc, err, "bandpass file /dev/zero:1", "a NUL byte");
    rc = sky_table_read(tmp, "beam window", &t, &err);
    CHECK_REFUSED("f8_table_directory", rc, err, tmp, "is a directory");
    const char *path = tmp_path("long_line.txt");
    FILE *f = fopen(path, "w");
    fputs("1 2\n", f);
    for (int i = 0; i < (1 << 20) / 8 + 10; i++)
        fputs("1.0     ", f);
    fclose(f);
    rc = sky_table_read(path, "beam window", &t, &err);
    CHECK_REFUSED("f8_table_long_line", rc, err, ":2: a line longer than 1024 KiB", path);
    CHECK(truncate(path, (16 << 20) + 1) == 0, "truncate");
    rc = sky_table_read(path, "beam window", &t, &err);
    CHECK_REFUSED("f8_table_over_cap", rc, err, path, "larger than 16 MiB");
    f = fopen(path, "w");
    fputs("# comments only\n\n", f);
    fclose(f);
    rc = sky_table_read(path, "beam window", &t, &err);
    CHECK_REFUSED("f8_table_no_rows", rc, err, path, "no data rows");
    f = fopen(path, "w");
    fputs("1 2\n3 4", f); /* no final newline */
    fclose(f);
    rc = sky_table_read(path, "beam window", &t, &err);
    CHECK(rc == SKY_OK && t.nrows == 2 && t.ncols == 2 && sky_table_at(&t, 1, 1) == 4,
          "two rows: rc %d %s", rc, rc ? err.msg : "");
    sky_table_free(&t);
}

/* F6: available_nside = 1e10, nan or 1e300 was converted to int (undefined). */
static void f6_available_nside_range(void)
{
    const double bad[] = {1e10, NAN, 1e300, -1e300, 2048.5, 0};
    const char *shown[] = {"10000000000", "nan", "1.0000000000000001e+300", "-1.0000000000000001e+300",
                           "2048.5", "available_nside 0"};
    for (int k = 0; k < 6; k++) {
        sky_param p = {"available_nside", SKY_PARAM_NUMBER, NULL, bad[k], 0};
        sky_params ps = {1, &p, "d1"};
        sky_error err = {0};
        const int n = sky_templates_nside(&ps, 512, &err);
        CHECK(n == -1 && strstr(err.msg, shown[k]) && strstr(err.msg, "expected a list of powers"),
              "f6_available_nside_range %g: %d '%s'", bad[k], n, err.msg);
    }
    sky_param p = {"available_nside", SKY_PARAM_NUMBER, NULL, 2048, 0};
    sky_params ps = {1, &p, "d1"};
    sky_error err = {0};
    CHECK(sky_templates_nside(&ps, 512, &err) == 2048, "available_nside 2048: %s", err.msg);
}

/* ------------------------------------------------------------------ */
/* F13: messages stay one line                                          */

static void f13_messages_one_line(void)
{
    sky_toml doc;
    sky_error err = {0};
    int rc = toml_of("[a]\n\"a\\nb\" = 1\n\"a\\nb\" = 2\n", &doc, &err);
    CHECK(rc == SKY_EFORMAT && !strchr(err.msg, '\n') && strstr(err.msg, "key 'a\\nb' given twice"),
          "f13_toml_key_newline: '%s'", err.msg);
    sky_fail(&err, SKY_EINVAL, "x%sy", "\t\r\x01\x7f\xc3\xa9");
    CHECK(!strcmp(err.msg, "x\\t\\r\\x01\\x7f\xc3\xa9y"), "f13_escape_controls: '%s'", err.msg);
    sky_fail(&err, SKY_EINVAL, "tail\n");
    sky_prefix(&err, SKY_EINVAL, "file\n%s: ", "name");
    CHECK(!strcmp(err.msg, "file\\nname: tail\\n"), "f13_prefix: '%s'", err.msg);
    /* an escape never cut in half at the end of the buffer */
    char big[2000];
    memset(big, '\n', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    sky_fail(&err, SKY_EINVAL, "%s", big);
    const size_t n = strlen(err.msg);
    CHECK(n == 1022 && err.msg[n - 1] == 'n' && err.msg[n - 2] == '\\', "f13_long: %zu", n);
    /* --unit $'uK\nCMB' */
    rc = sky_unit_check("uK\nCMB", &err);
    CHECK(rc == SKY_EINVAL && !strchr(err.msg, '\n') && strstr(err.msg, "uK\\nCMB"),
          "f13_unit_newline: '%s'", err.msg);
}

static const struct {
    const char *name;
    void (*run)(void);
} cases[] = {
    {"f1_table_naxis2_2p50", f1_table_naxis2_2p50},
    {"f1_table_size_overflow", f1_table_size_overflow},
    {"f2_alm_naxis2_2p61", f2_alm_naxis2_2p61},
    {"f2_alm_zero_width_rows", f2_alm_zero_width_rows},
    {"f3_toml_long_table_name", f3_toml_long_table_name},
    {"f4_toml_deep_nesting", f4_toml_deep_nesting},
    {"f5_toml_trailing_backslash", f5_toml_trailing_backslash},
    {"f6_available_nside_range", f6_available_nside_range},
    {"f7_ttype_unquoted_70", f7_ttype_unquoted_70},
    {"f7_other_overlong_cards", f7_other_overlong_cards},
    {"f7_valid_cards_accepted", f7_valid_cards_accepted},
    {"f7_test_data_accepted", f7_test_data_accepted},
    {"f8_toml_whole_file", f8_toml_whole_file},
    {"f8_text_table", f8_text_table},
    {"f8_fits_not_a_file", f8_fits_not_a_file},
    {"f10_alm_index_2p40", f10_alm_index_2p40},
    {"f10_map_naxis2_805306368", f10_map_naxis2_805306368},
    {"f13_messages_one_line", f13_messages_one_line},
};

/* All cases, or those whose names start with argv[1] (e.g. f7). */
int main(int argc, char **argv)
{
    snprintf(tmp, sizeof tmp, "%s/skymodel_test_parsers_XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return 1;
    }
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++)
        if (argc < 2 || !strncmp(cases[k].name, argv[1], strlen(argv[1])))
            cases[k].run();
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmp);
    return check_report("test_parsers");
}
