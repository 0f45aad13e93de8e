/*
 * fuzz_instrument.c - instrument JSON files (pipeline/instrument.c), as `skymodel
 * sim --instrument` reads them. A bandpass file "bp.txt" and a beam window
 * "bl.txt" lie beside the input, for channels that name them.
 */
#include "fuzz.h"
#include "band_check.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        static const char bp[] = "# GHz weight\n90 0.5\n100 1\n110 0.5\n";
        static const char bl[] = "1\n1\n0.99\n0.98\n0.97\n";
        fuzz_file("bp.txt", bp, sizeof bp - 1);
        fuzz_file("bl.txt", bl, sizeof bl - 1);
        ready = 1;
    }
    sky_error err = {0};
    sky_instrument ins;
    const char *path = fuzz_file("instrument.json", data, size);
    int rc = sky_instrument_read(path, &ins, &err);
    fuzz_check(rc, &err);
    if (!rc) {
        for (int c = 0; c < ins.nchan; c++) { /* what the reader promises */
            const sky_instrument_channel *ch = &ins.chan[c];
            if (!ch->name || ch->nfreq < 1 || !ch->freq)
                abort();
            sky_band band = {ch->nfreq, ch->freq, ch->weight};
            fuzz_check_band(&band);
        }
        sky_instrument_free(&ins);
    }
    return 0;
}
