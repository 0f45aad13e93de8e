/*
 * fits_open.c - checked opening of FITS files (see fits_open.h).
 *
 * The pre-scan walks the HDUs as the FITS standard lays them out: a header
 * of 80-character cards in 2880-byte blocks up to END, then
 * |BITPIX|/8 x GCOUNT x (PCOUNT + NAXIS1 x ... x NAXISn) bytes of data
 * (NAXIS1 left out of the product for random groups) padded to 2880. It
 * refuses
 *  - a header byte outside printable ASCII (0x20-0x7E, FITS 4.0 4.1.2);
 *  - the mandatory keywords (SIMPLE or XTENSION, BITPIX, NAXIS, NAXISn, and
 *    PCOUNT, GCOUNT, TFIELDS in an extension) out of their order or without
 *    a plain value, and more than 999 axes or columns: cfitsio 4.2 goes on
 *    with an uninitialised value when it cannot parse one of them, and
 *    spends seconds and gigabytes on TFIELDS = 20000000;
 *  - a card with a value indicator ('=' in column 9) whose value is not
 *    quoted and longer than 68 characters, unless it is a number (FITS
 *    allows integers of any length) under a keyword other than TTYPEn or
 *    TUNITn: cfitsio 4.2 copies the value of those into a 70-byte field
 *    without a bound, and a long unquoted text is malformed anywhere;
 *  - data that would run past the end of the file (or overflow 64 bits).
 * Anything else it does not understand (no END, junk after the last HDU)
 * ends the scan and is left to cfitsio, which reports it as before. A .gz
 * file is scanned through zlib, decompressing it once more than cfitsio
 * does: the data are skipped, not kept. Its stream must decompress whole,
 * and the size in its trailer (from which cfitsio sizes its buffer) must
 * not exceed its data. Other compressed formats, which cfitsio would also
 * expand, are refused.
 */
#define _POSIX_C_SOURCE 200809L
#include "fits_open.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/error.h"
#include "fits_internal.h"

enum { BLOCK = 2880, CARD = 80, MAX_UNQUOTED = 68 };

typedef struct source {
    int fd;          /* a plain file, or -1 */
    gzFile gz;       /* a .gz file, or NULL */
    uint64_t pos;    /* bytes consumed (decompressed for .gz) */
    uint64_t size;   /* a plain file's size; UINT64_MAX for .gz (known at its end) */
} source;

/* Up to n bytes at the current position: the count read, -1 on an error. */
static long long source_read(source *s, unsigned char *buf, size_t n)
{
    long long got;
    if (s->gz) {
        int g = gzread(s->gz, buf, (unsigned)n);
        got = g;
    } else {
        ssize_t g;
        do
            g = pread(s->fd, buf, n, (off_t)s->pos);
        while (g < 0 && errno == EINTR);
        got = g;
    }
    if (got > 0)
        s->pos += (uint64_t)got;
    return got;
}

/* Skips n bytes: the count skipped (less at the end of the file). */
static uint64_t source_skip(source *s, uint64_t n)
{
    if (!s->gz) {
        const uint64_t left = s->size > s->pos ? s->size - s->pos : 0;
        const uint64_t k = n < left ? n : left;
        s->pos += k;
        return k;
    }
    unsigned char scratch[1 << 14];
    uint64_t done = 0;
    while (done < n) {
        const uint64_t want = n - done < sizeof scratch ? n - done : sizeof scratch;
        const long long got = source_read(s, scratch, (size_t)want);
        if (got <= 0)
            break;
        done += (uint64_t)got;
    }
    return done;
}

static int key_is(const unsigned char *card, const char *key)
{
    const size_t n = strlen(key);
    if (memcmp(card, key, n))
        return 0;
    for (size_t i = n; i < 8; i++)
        if (card[i] != ' ')
            return 0;
    return 1;
}

