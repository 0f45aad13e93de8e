/*
 * component.c - component construction and the loader models call from init
 * (see component.h and model.h).
 *
 * Loading a template, as PySM's read_map does it: read the column(s) in the
 * file's precision, label them with the preset's unit (or the file's TUNIT),
 * bring them to the sky nside when they are finer (ud_grade, in double), and
 * scale them to the unit the model computes in. After init, every map coarser
 * than the finest one is upgraded to it, so that a model indexes all its maps
 * with one pixel number.
 */
#define _POSIX_C_SOURCE 200809L
#include "component.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "core/log.h"
#include "io/fits_alm.h"
#include "io/fits_map.h"
#include "parallel/comm.h"
#include "config.h"
#include "spectra/units.h"

static int keep_map(sky_loader *ld, sky_hmap *m, sky_error *err)
{
    sky_hmap **nm = realloc(ld->maps, (size_t)(ld->nmaps + 1) * sizeof *nm);
    if (!nm)
        return sky_nomem(err, "the template list");
    ld->maps = nm;
    ld->maps[ld->nmaps++] = m;
    return SKY_OK;
}

static void scale_map(sky_hmap *m, double factor)
{
    if (factor == 1.0)
        return;
    for (int64_t p = 0; p < m->nheld; p++) {
        if (m->f)
            m->f[p] = (float)(m->f[p] * factor);
        else
            m->d[p] *= factor;
    }
}

/* Reads columns `fields` of `path` into `maps` (see sky_load_maps), brought
 * to `nside` when it is > 0 and else degraded to the sky nside when finer. */
static int read_maps(sky_loader *ld, const char *path, int nfields, const int *fields,
                     const char *label, const char *target, int nside, int whole,
                     sky_hmap *maps, sky_error *err)
{
    char *file = NULL;
    char units[SKY_MAX_FIELDS][64];
    int rc;
    if (nfields < 1 || nfields > SKY_MAX_FIELDS)
        return sky_fail(err, SKY_EINTERNAL, "sky_load_maps: %d fields", nfields);
    char name[1024];
    if (sky_expand_nside(path, ld->templates_nside, name, sizeof name) < 0)
        return sky_fail(err, SKY_EINVAL, "component %s: template %s is named by nside but the "
                        "component has no available_nside", ld->label, path);
    path = name;
    if ((rc = sky_datapath_find(ld->dp, path, &file, err)))
        return rc;
    /* `whole` reads the whole sky, for the model to use at will */
    if ((rc = sky_fits_read_map_part(file, nfields, fields, whole ? NULL : &ld->part, maps,
                                     units, err))) {
        free(file);
        return rc;
    }
    for (int k = 0; k < nfields && !rc; k++) {
        sky_unit from, to;
        double factor = 1.0;
        if (nside > 0 && whole) {
            if (nside != maps[k].nside && (rc = sky_hmap_ud_grade(&maps[k], nside, err)))
                break;
        } else if (nside > 0 && maps[k].nside == nside) {
            /* read for the part at that nside already: no copy */
        } else if (nside > 0) { /* the part at nside, from the part read at the file's */
            sky_region r;
            sky_region_at(&ld->part, nside, &r);
            sky_hmap at;
            if ((rc = sky_hmap_resample(&maps[k], &r, &at, err)))
                break;
            sky_hmap_free(&maps[k]);
            maps[k] = at;
        } else if (maps[k].nside > ld->sky_nside) { /* degraded to the sky's part */
            sky_hmap coarse;
            if ((rc = sky_hmap_resample(&maps[k], &ld->part, &coarse, err)))
                break;
            sky_hmap_free(&maps[k]);
            maps[k] = coarse;
        }
        /* NaN, Inf or UNSEEN left where the model uses the map (degrading
         * skips them, as healpy's ud_grade) would be garbage in the output,
         * as in PySM: refused (docs/models.md) */
        int64_t bad_pix, nbad = sky_hmap_count_bad(&maps[k], &bad_pix);
        if (nbad) {
            rc = sky_fail(err, SKY_EFORMAT, "component %s: template %s column %d: %lld pixel%s "
                          "NaN, Inf or UNSEEN (the first: pixel %lld at nside %d): expected "
                          "values everywhere", ld->label, file, fields[k] + 1, (long long)nbad,
                          nbad == 1 ? " is" : "s are", (long long)bad_pix, maps[k].nside);
            break;
        }
        if (!target) /* the caller uses the values as they are */
            continue;
        const char *lab = label ? label : units[k];
        char what[512];
        snprintf(what, sizeof what, "component %s: template %s column %d", ld->label, file,
                 fields[k] + 1);
        if ((rc = sky_unit_parse(lab, &from, err)) || (rc = sky_unit_parse(target, &to, err))) {
            sky_prefix(err, SKY_EFORMAT, "%s: ", what);
            break;
        }
        if (from.family == SKY_UNIT_NONE && to.family != SKY_UNIT_NONE && !*lab &&
            ld->unit_key) { /* neither the file nor the parameters give the unit */
            rc = sky_fail(err, SKY_EFORMAT, "%s has no unit (no TUNIT%d): add %s = \"%s\"",
                          what, fields[k] + 1, ld->unit_key, target);
            break;
        }
        if ((rc = sky_unit_scale(&from, &to, &factor, what, lab, target, err)))
            break;
        scale_map(&maps[k], factor);
    }
    if (rc)
        for (int k = 0; k < nfields; k++)
            sky_hmap_free(&maps[k]);
    free(file);
    return rc;
}

