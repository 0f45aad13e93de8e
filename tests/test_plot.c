/*
 * test_plot.c - the picture and output-naming fixes of issue 17:
 * - a title wider than the picture is fitted (sky_plot_fit_title), drawn
 *   inside the picture, and by default is the file's base name;
 * - the graticule is visible (dark lines every 30 degrees, as healpy's);
 * - `skymodel plot` draws a CAR map like the HEALPix map of the same sky;
 * - a CAR map alone needs no -o; an instrument folder given with a trailing
 *   '/' gives no "//" in file names.
 * usage: test_plot SKYMODEL TEMPLATE_DIR
 */
#define _DEFAULT_SOURCE
#include <cairo.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "run_cli.h"
#include "io/fits_map.h"
#include "plot/plot.h"
#include "skymodel.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static const char *bin, *templates;
static char dir[256], errfile[320];

/* Runs the program with args (NULL-terminated), stderr to errfile. */
static int run(const char *const *args)
{
    return run_cli(bin, errfile, NULL, args);
}

static char *read_err(void)
{
    static char buf[4096];
    FILE *f = fopen(errfile, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
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

/* The test sky: a smooth function of direction. */
static double sky_at(double theta, double phi)
{
    return cos(theta) + 0.5 * sin(theta) * cos(phi) + 0.3 * sin(theta) * sin(phi) + 2.0;
}

static int write_healpix(const char *path, int nside, int constant)
{
    const int64_t npix = 12 * (int64_t)nside * nside;
    double *m = malloc((size_t)npix * sizeof *m);
    for (int64_t p = 0; p < npix; p++) {
        double th, ph;
        sky_hpx_pix2ang_ring(nside, p, &th, &ph);
        m[p] = constant ? 1.0 : sky_at(th, ph);
    }
    sky_map_header h = {"uK_CMB", "G", SKY_FLOAT64, 1, NULL, NULL};
    sky_error err;
    int rc = sky_write_map(path, nside, 1, m, &h, &err);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    free(m);
    return rc;
}

/* A CAR map of the test sky in the fejer1 geometry skymodel writes: row i
 * at latitude -90 + (i + 1/2) res, column j at longitude 180 - j res. */
static int write_car(const char *path, int ny)
{
    const int nx = 2 * ny, ncomp = 3;
    const double res = 180.0 / ny;
    double *d = malloc((size_t)ncomp * ny * nx * sizeof *d);
    for (int i = 0; i < ny; i++)
        for (int j = 0; j < nx; j++) {
            const double lat = -90 + (i + 0.5) * res, lon = 180 - j * res;
            const double v = sky_at((90 - lat) * M_PI / 180, lon * M_PI / 180);
            for (int c = 0; c < ncomp; c++)
                d[((int64_t)c * ny + i) * nx + j] = c ? v - 2.0 : v;
        }
    sky_car_image img = {ncomp, ny, nx, d, "uK_CMB", "G", SKY_FLOAT64, 1, NULL};
    sky_error err;
    int rc = sky_fits_write_car(path, &img, &err);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    free(d);
    return rc;
}

static double lum(const unsigned char *px) /* ARGB32 little-endian: B G R A */
{
    return (0.2126 * px[2] + 0.7152 * px[1] + 0.0722 * px[0]) / 255.0;
}

static void test_fit_title(void)
{
    char out[512];
    double drawn;
    double fs = sky_plot_fit_title("map.fits I", 800, 24, out, sizeof out, &drawn);
    CHECK(fs == 24 && !strcmp(out, "map.fits I") && drawn > 0 && drawn < 0.5 * 800,
          "a short title: size %g, '%s', width %g", fs, out, drawn);
    const char *mid = "a_title_that_is_a_little_too_wide_for_this_picture_at_full_size.fits I";
    fs = sky_plot_fit_title(mid, 800, 24, out, sizeof out, &drawn);
    CHECK(fs < 24 && fs >= 12 && !strcmp(out, mid) && drawn <= 0.96 * 800 + 1e-9,
          "a wide title: size %g, '%s', width %g", fs, out, drawn);
    char lng[400];
    memset(lng, 'x', sizeof lng - 1);
    lng[sizeof lng - 1] = '\0';
    memcpy(lng, "START", 5);
    memcpy(lng + sizeof lng - 4, "END", 3);
    fs = sky_plot_fit_title(lng, 400, 24, out, sizeof out, &drawn);
    CHECK(drawn <= 0.96 * 400 + 1e-9 && drawn > 0.5 * 400 && strstr(out, "...") &&
          !strncmp(out, "START", 5) && strstr(out, "END"),
          "a very long title: size %g, '%s', width %g", fs, out, drawn);
    /* UTF-8 is kept whole, bad bytes replaced */
    fs = sky_plot_fit_title("\xc3\xa9t\xe9", 800, 24, out, sizeof out, &drawn);
    CHECK(!strcmp(out, "\xc3\xa9t?"), "UTF-8 title: '%s'", out);
}

/* Dark pixels (luminance < 0.5) inside rows [y0, y1) and their columns' extent. */
static int64_t dark(cairo_surface_t *s, int y0, int y1, int *xmin, int *xmax)
{
    const unsigned char *d = cairo_image_surface_get_data(s);
    const int st = cairo_image_surface_get_stride(s), w = cairo_image_surface_get_width(s);
    int64_t n = 0;
    *xmin = w;
    *xmax = -1;
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < w; x++)
            if (lum(d + (size_t)y * st + 4 * x) < 0.5) {
                n++;
                *xmin = x < *xmin ? x : *xmin;
                *xmax = x > *xmax ? x : *xmax;
            }
    return n;
}

static void test_title_drawn(void)
{
    /* a short base name in a long folder: the title is the base name */
    char sub[512], map[600], png[600];
    snprintf(sub, sizeof sub, "%s/a_folder_with_a_very_long_name_that_the_title_should_not_show",
             dir);
    mkdir(sub, 0755);
    snprintf(map, sizeof map, "%s/m.fits", sub);
    snprintf(png, sizeof png, "%s/t.png", dir);
    CHECK(write_healpix(map, 8, 0) == 0, "writing %s", map);
    CHECK(run((const char *[]){"plot", map, "-o", png, "-w", "400", "--force", NULL}) == 0,
          "plot: %s", read_err());
    cairo_surface_t *s = cairo_image_surface_create_from_png(png);
    CHECK(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS, "reading %s", png);
    int x0, x1;
    if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS) {
        const int64_t n = dark(s, 0, 400 / 20, &x0, &x1);
        double w;
        char out[64];
        sky_plot_fit_title("m.fits I", 400, 400 / 20 * 0.6, out, sizeof out, &w);
        CHECK(n > 0 && fabs((x1 - x0 + 1) - w) < 4, "title drawn %d px wide (%d..%d), expected "
              "the base name's %.1f", x1 - x0 + 1, x0, x1, w);
    }
    cairo_surface_destroy(s);
    /* a title far wider than the picture stays inside it */
    char title[700];
    memset(title, 'W', 600);
    title[600] = '\0';
    CHECK(run((const char *[]){"plot", map, "-o", png, "-w", "400", "--force", "--title", title,
                               NULL}) == 0,
          "plot --title: %s", read_err());
    s = cairo_image_surface_create_from_png(png);
    if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS) {
        const int64_t n = dark(s, 0, 400 / 20, &x0, &x1);
        CHECK(n > 0 && x0 >= 4 && x1 <= 400 - 5,
              "a long title is cut at the picture's edges: drawn from %d to %d of 400", x0, x1);
    }
    cairo_surface_destroy(s);
}

