/*
 * instrument.h - instrument files for `skymodel sim --instrument`: a JSON
 * object with the sky and the channels to simulate it for, in the format of
 * the PySM 3 paper's benchmark (../shared/bench/instrument.json):
 *
 *   { "sky": ["a1", "d1", "s1", "f1"],          presets (optional)
 *     "output_unit": "uK_RJ",                    (optional)
 *     "description": "...",                      (ignored)
 *     "channels": [
 *       { "name": "ch1",                         the output is <name>.fits
 *         "band_low_GHz": 25.0, "band_high_GHz": 35.0, "npoints": 10,
 *                                                numpy.linspace, top-hat; or
 *         "freqs_ghz": [...], "weights": [...],  weights optional; or
 *         "bandpass_file": "ch1.txt",            GHz and weight columns
 *         "center_GHz": 30.0,                    (ignored)
 *         "fwhm_arcmin": 30.0,                   Gaussian beam (optional)
 *         "beam_window": "bl.txt",               or a beam window (optional)
 *         "unit": "K_CMB" },                     (optional)
 *       ... ] }
 *
 * Relative file names are taken from the instrument file's folder. Unknown
 * keys are errors, so that a misspelt option cannot be silently ignored.
 */
#ifndef SKY_CLI_INSTRUMENT_H
#define SKY_CLI_INSTRUMENT_H

#include "skymodel.h"

/* Limits of an instrument file (docs/instrument.md): a channel name is a
 * file name, and the bands of all channels together hold at most
 * CLI_MAX_SAMPLES frequencies, which bounds the memory the bands and the
 * spectra evaluated over them take (a few hundred bytes a frequency). */
#define CLI_CHANNEL_NAME_MAX 200
#define CLI_MAX_SAMPLES 1000000

typedef struct cli_channel {
    char *name;
    int nfreq;
    double *freq, *weight; /* weight NULL: top-hat */
    char *unit;            /* NULL: the instrument's or the command line's */
    double fwhm_arcmin;    /* 0: none */
    char *beam_window;     /* NULL: none */
    char *bandpass_file;   /* the band's file, NULL when the band is given inline */
} cli_channel;

typedef struct cli_instrument {
    char *presets; /* "a1,d1,s1,f1", or NULL when the file has no "sky" */
    char *unit;    /* output_unit, or NULL */
    int nchan;
    cli_channel *chan;
} cli_instrument;

int cli_instrument_read(const char *path, cli_instrument *ins, sky_error *err);
void cli_instrument_free(cli_instrument *ins);

#endif
