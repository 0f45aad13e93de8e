/*
 * websky_radio.c - the WebSky radio galaxies below the catalogue cut (PySM class
 * WebSkyRadioGalaxies, preset rg1): maps in Jy/sr on the WebSky grid from
 * 17 to 1080 GHz, websky/{websky_version}/radio/radio_{f:06.1f}.fits (intensity
 * only), each converted to uK_RJ at its frequency (no SPT correction unless
 * apply_SPT_correction is set, as PySM allows), interpolated
 * linearly in frequency and read only where a band needs them (the engine
 * is interp_grid.c). Zero outside the grid, with a warning.
 */
#include "interp_grid.h"

struct websky_radio {
    sky_interp_grid g;
};

static int radio_init(void *state, sky_params *ps, sky_loader *ld, sky_error *err)
{
    (void)ld;
    struct websky_radio *m = state;
    return sky_websky_grid_init(&m->g, ps, "radio", "Jy / sr", 0, err);
}

static int radio_files(const sky_params *ps, int nside, int (*fn)(const char *path, void *ctx),
                     void *ctx)
{
    (void)nside;
    return sky_websky_grid_files(ps, "radio", fn, ctx);
}

static const sky_param_spec radio_params[] = {
    SKY_WEBSKY_GRID_PARAMS,
    SKY_SPEC_END,
};

const sky_model_type sky_model_websky_radio = {
    .name = "WebSkyRadioGalaxies",
    .summary = "the WebSky radio galaxies: 46 maps from 17 to 1080 GHz (Jy/sr), "
               "interpolated linearly, read only where a band needs them; intensity only",
    .params = radio_params,
    .state_size = sizeof(struct websky_radio),
    .init = radio_init,
    SKY_INTERP_GRID_HOOKS,
    .files = radio_files,
    .check = sky_websky_grid_check,
};
