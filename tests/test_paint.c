/*
 * test_paint.c - point sources painted with their beam on the pixels
 * (healpix/paint.h) and rg2 smoothed through it (issue 20):
 * - the peak S / (2 pi sigma^2) of a source on a pixel centre, HEALPix and
 *   CAR;
 * - flux conservation: sum of pixels x pixel area = flux within 1e-3 for
 *   beams of 2 pixels and more, sources anywhere;
 * - a tabulated B_l turned into a radial profile agrees with the Gaussian it
 *   tabulates;
 * - the same bits with 1 and 2 threads;
 * - rg2 with --fwhm (painted) against the harmonic smoothing of its no-beam
 *   map (sources on pixel centres), HEALPix and CAR (--car-resol), without
 *   and with a rotation G -> C of positions and polarisation angles: within
 *   1e-3 of the peak.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "check.h"
#include "healpix/healpix.h"
#include "healpix/paint.h"
#include "io/hdf5_catalog.h"
#include "sht/sht.h"
#include "skymodel.h"

#define PI 3.14159265358979323846

static double frand(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return ((*s >> 8) & 0xffffff) / 16777216.0;
}

static void test_healpix(void)
{
    sky_error err = {0};
    const int nside = 64;
    const int64_t npix = sky_hpx_npix(nside);
    const double area = 4 * PI / npix, pix = sqrt(area);
    sky_rings g;
    CHECK(sky_rings_healpix(nside, 1, 0, 0, &g, &err) == SKY_OK && g.nrings == 4 * nside - 1,
          "%s", err.msg);
    double *m = calloc((size_t)npix, sizeof *m);
    const double *amp[1];
    double *maps[1] = {m};
    for (double w = 2; w <= 5; w += 1.5) { /* FWHM in pixels */
        sky_beam_profile p;
        CHECK(sky_beam_profile_gauss(w * pix, &p, &err) == SKY_OK, "%s", err.msg);
        /* on the centre of pixel 20000: exactly the peak there */
        double th, ph, one = 1;
        sky_hpx_pix2ang_ring(nside, 20000, &th, &ph);
        memset(m, 0, (size_t)npix * sizeof *m);
        amp[0] = &one;
        CHECK(sky_paint_sources(&g, &p, 1, &th, &ph, 1, amp, maps, &err) == SKY_OK, "%s",
              err.msg);
        CHECK_CLOSE(m[20000], 1 / (2 * PI * p.sigma * p.sigma), 1e-13, "fwhm %g px: peak %.15g",
                    w, m[20000]);
        /* anywhere but within a few beams of a pole (where the HEALPix rings
         * sample a beam of a few pixels to O(ring step^2 / sigma^2) only):
         * flux conserved */
        double t[6], f[6], a[6];
        unsigned seed = 7;
        for (int s = 0; s < 6; s++) {
            t[s] = acos(1.8 * frand(&seed) - 0.9);
            f[s] = 2 * PI * frand(&seed);
            a[s] = 1 + s;
        }
        memset(m, 0, (size_t)npix * sizeof *m);
        amp[0] = a;
        CHECK(sky_paint_sources(&g, &p, 6, t, f, 1, amp, maps, &err) == SKY_OK, "%s", err.msg);
        double sum = 0;
        for (int64_t k = 0; k < npix; k++)
            sum += m[k] * area;
        CHECK(fabs(sum - 21) < 21e-3, "fwhm %g px: sum x area = %.6f, expected 21", w, sum);

        /* the Gaussian's B_l, tabulated and turned into a profile */
        const int lmax = (int)ceil(7 / p.sigma); /* B_lmax ~ 2e-11 */
        double *bl = malloc((size_t)(lmax + 1) * sizeof *bl);
        for (int l = 0; l <= lmax; l++)
            bl[l] = exp(-0.5 * l * (l + 1.0) * p.sigma * p.sigma);
        sky_beam_profile q;
        CHECK(sky_beam_profile_window(bl, lmax, &q, &err) == SKY_OK, "%s", err.msg);
        double worst = 0;
        for (double d = 0; d < 4 * p.sigma; d += 0.01 * p.sigma)
            worst = fmax(worst, fabs(sky_beam_profile_at(&q, d) - sky_beam_profile_at(&p, d)));
        CHECK(worst < 2e-3 * sky_beam_profile_at(&p, 0), "fwhm %g px: B_l profile off the "
              "Gaussian by %g of the peak", w, worst / sky_beam_profile_at(&p, 0));
        sky_beam_profile_free(&q);
        free(bl);
    }
    /* the same bits with 1 and 2 threads */
    enum { NS = 300 };
    double t[NS], f[NS], a[NS];
    unsigned seed = 11;
    for (int s = 0; s < NS; s++) {
        t[s] = acos(2 * frand(&seed) - 1);
        f[s] = 2 * PI * frand(&seed);
        a[s] = frand(&seed) - 0.3;
    }
    sky_beam_profile p;
    sky_beam_profile_gauss(3 * pix, &p, &err);
    double *m2 = calloc((size_t)npix, sizeof *m2);
    amp[0] = a;
