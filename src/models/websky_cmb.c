/*
 * websky_cmb.c - the WebSky CMB maps (PySM class WebSkyCMB, presets c3
 * unlensed and c4 lensed).
 *
 * Three one-column files, I, Q and U in uK_CMB, named by the parameters:
 * websky/{websky_version}/cmb/map_{I,Q,U}_{lensed|unlensed}_alm_seed{seed}_
 * [solardipole_]nside{512|4096}.fits, the nside-512 set for a sky up to
 * nside 512 and the nside-4096 set above. `seed` only picks the files: no
 * random numbers are drawn. Then the maps are CMBMap's (cmb_map.c): times
 * the band-averaged uK_CMB -> uK_RJ factor.
 */
#include <math.h>
#include <stdio.h>

#include "cmb.h"
#include "core/error.h"

struct websky_cmb {
    sky_cmb_maps maps; /* first: sky_cmb_emission reads it */
};

/* The file names' parts, from parameters already checked. */
typedef struct websky_names {
    char version[32];
    long long seed;
    int lensed, solar_dipole;
} websky_names;

static void names_of(const sky_params *ps, websky_names *n)
{
    const sky_param *v = sky_params_peek(ps, "websky_version");
    const sky_param *s = sky_params_peek(ps, "seed");
    const sky_param *l = sky_params_peek(ps, "lensed");
    const sky_param *d = sky_params_peek(ps, "include_solar_dipole");
    if (v && v->kind == SKY_PARAM_STRING)
        snprintf(n->version, sizeof n->version, "%s", v->str);
    else if (v && v->kind == SKY_PARAM_NUMBER) /* Python's str() of the number */
        snprintf(n->version, sizeof n->version, v->num == floor(v->num) ? "%.1f" : "%.15g",
                 v->num);
    else
        snprintf(n->version, sizeof n->version, "0.4");
    n->seed = s && s->kind == SKY_PARAM_NUMBER ? (long long)s->num : 1;
    n->lensed = l && l->kind == SKY_PARAM_BOOL ? l->num != 0 : 1;
    n->solar_dipole = d && d->kind == SKY_PARAM_BOOL ? d->num != 0 : 0;
}

/* The nside of the file set for a sky at `nside`. */
static int set_nside(int nside)
{
    return nside <= 512 ? 512 : 4096;
}

static void file_name(const websky_names *n, char stokes, int tnside, char *out, size_t size)
{
    snprintf(out, size, "websky/%s/cmb/map_%c_%slensed_alm_seed%lld_%snside%d.fits", n->version,
             stokes, n->lensed ? "" : "un", n->seed, n->solar_dipole ? "solardipole_" : "",
             tnside);
}

static int websky_cmb_check(const sky_params *ps, int *bad, sky_error *err)
{
    const sky_param *s = sky_params_peek(ps, "seed");
    if (s && s->kind == SKY_PARAM_NUMBER && !(s->num >= 0 && s->num == floor(s->num) && s->num < 1e15)) {
        *bad = (int)(s - ps->p);
        return sky_fail(err, SKY_EINVAL, "seed = %g: expected a non-negative integer (it names "
                        "the files; no random numbers are drawn)", s->num);
    }
    return SKY_OK;
}

static int websky_cmb_init(void *state, sky_params *ps, sky_loader *ld, sky_error *err)
{
    struct websky_cmb *m = state;
    websky_names n;
    double seed = 1;
    int flag, rc;
    /* typed reads (marking the keys used); names_of formats them */
    sky_params_take(ps, "websky_version");
    if ((rc = sky_params_number(ps, "seed", 0, &seed, err)) ||
        (rc = sky_params_bool(ps, "lensed", 0, &flag, err)) ||
        (rc = sky_params_bool(ps, "include_solar_dipole", 0, &flag, err)))
        return rc;
    int bad;
    if ((rc = websky_cmb_check(ps, &bad, err)))
        return sky_prefix(err, rc, "component %s: ", ps->owner);
    names_of(ps, &n);
    const int tnside = set_nside(sky_loader_nside(ld));
    const sky_hmap **out[3] = {&m->maps.i, &m->maps.q, &m->maps.u};
    const int f0 = 0;
    for (int k = 0; k < 3; k++) {
        char path[256];
        file_name(&n, "IQU"[k], tnside, path, sizeof path);
        if ((rc = sky_load_maps(ld, path, 1, &f0, "uK_CMB", "uK_CMB", out[k], err)))
            return rc;
    }
    return SKY_OK;
}

static int websky_cmb_files(const sky_params *ps, int nside,
                            int (*fn)(const char *path, void *ctx), void *ctx)
{
    static const int sets[2] = {512, 4096};
    websky_names n;
    names_of(ps, &n);
    int rc = 0;
    for (int s = 0; s < 2 && !rc; s++) {
        if (nside > 0 && sets[s] != set_nside(nside))
            continue;
        for (int k = 0; k < 3 && !rc; k++) {
            char path[256];
            file_name(&n, "IQU"[k], sets[s], path, sizeof path);
            rc = fn(path, ctx);
        }
    }
    return rc;
}

static const sky_param_spec websky_cmb_params[] = {
    SKY_SPEC("websky_version", SKY_WANT_STRING | SKY_WANT_NUMBER, 0),
    SKY_SPEC_NUMBER("seed", 0),
    SKY_SPEC_BOOL("lensed"),
    SKY_SPEC_BOOL("include_solar_dipole"),
    SKY_SPEC_END,
};

const sky_model_type sky_model_websky_cmb = {
    .name = "WebSkyCMB",
    .summary = "the WebSky CMB (lensed or not): I, Q, U maps in uK_CMB at nside 512 or 4096, "
               "converted to K_RJ over the band",
    .params = websky_cmb_params,
    .state_size = sizeof(struct websky_cmb),
    .init = websky_cmb_init,
    .f32_output = sky_cmb_f32,
    .emission = sky_cmb_emission,
    .files = websky_cmb_files,
    .check = websky_cmb_check,
};
