/*
 * component.h - one emission component of a sky: a model instance with the
 * templates it loaded, at the resolution it is evaluated.
 *
 * Models are pixel-local, so a component whose templates are all coarser than
 * the sky is evaluated at the finest template nside and expanded afterwards:
 * the values equal PySM's upgrade-then-evaluate exactly, for a fraction of the
 * work and memory. Templates finer than the sky are degraded to it on load.
 * When the sky is one process's part, templates are read for that part only
 * (sky_region_at at their nside) and every map is kept on it.
 */
#ifndef SKY_MODELS_COMPONENT_H
#define SKY_MODELS_COMPONENT_H

#include "data/datapath.h"
#include "model.h"

struct sky_component {
    const sky_model_type *type;
    void *state;
    char *label;
    int eval_nside; /* nside of the maps emission() indexes */
    /* loader-owned resources */
    int nmaps;
    sky_hmap **maps;
    int ntables;
    sky_table **tables;
    /* construction context */
    const sky_datapath *dp;
    int sky_nside;
    int templates_nside; /* available_nside's closest to the sky's (PySM), or 0 */
    const char *unit_key; /* while a field is read: the parameter giving its unit, for a hint */
    sky_region part; /* the pixels of the sky this process evaluates (at sky_nside) */
    int64_t seed_override; /* SKY_SEED_PRESET or the seed replacing the preset's */
    /* seeds used (sky_load_seed, sky_loader_global_rng), for the record */
    int nseeds;
    struct sky_seed_record {
        const char *key;
        uint32_t value;
    } seeds[4];
    /* the sky's log (sky_options), for warnings during an evaluation */
    void (*log)(void *ctx, const char *line);
    void *log_ctx;
    int verbose;
};

typedef struct sky_component sky_component;

/* Builds a component of `type` from its parameters (consumed: every key must
 * be used), holding what it needs to evaluate the pixels of `part` (a region
 * at the sky nside; the whole sky or one process's share). */
int sky_component_create(const sky_model_type *type, const char *label, const sky_params *ps,
                         const sky_datapath *dp, const sky_region *part, int64_t seed_override,
                         sky_component **out, sky_error *err);
void sky_component_free(sky_component *c);

#endif
