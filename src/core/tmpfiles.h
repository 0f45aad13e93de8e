/*
 * tmpfiles.h - the temporary files an output is being written to, known so
 * that a signal handler can remove them: a run killed by SIGTERM or SIGINT
 * must not leave `out.fits.tmp.XXXXXX` behind.
 *
 * sky_tmpfiles_unlink_all uses only async-signal-safe calls (atomic loads and
 * unlink), so a program's handler may call it before re-raising the signal
 * (the library itself installs no handler).
 */
#ifndef SKY_CORE_TMPFILES_H
#define SKY_CORE_TMPFILES_H

/* Remembers `path` (copied); returns its slot for sky_tmpfile_forget, or -1
 * when out of memory or slots (the file is then not removed on a signal). */
int sky_tmpfile_note(const char *path);
/* Forgets slot `id` (< 0: nothing), once the file is renamed or removed. */
void sky_tmpfile_forget(int id);
/* Removes every remembered file; async-signal-safe. */
void sky_tmpfiles_unlink_all(void);

#endif
