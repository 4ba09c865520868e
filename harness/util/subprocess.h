/* Running a helper command (git, make, gcc) to completion and capturing its output, without a
 * shell so that arguments need no quoting. The workload runs under measurement go through
 * executor.c instead; this is for the harness's own plumbing. Calls only POSIX. */
#ifndef HAKBENCH_SUBPROCESS_H
#define HAKBENCH_SUBPROCESS_H

#include <stddef.h>

/* Runs argv[0] (PATH lookup) in directory cwd (NULL: the current one) with stdout and stderr
 * captured together; keeps the first outlen-1 bytes in out, or the last ones when keep_tail is 1.
 * Returns the exit status (0..255), 128+signal when killed, -1 when it could not be started. */
int subprocess_run(char *const argv[], const char *cwd, char *out, size_t outlen, int keep_tail);

/* Runs argv[0] (PATH lookup) with its stdout written to the file at path (created or
 * truncated) and its stderr discarded: for outputs too large for a buffer. The exit status as
 * subprocess_run gives it, -1 when the file cannot be created or the child not started. */
int subprocess_to_file(char *const argv[], const char *path);

/* Like subprocess_run, with stderr discarded and the first line of stdout (trimmed) in out. */
int subprocess_line(char *const argv[], const char *cwd, char *out, size_t outlen);

#endif
