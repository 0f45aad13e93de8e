/*
 * test_interp_grid.c - InterpolatingComponent on a hand-written grid of
 * three nside-1 maps at 10, 20 and 40 GHz (uK_RJ, values exact in float32),
 * against hand computations: a grid point, np.isclose's shortcut next to one
 * (and just outside it), the interpolation weight between two points,
 * I, Q, U files and I-only ones, zeros outside the grid with one warning
 * line, the maps bracketing a band being the only ones read (the grid's
 * third file absent), and the reason a component with a pre-applied beam
 * cannot be evaluated unsmoothed.
 */
#include "model_fixture.h"

#include <math.h>

static double m10[3 * FIXTURE_NPIX], m20[3 * FIXTURE_NPIX], m40[3 * FIXTURE_NPIX];

static void grid(model_fixture *fx, int ncols, int with40)
{
    fixture_open(fx, "InterpolatingComponent");
    for (int p = 0; p < FIXTURE_NPIX; p++)
        for (int s = 0; s < 3; s++) {
            m10[s * FIXTURE_NPIX + p] = (p + 1) * (s + 1);
            m20[s * FIXTURE_NPIX + p] = 2.0 * (p + 1) * (s + 1);
            m40[s * FIXTURE_NPIX + p] = 10.0 + p - s;
        }
    fixture_map(fx, "g/010.0.fits", ncols, m10, "uK_RJ");
    fixture_map(fx, "g/020.0.fits", ncols, m20, "uK_RJ");
    if (with40)
        fixture_map(fx, "g/040.0.fits", ncols, m40, "uK_RJ");
    fixture_string(fx, "path", "g");
    fixture_string(fx, "freqs", "[10.0, 20.0, 40.0]");
    fixture_string(fx, "input_units", "uK_RJ");
}

/* out (3 x 12) against (1 - r) a + r b for Stokes [0, ns), zeros beyond */
static void expect_mix(const char *what, const double *out, const double *a, const double *b,
                       double r, int ns)
{
    double worst = 0;
    for (int s = 0; s < 3; s++)
        for (int p = 0; p < FIXTURE_NPIX; p++) {
            const int k = s * FIXTURE_NPIX + p;
            const double want = s < ns ? (1 - r) * a[k] + (r > 0 ? r * b[k] : 0) : 0;
            worst = fmax(worst, fabs(out[k] - want) / fmax(1, fabs(want)));
        }
    CHECK(worst <= 1e-14, "%s: differs from the hand computation by %.3g", what, worst);
}

typedef struct lines {
    int n;
    char last[512];
} lines;

static void keep_line(void *ctx, const char *line)
{
    lines *l = ctx;
    l->n++;
    snprintf(l->last, sizeof l->last, "%s", line);
}

/* the fixture's sky at 12 pixels, with a log and data options of the caller */
static int emission_logged(model_fixture *fx, double freq, int offline, lines *log, double *out,
                           sky_error *err)
{
    const char *dirs[] = {fx->dir, NULL};
    char cache[160];
    snprintf(cache, sizeof cache, "%s/cache", fx->dir);
    sky_options opt;
    sky_options_init(&opt);
    opt.nside = 1;
    opt.data_dirs = dirs;
    opt.offline = offline;
    opt.cache_dir = cache;
    opt.data_url = "http://127.0.0.1:9"; /* nothing listens: a file not here is an error */
    opt.verbose = 1;
    opt.log = keep_line;
    opt.log_ctx = log;
    sky_sky *sky = NULL;
    const double w = 1;
    sky_band band = {1, &freq, &w};
    int rc = sky_create(fx->cfg, &opt, &sky, err);
    if (!rc)
        rc = sky_emission(sky, &band, "uK_RJ", out, err);
    if (!rc) /* a second evaluation: the warning is not said again */
        rc = sky_emission(sky, &band, "uK_RJ", out, err);
    sky_free(sky);
    return rc;
}

