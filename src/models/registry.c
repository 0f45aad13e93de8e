/*
 * registry.c - every model family skymodel knows, by PySM class name.
 * Adding a family: its file ends with a `const sky_model_type`; declare it
 * here and add it to the table.
 */
#include <string.h>

#include "model.h"

extern const sky_model_type sky_model_mbb;
extern const sky_model_type sky_model_mbb_decorrelated;
extern const sky_model_type sky_model_power_law;
extern const sky_model_type sky_model_curved_power_law;
extern const sky_model_type sky_model_spdust;
extern const sky_model_type sky_model_spdust_pol;
extern const sky_model_type sky_model_cmb_map;
extern const sky_model_type sky_model_cmb_lensed;
extern const sky_model_type sky_model_hd2017;
extern const sky_model_type sky_model_mbb_layers;
extern const sky_model_type sky_model_mbb_realization;
extern const sky_model_type sky_model_power_law_realization;

/* what each reads, declared next to its init */
extern const sky_param_spec sky_params_mbb[], sky_params_mbb_decorrelated[],
    sky_params_power_law[], sky_params_curved_power_law[], sky_params_spdust[],
    sky_params_spdust_pol[], sky_params_cmb_map[], sky_params_cmb_lensed[], sky_params_hd2017[],
    sky_params_mbb_layers[], sky_params_mbb_realization[], sky_params_power_law_realization[];

static const sky_model_type *const model_types[] = {
    &sky_model_mbb,     &sky_model_mbb_decorrelated, &sky_model_power_law,  &sky_model_curved_power_law,
    &sky_model_spdust,  &sky_model_spdust_pol, &sky_model_cmb_map, &sky_model_cmb_lensed,
    &sky_model_hd2017,  &sky_model_mbb_layers, &sky_model_mbb_realization,
    &sky_model_power_law_realization,
};
static const sky_param_spec *const model_params[] = {
    sky_params_mbb,     sky_params_mbb_decorrelated, sky_params_power_law,  sky_params_curved_power_law,
    sky_params_spdust,  sky_params_spdust_pol, sky_params_cmb_map, sky_params_cmb_lensed,
    sky_params_hd2017,  sky_params_mbb_layers, sky_params_mbb_realization,
    sky_params_power_law_realization,
};
_Static_assert(sizeof model_params / sizeof *model_params ==
                   sizeof model_types / sizeof *model_types,
               "one parameter list per model");

int sky_model_count(void)
{
    return (int)(sizeof model_types / sizeof *model_types);
}

const sky_model_type *sky_model_at(int i)
{
    return i >= 0 && i < sky_model_count() ? model_types[i] : NULL;
}

const sky_model_type *sky_model_find(const char *name)
{
    for (int i = 0; i < sky_model_count(); i++)
        if (!strcmp(model_types[i]->name, name))
            return model_types[i];
    return NULL;
}

const sky_param_spec *sky_model_params(const sky_model_type *type)
{
    for (int i = 0; i < sky_model_count(); i++)
        if (model_types[i] == type)
            return model_params[i];
    return NULL;
}
