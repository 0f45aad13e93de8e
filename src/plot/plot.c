/*
 * plot.c - Mollweide pictures of HEALPix maps with cairo (see plot.h).
 *
 * Each image pixel inside the ellipse is traced back to a direction
 * (inverse Mollweide, then the coordinate rotation when one is asked for)
 * and takes the value of the map pixel holding it, as healpy's projector
 * does. Colours: a piecewise-linear map sampled from healpy's "planck"
 * colour map at eleven points for intensity, and a blue-white-red one for
 * Q, U (symmetric about zero).
 */
#define _POSIX_C_SOURCE 200809L
#include "plot.h"

#include <cairo.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/constants.h"
#include "core/error.h"
#include "sht/rotate.h"

enum { FLEN_TITLE = 1024 }; /* bytes kept of each half of an ellipsized title */

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

void sky_mollweide_forward(double theta, double phi, double *x, double *y)
{
    const double lat = M_PI / 2 - theta;
    double lon = fmod(phi + M_PI, 2 * M_PI);
    lon = (lon < 0 ? lon + 2 * M_PI : lon) - M_PI; /* (-pi, pi] */
    /* 2 t + sin 2 t = pi sin(lat), by Newton from t = lat */
    double t = lat;
    for (int k = 0; k < 50 && fabs(fabs(lat) - M_PI / 2) > 1e-12; k++) {
        const double f = 2 * t + sin(2 * t) - M_PI * sin(lat), d = 2 + 2 * cos(2 * t);
        if (d == 0)
            break;
        t -= f / d;
    }
    if (fabs(fabs(lat) - M_PI / 2) <= 1e-12)
        t = lat;
    *x = -2 / M_PI * lon * cos(t); /* longitude increases to the left */
    *y = sin(t);
}

int sky_mollweide_inverse(double x, double y, double *theta, double *phi)
{
    if (x * x / 4 + y * y > 1)
        return 0;
    const double t = asin(y), c = cos(t);
    const double s = (2 * t + sin(2 * t)) / M_PI;
    *theta = M_PI / 2 - asin(s > 1 ? 1 : s < -1 ? -1 : s);
    const double lon = c > 1e-12 ? -M_PI * x / (2 * c) : 0;
    if (fabs(lon) > M_PI)
        return 0;
    *phi = lon < 0 ? lon + 2 * M_PI : lon;
    return 1;
}

/* Colour maps: anchors at 0, 0.1, ..., 1. */
static const unsigned char PLANCK[11][3] = {
    {0, 0, 255},     {0, 66, 255},    {0, 134, 255},  {0, 198, 255},
    {103, 227, 239}, {255, 235, 211}, {255, 202, 85}, {255, 157, 0},
    {255, 95, 0},    {190, 43, 0},    {100, 0, 0}};
static const unsigned char DIVERGING[11][3] = {
    {5, 48, 97},      {33, 102, 172},   {67, 147, 195},  {146, 197, 222},
    {209, 229, 240},  {247, 247, 247},  {253, 219, 199}, {244, 165, 130},
    {214, 96, 77},    {178, 24, 43},    {103, 0, 31}};

static void colour(int cmap, double f, double rgb[3])
{
    const unsigned char(*a)[3] = cmap == SKY_CMAP_DIVERGING ? DIVERGING : PLANCK;
    f = f < 0 ? 0 : f > 1 ? 1 : f;
    const int i = f >= 1 ? 9 : (int)(f * 10);
    const double w = f * 10 - i;
    for (int c = 0; c < 3; c++)
        rgb[c] = ((1 - w) * a[i][c] + w * a[i + 1][c]) / 255.0;
}

