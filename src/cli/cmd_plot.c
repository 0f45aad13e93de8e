/*
 * cmd_plot.c - `skymodel plot MAP.fits -o map.png`: a Mollweide picture of a
 * HEALPix map as healpy.mollview draws it (plot/plot.h), and the same for
 * `skymodel sim ... --plot PNG`.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "core/error.h"
#include "io/fits_car.h"
#include "io/fits_map.h"
#include "options.h"
#include "plot.h"
#include "plot/plot.h"
#include "progress.h"

static const cli_option plot_options[] = {
    {"output", 'o', "PNG", "the picture to write", 0},
    {"field", 'f', "F", "I, Q, U, P (polarised intensity) or all (I, Q, U stacked); default I",
     0},
    {"min", 0, "X", "value at the bottom of the colour scale (default: the map's minimum)", 0},
    {"max", 0, "X", "value at the top of the colour scale (default: the map's maximum)", 0},
    {"norm", 0, "N", "colour scale: linear (default), log or hist (histogram equalised)", 0},
    {"title", 't', "TEXT", "title (default: the file's base name and field; a title wider than "
                           "the picture is drawn smaller, then shortened in the middle)", 0},
    {"coord", 0, "C", "draw in frame G, C or E (the map's frame is its COORDSYS)", 0},
    {"graticule", 'g', NULL, "meridians every 60 deg and parallels every 30 deg", 0},
    {"width", 'w', "PIXELS", "picture width (default 800)", 0},
    {"force", 0, NULL, "overwrite an existing picture", 0},
    {"quiet", 'q', NULL, "print nothing but errors", 0},
    {"help", 'h', NULL, "show this help", 0},
};
#define NOPT ((int)(sizeof plot_options / sizeof *plot_options))

int cli_plot_args(const cli_parsed *p, cli_plot *a, sky_error *err)
{
    const char *f = cli_get(p, "field"), *n = cli_get(p, "norm"), *c = cli_get(p, "coord");
    memset(a, 0, sizeof *a);
    a->vmin = a->vmax = NAN;
    a->field = f ? f : "I";
    if (strcmp(a->field, "I") && strcmp(a->field, "Q") && strcmp(a->field, "U") &&
        strcmp(a->field, "P") && strcmp(a->field, "all"))
        return sky_fail(err, SKY_EINVAL, "--field '%s': expected I, Q, U, P or all", a->field);
    a->norm = !n || !strcmp(n, "linear") ? SKY_NORM_LINEAR
              : !strcmp(n, "log")       ? SKY_NORM_LOG
              : !strcmp(n, "hist")      ? SKY_NORM_HIST
                                        : -1;
    if (a->norm < 0)
        return sky_fail(err, SKY_EINVAL, "--norm '%s': expected linear, log or hist", n);
    if (c && (strlen(c) != 1 || !strchr("GCE", c[0])))
        return sky_fail(err, SKY_EINVAL, "--coord '%s': expected G, C or E", c);
    a->coord = c ? c[0] : 0;
    int rc;
    static const char number[] = "a finite number";
    if (cli_get(p, "min") && (rc = cli_double("--min", cli_get(p, "min"), number, &a->vmin, err)))
        return rc;
    if (cli_get(p, "max") && (rc = cli_double("--max", cli_get(p, "max"), number, &a->vmax, err)))
        return rc;
    if (!isnan(a->vmin) && !isnan(a->vmax) && !(a->vmin < a->vmax))
        return sky_fail(err, SKY_EINVAL, "--min %g --max %g: expected min < max", a->vmin,
                        a->vmax);
    long long w = 800;
    if (cli_get(p, "width") && (rc = cli_int("--width", cli_get(p, "width"), 100, 20000, &w, err)))
        return rc;
    a->width = (int)w;
    a->title = cli_get(p, "title");
    a->graticule = cli_has(p, "graticule");
    return SKY_OK;
}

/* The default title: the file's base name (folders left out). */
static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path;
}

/* The panels of field a->field from `n` maps (I, Q, U), each the value
 * set of a HEALPix map or of a CAR map's component; P is written to pmap
 * or pcar, whichever the maps are. */
