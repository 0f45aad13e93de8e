/*
 * test_smoothing.c - beams, least-squares map2alm, rotation and output nside
 * against PySM 3.4.5's smoothed vectors (1e-4 of each Stokes RMS, the
 * vectors' tolerance for smoothed cases), plus invariants: a band-limited map
 * is recovered by map2alm_lsq, and a tabulated Gaussian beam equals --fwhm.
 */
#define _DEFAULT_SOURCE
#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/cmplx.h"
#include "io/fits_map.h"
#include "sht/rotate.h"
#include "sht/sht.h"
#include "sht/smooth.h"
#include "skymodel.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static char *field(char **s)
{
    char *f = strsep(s, "|");
    while (f && *f == ' ')
        f++;
    size_t n = f ? strlen(f) : 0;
    while (n && (f[n - 1] == ' ' || f[n - 1] == '\n'))
        f[--n] = '\0';
    return f;
}

static void run_case(char *line)
{
    char *s = line, *f[11];
    for (int i = 0; i < 11; i++)
        f[i] = field(&s);
    const char *name = f[0];
    sky_error err;
    sky_config *cfg = sky_config_new();
    char presets[128];
    snprintf(presets, sizeof presets, "%s", f[1]);
    for (char *p = strtok(presets, ","); p; p = strtok(NULL, ","))
        CHECK(sky_config_add_preset(cfg, p, &err) == SKY_OK, "%s", err.msg);
    const char *dirs[] = {"data/templates", NULL};
    sky_options opt;
    sky_options_init(&opt);
    opt.nside = atoi(f[2]);
    opt.data_dirs = dirs;
    sky_sky *sky;
    if (sky_create(cfg, &opt, &sky, &err)) {
        CHECK(0, "%s: %s", name, err.msg);
        sky_config_free(cfg);
        return;
    }
    double freq = atof(f[3]);
    sky_band band = {1, &freq, NULL};
    const int64_t npix = sky_npix(sky);
    double *map = malloc(3 * npix * sizeof *map);
    CHECK(sky_emission(sky, &band, f[4], map, &err) == SKY_OK, "%s", err.msg);
    sky_smooth_opts o;
    sky_smooth_opts_init(&o);
    if (strcmp(f[5], "-"))
        o.fwhm_rad = atof(f[5]) / 60.0 * M_PI / 180.0;
    if (strcmp(f[6], "-"))
        o.lmax = atoi(f[6]);
    if (strcmp(f[7], "-"))
        o.lsq_maxiter = atoi(f[7]);
    if (strcmp(f[8], "-")) {
        o.rot_from = f[8][0];
        o.rot_to = f[8][2];
    }
    if (strcmp(f[9], "-"))
        o.nside_out = atoi(f[9]);
    const int nout = o.nside_out ? o.nside_out : opt.nside;
    const int64_t npo = 12 * (int64_t)nout * nout;
    double *out = malloc(3 * npo * sizeof *out);
    sky_smooth_report rep;
    CHECK(sky_smooth(map, opt.nside, 3, &o, out, NULL, &rep, &err) == SKY_OK, "%s: %s", name, err.msg);
    char path[512];
    snprintf(path, sizeof path, "data/%s", f[10]);
    sky_hmap ref[3];
    char units[3][64];
    const int fields[3] = {0, 1, 2};
    if (sky_fits_read_map(path, 3, fields, ref, units, &err) == SKY_OK) {
        double worst = 0;
        for (int c = 0; c < 3; c++) {
            double s2 = 0, e = 0;
            for (int64_t p = 0; p < npo; p++) {
                s2 += sky_hmap_at(&ref[c], p) * sky_hmap_at(&ref[c], p);
                e = fmax(e, fabs(out[c * npo + p] - sky_hmap_at(&ref[c], p)));
            }
            worst = fmax(worst, e / sqrt(s2 / npo));
            sky_hmap_free(&ref[c]);
        }
        CHECK(worst <= 1e-4, "%s: differs by %.3g of the RMS", name, worst);
        printf("%-45s max |diff|/rms %.1e (%s, %d iterations)\n", name, worst, rep.method,
               rep.iterations);
    } else {
        CHECK(0, "%s", err.msg);
    }
    free(map);
    free(out);
    sky_free(sky);
    sky_config_free(cfg);
}

