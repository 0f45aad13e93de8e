/*
 * rebuild.c - see rebuild.h.
 */
#include "rebuild.h"

#include <string.h>

#include "core/error.h"
#include "sht/smooth.h"

/* Rebuilding pays when it costs at most this fraction of a channel's
 * transforms. */
static const double REBUILD_FRACTION = 0.2;

int sky_rebuild_mode(const char *value, int *mode, sky_error *err)
{
    *mode = -1;
    if (!value || !*value || !strcmp(value, "auto"))
        return SKY_OK;
    if (!strcmp(value, "always") || !strcmp(value, "never")) {
        *mode = value[0] == 'a';
        return SKY_OK;
    }
    return sky_fail(err, SKY_EINVAL, "$%s '%s': expected always, never or auto", SKY_REBUILD_ENV,
                    value);
}

int sky_rebuild_choice(int mode, double build_seconds, int nside, int ncomp, int nchan,
                       const sky_smooth_opts *o, int threads)
{
    if (nchan < 2 || mode == 0)
        return 0;
    if (mode == 1)
        return 1;
    double cheapest = -1;
    for (int k = 0; k < nchan; k++) {
        const double t = sky_smooth_seconds(nside, ncomp, &o[k], threads);
        if (cheapest < 0 || t < cheapest)
            cheapest = t;
    }
    return build_seconds < REBUILD_FRACTION * cheapest;
}
