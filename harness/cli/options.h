/* Small helpers shared by the cmd_*.c files that hakbench's core owns (run, export, build):
 * parsing numbers and comma lists from options, and the "hakbench: ..." error convention.
 * No database or process code here. */
#ifndef HAKBENCH_CLI_H
#define HAKBENCH_CLI_H

#include <stdint.h>

/* Splits "a,b,c" into a NULL-terminated array of strings (one allocation; free() it). Empty
 * items are an error: returns NULL. */
char **cli_split_list(const char *text, int *count);

/* Strict number parsing for an option; prints "hakbench CMD: --OPT: '...' is not ..." and
 * returns -1 on failure. */
int cli_parse_long(const char *cmd, const char *opt, const char *text, long min, long max,
                   long *out);
int cli_parse_double(const char *cmd, const char *opt, const char *text, double min, double max,
                     double *out);
int cli_parse_u64(const char *cmd, const char *opt, const char *text, uint64_t *out);

/* The command line as one string, for the sessions table. Static buffer. */
const char *cli_command_line(int argc, char **argv);

#endif
