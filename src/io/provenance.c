/*
 * provenance.c - the list of header cards that says how a map was made
 * (sky_prov, see skymodel.h), what the library knows of a sky, a band and a
 * smoothing, the non-structural cards of an input map's header, and the
 * list written into a FITS header.
 *
 * Values are kept as text: strings unquoted (written with cfitsio's
 * long-string convention, CONTINUE cards, when longer than one card), other
 * values as FITS literals ("30.0", "160", "T") written as they are.
 * Characters outside printable ASCII, which a FITS header cannot hold, are
 * replaced by '?'.
 */
#define _POSIX_C_SOURCE 200809L
#include "provenance.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "core/error.h"
#include "fits_internal.h"
#include "fits_open.h"
#include "sht/smooth.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

enum { K_STRING, K_LITERAL, K_HISTORY, K_COMMENT };

typedef struct card {
    char key[9];
    int kind;
    char *value;   /* NULL for HISTORY / COMMENT */
    char *comment; /* the text of HISTORY / COMMENT */
} card;

struct sky_prov {
    int n, cap;
    card *c;
    int bad;          /* SKY_ENOMEM or SKY_EINVAL once a call failed */
    char badkey[24];  /* the keyword refused */
    char *step;       /* sky_prov_begin_step */
};

sky_prov *sky_prov_new(void)
{
    return calloc(1, sizeof(sky_prov));
}

void sky_prov_free(sky_prov *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->n; i++) {
        free(p->c[i].value);
        free(p->c[i].comment);
    }
    free(p->c);
    free(p->step);
    free(p);
}

/* A copy of s with characters a header cannot hold replaced; NULL stays NULL. */
static char *clean_dup(const char *s)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    for (char *q = d; q && *q; q++)
        if ((unsigned char)*q < 32 || (unsigned char)*q > 126)
            *q = '?';
    return d;
}

static int fail(sky_prov *p, int code, const char *key)
{
    if (p && !p->bad) {
        p->bad = code;
        snprintf(p->badkey, sizeof p->badkey, "%.20s", key ? key : "");
    }
    return code;
}

static int append(sky_prov *p, const char *key, int kind, const char *value, const char *comment)
{
    if (p->n == p->cap) {
        const int cap = p->cap ? 2 * p->cap : 32;
        card *c = realloc(p->c, (size_t)cap * sizeof *c);
        if (!c)
            return fail(p, SKY_ENOMEM, key);
        p->c = c;
        p->cap = cap;
    }
    card *c = &p->c[p->n];
    memset(c, 0, sizeof *c);
    snprintf(c->key, sizeof c->key, "%s", key);
    c->kind = kind;
    c->value = clean_dup(value);
    c->comment = clean_dup(comment ? comment : "");
    if ((value && !c->value) || !c->comment) {
        free(c->value);
        free(c->comment);
        return fail(p, SKY_ENOMEM, key);
    }
    p->n++;
    return SKY_OK;
}

static int key_ok(const char *key)
{
    size_t n = key ? strlen(key) : 0;
    if (n < 1 || n > 8)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!(isupper((unsigned char)key[i]) || isdigit((unsigned char)key[i]) || key[i] == '-' ||
              key[i] == '_'))
            return 0;
    return strcmp(key, "HISTORY") && strcmp(key, "COMMENT") && strcmp(key, "CONTINUE") &&
           strcmp(key, "END");
}

/* A card as text, for messages and the HISTORY of a replaced value. */
static void card_text(const card *c, char *buf, size_t len)
{
    if (c->kind == K_STRING)
        snprintf(buf, len, "%s = '%s'%s%s", c->key, c->value, *c->comment ? " / " : "",
                 c->comment);
    else
        snprintf(buf, len, "%s = %s%s%s", c->key, c->value, *c->comment ? " / " : "", c->comment);
}

