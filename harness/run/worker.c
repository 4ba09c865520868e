/* The worker loop (see worker.h). */
#include "run/worker.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "run/job_request.h"
#include "run/machine.h"
#include "run/machine_lock.h"
#include "run/session.h"
#include "store/jobs.h"
#include "store/runs.h"

void worker_opts_init(worker_opts *o)
{
    memset(o, 0, sizeof *o);
    o->heartbeat_s = 10;
    o->lease_s = 60;
    o->poll_s = 10;
}

static void say(const worker_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const worker_opts *o, const char *fmt, ...)
{
    if (o->quiet) return;
    char stamp[32];
    time_t now = time(NULL);
    strftime(stamp, sizeof stamp, "%H:%M:%S", localtime(&now));
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "hakbench worker %s: ", stamp);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void sleep_s(int s)
{
    struct timespec ts = {s, 0};
    nanosleep(&ts, NULL);
}

/* --- the lease: renewed by a thread with a connection of its own, while the session's
 * connection stores runs --- */

typedef struct {
    const worker_opts *o;
    store *db; /* the thread's */
    const store_claim *claim;
    atomic_int lost; /* the job is no longer ours: the session stops */
    int done;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} lease;

static void *renew_lease(void *arg)
{
    lease *l = arg;
    pthread_mutex_lock(&l->mu);
    while (!l->done) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += l->o->heartbeat_s;
        while (!l->done && pthread_cond_timedwait(&l->cv, &l->mu, &until) == 0)
            ;
        if (l->done) break;
        pthread_mutex_unlock(&l->mu);
        int rc = store_job_heartbeat(l->db, l->claim, l->o->lease_s);
        pthread_mutex_lock(&l->mu);
        if (rc == 0) {
            atomic_store(&l->lost, 1);
            break;
        }
    }
    pthread_mutex_unlock(&l->mu);
    return NULL;
}

/* --- one job --- */

typedef struct {
    store *db;
    const store_claim *claim;
    lease *lease;
} job_hooks;

static void session_started(int64_t session, void *arg)
{
    job_hooks *h = arg;
    if (store_job_link_session(h->db, h->claim, session) == 0) atomic_store(&h->lease->lost, 1);
}

static int job_lost(void *arg)
{
    job_hooks *h = arg;
    return atomic_load(&h->lease->lost);
}

/* "a,b,c" into a NULL-ended array of copies (one allocation; free() it). */
static char **split(const char *list, int *n)
{
    size_t len = strlen(list);
    *n = 1;
    for (const char *p = list; *p; p++)
        *n += *p == ',';
    char **items = malloc((size_t)(*n + 1) * sizeof *items + len + 1);
    if (!items) return NULL;
    char *copy = (char *)(items + *n + 1);
    memcpy(copy, list, len + 1);
    for (int i = 0; i < *n; i++) {
        items[i] = copy;
        copy += strcspn(copy, ",");
        if (*copy) *copy++ = '\0';
    }
    items[*n] = NULL;
    return items;
}

/* Ends a job failed with reason; 1. */
static int fail(store *db, const worker_opts *o, const store_claim *c, const char *reason)
{
    say(o, "job %lld failed: %s", (long long)c->job, reason);
    store_job_finish(db, c, 0, reason);
    return 1;
}

typedef struct {
    store *db, *beat; /* the session's connection, the lease thread's */
    const worker_opts *o;
    const char *worker; /* host:pid */
} worker_ctx;

/* The session of a job checked by job_request.h, with its lease renewed meanwhile. 0 done, 1
 * failed, -1 the job is no longer ours or went back to the queue. */
