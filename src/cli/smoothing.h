/*
 * smoothing.h - the beam, transform and rotation options shared by
 * `skymodel sim` and `skymodel smooth`.
 */
#ifndef SKY_CLI_SMOOTHING_H
#define SKY_CLI_SMOOTHING_H

#include "io/text_table.h"
#include "io/outpath.h"
#include "options.h"
#include "sht/smooth.h"

/* Rows for a command's option table. */
#define SKY_SMOOTHING_OPTIONS \
    {"fwhm", 0, "ARCMIN", "Gaussian beam FWHM in arcmin (T, and E/B as healpy pol=True)", 0}, \
    {"beam-window", 0, "FILE", "beam window B_l: text, one column (T,E,B alike) or three", 0}, \
    {"lmax", 0, "L", "lmax of the transforms (default 2.5 nside; 1.5 nside if --out-nside " \
                     "is lower)", 0}, \
    {"lsq-maxiter", 0, "K", "least-squares map2alm iterations (default 10, PySM's); 0: plain " \
                            "map2alm", 0}, \
    {"rotate", 0, "A:B", "coordinate change of the alm, A and B among G, C, E (e.g. G:C)", 0}, \
    {"out-nside", 0, "N", "output nside after smoothing (default: --nside)", 0}, \
    {"car-resol", 0, "ARCMIN", "also write a CAR map (pixell fejer1 geometry) at this " \
                               "resolution", 0}, \
    {"car-output", 0, "FILE", "where the CAR map goes (default: OUTPUT with _car.fits)", 0},

/* Reads the smoothing options for a map at `nside` into `o`; *on is set when
 * any is given. A beam window file is read into `beam` (the caller frees it). */
int cli_read_smoothing(const cli_parsed *p, int nside, sky_smooth_opts *o, int *on,
                       sky_table *beam, sky_error *err);

/* Reads beam window file `bw` (text: 1 or 3 columns; or FITS) into `beam`
 * and points `o` at it; it must reach the lmax `o` implies at `nside`. */
int cli_read_beam_window(const char *bw, int nside, sky_smooth_opts *o, sky_table *beam,
                         sky_error *err);

/* The CAR output path: --car-output, or `out` with ".fits" turned into
 * "_car.fits" (appended when `out` does not end so). Caller frees. */
char *cli_car_path(const cli_parsed *p, const char *out);

/* The outputs checked before any work (sky_output_file): `out`, the CAR map
 * `o` asks for and the --plot picture, their folders made when missing (in
 * `made`, for sky_outdirs_undo on failure). Under mpirun rank 0 checks. */
int cli_check_outputs(const cli_parsed *p, const char *out, const sky_smooth_opts *o,
                      sky_outdirs *made, sky_error *err);

/* Smooths `map` as `o` says and writes the HEALPix result to `out` (unless
 * NULL: a CAR map alone) and, when asked, the CAR map to `car_path` (both
 * through temporary names), with the cards of `prov` and those of the
 * smoothing (sky_prov_add_smoothing; beam_file names the beam window).
 * `map` is used as scratch (it holds the smoothed map afterwards when the
 * output nside is the input's). */
int cli_smooth_and_write(double *map, int nside, int ncomp, const sky_smooth_opts *o,
                         const char *beam_file, const char *out, const char *car_path,
                         const char *const *units, const sky_prov *prov, int dtype,
                         int overwrite, int verbose, sky_error *err);

/* The same for a channel of `sky` (ch->smooth set), its map evaluated by
 * sky_channels_evaluate: sky_channel_smooth_map, so that components applying
 * the beam themselves (includes_smoothing) are added as they smooth. */
int cli_smooth_channel_and_write(const sky_sky *sky, const sky_channel *ch, double *map,
                                 const char *beam_file, const char *out, const char *car_path,
                                 const char *const *units, const sky_prov *prov, int overwrite,
                                 int verbose, sky_error *err);

/* The two halves of cli_smooth_and_write, for maps smoothed side by side
 * (one per thread) and written in order: sky_smooth_map with progress for
 * `label` (NULL: none, as from a thread), and sky_write_smoothed with the
 * run's messages (verbose 2: the transforms' report; 1: what was written). */
int cli_smooth_map(double *map, int nside, int ncomp, const sky_smooth_opts *o,
                   const char *label, int healpix, sky_smoothed *r, sky_error *err);
int cli_write_smoothed(const sky_smoothed *r, const sky_smooth_opts *o, const char *beam_file,
                       const char *out, const char *car_path, const char *const *units,
                       const sky_prov *prov, int dtype, int overwrite, int verbose,
                       sky_error *err);

#endif
