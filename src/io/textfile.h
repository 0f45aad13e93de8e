/*
 * textfile.h - a whole small text file in memory, read with a size cap.
 *
 * The readers of user files that parse a whole text at once (TOML configs,
 * instrument JSON) read it through sky_textfile_read, so that a device such
 * as /dev/zero, a folder or a huge file is refused with one line instead of
 * exhausting memory.
 */
#ifndef SKY_IO_TEXTFILE_H
#define SKY_IO_TEXTFILE_H

#include <stddef.h>

#include "skymodel.h"

/* The size caps of the text inputs (documented in docs/inputs.md). */
#define SKY_TOML_MAX_BYTES (16u << 20)       /* a component (TOML) file */
#define SKY_INSTRUMENT_MAX_BYTES (16u << 20) /* an instrument (JSON) file */

/* `path` into a malloc'ed, NUL-terminated *text of *len bytes. `what` names
 * the file's role in messages ("TOML file", "JSON instrument
 * file"). Refused with
 * SKY_EFORMAT: a folder, a text over `cap` bytes, a NUL byte (not text);
 * SKY_ENOTFOUND: no such file; SKY_EIO: other read errors. */
int sky_textfile_read(const char *path, const char *what, size_t cap, char **text, size_t *len,
                      sky_error *err);

#endif
