/*
 * ring_weights.h - HEALPix ring weights as Debian's healpy-data ships them
 * (weight_ring_nNNNNN.fits), for map2alm at lmax <= 1.5 nside.
 */
#ifndef SKY_IO_RING_WEIGHTS_H
#define SKY_IO_RING_WEIGHTS_H

#include "skymodel.h"

/* Reads the 2 nside weights of the northern rings (equator included), as
 * 1 + the stored values (the files hold weights minus one). The folder is
 * $SKYMODEL_HEALPY_DATA or /usr/share/healpy/data. SKY_ENOTFOUND when absent. */
int sky_read_ring_weights(int nside, double *w, char *path, size_t pathlen, sky_error *err);

#endif
