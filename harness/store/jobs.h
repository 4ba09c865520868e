/* The job queue (hakbench enqueue, hakbench worker; docs/fleet.md). A job asks for one session's
 * worth of measurements, variants x workloads x runs at a revision, on any machine or on one.
 * A worker claims the oldest job its machine may take (on a server with SELECT ... FOR UPDATE
 * SKIP LOCKED, so two workers never take one job), holds it by a lease that its heartbeats
 * renew, links the session it makes, and ends it done or failed. A job whose lease ran out goes
 * back to the queue with its partial session deleted, until its tries are used up: then it
 * fails, with the reason. Every change a worker makes to its job names the claim's token, so a
 * worker that lost its job can no longer touch it. Leases run on the database's clock, which all
 * workers share. */
#ifndef HAKBENCH_STORE_JOBS_H
#define HAKBENCH_STORE_JOBS_H

#include <stdint.h>

#include "store/machines.h"
#include "store/store.h"

typedef struct {
    const char *revision;  /* full sha */
    const char *variants;  /* comma-separated specs: NAME or SHA@NAME */
    const char *workloads; /* comma-separated names */
    const char *machine;   /* "" any; a hostname, or a fingerprint or its first 8+ characters */
    const char *command, *note;
    int runs, looks, quick, max_tries; /* runs: blocks per look */
} store_new_job;

/* Queues a job; its id (its uuid into uuid when non-NULL), or -1. */
int64_t store_job_enqueue(store *s, const store_new_job *j, char uuid[37]);

typedef struct {
    int64_t id;
    char uuid[40];
    char state[16]; /* queued | running | done | failed */
    char revision[48];
    char variants[1024], workloads[1024];
    int runs, looks, quick; /* runs: blocks per look */
    char machine[160];
    int tries, max_tries;
    char command[2048], note[512];
    char enqueued_at[40], claimed_at[40], finished_at[40];
    char worker[160];
    int64_t session_id; /* 0: none */
    char reason[1024];
} store_job;

/* A worker's hold on a job. */
typedef struct {
    int64_t job;
    char token[40];
} store_claim;

/* Claims the oldest queued job machine m may take, for lease_s seconds; worker names the
 * claimer ("host:pid"). 1 with *job and *claim filled, 0 when there is none, -1 on an error. */
int store_job_claim(store *s, const machine_info *m, int64_t machine_id, const char *worker,
                    int lease_s, store_job *job, store_claim *claim);
/* The calls of a claim's holder: 1 done, 0 when the job is no longer its own (its lease ran
 * out and it went back to the queue), -1 on an error. */
/* Renews the lease for lease_s seconds from now. */
int store_job_heartbeat(store *s, const store_claim *c, int lease_s);
/* Records the session the job is making. */
int store_job_link_session(store *s, const store_claim *c, int64_t session_id);
/* Ends the job: done, or failed with the reason (a done job may have one too). */
int store_job_finish(store *s, const store_claim *c, int done, const char *reason);
/* Gives the job back with its partial session deleted. spend_try 0: the try does not count (the
 * worker was asked to stop); 1: it does, and a job whose tries are used up fails with reason. */
int store_job_release(store *s, const store_claim *c, const char *reason, int spend_try);

/* Every running job whose lease ran out: back to the queue with its partial session deleted,
 * or failed when its tries are used up. The number of jobs handled, or -1. */
int store_job_reap(store *s);
/* Jobs machine m may take that are queued, and that are running (anywhere). 0 or -1. */
int store_job_pending(store *s, const machine_info *m, int *queued, int *running);
/* Every job, oldest first; *out is malloc'ed. Count, or -1. */
int store_job_list(store *s, store_job **out);
/* One job: 1, 0 when there is none, -1 on an error. */
int store_job_get(store *s, int64_t id, store_job *out);

#endif