#ifdef _OPENMP
    const int nt = omp_get_max_threads();
    omp_set_num_threads(1);
#endif
    memset(m, 0, (size_t)npix * sizeof *m);
    sky_paint_sources(&g, &p, NS, t, f, 1, amp, maps, &err);
#ifdef _OPENMP
    omp_set_num_threads(2);
#endif
    maps[0] = m2;
    sky_paint_sources(&g, &p, NS, t, f, 1, amp, maps, &err);
#ifdef _OPENMP
    omp_set_num_threads(nt);
#endif
    CHECK(!memcmp(m, m2, (size_t)npix * sizeof *m), "1 and 2 threads differ");
    free(m2);
    free(m);
    sky_rings_free(&g);
}

static void test_car(void)
{
    sky_error err = {0};
    const int ny = 180, nx = 360; /* 1 degree */
    const double res = PI / ny;
    sky_rings g;
    CHECK(sky_rings_car(ny, nx, &g, &err) == SKY_OK, "%s", err.msg);
    double *m = calloc((size_t)ny * nx, sizeof *m);
    double *maps[1] = {m};
    sky_beam_profile p;
    sky_beam_profile_gauss(3 * res, &p, &err);
    /* the centre of row 100, column 40: dec -90 + 100.5, RA 180 - 40 */
    double th = PI / 2 - (-PI / 2 + 100.5 * res), ph = PI - 40 * res, one = 1;
    const double *amp[1] = {&one};
    sky_paint_sources(&g, &p, 1, &th, &ph, 1, amp, maps, &err);
    CHECK_CLOSE(m[100 * nx + 40], 1 / (2 * PI * p.sigma * p.sigma), 1e-12, "CAR peak %g",
                m[100 * nx + 40]);
    double sum = 0;
    for (int i = 0; i < ny; i++) {
        const double cell = res * (sin(-PI / 2 + (i + 1) * res) - sin(-PI / 2 + i * res));
        for (int j = 0; j < nx; j++)
            sum += m[(int64_t)i * nx + j] * cell;
    }
    CHECK(fabs(sum - 1) < 1e-3, "CAR: sum x area = %.6f, expected 1", sum);
    free(m);
    sky_rings_free(&g);
}

