/*
 * fits_car.h - CAR maps (plate carree images as pixell writes them, the
 * files `--car-resol` makes) read back: their values and the WCS of their
 * two celestial axes, and the value at a direction.
 */
#ifndef SKY_IO_FITS_CAR_H
#define SKY_IO_FITS_CAR_H

#include "skymodel.h"

typedef struct sky_car_map {
    int ncomp, ny, nx;    /* data: ncomp x ny x nx, row-major (FITS order) */
    double *data;
    double crval[2], cdelt[2], crpix[2]; /* degrees; axis 1 longitude, 2 latitude */
    char unit[64];        /* BUNIT, "" when absent */
    char coordsys;        /* 'G', 'C' or 'E' (COORDSYS, else from CTYPE1) */
} sky_car_map;

/* 1 when the primary HDU of `path` is a 2- or 3-axis image whose first axis
 * is a CAR longitude (CTYPE1 ending in "-CAR"); 0 otherwise (also when the
 * file cannot be read: the caller's own reader then says why). */
int sky_fits_is_car(const char *path);

/* Reads a CAR map; its size is checked against the file's before anything
 * is allocated. On failure nothing is allocated. */
int sky_fits_read_car(const char *path, sky_car_map *m, sky_error *err);
void sky_car_map_free(sky_car_map *m);

/* Component `comp` at colatitude theta, longitude phi (radians, the map's
 * frame): the pixel holding the direction; NAN outside the map. */
double sky_car_map_at(const sky_car_map *m, int comp, double theta, double phi);

#endif
