/*
 * beam_window.c - beam window files (sky_beam_window_read, skymodel.h):
 * B_l in text or FITS, turned into the column-after-column layout of
 * sky_smooth_opts.beam.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "io/fits_map.h"
#include "io/text_table.h"
#include "skymodel.h"

static int ends_with(const char *s, const char *tail)
{
    const size_t n = strlen(s), k = strlen(tail);
    return n > k && !strcmp(s + n - k, tail);
}

int sky_beam_window_read(const char *path, double **bl, int *ncols, int *nrows, sky_error *err)
{
    double *cm = NULL; /* column after column, `rows` values each */
    int cols = 0, rows = 0, rc;
    *bl = NULL;
    *ncols = *nrows = 0;
    if (ends_with(path, ".fits") || ends_with(path, ".fit")) {
        long n = 0;
        if ((rc = sky_fits_read_table(path, 3, &cm, &cols, &n, NULL, err)))
            return sky_prefix(err, rc, "beam window: ");
        cols = cols >= 3 ? 3 : 1; /* the first column, or the first three */
        rows = (int)n;
    } else {
        sky_table t = {0, 0, NULL};
        if ((rc = sky_table_read(path, "beam window", &t, err)))
            return rc;
        if (t.ncols != 1 && t.ncols != 3) {
            rc = sky_fail(err, SKY_EFORMAT, "beam window %s: %d columns, expected 1 (T, E, B "
                          "alike) or 3 (T, E, B)", path, t.ncols);
            sky_table_free(&t);
            return rc;
        }
        cols = t.ncols;
        rows = t.nrows;
        if (!(cm = malloc((size_t)rows * (size_t)cols * sizeof *cm))) {
            sky_table_free(&t);
            return sky_nomem(err, "the beam window");
        }
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                cm[(int64_t)c * rows + r] = sky_table_at(&t, r, c);
        sky_table_free(&t);
    }
    for (int64_t i = 0; i < (int64_t)rows * cols; i++)
        if (!isfinite(cm[i])) {
            free(cm);
            return sky_fail(err, SKY_EFORMAT, "beam window %s: row %lld is not finite", path,
                            (long long)(i % rows + 1));
        }
    *bl = cm;
    *ncols = cols;
    *nrows = rows;
    return SKY_OK;
}