/* The integer value of a card ("KEY     =    123 / comment"); 0 if none. */
static int card_int(const unsigned char *card, long long *v)
{
    char text[CARD + 1];
    if (card[8] != '=')
        return 0;
    memcpy(text, card + 10, CARD - 10);
    text[CARD - 10] = '\0';
    char *slash = strchr(text, '/');
    if (slash)
        *slash = '\0';
    char *end;
    errno = 0;
    *v = strtoll(text, &end, 10);
    if (end == text || errno)
        return 0;
    while (*end == ' ')
        end++;
    return *end == '\0';
}

/* A FITS integer or real ([+-]digits[.digits][E|D[+-]digits]) or a
 * complex value ("(re, im)"), s[0..n). */
static int is_number(const unsigned char *s, int n)
{
    if (n >= 2 && s[0] == '(' && s[n - 1] == ')')
        return 1;
    int i = 0, digits = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (i < n && s[i] == '.')
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            digits++;
    if (!digits)
        return 0;
    if (i < n && strchr("EeDd", s[i])) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i == n || s[i] < '0' || s[i] > '9')
            return 0;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    return i == n;
}

/* Keywords whose value cfitsio 4.2 copies unbounded into a 70-byte field
 * when it reads a table's header (ffgtbp: strcpy of the value as a string). */
static int copied_key(const unsigned char *card)
{
    return (!memcmp(card, "TTYPE", 5) || !memcmp(card, "TUNIT", 5)) && card[5] >= '1' &&
           card[5] <= '9';
}

/* A card whose value cfitsio cannot copy safely: the length of its
 * unquoted value, or 0 when it is fine. A long number is legal FITS (and
 * kept), except under the keywords cfitsio copies as text. */
static int overlong_value(const unsigned char *card)
{
    if (card[8] != '=' || key_is(card, "COMMENT") || key_is(card, "HISTORY") ||
        key_is(card, "") || !memcmp(card, "HIERARCH", 8))
        return 0;
    int i = 9;
    while (i < CARD && card[i] == ' ')
        i++;
    if (i == CARD || card[i] == '\'')
        return 0;
    int end = i;
    while (end < CARD && card[end] != '/')
        end++;
    while (end > i && card[end - 1] == ' ')
        end--;
    if (end - i <= MAX_UNQUOTED || (!copied_key(card) && is_number(card + i, end - i)))
        return 0;
    return end - i;
}

static void hdu_name(int hdu, char *buf, size_t n)
{
    if (hdu == 0)
        snprintf(buf, n, "primary HDU");
    else
        snprintf(buf, n, "extension %d", hdu);
}

static int mul_ok(uint64_t a, uint64_t b, uint64_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}

/* The keyword of a card, trailing blanks removed. */
static void card_key(const unsigned char *card, char key[9])
{
    memcpy(key, card, 8);
    key[8] = '\0';
    for (int k = 7; k >= 0 && key[k] == ' '; k--)
        key[k] = '\0';
}

/* A FITS logical value T or F ("KEY     =                    T / ..."). */
static int card_logical(const unsigned char *card)
{
    if (card[8] != '=' || card[9] != ' ')
        return 0;
    int i = 10;
    while (i < CARD && card[i] == ' ')
        i++;
    if (i == CARD || (card[i] != 'T' && card[i] != 'F'))
        return 0;
    for (i++; i < CARD && card[i] == ' '; i++)
        ;
    return i == CARD || card[i] == '/';
}

/* A quoted FITS string value ("KEY     = 'TEXT    ' / ..."): its text,
 * trailing blanks removed, in out[n]. */
static int card_string(const unsigned char *card, char *out, size_t n)
{
    if (card[8] != '=' || card[9] != ' ')
        return 0;
    int i = 10;
    while (i < CARD && card[i] == ' ')
        i++;
    if (i == CARD || card[i] != '\'')
        return 0;
    size_t k = 0;
    for (i++; i < CARD; i++) {
        if (card[i] == '\'') {
            if (i + 1 < CARD && card[i + 1] == '\'') {
                i++;
            } else {
                break;
            }
        }
        if (k + 1 < n)
            out[k++] = (char)card[i];
    }
    if (i == CARD)
        return 0; /* no closing quote */
    while (k > 0 && out[k - 1] == ' ')
        k--;
    out[k] = '\0';
    for (i++; i < CARD && card[i] == ' '; i++)
        ;
    return i == CARD || card[i] == '/';
}