static int set(sky_prov *p, const char *key, int kind, const char *value, const char *comment)
{
    if (!p)
        return SKY_EINVAL;
    if (!key_ok(key))
        return fail(p, SKY_EINVAL, key);
    for (int i = 0; i < p->n; i++) {
        card *c = &p->c[i];
        if ((c->kind != K_STRING && c->kind != K_LITERAL) || strcmp(c->key, key))
            continue;
        char *v = clean_dup(value), *m = clean_dup(comment ? comment : "");
        if (!v || !m) {
            free(v);
            free(m);
            return fail(p, SKY_ENOMEM, key);
        }
        if (p->step && (c->kind != kind || strcmp(c->value, v))) {
            char old[1024], line[1200];
            card_text(c, old, sizeof old);
            snprintf(line, sizeof line, "%s: was %s", p->step, old);
            if (append(p, "HISTORY", K_HISTORY, NULL, line)) {
                free(v);
                free(m);
                return p->bad;
            }
            c = &p->c[i]; /* the array may have moved */
        }
        free(c->value);
        free(c->comment);
        c->value = v;
        c->comment = m;
        c->kind = kind;
        return SKY_OK;
    }
    return append(p, key, kind, value, comment);
}

int sky_prov_set_string(sky_prov *p, const char *key, const char *value, const char *comment)
{
    return set(p, key, K_STRING, value ? value : "", comment);
}

int sky_prov_set_int(sky_prov *p, const char *key, long long value, const char *comment)
{
    char t[32];
    snprintf(t, sizeof t, "%lld", value);
    return set(p, key, K_LITERAL, t, comment);
}

/* %.15g with a decimal point or exponent, so that FITS reads a real. */
static void real_text(double v, char *t, size_t len)
{
    snprintf(t, len, "%.15G", v); /* FITS wants an upper-case exponent */
    if (!strpbrk(t, ".eE"))
        snprintf(t + strlen(t), len - strlen(t), ".0");
}

int sky_prov_set_real(sky_prov *p, const char *key, double value, const char *comment)
{
    char t[40];
    if (!isfinite(value)) /* FITS has no literal for these */
        return set(p, key, K_STRING, isnan(value) ? "NaN" : value > 0 ? "Inf" : "-Inf", comment);
    real_text(value, t, sizeof t);
    return set(p, key, K_LITERAL, t, comment);
}

int sky_prov_set_bool(sky_prov *p, const char *key, int value, const char *comment)
{
    return set(p, key, K_LITERAL, value ? "T" : "F", comment);
}

int sky_prov_remove(sky_prov *p, const char *key)
{
    for (int i = 0; p && i < p->n; i++) {
        card *c = &p->c[i];
        if ((c->kind != K_STRING && c->kind != K_LITERAL) || strcmp(c->key, key))
            continue;
        if (p->step) {
            char old[1024], line[1200];
            card_text(c, old, sizeof old);
            snprintf(line, sizeof line, "%s: was %s", p->step, old);
            if (append(p, "HISTORY", K_HISTORY, NULL, line))
                return p->bad;
            c = &p->c[i];
        }
        free(c->value);
        free(c->comment);
        memmove(c, c + 1, (size_t)(p->n - i - 1) * sizeof *c);
        p->n--;
        return SKY_OK;
    }
    return SKY_OK;
}

int sky_prov_history(sky_prov *p, const char *text)
{
    return p ? append(p, "HISTORY", K_HISTORY, NULL, text ? text : "") : SKY_EINVAL;
}

int sky_prov_comment(sky_prov *p, const char *text)
{
    return p ? append(p, "COMMENT", K_COMMENT, NULL, text ? text : "") : SKY_EINVAL;
}

void sky_prov_begin_step(sky_prov *p, const char *step)
{
    if (!p)
        return;
    free(p->step);
    p->step = clean_dup(step ? step : "");
    if (!p->step)
        fail(p, SKY_ENOMEM, "");
}

int sky_prov_status(const sky_prov *p, sky_error *err)
{
    if (!p || !p->bad)
        return SKY_OK;
    if (p->bad == SKY_ENOMEM)
        return sky_nomem(err, "the header cards");
    return sky_fail(err, SKY_EINVAL, "header keyword '%s': expected 1 to 8 characters among "
                    "A-Z, 0-9, '-' and '_'", p->badkey);
}