static int measure(worker_ctx *w, const store_job *job, const store_claim *claim,
                   const job_request *r)
{
    const worker_opts *o = w->o;
    int nv, nw;
    char **variants = split(r->variants, &nv), **workloads = split(r->workloads, &nw);
    char command[4096], err[1024];
    snprintf(command, sizeof command, "hakbench worker: job %lld %s (%.3900s)", (long long)job->id,
             job->uuid, job->command);
    lease l = {.o = o, .db = w->beat, .claim = claim};
    job_hooks hooks = {.db = w->db, .claim = claim, .lease = &l};
    session_hooks sh = {.started = session_started, .interrupted = job_lost, .arg = &hooks};
    session_opts so;
    session_opts_init(&so);
    so.command = command;
    so.note = job->note;
    so.variants = (const char *const *)variants;
    so.nvariants = nv;
    so.workloads = (const char *const *)workloads;
    so.nworkloads = nw;
    so.proc.runs_per_look = job->runs;
    so.proc.looks = job->looks;
    so.quick = job->quick;
    so.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 20) ^ (uint64_t)job->id;
    so.quiet = 1;
    so.variants_conf = r->variants_conf;
    so.workloads_conf = r->workloads_conf;
    so.revision = r->revision;
    so.hooks = &sh;
    int outcome = 1;
    if (!variants || !workloads || session_check(&so, err, sizeof err) != 0) {
        outcome = fail(w->db, o, claim, variants && workloads ? err : "out of memory");
        goto out;
    }
    pthread_t thread;
    pthread_mutex_init(&l.mu, NULL);
    pthread_cond_init(&l.cv, NULL);
    int threaded = pthread_create(&thread, NULL, renew_lease, &l) == 0;
    int64_t session = 0;
    int build_failed = 0;
    int rc = threaded ? session_run(w->db, &so, &session, &build_failed) : -1;
    if (threaded) {
        pthread_mutex_lock(&l.mu);
        l.done = 1;
        pthread_cond_signal(&l.cv);
        pthread_mutex_unlock(&l.mu);
        pthread_join(thread, NULL);
    }
    if (atomic_load(&l.lost)) {
        say(o, "job %lld: its lease ran out and it went back to the queue; left to others",
            (long long)job->id);
        outcome = -1;
    } else if (rc != 0) {
        char reason[512];
        snprintf(reason, sizeof reason, "worker %s could not finish the session (see its log)",
                 w->worker);
        say(o, "job %lld: %s; back to the queue", (long long)job->id, reason);
        store_job_release(w->db, claim, reason, 1);
        outcome = -1;
    } else if (build_failed) {
        char reason[256];
        snprintf(reason, sizeof reason,
                 "a variant did not build (session %lld records its log: hakbench report "
                 "--session %lld)",
                 (long long)session, (long long)session);
        outcome = fail(w->db, o, claim, reason);
    } else {
        int failed = store_count_failed(w->db, session);
        char reason[256] = "";
        if (failed)
            snprintf(reason, sizeof reason,
                     "%d run(s) did not end ok (crash, oom, timeout, ...): hakbench report "
                     "--session %lld",
                     failed, (long long)session);
        if (store_job_finish(w->db, claim, 1, reason) == 1) {
            say(o, "job %lld done: session %lld, %d measured run(s)%s%s", (long long)job->id,
                (long long)session, store_count_measured(w->db, session), failed ? "; " : "",
                reason);
            outcome = 0;
        } else {
            outcome = -1;
        }
    }
    pthread_mutex_destroy(&l.mu);
    pthread_cond_destroy(&l.cv);
out:
    free(variants);
    free(workloads);
    return outcome;
}

/* A claimed job from its checks to its end: 0 done, 1 failed, -1 no longer ours. */
static int run_job(worker_ctx *w, const store_job *job, const store_claim *claim)
{
    const worker_opts *o = w->o;
    say(o, "job %lld (try %d of %d): %s x %s, %d run(s) x %d look(s)%s, at %.12s",
        (long long)job->id, job->tries, job->max_tries, job->variants, job->workloads, job->runs,
        job->looks, job->quick ? " quick" : "", job->revision);
    char dir[] = "/tmp/hakbench-job.XXXXXX", err[1024];
    if (!mkdtemp(dir)) return fail(w->db, o, claim, "cannot make a scratch directory");
    job_request r;
    int outcome;
    if (job_request_at(&r, job->revision, o->variants_conf, o->workloads_conf, dir, err,
                       sizeof err) != 0 ||
        job_request_names(&r, job->variants, job->workloads, 1, err, sizeof err) != 0)
        outcome = fail(w->db, o, claim, err);
    else
        outcome = measure(w, job, claim, &r);
    job_request_remove(dir);
    return outcome;
}

int worker_run(store *db, const worker_opts *o)
{
    char err[1024];
    machine_info m;
    machine_probe(&m);
    int64_t machine = machine_id(db);
    store *beat = machine < 0 ? NULL : store_open(o->location, err, sizeof err);
    if (!beat) {
        if (machine >= 0) fprintf(stderr, "hakbench worker: %s\n", err);
        return 2;
    }
    char lock[4096], worker[200];
    if (o->lock_path)
        snprintf(lock, sizeof lock, "%s", o->lock_path);
    else
        machine_lock_path(&m, lock, sizeof lock);
    snprintf(worker, sizeof worker, "%s:%d", m.hostname, (int)getpid());
    worker_ctx w = {.db = db, .beat = beat, .o = o, .worker = worker};
    say(o, "%s on %s (fingerprint %.16s), lock %s", worker, m.cpu_model, m.fingerprint, lock);
    int status = 0, idle = 0;
    for (;;) {
        int fd = machine_lock_take(lock, o->quiet);
        if (fd < 0) {
            status = 2;
            break;
        }
        int reaped = store_job_reap(db);
        if (reaped > 0) say(o, "%d job(s) whose lease ran out went back to the queue", reaped);
        store_job job;
        store_claim claim;
        int got =
            reaped < 0 ? -1 : store_job_claim(db, &m, machine, worker, o->lease_s, &job, &claim);
        if (got == 1) {
            idle = 0;
            if (run_job(&w, &job, &claim) == 1) status = 1;
        }
        machine_lock_release(fd);
        if (got < 0 && (o->once || o->drain)) {
            status = 2;
            break;
        }
        if (o->once && got >= 0) break;
        if (got == 1) continue;
        if (o->drain && got == 0) {
            int queued, running;
            if (store_job_pending(db, &m, &queued, &running) != 0) {
                status = 2;
                break;
            }
            if (queued == 0 && running == 0) break;
        }
        if (got < 0)
            say(o, "the database failed (see above); trying again in %d s", o->poll_s);
        else if (!idle++)
            say(o, "nothing to do; looking again every %d s", o->poll_s);
        sleep_s(o->poll_s);
    }
    store_close(beat);
    return status;
}