/* The mandatory keywords of a header in their order (FITS 4.0, 4.4.1):
 * SIMPLE or XTENSION, BITPIX, NAXIS, NAXIS1..NAXISn, and for an extension
 * PCOUNT and GCOUNT, then TFIELDS for a table. Their values must be plain
 * (an integer, T or F, a quoted name) in the fixed columns: cfitsio 4.2
 * goes on with an uninitialised value when it cannot parse one of them. */
typedef struct required {
    int count;           /* how many cards the sequence has; grows as NAXIS is read */
    int table;           /* XTENSION is a table (cfitsio's names): TFIELDS follows */
    long long bitpix, naxis, pcount, gcount, tfields;
    long long axes[1000];
} required;

/* The name of the k-th mandatory keyword (k from 0) in buf[n]. */
static void required_name(const required *r, int hdu, int k, char *buf, size_t n)
{
    if (k == 0)
        snprintf(buf, n, "%s", hdu == 0 ? "SIMPLE" : "XTENSION");
    else if (k == 1)
        snprintf(buf, n, "BITPIX");
    else if (k == 2)
        snprintf(buf, n, "NAXIS");
    else if (k <= 2 + r->naxis)
        snprintf(buf, n, "NAXIS%d", k - 2);
    else if (k == 3 + r->naxis)
        snprintf(buf, n, "PCOUNT");
    else if (k == 4 + r->naxis)
        snprintf(buf, n, "GCOUNT");
    else
        snprintf(buf, n, "TFIELDS");
}

/* Checks card k (from 0) of a header against the mandatory sequence. */
static int required_card(required *r, int hdu, int k, const unsigned char *card,
                         const char *path, const char *where, sky_error *err)
{
    char want[16], key[9], text[72];
    required_name(r, hdu, k, want, sizeof want);
    card_key(card, key);
    if (strcmp(key, want))
        return sky_fail(err, SKY_EFORMAT,
                        "%s: malformed header: card %d of the %s is %s where the FITS standard "
                        "requires %s",
                        path, k + 1, where, key[0] ? key : "blank", want);
    const char *expected = NULL;
    long long v = 0;
    if (k == 0 && hdu == 0) {
        if (!card_logical(card))
            expected = "T or F";
    } else if (k == 0) {
        if (!card_string(card, text, sizeof text))
            expected = "a quoted extension type";
        else
            r->table = !strcmp(text, "BINTABLE") || !strcmp(text, "TABLE") ||
                       !strcmp(text, "A3DTABLE") || !strcmp(text, "3DTABLE"); /* as cfitsio */
    } else if (card[9] != ' ' || !card_int(card, &v)) {
        expected = "an integer";
    } else if (k == 1) {
        r->bitpix = v;
        if (v != 8 && v != 16 && v != 32 && v != 64 && v != -32 && v != -64)
            expected = "8, 16, 32, 64, -32 or -64";
    } else if (k == 2) {
        r->naxis = v;
        if (v < 0 || v > 999)
            expected = "0 to 999 axes";
        else
            r->count = 3 + (int)v + (hdu > 0 ? 2 + r->table : 0);
    } else if (k <= 2 + r->naxis) {
        r->axes[k - 2] = v;
        if (v < 0)
            expected = "a length >= 0";
    } else if (k == 3 + r->naxis) {
        r->pcount = v;
        if (v < 0)
            expected = "a count >= 0";
    } else if (k == 4 + r->naxis) {
        r->gcount = v;
        if (v < 0)
            expected = "a count >= 0";
    } else {
        r->tfields = v;
        if (v < 0 || v > 999)
            expected = "0 to 999 columns";
    }
    if (!expected)
        return SKY_OK;
    int i = 10, end;
    while (i < CARD && card[i] == ' ')
        i++;
    for (end = i; end < CARD && card[end] != '/'; end++)
        ;
    while (end > i && card[end - 1] == ' ')
        end--;
    return sky_fail(err, SKY_EFORMAT,
                    "%s: malformed header: %s = '%.*s' (card %d of the %s): expected %s", path,
                    want, end - i, (const char *)card + i, k + 1, where, expected);
}