static int is_bad(double v)
{
    return !isfinite(v) || fabs(v - SKY_UNSEEN) <= fabs(SKY_UNSEEN) * 1e-5;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A value's place on the colour scale, 0 .. 1. */
typedef struct scale {
    int norm;
    double lo, hi;
    const double *sorted; /* histogram equalisation: the valid values, sorted */
    int64_t nsorted;
} scale;

static double place(const scale *s, double v)
{
    if (s->norm == SKY_NORM_HIST && s->nsorted) {
        int64_t a = 0, b = s->nsorted; /* rank of v */
        while (a < b) {
            const int64_t m = (a + b) / 2;
            if (s->sorted[m] < v)
                a = m + 1;
            else
                b = m;
        }
        return (double)a / (double)s->nsorted;
    }
    if (s->norm == SKY_NORM_LOG)
        return v <= 0 ? 0 : (log10(v) - log10(s->lo)) / (log10(s->hi) - log10(s->lo));
    return s->hi > s->lo ? (v - s->lo) / (s->hi - s->lo) : 0.5;
}

/* The values of a panel: how many, the i-th, the one at a direction. */
static int64_t panel_count(const sky_plot_panel *p)
{
    return p->map ? p->map->npix : (int64_t)p->car->ny * p->car->nx;
}

static double panel_value(const sky_plot_panel *p, int64_t i)
{
    return p->map ? sky_hmap_at(p->map, i)
                  : p->car->data[(int64_t)p->car_comp * p->car->ny * p->car->nx + i];
}

static double panel_at(const sky_plot_panel *p, double theta, double phi)
{
    return p->map ? sky_hmap_at(p->map, sky_hpx_ang2pix_ring(p->map->nside, theta, phi))
                  : sky_car_map_at(p->car, p->car_comp, theta, phi);
}

static void select_font(cairo_t *cr)
{
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
}

/* A copy of s of at most n bytes (n < size) that ends on a UTF-8 character
 * boundary, bad bytes replaced by '?'. */
static void utf8_copy(char *dst, size_t size, const char *s, size_t n)
{
    size_t i = 0, o = 0;
    while (i < n && s[i] && o + 1 < size) {
        const unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        int ok = len > 0 && i + len <= n;
        for (size_t k = 1; ok && k < len; k++)
            ok = ((unsigned char)s[i + k] >> 6) == 2;
        if (!ok) {
            dst[o++] = '?';
            i++;
            continue;
        }
        if (o + len >= size)
            break;
        memcpy(dst + o, s + i, len);
        o += len;
        i += len;
    }
    dst[o] = '\0';
}

static double text_width(cairo_t *cr, const char *text, double size)
{
    cairo_text_extents_t e;
    cairo_set_font_size(cr, size);
    cairo_text_extents(cr, text, &e);
    return e.x_advance > e.width ? e.x_advance : e.width;
}

/* sky_plot_fit_title on a given cairo context */
static double fit_title(cairo_t *cr, const char *title, double width, double size, char *out,
                        size_t outlen, double *drawn)
{
    /* smaller down to half the size, not below 8 pixels (unless asked for) */
    const double room = 0.96 * width, smallest = size / 2 > 8 ? size / 2 : size < 8 ? size : 8;
    char *buf = malloc(outlen + 8);
    double fs = size, w;
    if (!buf || outlen < 8) {
        free(buf);
        if (outlen)
            out[0] = '\0';
        if (drawn)
            *drawn = 0;
        return size;
    }
    utf8_copy(out, outlen, title ? title : "", (size_t)-1);
    w = text_width(cr, out, fs);
    if (w > room) /* the size at which it fits, not below the smallest */
        fs = size * room / w > smallest ? size * room / w : smallest;
    w = text_width(cr, out, fs);
    /* still too wide: keep the start and the end, "..." between */
    const size_t len = strlen(out);
    for (size_t keep = len * 9 / 10; w > room && keep > 0; keep = keep * 9 / 10) {
        char head[FLEN_TITLE], tail[FLEN_TITLE];
        const size_t a = keep / 2 < sizeof head - 1 ? keep / 2 : sizeof head - 1;
        const size_t b = keep - a < sizeof tail - 1 ? keep - a : sizeof tail - 1;
        utf8_copy(head, sizeof head, out, a);
        /* the tail starts on a character boundary */
        size_t from = len - b;
        while (from < len && ((unsigned char)out[from] >> 6) == 2)
            from++;
        utf8_copy(tail, sizeof tail, out + from, len - from);
        snprintf(buf, outlen + 8, "%s...%s", head, tail);
        w = text_width(cr, buf, fs);
        if (w <= room || keep < 10) {
            utf8_copy(out, outlen, buf, (size_t)-1);
            w = text_width(cr, out, fs);
            if (keep < 10 && w > room) {
                utf8_copy(out, outlen, "...", 3);
                w = text_width(cr, out, fs);
            }
            break;
        }
    }
    free(buf);
    if (drawn)
        *drawn = w;
    return fs;
}

double sky_plot_fit_title(const char *title, double width, double size, char *out,
                          size_t outlen, double *drawn)
{
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
    cairo_t *cr = cairo_create(surf);
    select_font(cr);
    const double fs = fit_title(cr, title, width, size, out, outlen, drawn);
    cairo_destroy(cr);
    cairo_surface_destroy(surf);
    return fs;
}

static void label(cairo_t *cr, double x, double y, double size, int align, const char *text)
{
    cairo_text_extents_t e;
    cairo_set_font_size(cr, size);
    cairo_text_extents(cr, text, &e);
    cairo_move_to(cr, x - (align == 0 ? e.width / 2 + e.x_bearing : align > 0 ? e.width : 0), y);
    cairo_show_text(cr, text);
}

/* One panel at (0, top) of width w: title, ellipse, colour bar. */
static int draw_panel(cairo_t *cr, double top, int w, const sky_plot_panel *p,
                      const sky_plot_opts *o, sky_error *err)
{
    const int64_t nval = panel_count(p);
    const int ew = w, eh = w / 2, title_h = w / 20, bar_h = w / 10;
    scale s = {o->norm, p->vmin, p->vmax, NULL, 0};
    /* the range: given, or the map's */
    double lo = INFINITY, hi = -INFINITY, maxabs = 0, minpos = INFINITY;
    for (int64_t q = 0; q < nval; q++) {
        const double v = panel_value(p, q);
        if (is_bad(v))
            continue;
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
        maxabs = fabs(v) > maxabs ? fabs(v) : maxabs;
        if (v > 0 && v < minpos)
            minpos = v;
    }
    if (isnan(s.lo))
        s.lo = p->cmap == SKY_CMAP_DIVERGING && o->norm == SKY_NORM_LINEAR ? -maxabs : lo;
    if (isnan(s.hi))
        s.hi = p->cmap == SKY_CMAP_DIVERGING && o->norm == SKY_NORM_LINEAR ? maxabs : hi;
    if (o->norm == SKY_NORM_LOG) {
        if (!(s.lo > 0))
            s.lo = minpos;
        if (!(s.hi > s.lo))
            return sky_fail(err, SKY_EINVAL, "%s: --norm log needs positive values", p->title);
    }
    double *sorted = NULL;
    if (o->norm == SKY_NORM_HIST) {
        if (!(sorted = malloc((size_t)(nval > 0 ? nval : 1) * sizeof *sorted)))
            return sky_nomem(err, "the histogram");
        for (int64_t q = 0; q < nval; q++) {
            const double v = panel_value(p, q);
            if (!is_bad(v) && v >= s.lo && v <= s.hi)
                sorted[s.nsorted++] = v;
        }
        qsort(sorted, (size_t)s.nsorted, sizeof *sorted, cmp_double);
        s.sorted = sorted;
    }
    double rot[3][3];
    const int rotate = o->coord_from && o->coord_to && o->coord_from != o->coord_to;
    if (rotate) { /* directions drawn (coord_to) back to the map's frame */
        int rc = sky_coord_matrix(o->coord_to, o->coord_from, rot, err);
        if (rc) {
            free(sorted);
            return rc;
        }
    }
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, ew, eh);
    unsigned char *data = cairo_image_surface_get_data(img);
    const int stride = cairo_image_surface_get_stride(img);
    cairo_surface_flush(img);
#pragma omp parallel for schedule(dynamic, 8)
    for (int j = 0; j < eh; j++) {
        uint32_t *row = (uint32_t *)(data + (size_t)j * stride);
        for (int i = 0; i < ew; i++) {
            /* pixel centres, the ellipse filling the image */
            const double x = 2.0 * (2.0 * (i + 0.5) / ew - 1), y = 1 - 2.0 * (j + 0.5) / eh;
            double th, ph;
            row[i] = 0xFFFFFFFFu; /* white outside */
            if (!sky_mollweide_inverse(x, y, &th, &ph))
                continue;
            if (rotate) {
                const double v[3] = {sin(th) * cos(ph), sin(th) * sin(ph), cos(th)};
                double r[3];
                for (int a = 0; a < 3; a++)
                    r[a] = rot[a][0] * v[0] + rot[a][1] * v[1] + rot[a][2] * v[2];
                th = acos(r[2] > 1 ? 1 : r[2] < -1 ? -1 : r[2]);
                ph = atan2(r[1], r[0]);
            }
            const double val = panel_at(p, th, ph);
            double rgb[3] = {0.5, 0.5, 0.5}; /* grey for UNSEEN, as healpy */
            if (!is_bad(val))
                colour(p->cmap, place(&s, val), rgb);
            row[i] = 0xFF000000u | (uint32_t)lround(rgb[0] * 255) << 16 |
                     (uint32_t)lround(rgb[1] * 255) << 8 | (uint32_t)lround(rgb[2] * 255);
        }
    }
    cairo_surface_mark_dirty(img);
    cairo_set_source_surface(cr, img, 0, top + title_h);
    cairo_paint(cr);
    cairo_surface_destroy(img);
    if (o->graticule) {
        /* as healpy's graticule on mollview: black lines of about 1 point,
         * every 30 degrees, dashed but for the equator and the central
         * meridian, and the border of the ellipse; dashes longer than their
         * gaps, so that the lines still read over a busy map */
        const double lw = w / 500.0 > 1.2 ? w / 500.0 : 1.2, y0 = top + title_h;
        const double dots[2] = {3.0 * lw, 2.0 * lw};
        cairo_save(cr);
        cairo_set_source_rgba(cr, 0, 0, 0, 0.85);
        cairo_set_line_width(cr, lw);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
        for (int pass = 0; pass < 2; pass++) /* parallels, then meridians */
            for (int g = pass ? -150 : -60; g <= (pass ? 150 : 60); g += 30) {
                cairo_set_dash(cr, dots, g ? 2 : 0, 0);
                for (int k = 0; k <= 360; k++) {
                    const double a = pass ? -90.0 + k * 0.5 : (double)g,
                                 b = pass ? (double)g : -180.0 + k * (1 - 1e-9);
                    double x, y;
                    sky_mollweide_forward((90 - a) * M_PI / 180, b * M_PI / 180, &x, &y);
                    const double px = (x / 4 + 0.5) * ew, py = y0 + (0.5 - y / 2) * eh;
                    if (k == 0)
                        cairo_move_to(cr, px, py);
                    else
                        cairo_line_to(cr, px, py);
                }
                cairo_stroke(cr);
            }
        cairo_set_dash(cr, dots, 0, 0);
        cairo_translate(cr, ew / 2.0, y0 + eh / 2.0);
        cairo_scale(cr, ew / 2.0 - lw / 2, eh / 2.0 - lw / 2);
        cairo_arc(cr, 0, 0, 1, 0, 2 * M_PI);
        cairo_restore(cr); /* the line width in pixels, not in the scaled units */
        cairo_set_source_rgba(cr, 0, 0, 0, 0.75);
        cairo_set_line_width(cr, lw);
        cairo_stroke(cr);
    }
    /* title, colour bar with its ends and unit */
    cairo_set_source_rgb(cr, 0, 0, 0);
    char title[2 * FLEN_TITLE + 8];
    const double tfs = fit_title(cr, p->title, w, title_h * 0.6, title, sizeof title, NULL);
    label(cr, w / 2.0, top + title_h * 0.75, tfs, 0, title);
    const double bx = w * 0.2, bw = w * 0.6, by = top + title_h + eh + bar_h * 0.15,
                 bh = bar_h * 0.25;
    for (int k = 0; k < (int)bw; k++) {
        double rgb[3], f = (k + 0.5) / bw;
        if (o->norm == SKY_NORM_HIST && s.nsorted) /* the bar shows the values' quantiles */
            f = place(&s, s.sorted[(int64_t)(f * (s.nsorted - 1))]);
        colour(p->cmap, f, rgb);
        cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
        cairo_rectangle(cr, bx + k, by, 1, bh);
        cairo_fill(cr);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, bx, by, bw, bh);
    cairo_stroke(cr);
    char t[64];
    const double fs = bar_h * 0.2;
    snprintf(t, sizeof t, "%.4g", s.lo);
    label(cr, bx - fs * 0.5, by + bh, fs, 1, t);
    snprintf(t, sizeof t, "%.4g", s.hi);
    label(cr, bx + bw + fs * 0.5, by + bh, fs, -1, t);
    label(cr, w / 2.0, by + bh + fs * 1.4, fs, 0, p->unit ? p->unit : "");
    free(sorted);
    return SKY_OK;
}

