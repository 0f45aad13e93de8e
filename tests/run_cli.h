/*
 * run_cli.h - runs the program under test from a C test: `bin` with the
 * NULL-terminated `args`, stderr into `errfile`, stdout into `outpath` (or
 * /dev/null when it is NULL); returns the exit status (-1 if killed, 127 if
 * it could not start). Shared by test_cli, test_plot and
 * test_synth_extragalactic.
 */
#ifndef SKY_TESTS_RUN_CLI_H
#define SKY_TESTS_RUN_CLI_H

#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

static int run_cli(const char *bin, const char *errfile, const char *outpath,
                   const char *const *args)
{
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int nul = outpath ? open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0644)
                          : open("/dev/null", O_WRONLY);
        dup2(fd, 2);
        dup2(nul, 1);
        const char *argv[64];
        int n = 0;
        argv[n++] = bin;
        for (; args[n - 1] && n < 63; n++)
            argv[n] = args[n - 1];
        argv[n] = NULL;
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#endif
