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

static void cib_free(void *state)
{
    struct websky_cib *m = state;
    sky_interp_grid_free(&m->g);
}

static int cib_band_data_len(const void *state, const sky_bandq *band)
{
    (void)state;
    return sky_interp_band_data_len(band);
}

static int cib_prepare(const void *state, const sky_bandq *band, sky_np_rng *rng, double *bdata,
                       sky_error *err)
{
    (void)rng;
    (void)err;
    const struct websky_cib *m = state;
    sky_interp_prepare(&m->g, band, bdata);
    return SKY_OK;
}

static int cib_acquire(void *state, const sky_bandq *band, sky_loader *ld, sky_error *err)
{
    struct websky_cib *m = state;
    return sky_interp_acquire(&m->g, band, ld, err);
}

static void cib_release(void *state, const sky_bandq *band)
{
    struct websky_cib *m = state;
    sky_interp_release(&m->g, band);
}

static int cib_f32(const void *state, const sky_bandq *band)
{
    const struct websky_cib *m = state;
    return sky_interp_f32(&m->g, band);
}

static void cib_emission(const void *state, const sky_bandq *band, const double *bdata,
                         int64_t first, int64_t count, double *i, double *q, double *u)
{
    (void)band;
    const struct websky_cib *m = state;
    sky_interp_emission(&m->g, bdata, first, count, i, q, u);
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
    .f32_output = cib_f32,
    .band_data_len = cib_band_data_len,
    .prepare = cib_prepare,
    .emission = cib_emission,
    .free = cib_free,
    .files = cib_files,
    .check = sky_websky_grid_check,
    .acquire = cib_acquire,
    .release = cib_release,
};