int sky_plot_png(const char *path, int npanel, const sky_plot_panel *panels,
                 const sky_plot_opts *o, int overwrite, sky_error *err)
{
    const int w = o->width > 0 ? o->width : 800;
    if (w < 100 || w > 20000)
        return sky_fail(err, SKY_EINVAL, "picture width %d: expected 100 to 20000 pixels", w);
    if (!overwrite && access(path, F_OK) == 0)
        return sky_fail(err, SKY_EINVAL, "%s: file exists: use --force to overwrite it", path);
    const int panel_h = w / 20 + w / 2 + w / 10;
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, panel_h * npanel);
    cairo_t *cr = cairo_create(surf);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    select_font(cr);
    int rc = SKY_OK;
    for (int k = 0; k < npanel && !rc; k++)
        rc = draw_panel(cr, (double)k * panel_h, w, &panels[k], o, err);
    cairo_destroy(cr);
    if (!rc) {
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
        cairo_status_t st = cairo_surface_write_to_png(surf, tmp);
        if (st != CAIRO_STATUS_SUCCESS) {
            unlink(tmp);
            rc = sky_fail(err, SKY_EIO, "%s: cannot write the PNG: %s", path,
                          cairo_status_to_string(st));
        } else if (rename(tmp, path) != 0) {
            unlink(tmp);
            rc = sky_fail(err, SKY_EIO, "%s: cannot move the picture into place: %s", path,
                          strerror(errno));
        }
    }
    cairo_surface_destroy(surf);
    return rc;
}