int main(void)
{
    FILE *fp = fopen("data/smoothing_cases.txt", "r");
    CHECK(fp != NULL, "data/smoothing_cases.txt");
    char line[1024];
    int n = 0;
    while (fp && fgets(line, sizeof line, fp))
        if (line[0] != '#') {
            run_case(line);
            n++;
        }
    if (fp)
        fclose(fp);
    CHECK(n == 4, "%d cases", n);

    /* a band-limited map: map2alm_lsq recovers its alm */
    {
        const int nside = 16, lmax = 40;
        sky_sht *p;
        sky_error err;
        CHECK(sky_sht_create(nside, lmax, &p, &err) == SKY_OK, "%s", err.msg);
        int64_t nalm = sky_sht_nalm(p), npix = 12 * nside * nside;
        double complex *a = calloc(3 * nalm, sizeof *a), *b = calloc(3 * nalm, sizeof *b);
        double *m = malloc(3 * npix * sizeof *m);
        srand(5);
        for (int c = 0; c < 3; c++)
            for (int mm = 0; mm <= lmax; mm++)
                for (int l = mm; l <= lmax; l++) {
                    if (c > 0 && l < 2)
                        continue;
                    double re = rand() / (double)RAND_MAX - 0.5, im = mm ? rand() / (double)RAND_MAX - 0.5 : 0;
                    a[c * nalm + (int64_t)mm * (2 * lmax + 1 - mm) / 2 + l] = CMPLX(re, im);
                }
        sky_sht_alm2map(p, 3, a, m);
        int iters;
        double res;
        CHECK(sky_sht_map2alm_lsq(p, 3, m, 50, 1e-10, b, &iters, &res, &err) == SKY_OK, "lsq");
        double e = 0;
        for (int64_t i = 0; i < 3 * nalm; i++)
            e = fmax(e, cabs(a[i] - b[i]));
        CHECK(e < 1e-6, "lsq round trip error %g after %d iterations", e, iters);
        /* rotating forth and back is the identity */
        double g2c[3][3], c2g[3][3];
        sky_coord_matrix('G', 'C', g2c, &err);
        sky_coord_matrix('C', 'G', c2g, &err);
        memcpy(b, a, 3 * nalm * sizeof *b);
        sky_rotate_alm(lmax, 3, b, g2c, &err);
        sky_rotate_alm(lmax, 3, b, c2g, &err);
        e = 0;
        for (int64_t i = 0; i < 3 * nalm; i++)
            e = fmax(e, cabs(a[i] - b[i]));
        CHECK(e < 1e-12, "G->C->G rotation error %g", e);
        /* the distributed rotation: degrees split in two give the two
         * halves of the degrees, zero elsewhere, each the serial result to
         * the bit; the whole range is the serial rotation */
        double complex *c1 = malloc(3 * nalm * sizeof *c1), *c2 = malloc(3 * nalm * sizeof *c2);
        memcpy(b, a, 3 * nalm * sizeof *b);
        memcpy(c1, a, 3 * nalm * sizeof *c1);
        memcpy(c2, a, 3 * nalm * sizeof *c2);
        sky_rotate_alm(lmax, 3, b, g2c, &err);
        CHECK(sky_rotate_alm_degrees(lmax, 3, c1, g2c, 0, lmax + 1, &err) == SKY_OK, "%s",
              err.msg);
        CHECK(sky_rotate_alm_degrees(lmax, 3, c2, g2c, 0, 10, &err) == SKY_OK, "%s", err.msg);
        double e1 = 0, e2 = 0;
        for (int c = 0; c < 3; c++)
            for (int mm = 0; mm <= lmax; mm++)
                for (int l = mm; l <= lmax; l++) {
                    const int64_t i = c * nalm + (int64_t)mm * (2 * lmax + 1 - mm) / 2 + l;
                    e1 = fmax(e1, cabs(b[i] - c1[i]));
                    e2 = fmax(e2, l < 10 ? cabs(b[i] - c2[i]) : cabs(c2[i]));
                }
        CHECK(e1 == 0, "rotation by degrees differs from the serial one by %g", e1);
        CHECK(e2 == 0, "rotation of degrees 0..9: error %g", e2);
        free(c1);
        free(c2);
        CHECK(sky_coord_matrix('G', 'X', g2c, &err) == SKY_EINVAL, "unknown coordinates");
        free(a);
        free(b);
        free(m);
        sky_sht_free(p);
    }

    /* a tabulated Gaussian beam is the --fwhm beam */
    {
        const int nside = 16, lmax = 40;
        int64_t npix = 12 * nside * nside;
        double *m = malloc(3 * npix * sizeof *m), *o1 = malloc(3 * npix * sizeof *o1),
               *o2 = malloc(3 * npix * sizeof *o2);
        for (int64_t i = 0; i < 3 * npix; i++)
            m[i] = sin(0.37 * i) + cos(0.011 * i);
        sky_smooth_opts a, b;
        sky_smooth_opts_init(&a);
        a.lmax = lmax;
        a.fwhm_rad = 3.0 * M_PI / 180;
        b = a;
        b.fwhm_rad = 0;
        double beam[3 * (lmax + 1)], s = a.fwhm_rad / sqrt(8 * log(2.0));
        for (int l = 0; l <= lmax; l++) {
            beam[l] = exp(-0.5 * l * (l + 1.0) * s * s);
            beam[lmax + 1 + l] = beam[2 * (lmax + 1) + l] = beam[l] * exp(2 * s * s);
        }
        b.beam = beam;
        b.beam_ncols = 3;
        b.beam_len = lmax + 1;
        sky_error err;
        CHECK(sky_smooth(m, nside, 3, &a, o1, NULL, NULL, &err) == SKY_OK, "%s", err.msg);
        CHECK(sky_smooth(m, nside, 3, &b, o2, NULL, NULL, &err) == SKY_OK, "%s", err.msg);
        double e = 0;
        for (int64_t i = 0; i < 3 * npix; i++)
            e = fmax(e, fabs(o1[i] - o2[i]));
        CHECK(e < 1e-12, "beam window vs fwhm: %g", e);
        b.beam_len = lmax;
        CHECK(sky_smooth(m, nside, 3, &b, o2, NULL, NULL, &err) == SKY_EINVAL, "short beam accepted");
        free(m);
        free(o1);
        free(o2);
    }
    return check_report("test_smoothing");
}