sky_prov *sky_prov_copy(const sky_prov *p)
{
    sky_prov *q = sky_prov_new();
    if (!q || !p)
        return q;
    for (int i = 0; i < p->n; i++)
        if (append(q, p->c[i].key, p->c[i].kind, p->c[i].value, p->c[i].comment)) {
            sky_prov_free(q);
            return NULL;
        }
    q->bad = p->bad;
    memcpy(q->badkey, p->badkey, sizeof q->badkey);
    if (p->step)
        sky_prov_begin_step(q, p->step);
    if (q->bad == SKY_ENOMEM && !p->bad) {
        sky_prov_free(q);
        return NULL;
    }
    return q;
}

int sky_prov_count(const sky_prov *p)
{
    return p ? p->n : 0;
}

int sky_prov_at(const sky_prov *p, int i, const char **key, const char **value,
                const char **comment)
{
    if (!p || i < 0 || i >= p->n)
        return SKY_EINVAL;
    *key = p->c[i].key;
    *value = p->c[i].value;
    *comment = p->c[i].comment;
    return SKY_OK;
}

const char *sky_prov_get(const sky_prov *p, const char *key)
{
    for (int i = 0; p && i < p->n; i++)
        if (p->c[i].value && !strcmp(p->c[i].key, key))
            return p->c[i].value;
    return NULL;
}

/* ---------------------------------------------------------------------- */

int sky_prov_add_sky(sky_prov *p, const sky_config *cfg, const sky_sky *sky)
{
    char key[24], text[512], comment[80];
    sky_prov_set_string(p, "CREATOR", "skymodel " SKY_VERSION_STRING,
                        "PySM " SKY_PYSM_VERSION " in C");
    sky_prov_set_string(p, "SKYMVER", SKY_VERSION_STRING, "skymodel version");
    sky_prov_set_string(p, "PYSMVER", SKY_PYSM_VERSION, "PySM version whose numbers it gives");
    sky_prov_set_string(p, "POLCCONV", "COSMO", "polarisation convention (HEALPix, PySM)");
    if (sky)
        sky_prov_set_int(p, "SKYNSIDE", sky_nside(sky), "nside of the simulation");
    if (cfg) {
        sky_prov_set_int(p, "NCOMPS", cfg->n, "sky components, COMPn: label: PySM class");
        for (int i = 0; i < cfg->n && i < 9999; i++) { /* COMP9999: 8 characters */
            const sky_config_component *c = &cfg->comp[i];
            snprintf(key, sizeof key, "COMP%d", i + 1);
            snprintf(text, sizeof text, "%s: %s", c->label, c->model_class);
            snprintf(comment, sizeof comment, "group %d", c->group + 1);
            sky_prov_set_string(p, key, text, comment);
        }
    }
    /* the seeds used, so that a stochastic sky can be made again */
    for (int i = 0; sky && i < sky_seed_count(sky) && i < 9999; i++) {
        const char *label, *k;
        uint32_t value;
        sky_seed_at(sky, i, &label, &k, &value);
        snprintf(key, sizeof key, "SEED%d", i + 1);
        snprintf(comment, sizeof comment, "%.20s %.20s", label, k);
        sky_prov_set_int(p, key, (long long)value, comment);
    }
    return p ? p->bad : SKY_EINVAL;
}

/* values[0..n) as "a,b,c" (%.10g) in a malloc'ed string */
static char *join_values(const double *v, int n)
{
    char *s = malloc((size_t)n * 24 + 1);
    if (!s)
        return NULL;
    size_t at = 0;
    s[0] = '\0';
    for (int i = 0; i < n; i++)
        at += (size_t)snprintf(s + at, 24, "%s%.10g", i ? "," : "", v[i]);
    return s;
}