/* read_maps at an explicit nside, checked: the whole sky or the part */
static int read_maps_at(sky_loader *ld, const char *path, int nfields, const int *fields,
                        const char *label, const char *target, int nside, int whole,
                        sky_hmap *out, sky_error *err)
{
    if (!sky_hpx_nside_ok(nside))
        return sky_fail(err, SKY_EINVAL, "component %s: nside %d for template %s: expected a power of 2",
                        ld->label, nside, path);
    return read_maps(ld, path, nfields, fields, label, target, nside, whole, out, err);
}

int sky_load_maps_at(sky_loader *ld, const char *path, int nfields, const int *fields,
                     const char *label, const char *target, int nside, sky_hmap *out,
                     sky_error *err)
{
    return read_maps_at(ld, path, nfields, fields, label, target, nside, 1, out, err);
}

int sky_load_part_maps_at(sky_loader *ld, const char *path, int nfields, const int *fields,
                          const char *label, const char *target, int nside, sky_hmap *out,
                          sky_error *err)
{
    return read_maps_at(ld, path, nfields, fields, label, target, nside, 0, out, err);
}

int sky_load_maps(sky_loader *ld, const char *path, int nfields, const int *fields,
                  const char *label, const char *target, const sky_hmap **out, sky_error *err)
{
    sky_hmap maps[SKY_MAX_FIELDS];
    int nkept = 0;
    int rc = read_maps(ld, path, nfields, fields, label, target, 0, 0, maps, err);
    if (rc)
        return rc;
    for (; nkept < nfields; nkept++) {
        sky_hmap *m = malloc(sizeof *m);
        if (!m) {
            rc = sky_nomem(err, "a template");
            goto done;
        }
        *m = maps[nkept];
        if ((rc = keep_map(ld, m, err))) {
            free(m);
            goto done;
        }
        out[nkept] = m;
    }
done:
    if (rc)
        for (int k = nkept; k < nfields; k++)
            sky_hmap_free(&maps[k]);
    return rc;
}

int sky_load_field(sky_loader *ld, sky_params *ps, const char *key, const char *label,
                   const char *target, sky_field *out, sky_error *err)
{
    return sky_load_field_layer(ld, ps, key, 0, label, target, out, err);
}

