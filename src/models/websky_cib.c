/*
 * websky_cib.c - the WebSky cosmic infrared background (PySM class
 * WebSkyCIB, preset cib1): maps in MJy/sr on PySM's 46-frequency grid from
 * 17 to 1080 GHz, websky/{websky_version}/cib/cib_{f:06.1f}.fits (intensity
 * only), each converted to uK_RJ at its frequency and multiplied by the
 * SPT correction (apply_SPT_correction, true by default), interpolated
 * linearly in frequency and read only where a band needs them (the engine
 * is interp_grid.c). Zero outside the grid, with a warning.
 */
#include "interp_grid.h"

struct websky_cib {
    sky_interp_grid g;
};

static int cib_init(void *state, sky_params *ps, sky_loader *ld, sky_error *err)
{
    (void)ld;
    struct websky_cib *m = state;
    return sky_websky_grid_init(&m->g, ps, "cib", "MJy / sr", 1, err);
}

static int cib_files(const sky_params *ps, int nside, int (*fn)(const char *path, void *ctx),
                     void *ctx)
{
    (void)nside;
    return sky_websky_grid_files(ps, "cib", fn, ctx);
}

static const sky_param_spec cib_params[] = {
    SKY_WEBSKY_GRID_PARAMS,
    SKY_SPEC_END,
};

const sky_model_type sky_model_websky_cib = {
    .name = "WebSkyCIB",
    .summary = "the WebSky CIB: 46 maps from 17 to 1080 GHz (MJy/sr, SPT-corrected), "
               "interpolated linearly, read only where a band needs them; intensity only",
    .params = cib_params,
    .state_size = sizeof(struct websky_cib),
    .init = cib_init,
    SKY_INTERP_GRID_HOOKS,
    .files = cib_files,
    .check = sky_websky_grid_check,
};
