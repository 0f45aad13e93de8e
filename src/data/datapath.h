/*
 * datapath.h - where templates are found.
 *
 * A template is named by its PySM relative path ("pysm_2/dust_t_new.fits").
 * It is looked up, in order, under the folders given by the caller
 * (--data-dir), $SKYMODEL_DATA and $PYSM_LOCAL_DATA, then in the cache
 * (--cache-dir, $SKYMODEL_CACHE, $XDG_CACHE_HOME/skymodel or
 * ~/.cache/skymodel); failing that it is downloaded into the cache from the
 * data server (--data-url, $SKYMODEL_DATA_URL, PySM's server by default),
 * unless offline (--offline, $SKYMODEL_OFFLINE=1). An absolute path, or a
 * relative one that exists from the working directory, is used as it is.
 */
#ifndef SKY_DATA_DATAPATH_H
#define SKY_DATA_DATAPATH_H

#include "skymodel.h"

#include "download.h"

#define SKY_DEFAULT_DATA_URL "https://portal.nersc.gov/project/cmb/pysm-data/"

typedef struct sky_datapath {
    int ndirs;
    char **dirs;
    const char **origin; /* what each folder came from, for messages */
    char *cache, *url;
    int offline;
    sky_fetch fetch;
} sky_datapath;

/* Folders and network settings from `opt` and the environment. */
int sky_datapath_init(sky_datapath *dp, const sky_options *opt, sky_error *err);

/* 1 when `rel` is found locally (folders or a cache copy), without downloading. */
int sky_datapath_local(const sky_datapath *dp, const char *rel);
void sky_datapath_free(sky_datapath *dp);

/* Finds `rel`; on success *path is a malloc'ed path the caller frees. */
int sky_datapath_find(const sky_datapath *dp, const char *rel, char **path, sky_error *err);

#endif