int sky_load_field_layer(sky_loader *ld, sky_params *ps, const char *key, int layer,
                         const char *label, const char *target, sky_field *out, sky_error *err)
{
    sky_param *p = sky_params_take(ps, key);
    out->map = NULL;
    out->value = 0.0;
    if (!p)
        return sky_fail(err, SKY_EINVAL, "component %s: missing parameter '%s'", ld->label, key);
    if (p->kind == SKY_PARAM_NUMBER) {
        sky_unit from, to;
        double factor = 1.0;
        int rc;
        if ((rc = sky_unit_parse(label ? label : "", &from, err)) ||
            (rc = sky_unit_parse(target, &to, err)) ||
            (rc = sky_unit_scale(&from, &to, &factor, key, label ? label : "", target, err)))
            return sky_prefix(err, rc, "component %s: ", ld->label);
        out->value = p->num * factor;
        return SKY_OK;
    }
    if (p->kind != SKY_PARAM_STRING)
        return sky_fail(err, SKY_EINVAL,
                        "component %s: parameter '%s' is a boolean, expected a number or a "
                        "template path",
                        ld->label, key);
    char path[1024];
    const char *at = layer > 0 ? strstr(p->str, "{layer}") : NULL;
    const int len = at ? snprintf(path, sizeof path, "%.*s%d%s", (int)(at - p->str), p->str,
                                  layer, at + 7)
                       : snprintf(path, sizeof path, "%s", p->str);
    if (len < 0 || len >= (int)sizeof path)
        return sky_fail(err, SKY_EINVAL, "component %s: %s: path too long", ld->label, key);
    /* map_X's unit is unit_X: named in the message when neither it nor the file gives one */
    char unit_key[128];
    snprintf(unit_key, sizeof unit_key, "unit_%s", strncmp(key, "map_", 4) ? key : key + 4);
    const int field0 = 0;
    ld->unit_key = label ? NULL : unit_key;
    const int rc = sky_load_maps(ld, path, 1, &field0, label, target, &out->map, err);
    ld->unit_key = NULL;
    return rc;
}

int sky_load_iqu_templates(sky_loader *ld, sky_params *ps, sky_iqu_templates *t,
                           sky_error *err)
{
    const char *map_i = NULL, *map_q = NULL, *map_u = NULL;
    const char *unit_i = NULL, *unit_q = NULL, *unit_u = NULL;
    int pol = 1, rc;
    memset(t, 0, sizeof *t);
    if ((rc = sky_params_string(ps, "map_I", 1, &map_i, err)) ||
        (rc = sky_params_string(ps, "map_Q", 0, &map_q, err)) ||
        (rc = sky_params_string(ps, "map_U", 0, &map_u, err)) ||
        (rc = sky_params_string(ps, "unit_I", 0, &unit_i, err)) ||
        (rc = sky_params_string(ps, "unit_Q", 0, &unit_q, err)) ||
        (rc = sky_params_string(ps, "unit_U", 0, &unit_u, err)) ||
        (rc = sky_params_bool(ps, "has_polarization", 0, &pol, err)) ||
        (rc = sky_params_freq(ps, "freq_ref_I", 1, &t->freq_ref_i, err)) ||
        (rc = sky_params_freq(ps, "freq_ref_P", pol, &t->freq_ref_p, err)))
        return rc;
    if (pol && map_q && !map_u)
        return sky_fail(err, SKY_EINVAL, "component %s: map_Q given without map_U", ps->owner);
    const int f0 = 0;
    if (pol && !map_q) { /* map_I holds I, Q, U */
        const int f[3] = {0, 1, 2};
        const sky_hmap *iqu[3];
        ld->unit_key = unit_i ? NULL : "unit_I";
        rc = sky_load_maps(ld, map_i, 3, f, unit_i, "uK_RJ", iqu, err);
        ld->unit_key = NULL;
        if (rc)
            return rc;
        t->i = iqu[0];
        t->q = iqu[1];
        t->u = iqu[2];
        return SKY_OK;
    }
    ld->unit_key = unit_i ? NULL : "unit_I";
    rc = sky_load_maps(ld, map_i, 1, &f0, unit_i, "uK_RJ", &t->i, err);
    if (!rc && pol) {
        ld->unit_key = unit_q ? NULL : "unit_Q";
        rc = sky_load_maps(ld, map_q, 1, &f0, unit_q, "uK_RJ", &t->q, err);
    }
    if (!rc && pol) {
        ld->unit_key = unit_u ? NULL : "unit_U";
        rc = sky_load_maps(ld, map_u, 1, &f0, unit_u, "uK_RJ", &t->u, err);
    }
    ld->unit_key = NULL;
    return rc;
}