int sky_prov_add_band(sky_prov *p, const sky_band *band, const char *bandpass_file)
{
    if (!p || !band || band->n < 1)
        return SKY_EINVAL;
    const int n = band->n;
    sky_prov_set_real(p, "FREQMIN", band->freq_ghz[0], "lowest band frequency [GHz]");
    sky_prov_set_real(p, "FREQMAX", band->freq_ghz[n - 1], "highest band frequency [GHz]");
    sky_prov_set_int(p, "NFREQ", n, "frequency samples");
    if (n == 1 && !bandpass_file) {
        sky_prov_set_real(p, "FREQ", band->freq_ghz[0], "[GHz]");
    } else if (bandpass_file) {
        sky_prov_set_string(p, "BANDPASS", bandpass_file, "bandpass file (GHz, weight)");
    } else {
        char *f = join_values(band->freq_ghz, n);
        char *w = band->weight ? join_values(band->weight, n) : NULL;
        if (!f || (band->weight && !w))
            fail(p, SKY_ENOMEM, "FREQS");
        else {
            sky_prov_set_string(p, "FREQS", f, "band frequencies [GHz]");
            if (w)
                sky_prov_set_string(p, "WEIGHTS", w, "band weights, power units");
            else
                sky_prov_set_string(p, "WEIGHTS", "top-hat", "PySM weights=None");
        }
        free(f);
        free(w);
    }
    return p->bad;
}

int sky_prov_add_smoothing(sky_prov *p, const sky_smooth_opts *o, const char *beam_file,
                           int nside_in, const sky_smooth_report *rep)
{
    if (!p || !o)
        return SKY_EINVAL;
    const int nside_out = o->nside_out ? o->nside_out : nside_in;
    sky_prov_set_int(p, "NSIDEIN", nside_in, "nside of the map smoothed");
    if (o->beam) {
        sky_prov_remove(p, "FWHM");
        sky_prov_set_string(p, "BEAMWIN", beam_file ? beam_file : "(given)", "beam window B_l");
        sky_prov_set_int(p, "BEAMCOLS", o->beam_ncols, "1: T, E, B alike; 3: T, E, B");
    } else {
        sky_prov_remove(p, "BEAMWIN");
        sky_prov_remove(p, "BEAMCOLS");
        sky_prov_set_real(p, "FWHM", o->fwhm_rad * 180 / M_PI * 60,
                          "[arcmin] Gaussian beam (healpy pol=True)");
    }
    sky_prov_set_int(p, "LMAX", rep ? rep->lmax
                                    : o->lmax >= 0 ? o->lmax
                                                   : sky_smooth_default_lmax(nside_in, nside_out),
                     "lmax of the transforms");
    if (rep && rep->method) {
        sky_prov_set_string(p, "MAP2ALM", rep->method, "map2alm method");
        if (strcmp(rep->method, "map2alm_lsq")) {
            static const char *const lsq[] = {"LSQITER", "LSQTOL", "LSQNITER", "LSQRESID"};
            for (int i = 0; i < 4; i++)
                sky_prov_remove(p, lsq[i]);
        } else {
            sky_prov_set_int(p, "LSQITER", o->lsq_maxiter, "least-squares iterations at most");
            sky_prov_set_real(p, "LSQTOL", SKY_LSQ_TOL, "least-squares tolerance (atol, btol)");
            sky_prov_set_int(p, "LSQNITER", rep->iterations, "least-squares iterations made");
            sky_prov_set_real(p, "LSQRESID", rep->residual, "least-squares relative residual");
        }
    }
    if (o->rot_from && o->rot_to && o->rot_from != o->rot_to) { /* X:X is no rotation */
        const char r[4] = {o->rot_from, ':', o->rot_to, '\0'};
        sky_prov_set_string(p, "ROTATE", r, "coordinate change of the alm (from:to)");
    }
    return p->bad;
}

/* ---------------------------------------------------------------------- */

int sky_prov_structural(const char *key)
{
    static const char *const fixed[] = {
        "SIMPLE", "EXTEND", "XTENSION", "BITPIX", "NAXIS", "PCOUNT", "GCOUNT", "TFIELDS",
        "THEAP", "EXTNAME", "EXTVER", "EXTLEVEL", "PIXTYPE", "ORDERING", "COORDSYS", "NSIDE",
        "FIRSTPIX", "LASTPIX", "INDXSCHM", "OBJECT", "GRAIN", "END", "CONTINUE", "LONGSTRN",
        "CHECKSUM", "DATASUM", "BUNIT", NULL};
    static const char *const indexed[] = {"NAXIS", "TTYPE", "TFORM", "TUNIT", "TNULL",
                                          "TSCAL", "TZERO", "TDISP", "TDIM", "TBCOL", NULL};
    for (int i = 0; fixed[i]; i++)
        if (!strcmp(key, fixed[i]))
            return 1;
    for (int i = 0; indexed[i]; i++) {
        const size_t n = strlen(indexed[i]);
        if (!strncmp(key, indexed[i], n) && key[n] && strspn(key + n, "0123456789") ==
                                                         strlen(key + n))
            return 1;
    }
    return 0;
}