/* The first byte of a card outside printable ASCII (0x20-0x7E), or -1. */
static int unprintable(const unsigned char *card)
{
    for (int i = 0; i < CARD; i++)
        if (card[i] < 0x20 || card[i] > 0x7e)
            return i;
    return -1;
}

/* Walks the HDUs of an opened source. */
static int scan(source *s, const char *path, sky_error *err)
{
    unsigned char block[BLOCK];
    required r;
    for (int hdu = 0;; hdu++) {
        long long pcount = 0, gcount = 1, *axes = r.axes;
        int groups = 0, ended = 0;
        char where[32];
        hdu_name(hdu, where, sizeof where);
        memset(&r, 0, sizeof r);
        r.count = 3; /* until NAXIS is read */
        for (int b = 0; !ended; b++) {
            const long long got = source_read(s, block, BLOCK);
            if (got < BLOCK)
                return SKY_OK; /* no more HDUs, or a short file: cfitsio's to say */
            for (int c = 0; c < BLOCK / CARD && !ended; c++) {
                const unsigned char *card = block + c * CARD;
                const int k = b * (BLOCK / CARD) + c;
                if (k == 0 && !key_is(card, hdu == 0 ? "SIMPLE" : "XTENSION"))
                    return SKY_OK; /* not FITS, or junk after the last HDU */
                const int bad = unprintable(card);
                if (bad >= 0)
                    return sky_fail(err, SKY_EFORMAT,
                                    "%s: malformed header: card %d of the %s has the byte 0x%02x "
                                    "in column %d (a FITS header is printable ASCII)",
                                    path, k + 1, where, card[bad], bad + 1);
                if (k < r.count) {
                    const int rc = required_card(&r, hdu, k, card, path, where, err);
                    if (rc)
                        return rc;
                    continue;
                }
                if (key_is(card, "END")) {
                    ended = 1;
                    break;
                }
                const int len = overlong_value(card);
                if (len) {
                    char key[9];
                    card_key(card, key);
                    return sky_fail(err, SKY_EFORMAT,
                                    "%s: malformed header: card %d of the %s (%s) has an unquoted "
                                    "value of %d characters (a FITS text value must be quoted)",
                                    path, k + 1, where, key, len);
                }
                /* the random-groups keywords of a primary HDU (in any order) */
                if (hdu == 0 && (key_is(card, "PCOUNT") || key_is(card, "GCOUNT"))) {
                    long long v;
                    if (card[9] != ' ' || !card_int(card, &v) || v < 0) {
                        char key[9];
                        card_key(card, key);
                        return sky_fail(err, SKY_EFORMAT,
                                        "%s: malformed header: %s (card %d of the %s): expected "
                                        "an integer >= 0",
                                        path, key, k + 1, where);
                    }
                    *(key_is(card, "PCOUNT") ? &pcount : &gcount) = v;
                } else if (hdu == 0 && key_is(card, "GROUPS")) {
                    groups = card_logical(card) && memchr(card + 10, 'T', 20) != NULL;
                }
            }
        }
        const long long bitpix = r.bitpix, naxis = r.naxis;
        if (hdu > 0)
            pcount = r.pcount, gcount = r.gcount;
        /* the size of the data */
        uint64_t n = naxis > 0 ? 1 : 0;
        int overflow = 0;
        for (int a = 1; a <= naxis; a++) {
            if (a == 1 && hdu == 0 && groups && axes[1] == 0)
                continue;
            overflow |= !mul_ok(n, (uint64_t)axes[a], &n);
        }
        if (n || hdu > 0) {
            overflow |= __builtin_add_overflow(n, (uint64_t)pcount, &n);
            overflow |= !mul_ok(n, (uint64_t)gcount, &n);
        }
        overflow |= !mul_ok(n, (uint64_t)(bitpix < 0 ? -bitpix : bitpix) / 8, &n);
        if (overflow)
            return sky_fail(err, SKY_EFORMAT,
                            "%s: malformed header: the %s declares more data than any file holds",
                            path, where);
        const uint64_t skipped = source_skip(s, n);
        if (skipped < n)
            return sky_fail(err, SKY_EFORMAT,
                            "%s: truncated file: the %s declares %" PRIu64 " bytes of data but "
                            "%" PRIu64 " follow its header",
                            path, where, n, skipped);
        if (source_skip(s, (BLOCK - n % BLOCK) % BLOCK) < (BLOCK - n % BLOCK) % BLOCK)
            return SKY_OK; /* the last HDU, without its padding */
    }
}