static void record_seed(sky_loader *ld, const char *key, uint32_t value)
{
    if (ld->nseeds < (int)(sizeof ld->seeds / sizeof *ld->seeds))
        ld->seeds[ld->nseeds++] = (struct sky_seed_record){key, value};
}

int sky_load_seed(sky_loader *ld, sky_params *ps, const char *key, int64_t fallback,
                  uint32_t *seed, sky_error *err)
{
    double v = (double)fallback;
    int rc = sky_params_number(ps, key, fallback < 0, &v, err);
    if (rc)
        return rc;
    if (!(v >= 0 && v <= 4294967295.0 && v == floor(v)))
        return sky_fail(err, SKY_EINVAL,
                        "component %s: %s = %.17g: expected an integer from 0 to 4294967295",
                        ld->label, key, v);
    *seed = ld->seed_override >= 0 ? (uint32_t)ld->seed_override : (uint32_t)v;
    record_seed(ld, key, *seed);
    return SKY_OK;
}

/* A seed for a component without any: drawn from the operating system once
 * per process (the same on every MPI process), then mixed with the
 * component's label and k, so that a sky built again in the same run (one
 * part after another) draws the same small scales. */
static uint32_t random_seed(const char *label, int k)
{
    static uint32_t base;
    static int have;
    if (!have) {
        uint32_t r = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
        FILE *f = fopen("/dev/urandom", "rb");
        if (f) {
            if (fread(&r, sizeof r, 1, f) != 1)
                r ^= (uint32_t)clock();
            fclose(f);
        }
        base = (uint32_t)sky_par_max((double)r); /* every process takes the same */
        have = 1;
    }
    uint64_t h = base ^ 0x9e3779b97f4a7c15ull;
    for (const char *c = label; *c; c++)
        h = (h ^ (unsigned char)*c) * 0x100000001b3ull;
    h += (uint64_t)k * 0xbf58476d1ce4e5b9ull;
    h = (h ^ (h >> 31)) * 0x94d049bb133111ebull;
    return (uint32_t)(h ^ (h >> 32));
}

int sky_load_seeds(sky_loader *ld, sky_params *ps, const char *key, int n, uint32_t *seeds,
                   sky_error *err)
{
    static const char *const names[] = {"seeds[0]", "seeds[1]", "seeds[2]", "seeds[3]"};
    long long v[8];
    int got = -1, rc;
    if (n < 1 || n > 4)
        return sky_fail(err, SKY_EINTERNAL, "sky_load_seeds: %d seeds", n);
    if ((rc = sky_params_int_list(ps, key, 0, 8, v, &got, err)))
        return rc;
    if (got >= 0 && got != n)
        return sky_fail(err, SKY_EINVAL, "component %s: %s has %d value%s: expected %d seeds",
                        ld->label, key, got, got == 1 ? "" : "s", n);
    for (int k = 0; k < n; k++) {
        if (ld->seed_override >= 0) {
            seeds[k] = (uint32_t)((uint64_t)ld->seed_override + (uint64_t)k);
        } else if (got == n) {
            if (v[k] < 0 || v[k] > 4294967295LL)
                return sky_fail(err, SKY_EINVAL, "component %s: %s[%d] = %lld: expected an "
                                "integer from 0 to 4294967295", ld->label, key, k, v[k]);
            seeds[k] = (uint32_t)v[k];
        } else {
            seeds[k] = random_seed(ld->label, k);
        }
        record_seed(ld, names[k], seeds[k]);
    }
    return SKY_OK;
}

