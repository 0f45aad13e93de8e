/*
 * presets.h - PySM's named skies ("d1", "s1", ...) as component descriptions.
 */
#ifndef SKY_MODELS_PRESETS_H
#define SKY_MODELS_PRESETS_H

enum { SKY_PRESET_MAX_COMPONENTS = 2, SKY_PRESET_MAX_PARAMS = 20 };

typedef struct sky_preset_param {
    const char *key;
    int kind;        /* enum sky_param_kind */
    const char *str; /* SKY_PARAM_STRING */
    double num;      /* SKY_PARAM_NUMBER / SKY_PARAM_BOOL */
} sky_preset_param;

typedef struct sky_preset_component {
    const char *label;       /* "d4.comp1"; NULL for single-component presets */
    const char *model_class; /* PySM class name */
    sky_preset_param params[SKY_PRESET_MAX_PARAMS];
} sky_preset_component;

typedef struct sky_preset {
    const char *name;
    const char *description;
    sky_preset_component comps[SKY_PRESET_MAX_COMPONENTS];
} sky_preset;

const sky_preset *sky_preset_find(const char *name);
const sky_preset *sky_preset_at(int i);

#endif