/* rg2 painted against the harmonic smoothing of its no-beam map */
static void test_rg2_harmonic(void)
{
    char dir[] = "/tmp/sky_paint_XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    const int nside = 128; /* map2alm takes a pixel as a point: no pixel window */
    enum { N = 5 };
    const int64_t pix[N] = {sky_hpx_npix(nside) / 8, sky_hpx_npix(nside) / 2 - 1000,
                            sky_hpx_npix(nside) / 2 + 2000, sky_hpx_npix(nside) * 9 / 10,
                            sky_hpx_npix(nside) - 1000};
    double theta[N], phi[N], coef[N], pol[N];
    for (int s = 0; s < N; s++) {
        sky_hpx_pix2ang_ring(nside, pix[s], &theta[s], &phi[s]);
        coef[s] = 1.0 + s; /* Jy, flat */
        pol[s] = 0.2 * (s + 1);
    }
    sky_catalog c = {N, 1, 1, theta, phi, coef, pol};
    char path[256];
    snprintf(path, sizeof path, "%s/cat.h5", dir);
    sky_error err = {0};
    CHECK(sky_catalog_write(path, &c, &err) == SKY_OK, "%s", err.msg);

    sky_config *cfg = sky_config_new();
    int idx;
    sky_sky *sky = NULL;
    sky_options opt;
    sky_options_init(&opt);
    opt.nside = nside;
    const char *dirs[] = {dir, NULL};
    opt.data_dirs = dirs;
    opt.offline = 1;
    int rc = sky_config_add_component(cfg, "src", "PointSourceCatalog", 0, &idx, &err);
    if (!rc)
        rc = sky_config_set_string(cfg, idx, "catalog_filename", "cat.h5", &err);
    if (!rc)
        rc = sky_create(cfg, &opt, &sky, &err);
    CHECK(rc == SKY_OK, "%s", err.msg);
    const int64_t npix = sky_hpx_npix(nside);
    double *flat = malloc((size_t)(3 * npix) * sizeof *flat);
    const double f100 = 100;
    sky_band band = {1, &f100, NULL};
    if (!rc)
        rc = sky_emission(sky, &band, "uK_RJ", flat, &err);
    CHECK(rc == SKY_OK, "%s", err.msg);
    for (int rot = 0; rot < 2 && !rc; rot++) {
        sky_smooth_opts o;
        sky_smooth_opts_init(&o);
        o.fwhm_rad = 3.0 * PI / 180;
        o.lmax = 300;
        o.lsq_maxiter = 0;
        if (rot) {
            o.rot_from = 'G';
            o.rot_to = 'C';
        }
        o.car_res_rad = PI / 180; /* and the CAR map, 1 degree */
        const int64_t ncar = 180 * 360;
        double *ref = malloc((size_t)(3 * npix) * sizeof *ref);
        double *refcar = malloc((size_t)(3 * ncar) * sizeof *refcar);
        double *map = calloc((size_t)(3 * npix), sizeof *map);
        rc = sky_smooth(flat, nside, 3, &o, ref, refcar, NULL, &err);
        CHECK(rc == SKY_OK, "%s", err.msg);
        sky_channel ch;
        sky_channel_init(&ch);
        ch.band = band;
        ch.smooth = &o;
        sky_smoothed r = {0};
        if (!rc)
            rc = sky_channels_evaluate(sky, 1, &ch, &map, &err);
        if (!rc)
            rc = sky_channel_smooth_map(sky, &ch, map, 1, &r, &err);
        CHECK(rc == SKY_OK && r.hp && r.car && r.ny == 180 && r.nx == 360, "%s", err.msg);
        for (int s = 0; s < 6 && !rc; s++) {
            const int64_t len = s < 3 ? npix : ncar;
            const double *a = s < 3 ? r.hp + s * npix : r.car + (s - 3) * ncar;
            const double *b = s < 3 ? ref + s * npix : refcar + (s - 3) * ncar;
            double peak = 0, worst = 0;
            for (int64_t k = 0; k < len; k++) {
                peak = fmax(peak, fabs(b[k]));
                worst = fmax(worst, fabs(a[k] - b[k]));
            }
            CHECK(worst <= 1e-3 * peak, "%s %s %c: painted - harmonic %g of the peak",
                  rot ? "G->C" : "G", s < 3 ? "HEALPix" : "CAR", "IQU"[s % 3], worst / peak);
        }
        sky_smoothed_free(&r);
        free(map);
        free(refcar);
        free(ref);
    }
    free(flat);
    sky_free(sky);
    sky_config_free(cfg);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0, "%s", cmd);
}

int main(void)
{
    test_healpix();
    test_car();
    test_rg2_harmonic();
    return check_report("test_paint");
}
