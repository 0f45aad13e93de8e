/*
 * registry.c - every model family skymodel knows, by PySM class name.
 * Adding a family: its file (src/models/NAME.c, built without any change to
 * CMakeLists.txt) ends with `const sky_model_type sky_model_NAME = {...}`
 * filled with designated initializers, its parameter list in `.params`; add
 * one line SKY_MODEL(NAME) below.
 */
#include <string.h>

#include "model.h"

#define SKY_MODELS(SKY_MODEL)                                                                    \
    SKY_MODEL(mbb)                                                                               \
    SKY_MODEL(mbb_decorrelated)                                                                  \
    SKY_MODEL(power_law)                                                                         \
    SKY_MODEL(curved_power_law)                                                                  \
    SKY_MODEL(spdust)                                                                            \
    SKY_MODEL(spdust_pol)                                                                        \
    SKY_MODEL(cmb_map)                                                                           \
    SKY_MODEL(cmb_lensed)                                                                        \
    SKY_MODEL(hd2017)                                                                            \
    SKY_MODEL(mbb_layers)                                                                        \
    SKY_MODEL(mbb_realization)                                                                   \
    SKY_MODEL(power_law_realization)                                                             \
    SKY_MODEL(cmb_dipole)                                                                        \
    SKY_MODEL(websky_cmb)                                                                        \
    SKY_MODEL(simple_sz)                                                                         \
    SKY_MODEL(co_lines)                                                                          \
    SKY_MODEL(point_source_catalog)                                                              \
    SKY_MODEL(interpolating)                                                                     \
    SKY_MODEL(websky_cib)                                                                        \
    SKY_MODEL(websky_radio)

#define SKY_MODEL_DECLARE(id) extern const sky_model_type sky_model_##id;
SKY_MODELS(SKY_MODEL_DECLARE)
#undef SKY_MODEL_DECLARE

#define SKY_MODEL_ENTRY(id) &sky_model_##id,
static const sky_model_type *const model_types[] = {SKY_MODELS(SKY_MODEL_ENTRY)};
#undef SKY_MODEL_ENTRY

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