int main(void)
{
    model_fixture fx;
    double out[3 * FIXTURE_NPIX];
    (void)fixture_number; /* the fixture's other setters */
    (void)fixture_bool;

    /* I, Q, U files */
    grid(&fx, 3, 1);
    if (!fixture_emission(&fx, 20.0, "uK_RJ", out))
        expect_mix("20 GHz (a grid point)", out, m20, m20, 0, 3);
    if (!fixture_emission(&fx, 20.0001, "uK_RJ", out)) /* |d| <= 1e-8 + 1e-5 nu */
        expect_mix("20.0001 GHz (np.isclose to 20)", out, m20, m20, 0, 3);
    if (!fixture_emission(&fx, 20.001, "uK_RJ", out)) { /* not close: between 20 and 40 */
        const double r = 1.0 / (40.0 - 20.0) * (20.001 - 20.0);
        expect_mix("20.001 GHz (interpolated)", out, m20, m40, r, 3);
    }
    if (!fixture_emission(&fx, 15.0, "uK_RJ", out))
        expect_mix("15 GHz (half way)", out, m10, m20, 0.5, 3);
    if (!fixture_emission(&fx, 35.0, "uK_RJ", out))
        expect_mix("35 GHz (r = 0.75)", out, m20, m40, 0.75, 3);
    if (!fixture_emission(&fx, 40.0, "uK_RJ", out))
        expect_mix("40 GHz (the last point)", out, m40, m40, 0, 3);
    /* outside: zeros, one warning line however many evaluations */
    lines log = {0, ""};
    sky_error err = {0};
    CHECK(emission_logged(&fx, 5.0, 1, &log, out, &err) == SKY_OK, "5 GHz: %s", err.msg);
    expect_mix("5 GHz (below the grid)", out, m10, m10, 0, 0);
    CHECK(log.n == 1 && !strcmp(log.last, "warning: component fixture: band from 5 GHz, below "
                                          "the lowest grid frequency 10 GHz: zero emission "
                                          "(as PySM)"),
          "5 GHz: %d log line(s), the last '%s'", log.n, log.last);
    log.n = 0;
    CHECK(emission_logged(&fx, 41.0, 1, &log, out, &err) == SKY_OK, "41 GHz: %s", err.msg);
    expect_mix("41 GHz (above the grid)", out, m10, m10, 0, 0);
    CHECK(log.n == 1 && !strcmp(log.last, "warning: component fixture: band up to 41 GHz, "
                                          "above the highest grid frequency 40 GHz: zero "
                                          "emission (as PySM)"),
          "41 GHz: %d log line(s), the last '%s'", log.n, log.last);

    /* a pre-applied beam: includes smoothing, so not evaluated unsmoothed */
    fixture_string(&fx, "available_nside", "[1]");
    fixture_string(&fx, "pre_applied_beam", "{1=5.1}");
    fixture_string(&fx, "pre_applied_beam_units", "arcmin");
    log.n = 0;
    CHECK(emission_logged(&fx, 15.0, 1, &log, out, &err) == SKY_EINVAL &&
              !strcmp(err.msg, "component fixture: its maps carry a 5.1 arcmin beam "
                               "(pre_applied_beam at nside 1), which PySM divides out: give "
                               "the beam to smooth to (--fwhm ARCMIN, and --lmax L)"),
          "with a pre-applied beam: '%s'", err.msg);
    fixture_close(&fx);

    /* I-only files: Q = U = 0; only the maps bracketing the band are read (the
     * 40 GHz file is absent and could not be downloaded) */
    grid(&fx, 1, 0);
    CHECK(emission_logged(&fx, 15.0, 0, &log, out, &err) == SKY_OK, "15 GHz, I only: %s",
          err.msg);
    expect_mix("15 GHz, I only", out, m10, m20, 0.5, 1);
    CHECK(emission_logged(&fx, 30.0, 0, &log, out, &err) != SKY_OK &&
              strstr(err.msg, "g/040.0.fits"),
          "30 GHz without the 40 GHz file: '%s'", err.msg);
    fixture_close(&fx);
    return check_report("test_interp_grid");
}
