/*
 * simple_sky.c - using the skymodel library without the command line: a
 * dust + synchrotron + free-free sky at 100 GHz in uK_CMB, smoothed with a
 * 2-degree beam and rotated to equatorial coordinates, then over a
 * three-point band, printing the RMS of I, Q, U.
 *
 * usage: simple_sky TEMPLATE_DIR [NSIDE]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <skymodel.h>

static void print_rms(const char *what, const double *iqu, int64_t npix)
{
    printf("%-22s", what);
    for (int s = 0; s < 3; s++) {
        double sum = 0;
        for (int64_t p = 0; p < npix; p++)
            sum += iqu[s * npix + p] * iqu[s * npix + p];
        printf("  %c rms %10.4f", "IQU"[s], sqrt(sum / npix));
    }
    printf("  uK_CMB\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s TEMPLATE_DIR [NSIDE]\n", argv[0]);
        return 2;
    }
    sky_error err;
    sky_config *cfg = sky_config_new();
    if (sky_config_add_preset(cfg, "d1", &err) || sky_config_add_preset(cfg, "s1", &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    /* a component described by hand: free-free as PySM's f1, but at 23 GHz */
    int ff;
    if (sky_config_add_component(cfg, "my_freefree", "PowerLaw", 0, &ff, &err) ||
        sky_config_set_string(cfg, ff, "map_I", "pysm_2/ff_t_new.fits", &err) ||
        sky_config_set_string(cfg, ff, "unit_I", "uK_RJ", &err) ||
        sky_config_set_number(cfg, ff, "map_pl_index", -2.14, &err) ||
        sky_config_set_string(cfg, ff, "freq_ref_I", "30 GHz", &err) ||
        sky_config_set_bool(cfg, ff, "has_polarization", 0, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }

    const char *dirs[] = {argv[1], NULL};
    sky_options opt;
    sky_options_init(&opt);
    opt.nside = argc > 2 ? atoi(argv[2]) : 32;
    opt.data_dirs = dirs;
    sky_sky *sky;
    if (sky_create(cfg, &opt, &sky, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        sky_config_free(cfg);
        return 1;
    }
    const int64_t npix = sky_npix(sky);
    double *iqu = malloc(3 * (size_t)npix * sizeof *iqu);

    double f100 = 100.0;
    sky_band mono = {1, &f100, NULL};
    if (sky_emission(sky, &mono, "uK_CMB", iqu, &err))
        fprintf(stderr, "%s\n", err.msg);
    else
        print_rms("100 GHz", iqu, npix);

    /* the same map seen by a 2-degree beam in equatorial coordinates */
    double *smoothed = malloc(3 * (size_t)npix * sizeof *smoothed);
    sky_smooth_opts so;
    sky_smooth_opts_init(&so);
    so.fwhm_rad = 2.0 * 3.14159265358979 / 180.0;
    so.rot_from = 'G';
    so.rot_to = 'C';
    sky_smooth_report rep;
    if (sky_smooth(iqu, sky_nside(sky), 3, &so, smoothed, NULL, &rep, &err))
        fprintf(stderr, "%s\n", err.msg);
    else
        print_rms("100 GHz, 2 deg beam", smoothed, npix);
    free(smoothed);

    double freqs[] = {90.0, 100.0, 110.0}, weights[] = {0.5, 1.0, 0.5};
    sky_band band = {3, freqs, weights};
    if (sky_emission(sky, &band, "uK_CMB", iqu, &err))
        fprintf(stderr, "%s\n", err.msg);
    else
        print_rms("90-110 GHz band", iqu, npix);

    free(iqu);
    sky_free(sky);
    sky_config_free(cfg);
    return 0;
}
