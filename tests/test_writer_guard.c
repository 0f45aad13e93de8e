/*
 * test_writer_guard.c - the library's own guards (issue 17):
 * - sky_write_map refuses a map holding NaN or Inf (naming the column and the
 *   first bad pixel), and float32 values beyond FLT_MAX, leaving no file and
 *   no temporary file; a finite map is written;
 * - sky_freq_check / sky_band_check refuse frequencies outside 1 MHz - 30 THz
 *   with the Hz / MHz hint;
 * - the K_CMB conversion stays finite (no Inf/Inf) far beyond the range.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "skymodel.h"
#include "spectra/units.h"

static int entries(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

int main(void)
{
    char dir[] = "/tmp/skymodel_guard_XXXXXX", path[256];
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    snprintf(path, sizeof path, "%s/m.fits", dir);
    const int nside = 16;
    const int64_t npix = 12 * nside * nside;
    double *m = calloc((size_t)(3 * npix), sizeof *m);
    CHECK(m != NULL, "calloc");
    sky_map_header h = {.unit = "uK_CMB", .coordsys = "G", .dtype = SKY_FLOAT32};
    sky_error err = {0};

    m[npix + 1234] = NAN; /* Q, pixel 1234 */
    int rc = sky_write_map(path, nside, 3, m, &h, &err);
    CHECK(rc == SKY_EINVAL && strstr(err.msg, "m.fits: Q_STOKES pixel 1234 is NaN: a map with "
                                              "NaN or Inf values is not written"),
          "NaN: rc %d '%s'", rc, err.msg);
    CHECK(entries(dir) == 0, "NaN: %d files left", entries(dir));
    m[npix + 1234] = 0;
    m[2 * npix + 5] = -INFINITY;
    rc = sky_write_map(path, nside, 3, m, &h, &err);
    CHECK(rc == SKY_EINVAL && strstr(err.msg, "U_STOKES pixel 5 is -Inf"), "Inf: '%s'", err.msg);
    CHECK(entries(dir) == 0, "Inf: files left");
    m[2 * npix + 5] = 1e39; /* finite, but Inf as a float32 */
    rc = sky_write_map(path, nside, 3, m, &h, &err);
    CHECK(rc == SKY_EINVAL && strstr(err.msg, "beyond float32"), "float32: '%s'", err.msg);
    CHECK(entries(dir) == 0, "float32: files left");
    h.dtype = SKY_FLOAT64;
    rc = sky_write_map(path, nside, 3, m, &h, &err);
    CHECK(rc == SKY_OK && entries(dir) == 1, "float64 1e39: %d '%s'", rc, err.msg);
    unlink(path);

    /* frequencies */
    rc = sky_freq_check(1e11, &err);
    CHECK(rc == SKY_EINVAL && !strcmp(err.msg, "1e+11: frequencies are in GHz (did you give "
                                               "Hz? 100 GHz is 100, not 1e11)"),
          "1e11: '%s'", err.msg);
    rc = sky_freq_check(143000, &err);
    CHECK(rc == SKY_EINVAL && strstr(err.msg, "did you give MHz? 143 GHz is 143, not 143000"),
          "143000: '%s'", err.msg);
    CHECK(sky_freq_check(1e-300, &err) == SKY_EINVAL &&
              strstr(err.msg, "expected a frequency from 0.001 to 30000 GHz"),
          "1e-300: '%s'", err.msg);
    CHECK(sky_freq_check(SKY_FREQ_MIN_GHZ, &err) == SKY_OK &&
              sky_freq_check(SKY_FREQ_MAX_GHZ, &err) == SKY_OK && sky_freq_check(100, &err) == 0,
          "the range's ends refused: '%s'", err.msg);
    CHECK(sky_freq_check(NAN, &err) == SKY_EINVAL && sky_freq_check(-1, &err) == SKY_EINVAL &&
              sky_freq_check(INFINITY, &err) == SKY_EINVAL,
          "NaN, negative or Inf accepted");
    double f[3] = {90e9, 100e9, 110e9};
    sky_band b = {3, f, NULL};
    CHECK(sky_band_check(&b, &err) == SKY_EINVAL &&
              !strcmp(err.msg, "frequency 9e+10 (sample 1 of 3): frequencies are in GHz (did "
                               "you give Hz? 90 GHz is 90, not 9e10)"),
          "band: '%s'", err.msg);

    /* K_CMB: finite where (e^x - 1)^2 overflows (x > 355, 20 THz) and beyond */
    sky_unit kcmb = {SKY_UNIT_K_CMB, 1e-6};
    for (double g = 100; g <= 1e6; g *= 1.5) {
        double v = sky_unit_to_jysr(&kcmb, g);
        CHECK(isfinite(v) && v >= 0, "K_CMB at %g GHz: %g", g, v);
    }
    CHECK(sky_unit_to_jysr(&kcmb, SKY_FREQ_MAX_GHZ) > 0, "K_CMB at 30 THz is 0");
    free(m);
    rmdir(dir);
    return check_report("test_writer_guard");
}
