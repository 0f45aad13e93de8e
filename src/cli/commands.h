/*
 * commands.h - the subcommands of the `skymodel` program. Each takes its own
 * argv (argv[0] is the subcommand name) and returns the process exit status:
 * 0 success, 2 bad input (options, values, files), 1 any other failure.
 */
#ifndef SKY_CLI_COMMANDS_H
#define SKY_CLI_COMMANDS_H

int sky_cmd_sim(int argc, char **argv);
int sky_cmd_templates(int argc, char **argv);
int sky_cmd_smooth(int argc, char **argv);
int sky_cmd_fetch(int argc, char **argv);
int sky_cmd_info(int argc, char **argv);
int sky_cmd_plot(int argc, char **argv);
int sky_cmd_bandpass(int argc, char **argv);

/* Signals remove the temporary files of outputs being written (signals.c). */
void cli_cleanup_on_signals(void);

#endif