static int make_panels(const cli_plot *a, const char *fits, const sky_hmap *m,
                       const sky_car_map *car, char (*units)[64], sky_hmap *pmap,
                       sky_car_map *pcar, sky_plot_panel *panels, char (*titles)[256], int *np,
                       sky_error *err)
{
    const char *names = "IQU", *name = a->title ? a->title : base_name(fits);
    *np = 0;
    for (int k = 0; k < 3; k++) {
        if (strcmp(a->field, "all") && a->field[0] != names[k])
            continue;
        snprintf(titles[*np], 256, "%s %c", name, names[k]);
        panels[*np] = (sky_plot_panel){m ? &m[k] : NULL, car, k, titles[*np], units[k],
                                       k ? SKY_CMAP_DIVERGING : SKY_CMAP_PLANCK, a->vmin, a->vmax};
        if (a->title && strcmp(a->field, "all"))
            panels[*np].title = a->title;
        (*np)++;
    }
    if (strcmp(a->field, "P"))
        return SKY_OK;
    /* sqrt(Q^2 + U^2) */
    snprintf(titles[0], 256, "%s P", name);
    panels[0] = (sky_plot_panel){NULL, NULL, 0, a->title ? a->title : titles[0], units[1],
                                 SKY_CMAP_PLANCK, a->vmin, a->vmax};
    *np = 1;
    if (m) {
        int rc = sky_hmap_alloc(pmap, m[0].nside, 0, err);
        if (rc)
            return rc;
        for (int64_t q = 0; q < pmap->npix; q++)
            pmap->d[q] = hypot(sky_hmap_at(&m[1], q), sky_hmap_at(&m[2], q));
        panels[0].map = pmap;
        return SKY_OK;
    }
    const int64_t n = (int64_t)car->ny * car->nx;
    *pcar = *car;
    pcar->ncomp = 1;
    if (!(pcar->data = malloc((size_t)n * sizeof *pcar->data)))
        return sky_nomem(err, "the polarised intensity");
    for (int64_t q = 0; q < n; q++)
        pcar->data[q] = hypot(car->data[n + q], car->data[2 * n + q]);
    panels[0].car = pcar;
    return SKY_OK;
}

int cli_plot_file(const char *fits, const char *png, const cli_plot *a, int overwrite,
                  sky_error *err)
{
    int ncols = 0, rc;
    char coord;
    const int want_pol = strcmp(a->field, "I") != 0, is_car = sky_fits_is_car(fits);
    sky_hmap m[3], pmap = {0};
    sky_car_map car = {0}, pcar = {0};
    char units[3][64] = {"", "", ""};
    int nread = 0;
    if (is_car) { /* a CAR map (the --car-resol files): sampled in the same projection */
        if ((rc = sky_fits_read_car(fits, &car, err)))
            return rc;
        coord = car.coordsys;
        ncols = car.ncomp;
        for (int k = 0; k < 3; k++)
            snprintf(units[k], sizeof units[k], "%s", car.unit);
    } else if ((rc = sky_fits_map_shape(fits, &ncols, NULL, err)) ||
               (rc = sky_fits_map_coordsys(fits, &coord, err))) {
        return rc;
    }
    if (want_pol && ncols < 3) {
        sky_car_map_free(&car);
        return sky_fail(err, SKY_EINVAL, "--field %s: %s has %d %s, no Q and U", a->field,
                        fits, ncols, is_car ? (ncols == 1 ? "component" : "components")
                                            : (ncols == 1 ? "column" : "columns"));
    }
    if (!is_car) {
        const int fields[3] = {0, 1, 2};
        nread = want_pol ? 3 : 1;
        if ((rc = sky_fits_read_map(fits, nread, fields, m, units, err)))
            return rc;
    }
    sky_plot_panel panels[3];
    char titles[3][256];
    int np = 0;
    rc = make_panels(a, fits, is_car ? NULL : m, is_car ? &car : NULL, units, &pmap, &pcar,
                     panels, titles, &np, err);
    if (!rc) {
        sky_plot_opts o = {a->width, a->norm, a->graticule, coord, a->coord ? a->coord : coord};
        rc = sky_plot_png(png, np, panels, &o, overwrite, err);
    }
    for (int k = 0; k < nread; k++)
        sky_hmap_free(&m[k]);
    sky_hmap_free(&pmap);
    sky_car_map_free(&car);
    sky_car_map_free(&pcar);
    return rc;
}

int sky_cmd_plot(int argc, char **argv)
{
    cli_parsed p;
    sky_error err = {0};
    cli_plot a;
    int rc;
    if ((rc = cli_parse(plot_options, NOPT, argc, argv, &p, &err)))
        return cli_report(&err);
    if (cli_has(&p, "help")) {
        cli_print_help("skymodel plot MAP.fits -o PNG [--field I|Q|U|P|all] [--min X --max Y] "
                       "[--norm linear|log|hist] [--title T] [--coord G|C|E] [--graticule]",
                       "Draws a HEALPix map, or a CAR map as `--car-resol` writes them, in\n"
                       "Mollweide projection, as healpy.mollview does:\n"
                       "longitude 0 at the centre, increasing to the left; a colour bar with\n"
                       "the unit; the Planck colour map for I, a diverging one for Q and U.",
                       plot_options, NOPT);
        cli_parsed_free(&p);
        return 0;
    }
    const char *out = cli_get(&p, "output");
    if (p.npos != 1)
        rc = sky_fail(&err, SKY_EINVAL, "expected one map, got %d (see skymodel plot --help)",
                      p.npos);
    else if (!out)
        rc = sky_fail(&err, SKY_EINVAL, "-o/--output is required: the PNG to write");
    else if (!(rc = cli_plot_args(&p, &a, &err)) &&
             !(rc = cli_plot_file(p.pos[0], out, &a, cli_has(&p, "force"), &err)) &&
             !cli_has(&p, "quiet"))
        cli_line(stdout, "wrote %s", out);
    cli_parsed_free(&p);
    return rc ? cli_report(&err) : 0;
}