int sky_load_alm(sky_loader *ld, const char *path, int nhdu, const char *target, double freq_ghz,
                 double complex **alm, int *lmax, sky_error *err)
{
    char *file = NULL, unit[64] = "";
    int rc = sky_datapath_find(ld->dp, path, &file, err);
    if (rc)
        return rc;
    if (!(rc = sky_fits_read_alm(file, nhdu, alm, lmax, unit, err)) && target) {
        char what[1200];
        double factor = 1;
        snprintf(what, sizeof what, "component %s: alm %s", ld->label, file);
        if ((rc = sky_unit_convert(unit, target, freq_ghz, &factor, what, err))) {
            free(*alm);
            *alm = NULL;
        } else if (factor != 1.0) {
            const int64_t n = (int64_t)nhdu * (*lmax + 1) * (*lmax + 2) / 2;
            for (int64_t i = 0; i < n; i++)
                (*alm)[i] *= factor;
        }
    }
    free(file);
    return rc;
}

int sky_load_cl(sky_loader *ld, const char *path, const char *target, double **cl, int *ncols,
                long *nl, sky_error *err)
{
    char *file = NULL, unit[64] = "";
    int rc = sky_datapath_find(ld->dp, path, &file, err);
    if (rc)
        return rc;
    if (!(rc = sky_fits_read_cl(file, cl, ncols, nl, unit, err))) {
        char what[1200];
        double factor = 1;
        snprintf(what, sizeof what, "component %s: spectra %s", ld->label, file);
        if (!*unit && !*target) /* dimensionless, squared */
            factor = 1;
        else
            rc = sky_unit_convert_squared(unit, target, &factor, what, err);
        if (rc) {
            free(*cl);
            *cl = NULL;
        } else if (factor != 1.0) {
            for (int64_t i = 0; i < (int64_t)*ncols * *nl; i++)
                (*cl)[i] *= factor;
        }
    }
    free(file);
    return rc;
}

int sky_loader_map_shape(sky_loader *ld, const char *path, int *ncols, int *nside, char *file,
                         size_t n, sky_error *err)
{
    char name[1024], *found = NULL;
    if (sky_expand_nside(path, ld->templates_nside, name, sizeof name) < 0)
        return sky_fail(err, SKY_EINVAL, "component %s: template %s is named by nside but the "
                        "component has no available_nside", ld->label, path);
    int rc = sky_datapath_find(ld->dp, name, &found, err);
    if (rc)
        return rc;
    snprintf(file, n, "%s", found);
    rc = sky_fits_map_shape(found, ncols, nside, err);
    free(found);
    if (rc)
        sky_prefix(err, rc, "component %s: ", ld->label);
    return rc;
}

const char *sky_loader_label(const sky_loader *ld)
{
    return ld->label;
}

int sky_loader_templates_nside(const sky_loader *ld)
{
    return ld->templates_nside;
}

