/* The loop of `hakbench worker` (docs/fleet.md): take the machine's lock (machine_lock.h), send
 * back to the queue the jobs whose lease ran out, claim the oldest job this machine may take
 * (store/jobs.h), check it against the conf files at its revision (job_request.h), run it as a
 * session (session.h) while a thread renews its lease, end it done or failed, release the lock;
 * again. A worker stopped by a signal ends its run as any harness does (executor.c); its job
 * goes back to the queue when its lease runs out. */
#ifndef HAKBENCH_WORKER_H
#define HAKBENCH_WORKER_H

#include "store/store.h"

typedef struct {
    const char *location;  /* the database: the lease thread opens a connection of its own */
    const char *lock_path; /* NULL: machine_lock_path's */
    const char *variants_conf, *workloads_conf; /* NULL: the repository's at each job's revision */
    int once;                                   /* one job (or none), then return */
    int drain;       /* return when nothing this machine may take is queued or running */
    int heartbeat_s; /* between lease renewals (default 10) */
    int lease_s;     /* a claim holds this long without a renewal (default 60) */
    int poll_s;      /* between looks at an empty queue (default 10) */
    int quiet;       /* no log lines on stderr */
} worker_opts;

void worker_opts_init(worker_opts *o);

/* Runs jobs until once or drain says it is done (or forever). Returns the exit status: 0 every
 * job it ran was done, 1 one failed, 2 it could not work (a database error, no machine row). */
int worker_run(store *db, const worker_opts *o);

#endif