static void trim_right(char *s)
{
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        s[--n] = '\0';
}

int sky_prov_read_map(sky_prov *p, const char *path, sky_error *err)
{
    fitsfile *fp = NULL;
    int status = 0, hdutype = 0, nkeys = 0, more = 0, rc = SKY_OK;
    struct stat st;
    if (!p)
        return sky_fail(err, SKY_EINVAL, "%s: no list for its header cards", path);
    if (stat(path, &st) != 0)
        return sky_fail(err, SKY_ENOTFOUND, "%s: %s", path, strerror(errno));
    if ((rc = sky_fits_open_read(path, &fp, err)))
        return rc;
    if (fits_movabs_hdu(fp, 2, &hdutype, &status) ||
        fits_get_hdrspace(fp, &nkeys, &more, &status)) {
        rc = sky_fits_fail(err, SKY_EFORMAT, path, status, "reading the map header");
        goto done;
    }
    for (int i = 1; i <= nkeys && !rc; i++) {
        char rec[FLEN_CARD], name[FLEN_KEYWORD], value[FLEN_VALUE], comment[FLEN_COMMENT];
        int namelen = 0;
        if (fits_read_record(fp, i, rec, &status) ||
            fits_get_keyname(rec, name, &namelen, &status)) {
            status = 0; /* a card cfitsio cannot parse is not provenance */
            fits_clear_errmsg();
            continue;
        }
        if (!name[0] || sky_prov_structural(name))
            continue;
        if (!strcmp(name, "HISTORY") || !strcmp(name, "COMMENT")) {
            char text[FLEN_CARD];
            snprintf(text, sizeof text, "%s", strlen(rec) > 8 ? rec + 8 : "");
            trim_right(text);
            append(p, name, name[0] == 'H' ? K_HISTORY : K_COMMENT, NULL, text);
            continue;
        }
        if (strncmp(rec + 8, "= ", 2) || !key_ok(name))
            continue; /* commentary keywords and non-standard names are left out */
        if (fits_parse_value(rec, value, comment, &status)) {
            status = 0;
            fits_clear_errmsg();
            continue;
        }
        if (value[0] == '\'') { /* a string, perhaps continued */
            char *longstr = NULL;
            if (fits_read_key_longstr(fp, name, &longstr, comment, &status) == 0)
                sky_prov_set_string(p, name, longstr, comment);
            if (longstr)
                fits_free_memory(longstr, &status);
            status = 0;
            fits_clear_errmsg();
        } else if (value[0]) {
            set(p, name, K_LITERAL, value, comment);
        }
    }
    if (p->bad == SKY_ENOMEM)
        rc = sky_nomem(err, "the header cards");
done:
    if (fp) {
        int s2 = 0;
        fits_close_file(fp, &s2);
    }
    fits_clear_errmsg();
    return rc;
}

int sky_prov_write_fits(fitsfile *fp, const sky_prov *p, const char *path, sky_error *err)
{
    int status = 0;
    if (!p)
        return SKY_OK;
    if (p->bad)
        return sky_prefix(err, sky_prov_status(p, err), "%s: ", path);
    for (int i = 0; i < p->n && !status; i++) {
        const card *c = &p->c[i];
        char rec[FLEN_CARD];
        switch (c->kind) {
        case K_HISTORY:
            fits_write_history(fp, c->comment, &status);
            break;
        case K_COMMENT:
            fits_write_comment(fp, c->comment, &status);
            break;
        case K_STRING:
            fits_update_key_longstr(fp, (char *)c->key, c->value, c->comment, &status);
            break;
        default:
            fits_make_key((char *)c->key, c->value, c->comment, rec, &status);
            fits_update_card(fp, (char *)c->key, rec, &status);
        }
    }
    if (status)
        return sky_fits_fail(err, SKY_EIO, path, status, "writing the header cards");
    return SKY_OK;
}