/* After the scan of a .gz file: the rest of the stream decompresses
 * without an error (zlib checks each member's CRC and length), and what
 * cfitsio will allocate from the trailer (isize) is not more than the data. */
static int gzip_check(source *s, uint64_t isize, const char *path, sky_error *err)
{
    source_skip(s, UINT64_MAX);
    int code = Z_OK;
    const char *why = gzerror(s->gz, &code);
    if (code == Z_BUF_ERROR)
        return sky_fail(err, SKY_EFORMAT,
                        "%s: truncated gzip file: expected a whole gzip-compressed FITS file",
                        path);
    if (code != Z_OK) {
        const char *fd = strstr(why, "<fd:"), *colon = fd ? strstr(fd, ": ") : NULL;
        return sky_fail(err, SKY_EFORMAT,
                        "%s: corrupt gzip file (%s): expected a whole gzip-compressed FITS file",
                        path, colon ? colon + 2 : why); /* zlib names the file <fd:N> */
    }
    if (isize > s->pos)
        return sky_fail(err, SKY_EFORMAT,
                        "%s: corrupt gzip file: its trailer gives a size of %" PRIu64
                        " bytes but it holds %" PRIu64 " bytes of data",
                        path, isize, s->pos);
    return SKY_OK;
}

int sky_fits_prescan(const char *path, sky_error *err)
{
    source s = {-1, NULL, 0, UINT64_MAX};
    struct stat st;
    unsigned char magic[9] = {0};
    if ((s.fd = open(path, O_RDONLY)) < 0)
        return sky_fail(err, errno == ENOENT ? SKY_ENOTFOUND : SKY_EIO, "%s: %s", path,
                        strerror(errno));
    if (fstat(s.fd, &st) != 0) {
        const int e = errno;
        close(s.fd);
        return sky_fail(err, SKY_EIO, "%s: %s", path, strerror(e));
    }
    s.size = (uint64_t)st.st_size;
    const long long got = source_read(&s, magic, sizeof magic);
    s.pos = 0;
    uint64_t isize = 0; /* what cfitsio will allocate for a .gz file */
    if (got >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) { /* gzip, as cfitsio sees it */
        /* cfitsio sizes its buffer from the trailer's ISIZE (the last 4 bytes,
         * the uncompressed size modulo 2^32, plus 2^32 until it is at least
         * the compressed size when that is above 10,000 bytes) */
        unsigned char tail[4] = {0};
        if (s.size >= 4 && pread(s.fd, tail, 4, (off_t)(s.size - 4)) == 4)
            isize = (uint64_t)tail[0] | (uint64_t)tail[1] << 8 | (uint64_t)tail[2] << 16 |
                    (uint64_t)tail[3] << 24;
        if (s.size > 10000)
            while (isize < s.size)
                isize += UINT64_C(1) << 32;
        const int fd = s.fd;
        s.fd = -1;
        s.size = UINT64_MAX;
        if (!(s.gz = gzdopen(fd, "rb"))) {
            close(fd);
            return sky_nomem(err, "a decompressor");
        }
        gzbuffer(s.gz, 1 << 16);
    } else if (got < (long long)sizeof magic || memcmp(magic, "SIMPLE  =", 9)) {
        /* cfitsio would also decompress other formats, unchecked: refused */
        close(s.fd);
        return sky_fail(err, SKY_EFORMAT,
                        "%s: cannot open as FITS: neither a FITS file nor a gzip-compressed one",
                        path);
    }
    int rc = scan(&s, path, err);
    if (!rc && s.gz)
        rc = gzip_check(&s, isize, path, err);
    if (s.gz)
        gzclose(s.gz);
    else
        close(s.fd);
    return rc;
}

