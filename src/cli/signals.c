/*
 * signals.c - SIGINT, SIGTERM, SIGHUP and SIGQUIT remove the temporary files
 * of the outputs being written (core/tmpfiles.h), then end the program as the
 * signal would have: the handler resets itself (SA_RESETHAND) and raises the
 * signal again, so the exit status still says which signal it was. Signals
 * ignored at start (nohup) stay ignored.
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stddef.h>

#include "commands.h"
#include "core/tmpfiles.h"

static void on_signal(int sig)
{
    sky_tmpfiles_unlink_all(); /* async-signal-safe */
    raise(sig);                /* the default action now */
}

void cli_cleanup_on_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction old, sa;
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND;
        sigaction(sigs[i], &sa, NULL);
    }
}
