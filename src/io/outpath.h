/*
 * outpath.h - output locations checked before any work: the folder that will
 * hold an output is made when missing (as mkdir -p) and must be writable, a
 * file name must not name a folder or, without overwrite, an existing file.
 * A run that fails afterwards removes the folders it made (sky_outdirs_undo),
 * so that it leaves nothing behind.
 */
#ifndef SKY_IO_OUTPATH_H
#define SKY_IO_OUTPATH_H

#include "skymodel.h"

/* The folders made by sky_output_file / sky_output_folder, in the order made. */
typedef struct sky_outdirs {
    int n;
    char **dir;
} sky_outdirs;

/* Checks `path` (given by option `opt`, e.g. "-o" or "--plot") as an output
 * file: not empty, not a folder, not existing unless `overwrite`; its folder
 * made when missing and writable. SKY_EINVAL with a one-line message naming
 * the option and path otherwise. Folders made are appended to `made`. */
int sky_output_file(const char *opt, const char *path, int overwrite, sky_outdirs *made,
                    sky_error *err);

/* The same for a folder that will hold outputs (made when missing). */
int sky_output_folder(const char *opt, const char *dir, sky_outdirs *made, sky_error *err);

/* Removes the folders in `made` that are empty, newest first, and forgets
 * them; sky_outdirs_free forgets them without removing. */
void sky_outdirs_undo(sky_outdirs *made);
void sky_outdirs_free(sky_outdirs *made);

#endif
