/*
 * provenance.h - the provenance list (sky_prov, see skymodel.h) as the FITS
 * writers of src/io write it.
 */
#ifndef SKY_IO_PROVENANCE_H
#define SKY_IO_PROVENANCE_H

#include <fitsio.h>

#include "skymodel.h"

/* Writes the cards of `p` (may be NULL) into the current HDU of fp, after
 * the writer's own keywords: a keyword already there keeps its place and
 * takes the list's value. SKY_OK, or a status with a message naming `path`. */
int sky_prov_write_fits(fitsfile *fp, const sky_prov *p, const char *path, sky_error *err);

/* 1 when `key` is set by the map writers themselves (table layout, HEALPix
 * geometry, coordinates, units): never copied from an input's header. */
int sky_prov_structural(const char *key);

#endif