static void test_graticule(void)
{
    char map[600], png[600];
    snprintf(map, sizeof map, "%s/const.fits", dir);
    snprintf(png, sizeof png, "%s/g.png", dir);
    CHECK(write_healpix(map, 4, 1) == 0, "writing %s", map);
    CHECK(run((const char *[]){"plot", map, "-o", png, "--graticule", "--force", NULL}) == 0,
          "plot --graticule: %s", read_err());
    cairo_surface_t *s = cairo_image_surface_create_from_png(png);
    if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS) {
        /* a constant map is one light colour: every dark pixel is the graticule */
        const int top = 800 / 20, eh = 400;
        int x0, x1;
        const int64_t n = dark(s, top + 2, top + eh - 2, &x0, &x1);
        CHECK(n > 3000, "graticule: %lld dark pixels, expected lines you can see",
              (long long)n);
        /* the meridian at longitude 30 degrees, at the equator: x = -1/3 */
        const int xm = (int)lround((-1.0 / 3 / 4 + 0.5) * 800);
        int64_t m = 0;
        const unsigned char *d = cairo_image_surface_get_data(s);
        const int st = cairo_image_surface_get_stride(s);
        for (int y = top + eh / 2 - 60; y < top + eh / 2 + 60; y++)
            for (int x = xm - 3; x <= xm + 3; x++)
                m += lum(d + (size_t)y * st + 4 * x) < 0.5;
        CHECK(m >= 20, "graticule: no meridian every 30 degrees (%lld dark pixels at 30 deg)",
              (long long)m);
    }
    cairo_surface_destroy(s);
}

