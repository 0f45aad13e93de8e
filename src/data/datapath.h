/*
 * datapath.h - where templates are found.
 *
 * A template is named by its PySM relative path ("pysm_2/dust_t_new.fits").
 * It is looked up, in order, under the folders given by the caller
 * (--data-dir), $SKYMODEL_DATA and $PYSM_LOCAL_DATA. An absolute path, or a
 * relative one that exists from the working directory, is used as it is.
 */
#ifndef SKY_DATA_DATAPATH_H
#define SKY_DATA_DATAPATH_H

#include "skymodel.h"

typedef struct sky_datapath {
    int ndirs;
    char **dirs;
    const char **origin; /* what each folder came from, for messages */
} sky_datapath;

int sky_datapath_init(sky_datapath *dp, const char *const *dirs, sky_error *err);
void sky_datapath_free(sky_datapath *dp);

/* Finds `rel`; on success *path is a malloc'ed path the caller frees. */
int sky_datapath_find(const sky_datapath *dp, const char *rel, char **path, sky_error *err);

#endif
