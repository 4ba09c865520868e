/* One measurement at a time per machine: a worker holds an exclusive flock on a file named by
 * the machine's fingerprint (under /run/lock, else /tmp) while it claims and runs a job, so a
 * second worker on the machine waits for the first instead of running beside it and spoiling
 * both timings. The kernel drops the lock with the process that holds it: a killed worker
 * leaves no stale lock. */
#ifndef HAKBENCH_MACHINE_LOCK_H
#define HAKBENCH_MACHINE_LOCK_H

#include <stddef.h>

#include "store/machines.h"

/* The lock file of machine m: /run/lock/hakbench-<first 16 of the fingerprint>.lock, or the same
 * name under /tmp when /run/lock is not writable. */
void machine_lock_path(const machine_info *m, char *out, size_t len);

/* Takes the lock at path, waiting for it (saying so on stderr unless quiet). Its descriptor, or
 * -1 with a message. */
int machine_lock_take(const char *path, int quiet);
void machine_lock_release(int fd);

#endif