static void test_car_plot(void)
{
    char car[600], hpx[600], pc[600], ph[600];
    snprintf(car, sizeof car, "%s/sky_car.fits", dir);
    snprintf(hpx, sizeof hpx, "%s/sky.fits", dir);
    snprintf(pc, sizeof pc, "%s/car.png", dir);
    snprintf(ph, sizeof ph, "%s/hpx.png", dir);
    CHECK(write_car(car, 180) == 0 && write_healpix(hpx, 128, 0) == 0, "writing the maps");
    CHECK(run((const char *[]){"plot", car, "-o", pc, "-w", "400", "--force", "--min", "0.5",
                               "--max", "3.5", NULL}) == 0,
          "plot of a CAR map: %s", read_err());
    CHECK(run((const char *[]){"plot", hpx, "-o", ph, "-w", "400", "--force", "--min", "0.5",
                               "--max", "3.5", NULL}) == 0,
          "plot of a HEALPix map: %s", read_err());
    cairo_surface_t *a = cairo_image_surface_create_from_png(pc),
                    *b = cairo_image_surface_create_from_png(ph);
    if (cairo_surface_status(a) == CAIRO_STATUS_SUCCESS &&
        cairo_surface_status(b) == CAIRO_STATUS_SUCCESS) {
        const unsigned char *da = cairo_image_surface_get_data(a),
                            *db = cairo_image_surface_get_data(b);
        const int st = cairo_image_surface_get_stride(a);
        int64_t far = 0, n = 0;
        double sum = 0;
        for (int y = 400 / 20; y < 400 / 20 + 200; y++) /* the ellipse's rows */
            for (int x = 0; x < 400; x++)
                for (int c = 0; c < 3; c++) {
                    const int diff = abs((int)da[(size_t)y * st + 4 * x + c] -
                                         (int)db[(size_t)y * st + 4 * x + c]);
                    sum += diff;
                    far += diff > 24;
                    n++;
                }
        CHECK(sum / n < 2.0 && far < n / 200,
              "the CAR map's picture is not the HEALPix map's: mean difference %.2f, %lld of "
              "%lld values off by more than 24", sum / n, (long long)far, (long long)n);
    }
    cairo_surface_destroy(a);
    cairo_surface_destroy(b);
    CHECK(run((const char *[]){"plot", car, "-o", pc, "--field", "all", "--force", NULL}) == 0 &&
              run((const char *[]){"plot", car, "-o", pc, "--field", "P", "--force", NULL}) == 0,
          "plot of a CAR map, all fields and P: %s", read_err());
}

static void test_outputs(void)
{
    /* a CAR map alone: no -o */
    char car[600], other[600];
    snprintf(car, sizeof car, "%s/alone.fits", dir);
    snprintf(other, sizeof other, "%s/alone_car.fits", dir);
    CHECK(run((const char *[]){"sim", "-p", "s1", "-n", "8", "-f", "30", "-d", templates,
                               "--offline", "--car-resol", "600", "--car-output", car, NULL}) == 0,
          "a CAR map alone: %s", read_err());
    CHECK(exists(car) && !exists(other), "a CAR map alone: %s", car);
    CHECK(run((const char *[]){"sim", "-p", "s1", "-n", "8", "-f", "30", "-d", templates,
                               "--offline", NULL}) == 2 &&
              strstr(read_err(), "-o/--output is required (for a CAR map alone: --car-resol "
                                 "ARCMIN --car-output FILE)"),
          "no output: %s", read_err());
    /* the instrument's folder with a trailing '/': one '/' in the names */
    char json[600], out[600];
    snprintf(json, sizeof json, "%s/ins.json", dir);
    FILE *f = fopen(json, "w");
    fputs("{\"sky\": [\"s1\"], \"channels\": [{\"name\": \"LF030\", \"freqs_ghz\": [30]}]}", f);
    fclose(f);
    snprintf(out, sizeof out, "%s/maps//", dir);
    const char *args[] = {"sim", "--instrument", json, "-n", "8", "-d", templates, "--offline",
                          "-o", out, NULL};
    CHECK(run(args) == 0, "instrument: %s", read_err());
    CHECK(run(args) == 2, "instrument again: exit 0");
    char want[700];
    snprintf(want, sizeof want, "skymodel: %s/maps/LF030.fits: file exists", dir);
    CHECK(!strncmp(read_err(), want, strlen(want)),
          "instrument folder ending in '/': '%s', expected '%s...'", read_err(), want);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_plot SKYMODEL TEMPLATE_DIR\n");
        return 2;
    }
    bin = argv[1];
    templates = argv[2];
    snprintf(dir, sizeof dir, "/tmp/test_plot_XXXXXX");
    if (!mkdtemp(dir))
        return 2;
    snprintf(errfile, sizeof errfile, "%s/stderr", dir);
    test_fit_title();
    test_title_drawn();
    test_graticule();
    test_car_plot();
    test_outputs();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return check_report("test_plot");
}
