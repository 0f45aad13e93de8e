/*
 * cmb_map.c - a CMB map read from a file (PySM class CMBMap, preset c2).
 *
 * The map is in uK_CMB (PySM labels it so, whatever the file says). Over a
 * band it becomes uK_RJ through the band-averaged uK_CMB -> uK_RJ factor,
 * built like the output unit conversion (bandpass_unit_conversion, including
 * its 1e-10 weight cut), not through the models' nu^2-weighted integration.
 * PySM multiplies the float32 map by that factor in float32 for a band (a
 * scalar factor) and in double at one frequency (a one-element array).
 */
#include <math.h>

#include "cmb.h"
#include "core/error.h"

struct cmb_map {
    sky_cmb_maps maps;
};

static int cmb_map_init(void *state, sky_params *ps, sky_loader *ld, sky_error *err)
{
    struct cmb_map *m = state;
    const char *iqu = NULL, *mi = NULL, *mq = NULL, *mu = NULL;
    const int f0 = 0;
    int rc;
    if ((rc = sky_params_string(ps, "map_IQU", 0, &iqu, err)) ||
        (rc = sky_params_string(ps, "map_I", 0, &mi, err)) ||
        (rc = sky_params_string(ps, "map_Q", 0, &mq, err)) ||
        (rc = sky_params_string(ps, "map_U", 0, &mu, err)))
        return rc;
    if (iqu) {
        const int f[3] = {0, 1, 2};
        const sky_hmap *maps[3];
        if ((rc = sky_load_maps(ld, iqu, 3, f, "uK_CMB", "uK_CMB", maps, err)))
            return rc;
        m->maps.i = maps[0];
        m->maps.q = maps[1];
        m->maps.u = maps[2];
        return SKY_OK;
    }
    if (!mi)
        return sky_fail(err, SKY_EINVAL, "component %s: expected map_IQU or map_I", ps->owner);
    if ((rc = sky_load_maps(ld, mi, 1, &f0, "uK_CMB", "uK_CMB", &m->maps.i, err)))
        return rc;
    if (mq && (rc = sky_load_maps(ld, mq, 1, &f0, "uK_CMB", "uK_CMB", &m->maps.q, err)))
        return rc;
    if (mu && (rc = sky_load_maps(ld, mu, 1, &f0, "uK_CMB", "uK_CMB", &m->maps.u, err)))
        return rc;
    return SKY_OK;
}

int sky_cmb_f32(const void *state, const sky_bandq *band)
{
    const sky_cmb_maps *m = state;
    return band->n > 1 && m->i->f != NULL;
}

static inline double scale(const sky_hmap *map, int64_t p, double factor, int f32)
{
    if (!map)
        return 0.0;
    if (f32)
        return (float)(map->f[sky_hmap_index(map, p)] * (float)factor);
    return sky_hmap_at(map, p) * factor;
}

void sky_cmb_emission(const void *state, const sky_bandq *band, const double *bdata,
                      int64_t first, int64_t count, double *out_i, double *out_q, double *out_u)
{
    (void)bdata;
    const sky_cmb_maps *m = state;
    const double factor = band->cmb_to_rj;
    for (int64_t k = 0; k < count; k++) {
        const int64_t p = first + k;
        out_i[k] = scale(m->i, p, factor, sky_cmb_f32(m, band));
        out_q[k] = scale(m->q, p, factor, m->q && m->q->f && band->n > 1);
        out_u[k] = scale(m->u, p, factor, m->u && m->u->f && band->n > 1);
    }
}

static const sky_param_spec sky_params_cmb_map[] = {
    SKY_SPEC_PATH("map_IQU", 0), SKY_SPEC_PATH("map_I", 0), SKY_SPEC_PATH("map_Q", 0),
    SKY_SPEC_PATH("map_U", 0),
    SKY_SPEC_END,
};

const sky_model_type sky_model_cmb_map = {
    .name = "CMBMap",
    .summary = "a CMB map in uK_CMB, converted to K_RJ over the band",
    .params = sky_params_cmb_map,
    .state_size = sizeof(struct cmb_map),
    .init = cmb_map_init,
    .f32_output = sky_cmb_f32,
    .emission = sky_cmb_emission,
};
