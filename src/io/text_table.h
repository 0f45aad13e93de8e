/*
 * text_table.h - numeric text tables as numpy.loadtxt reads them: whitespace
 * separated columns, '#' comments, blank lines skipped, every row the same
 * number of columns.
 */
#ifndef SKY_IO_TEXT_TABLE_H
#define SKY_IO_TEXT_TABLE_H

#include "skymodel.h"

/* Caps on a text table: its size and the length of one line (a bandpass,
 * a beam window or a CMB spectrum is far below them). */
#define SKY_TABLE_MAX_BYTES (16 << 20)
#define SKY_TABLE_MAX_LINE (1 << 20)

typedef struct sky_table {
    int nrows, ncols;
    double *data; /* row-major nrows x ncols */
} sky_table;

static inline double sky_table_at(const sky_table *t, int row, int col)
{
    return t->data[(size_t)row * t->ncols + col];
}

/* Reads `path`; `what` names the file's role in messages ("bandpass file"). */
int sky_table_read(const char *path, const char *what, sky_table *t, sky_error *err);
void sky_table_free(sky_table *t);

#endif