int sky_fits_open_read(const char *path, fitsfile **fp, sky_error *err)
{
    struct stat st;
    *fp = NULL;
    if (stat(path, &st) != 0)
        return sky_fail(err, errno == ENOENT ? SKY_ENOTFOUND : SKY_EIO, "%s: %s", path,
                        strerror(errno));
    if (S_ISDIR(st.st_mode))
        return sky_fail(err, SKY_EFORMAT, "%s: is a directory: expected a FITS file", path);
    if (!S_ISREG(st.st_mode))
        return sky_fail(err, SKY_EFORMAT, "%s: not a regular file: expected a FITS file", path);
    int rc = sky_fits_prescan(path, err);
    if (rc)
        return rc;
    /* literally, without cfitsio's extended syntax; it decompresses a
     * gzip-compressed file into memory whatever its name */
    int status = 0;
    if (fits_open_diskfile(fp, path, READONLY, &status)) {
        *fp = NULL;
        return sky_fits_fail(err, SKY_EFORMAT, path, status, "cannot open as FITS");
    }
    return SKY_OK;
}

int sky_fits_table_in_file(fitsfile *fp, const char *path, sky_error *err)
{
    int status = 0, hdu = 0;
    LONGLONG naxis1 = 0, naxis2 = 0, pcount = 0, head = 0, data = 0, end = 0;
    fits_get_hdu_num(fp, &hdu);
    fits_read_key(fp, TLONGLONG, "NAXIS1", &naxis1, NULL, &status);
    fits_read_key(fp, TLONGLONG, "NAXIS2", &naxis2, NULL, &status);
    if (fits_read_key(fp, TLONGLONG, "PCOUNT", &pcount, NULL, &status) == KEY_NO_EXIST) {
        status = 0;
        pcount = 0;
    }
    fits_get_hduaddrll(fp, &head, &data, &end, &status);
    if (status)
        return sky_fits_fail(err, SKY_EFORMAT, path, status, "reading the table size");
    const LONGLONG size = fp->Fptr->logfilesize;
    uint64_t bytes;
    if (naxis1 < 0 || naxis2 < 0 || pcount < 0 || !mul_ok((uint64_t)naxis1, (uint64_t)naxis2, &bytes) ||
        __builtin_add_overflow(bytes, (uint64_t)pcount, &bytes))
        return sky_fail(err, SKY_EFORMAT,
                        "%s: malformed header: extension %d declares more data than any file "
                        "holds",
                        path, hdu - 1);
    if (naxis2 > 0 && naxis1 == 0)
        return sky_fail(err, SKY_EFORMAT, "%s: extension %d: %lld rows of 0 bytes: expected a "
                        "table with columns", path, hdu - 1, (long long)naxis2);
    const uint64_t left = size > data ? (uint64_t)(size - data) : 0;
    if (bytes > left)
        return sky_fail(err, SKY_EFORMAT,
                        "%s: truncated file: the extension %d declares %" PRIu64 " bytes of "
                        "data but %" PRIu64 " follow its header",
                        path, hdu - 1, bytes, left);
    return SKY_OK;
}
