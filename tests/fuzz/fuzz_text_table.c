/*
 * fuzz_text_table.c - numeric text tables (io/text_table.c) in the roles the
 * program gives them: a table, a bandpass (sky_band_read, then prepared for
 * integration and unit conversion as `sim --bandpass` does: an accepted
 * band must integrate to finite numbers) and a beam
 * window (cli_read_beam_window, as `sim/smooth --beam-window` reads it).
 */
#include "fuzz.h"

#include "band_check.h"
#include "cli/smoothing.h"
#include "io/text_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sky_error err = {0};
    const char *path = fuzz_file("table.txt", data, size);
    sky_table t;
    int rc = sky_table_read(path, "table", &t, &err);
    fuzz_check(rc, &err);
    if (!rc) {
        if (t.nrows < 1 || t.ncols < 1)
            abort();
        sky_table_free(&t);
    }

    double *freq = NULL, *weight = NULL;
    int n = 0;
    rc = sky_band_read(path, &freq, &weight, &n, &err);
    fuzz_check(rc, &err);
    if (!rc) {
        sky_band band = {n, freq, weight};
        fuzz_check_band(&band);
        free(freq);
        free(weight);
    }

    sky_smooth_opts o;
    sky_smooth_opts_init(&o);
    sky_table beam = {0, 0, NULL};
    rc = cli_read_beam_window(path, 4, &o, &beam, &err);
    fuzz_check(rc, &err);
    sky_table_free(&beam);
    return 0;
}
