/*
 * test_rebuild.c - the choice between evaluating an instrument's smoothed
 * channels in one pass and building the sky again for each
 * (src/pipeline/rebuild.c), and the transform estimate it rests on
 * (sky_smooth_seconds): the environment's values, the fifth of the cheapest
 * channel, one channel, and how the estimate grows with nside, the
 * least-squares iterations and the threads.
 */
#include <string.h>

#include "check.h"
#include "pipeline/rebuild.h"
#include "sht/smooth.h"

int main(void)
{
    sky_error err;
    int mode = 7;
    CHECK(!sky_rebuild_mode(NULL, &mode, &err) && mode == -1, "NULL: auto");
    CHECK(!sky_rebuild_mode("", &mode, &err) && mode == -1, "empty: auto");
    CHECK(!sky_rebuild_mode("auto", &mode, &err) && mode == -1, "auto");
    CHECK(!sky_rebuild_mode("always", &mode, &err) && mode == 1, "always");
    CHECK(!sky_rebuild_mode("never", &mode, &err) && mode == 0, "never");
    memset(&err, 0, sizeof err);
    CHECK(sky_rebuild_mode("Always", &mode, &err) == SKY_EINVAL, "case matters");
    CHECK(!strcmp(err.msg, "$SKYMODEL_SKY_REBUILD 'Always': expected always, never or auto"),
          "message: %s", err.msg);

    /* the paper benchmark's channels at nside 512: PySM's least squares */
    sky_smooth_opts o[3];
    for (int k = 0; k < 3; k++) {
        sky_smooth_opts_init(&o[k]);
        o[k].fwhm_rad = (30.0 - 10 * k) / 60 * 3.14159265358979 / 180;
    }
    const double t512 = sky_smooth_seconds(512, 3, &o[0], 2);
    /* 23 transforms at nside 512 and one at the output, 0.25 ns a unit */
    CHECK_CLOSE(t512, 24 * 2047.0 * 1281 * 1281 / 2 * 0.25e-9 / 2, 1e-12, "%g", t512);
    CHECK(t512 > 4 && t512 < 8, "about the 5 s measured: %g", t512);
    CHECK_CLOSE(sky_smooth_seconds(512, 3, &o[0], 1), 2 * t512, 1e-12, "threads");
    CHECK_CLOSE(sky_smooth_seconds(512, 1, &o[0], 2), t512 / 3, 1e-12, "one component");
    CHECK(sky_smooth_seconds(1024, 3, &o[0], 2) > 7.9 * t512, "nside^3");
    sky_smooth_opts plain = o[0];
    plain.lsq_maxiter = 0;
    CHECK_CLOSE(sky_smooth_seconds(512, 3, &plain, 2), t512 / 12, 1e-12, "one pair");

    /* auto: a fifth of the cheapest channel's transforms */
    CHECK(sky_rebuild_choice(-1, 0.5, 512, 3, 3, o, 2), "0.5 s against 5 s: rebuild");
    CHECK(!sky_rebuild_choice(-1, 0.21 * t512, 512, 3, 3, o, 2), "over a fifth: one pass");
    CHECK(sky_rebuild_choice(-1, 0.19 * t512, 512, 3, 3, o, 2), "under a fifth: rebuild");
    sky_smooth_opts mixed[2] = {o[0], plain};
    CHECK(!sky_rebuild_choice(-1, 0.5, 512, 3, 2, mixed, 2), "the cheapest channel decides");
    CHECK(!sky_rebuild_choice(-1, 0.001, 512, 3, 1, o, 2), "one channel: nothing to save");
    CHECK(!sky_rebuild_choice(0, 0.001, 512, 3, 3, o, 2), "never");
    CHECK(sky_rebuild_choice(1, 1000, 512, 3, 3, o, 2), "always");
    CHECK(!sky_rebuild_choice(1, 1000, 512, 3, 1, o, 2), "always, but one channel");
    return check_report("test_rebuild");
}