void sky_loader_warn(sky_loader *ld, const char *fmt, ...)
{
    if (!ld->log || ld->verbose < 1)
        return;
    char line[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    sky_logf(ld->log, ld->log_ctx, "warning: component %s: %s", ld->label, line);
}

void sky_loader_global_rng(sky_loader *ld)
{
    record_seed(ld, "numpy_global_seed",
                ld->seed_override >= 0 ? (uint32_t)ld->seed_override : 0u);
}

int sky_loader_nside(const sky_loader *ld)
{
    return ld->sky_nside;
}

const sky_region *sky_loader_part(const sky_loader *ld)
{
    return &ld->part;
}

/* A new loader map of the whole sky at nside, or of the part when `part`. */
static int new_map(sky_loader *ld, int nside, int part, int f32, sky_hmap **out, sky_error *err)
{
    sky_hmap *m = malloc(sizeof *m);
    if (!m)
        return sky_nomem(err, "a map");
    int rc = part ? sky_hmap_alloc_region(m, &ld->part, f32, err)
                  : sky_hmap_alloc(m, nside, f32, err);
    if (!rc && (rc = keep_map(ld, m, err)))
        sky_hmap_free(m);
    if (rc) {
        free(m);
        return rc;
    }
    *out = m;
    return SKY_OK;
}

int sky_loader_new_map(sky_loader *ld, int nside, int f32, sky_hmap **out, sky_error *err)
{
    return new_map(ld, nside, 0, f32, out, err);
}

int sky_loader_new_part_map(sky_loader *ld, int f32, sky_hmap **out, sky_error *err)
{
    return new_map(ld, ld->sky_nside, 1, f32, out, err);
}

int sky_load_table(sky_loader *ld, const char *path, const sky_table **out, sky_error *err)
{
    char *file = NULL;
    int rc = sky_datapath_find(ld->dp, path, &file, err);
    if (rc)
        return rc;
    sky_table *t = malloc(sizeof *t);
    sky_table **nt = realloc(ld->tables, (size_t)(ld->ntables + 1) * sizeof *nt);
    if (nt)
        ld->tables = nt;
    if (!t || !nt) {
        free(t);
        free(file);
        return sky_nomem(err, "a table");
    }
    char what[128];
    snprintf(what, sizeof what, "component %s: table", ld->label);
    rc = sky_table_read(file, what, t, err);
    free(file);
    if (rc) {
        free(t);
        return rc;
    }
    ld->tables[ld->ntables++] = t;
    *out = t;
    return SKY_OK;
}

int sky_component_create(const sky_model_type *type, const char *label, const sky_params *ps,
                         const sky_datapath *dp, const sky_region *part, int64_t seed_override,
                         sky_component **out, sky_error *err)
{
    sky_params par;
    int rc;
    *out = NULL;
    sky_component *c = calloc(1, sizeof *c);
    if (!c)
        return sky_nomem(err, "a component");
    c->type = type;
    c->dp = dp;
    const int sky_nside = part->nside;
    c->sky_nside = sky_nside;
    c->part = *part;
    c->seed_override = seed_override;
    c->label = strdup(label);
    c->state = calloc(1, type->state_size ? type->state_size : 1);
    if (!c->label || !c->state) {
        sky_component_free(c);
        return sky_nomem(err, "a component");
    }
    if ((rc = sky_params_copy(&par, ps, err))) {
        sky_component_free(c);
        return rc;
    }
    par.owner = c->label;
    /* Parameters every PySM model accepts: templates named with {nside} are
     * read at the available nside closest to the sky's, as PySM does;
     * max_nside is only advice in PySM (skymodel goes to 8192 always). */
    if ((c->templates_nside = sky_templates_nside(&par, sky_nside, err)) < 0) {
        sky_params_free(&par);
        sky_component_free(c);
        return SKY_EINVAL;
    }
    sky_params_take(&par, "max_nside");
    sky_params_take(&par, "available_nside");
    rc = type->init(c->state, &par, c, err);
    if (!rc)
        rc = sky_params_check_used(&par, type->name, err);
    sky_params_free(&par);
    if (rc) {
        sky_component_free(c);
        return rc;
    }
    c->eval_nside = 0;
    for (int k = 0; k < c->nmaps; k++)
        if (c->maps[k]->nside > c->eval_nside)
            c->eval_nside = c->maps[k]->nside;
    if (!c->eval_nside)
        c->eval_nside = sky_nside;
    /* every map on the part at the evaluation nside: coarser maps upgraded,
     * whole-sky maps a model made cut to the part */
    sky_region eval;
    sky_region_at(&c->part, c->eval_nside, &eval);
    for (int k = 0; k < c->nmaps && !rc; k++) {
        if (c->maps[k]->nside == c->eval_nside) {
            rc = sky_hmap_restrict(c->maps[k], &eval, err);
            continue;
        }
        sky_hmap up;
        if (!(rc = sky_hmap_resample(c->maps[k], &eval, &up, err))) {
            sky_hmap_free(c->maps[k]);
            *c->maps[k] = up;
        }
    }
    if (rc) {
        sky_component_free(c);
        return rc;
    }
    if (type->after_load)
        type->after_load(c->state);
    *out = c;
    return SKY_OK;
}

void sky_component_free(sky_component *c)
{
    if (!c)
        return;
    if (c->state && c->type && c->type->free)
        c->type->free(c->state);
    free(c->state);
    for (int k = 0; k < c->nmaps; k++) {
        sky_hmap_free(c->maps[k]);
        free(c->maps[k]);
    }
    free(c->maps);
    for (int k = 0; k < c->ntables; k++) {
        sky_table_free(c->tables[k]);
        free(c->tables[k]);
    }
    free(c->tables);
    free(c->label);
    free(c);
}
