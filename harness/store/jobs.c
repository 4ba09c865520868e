/* The jobs table (see jobs.h). A claim is one statement, an UPDATE of the row its subquery
 * locked with FOR UPDATE SKIP LOCKED (sqlite.c drops the clause: there the statement holds the
 * whole file). */
#include "store/jobs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/clock.h"

/* The columns read_job reads, in its order. */
#define JOB_COLUMNS                                                                                \
    "id, uuid, state, revision, variants, workloads, runs, looks, quick, machine, tries, "         \
    "max_tries, command, note, enqueued_at, COALESCE(claimed_at, ''), COALESCE(finished_at, ''), " \
    "worker, COALESCE(session_id, 0), reason"

/* Jobs the machine with hostname HOST and fingerprint PRINT (two parameters) may take. */
#define MACHINE_MAY_TAKE(HOST, PRINT)                                                              \
    "(machine = '' OR machine = " HOST " OR (length(machine) >= 8 AND substr(" PRINT               \
    ", 1, length(machine)) = machine))"

static void read_job(sql_stmt *st, void *row)
{
    store_job *j = row;
    j->id = sql_int64(st, 0);
    sql_text_copy(st, 1, j->uuid, sizeof j->uuid);
    sql_text_copy(st, 2, j->state, sizeof j->state);
    sql_text_copy(st, 3, j->revision, sizeof j->revision);
    sql_text_copy(st, 4, j->variants, sizeof j->variants);
    sql_text_copy(st, 5, j->workloads, sizeof j->workloads);
    j->runs = (int)sql_int64(st, 6);
    j->looks = (int)sql_int64(st, 7);
    j->quick = (int)sql_int64(st, 8);
    sql_text_copy(st, 9, j->machine, sizeof j->machine);
    j->tries = (int)sql_int64(st, 10);
    j->max_tries = (int)sql_int64(st, 11);
    sql_text_copy(st, 12, j->command, sizeof j->command);
    sql_text_copy(st, 13, j->note, sizeof j->note);
    sql_text_copy(st, 14, j->enqueued_at, sizeof j->enqueued_at);
    sql_text_copy(st, 15, j->claimed_at, sizeof j->claimed_at);
    sql_text_copy(st, 16, j->finished_at, sizeof j->finished_at);
    sql_text_copy(st, 17, j->worker, sizeof j->worker);
    j->session_id = sql_int64(st, 18);
    sql_text_copy(st, 19, j->reason, sizeof j->reason);
}

int64_t store_job_enqueue(store *s, const store_new_job *j, char uuid[37])
{
    char id[37], now[32];
    store_make_uuid(id);
    clock_utc_iso(now, sizeof now);
    sql_stmt *st = sql_prepare(s->sql, "INSERT INTO jobs (uuid, state, revision, variants, "
                                       "workloads, runs, quick, machine, max_tries, command, "
                                       "note, enqueued_at, looks) VALUES (?1, 'queued', ?2, ?3, "
                                       "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id");
    sql_bind_text(st, 1, id);
    sql_bind_text(st, 2, j->revision);
    sql_bind_text(st, 3, j->variants);
    sql_bind_text(st, 4, j->workloads);
    sql_bind_int64(st, 5, j->runs);
    sql_bind_int64(st, 6, j->quick);
    sql_bind_text(st, 7, j->machine ? j->machine : "");
    sql_bind_int64(st, 8, j->max_tries);
    sql_bind_text(st, 9, j->command);
    sql_bind_text(st, 10, j->note ? j->note : "");
    sql_bind_text(st, 11, now);
    sql_bind_int64(st, 12, j->looks);
    int64_t job = sql_run_returning_id(st, "queueing the job");
    if (job > 0 && uuid) memcpy(uuid, id, sizeof id);
    return job;
}

int store_job_claim(store *s, const machine_info *m, int64_t machine_id, const char *worker,
                    int lease_s, store_job *job, store_claim *claim)
{
    char now[32];
    clock_utc_iso(now, sizeof now);
    store_make_uuid(claim->token);
    sql_stmt *st = sql_prepare(
        s->sql,
        "UPDATE jobs SET state = 'running', tries = tries + 1, worker = ?1, claim = ?2, "
        "machine_id = ?3, lease_until = unixepoch() + ?4, claimed_at = ?5, finished_at = "
        "NULL WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND " MACHINE_MAY_TAKE(
            "?6", "?7") " ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING " JOB_COLUMNS);
    sql_bind_text(st, 1, worker);
    sql_bind_text(st, 2, claim->token);
    sql_bind_int64(st, 3, machine_id);
    sql_bind_int64(st, 4, lease_s);
    sql_bind_text(st, 5, now);
    sql_bind_text(st, 6, m->hostname);
    sql_bind_text(st, 7, m->fingerprint);
    int rc = sql_step(st);
    if (rc == SQL_ROW) {
        memset(job, 0, sizeof *job);
        read_job(st, job);
        claim->job = job->id;
    } else if (rc == SQL_ERROR) {
        fprintf(stderr, "hakbench: claiming a job: %s\n", sql_stmt_error(st));
    }
    sql_finalize(st);
    return rc == SQL_ROW ? 1 : rc == SQL_DONE ? 0 : -1;
}

/* Runs an UPDATE of the claim's job (?1 its id, ?2 the token; RETURNING id): 1 when the job was
 * still the claim's, 0 when not, -1 on an error. */
static int claimed_update(sql_stmt *st, const store_claim *c, const char *context)
{
    sql_bind_int64(st, 1, c->job);
    sql_bind_text(st, 2, c->token);
    int rc = sql_step(st);
    if (rc == SQL_ERROR) fprintf(stderr, "hakbench: %s: %s\n", context, sql_stmt_error(st));
    sql_finalize(st);
    return rc == SQL_ROW ? 1 : rc == SQL_DONE ? 0 : -1;
}

#define HELD "id = ?1 AND claim = ?2 AND state = 'running'"

int store_job_heartbeat(store *s, const store_claim *c, int lease_s)
{
    sql_stmt *st = sql_prepare(s->sql, "UPDATE jobs SET lease_until = unixepoch() + ?3 WHERE " HELD
                                       " RETURNING id");
    sql_bind_int64(st, 3, lease_s);
    return claimed_update(st, c, "renewing the job's lease");
}

int store_job_link_session(store *s, const store_claim *c, int64_t session_id)
{
    sql_stmt *st =
        sql_prepare(s->sql, "UPDATE jobs SET session_id = ?3 WHERE " HELD " RETURNING id");
    sql_bind_int64(st, 3, session_id);
    return claimed_update(st, c, "recording the job's session");
}

int store_job_finish(store *s, const store_claim *c, int done, const char *reason)
{
    char now[32];
    clock_utc_iso(now, sizeof now);
    sql_stmt *st =
        sql_prepare(s->sql, "UPDATE jobs SET state = ?3, reason = ?4, finished_at = ?5, "
                            "claim = '', lease_until = NULL WHERE " HELD " RETURNING id");
    sql_bind_text(st, 3, done ? "done" : "failed");
    sql_bind_text(st, 4, reason ? reason : "");
    sql_bind_text(st, 5, now);
    return claimed_update(st, c, "ending the job");
}

/* Takes a running job off its worker: queued again with its session deleted, or failed (its
 * session kept, for the reason) when it was the last try or `fail` says so. */
static int take_back(store *s, int64_t job, int64_t session, int fail, int spend_try,
                     const char *reason)
{
    char now[32];
    clock_utc_iso(now, sizeof now);
    if (!fail && session > 0) {
        sql_stmt *del = sql_prepare(s->sql, "DELETE FROM sessions WHERE id = ?1");
        sql_bind_int64(del, 1, session);
        if (sql_run(del, "deleting the job's partial session") != 0) return -1;
    }
    sql_stmt *st = sql_prepare(
        s->sql, "UPDATE jobs SET state = ?2, tries = tries - ?3, reason = ?4, claim = '', "
                "lease_until = NULL, finished_at = ?5, session_id = CASE WHEN ?2 = 'failed' THEN "
                "session_id END WHERE id = ?1");
    sql_bind_int64(st, 1, job);
    sql_bind_text(st, 2, fail ? "failed" : "queued");
    sql_bind_int64(st, 3, !spend_try);
    sql_bind_text(st, 4, reason);
    if (fail) sql_bind_text(st, 5, now);
    return sql_run(st, "giving the job back");
}

typedef struct {
    const store_claim *claim;
    const char *reason;
    int spend_try;
    int held; /* out: the job was still the claim's */
} release_args;

static int release_body(store *s, void *arg, int attempt)
{
    (void)attempt;
    release_args *a = arg;
    sql_stmt *st = sql_prepare(s->sql, "SELECT COALESCE(session_id, 0), tries, max_tries FROM "
                                       "jobs WHERE " HELD " FOR UPDATE SKIP LOCKED");
    sql_bind_int64(st, 1, a->claim->job);
    sql_bind_text(st, 2, a->claim->token);
    int rc = sql_step(st);
    int64_t session = rc == SQL_ROW ? sql_int64(st, 0) : 0;
    int last = rc == SQL_ROW && a->spend_try && sql_int64(st, 1) >= sql_int64(st, 2);
    if (rc == SQL_ERROR) fprintf(stderr, "hakbench: giving the job back: %s\n", sql_stmt_error(st));
    sql_finalize(st);
    a->held = rc == SQL_ROW;
    if (rc != SQL_ROW) return rc == SQL_DONE ? 0 : -1;
    return take_back(s, a->claim->job, session, last, a->spend_try, a->reason);
}

int store_job_release(store *s, const store_claim *c, const char *reason, int spend_try)
{
    release_args a = {.claim = c, .reason = reason, .spend_try = spend_try};
    if (store_transaction(s, "giving the job back", release_body, &a) != 0) return -1;
    return a.held;
}

typedef struct {
    int64_t id, session;
    int tries, max_tries;
    char worker[160];
} expired_job;

static void read_expired(sql_stmt *st, void *row)
{
    expired_job *e = row;
    e->id = sql_int64(st, 0);
    e->session = sql_int64(st, 1);
    e->tries = (int)sql_int64(st, 2);
    e->max_tries = (int)sql_int64(st, 3);
    sql_text_copy(st, 4, e->worker, sizeof e->worker);
}

static int reap_body(store *s, void *arg, int attempt)
{
    (void)attempt;
    int *handled = arg;
    sql_stmt *st = sql_prepare(s->sql, "SELECT id, COALESCE(session_id, 0), tries, max_tries, "
                                       "worker FROM jobs WHERE state = 'running' AND lease_until "
                                       "< unixepoch() ORDER BY id FOR UPDATE SKIP LOCKED");
    expired_job *e;
    int n = store_collect(st, (void **)&e, sizeof *e, read_expired, "finding expired jobs");
    if (n < 0) return -1;
    int rc = 0;
    for (int i = 0; rc == 0 && i < n; i++) {
        int last = e[i].tries >= e[i].max_tries;
        char reason[512];
        snprintf(reason, sizeof reason, "worker %s stopped renewing its lease (try %d of %d)%s",
                 e[i].worker, e[i].tries, e[i].max_tries,
                 last ? "" : "; its partial session was deleted");
        rc = take_back(s, e[i].id, e[i].session, last, 1, reason);
    }
    free(e);
    *handled = rc == 0 ? n : 0;
    return rc;
}

int store_job_reap(store *s)
{
    int handled = 0;
    return store_transaction(s, "requeueing expired jobs", reap_body, &handled) == 0 ? handled : -1;
}

int store_job_pending(store *s, const machine_info *m, int *queued, int *running)
{
    *queued = *running = 0;
    sql_stmt *st = sql_prepare(
        s->sql, "SELECT state, count(*) FROM jobs WHERE state IN "
                "('queued', 'running') AND " MACHINE_MAY_TAKE("?1", "?2") " GROUP BY state");
    sql_bind_text(st, 1, m->hostname);
    sql_bind_text(st, 2, m->fingerprint);
    int rc;
    while ((rc = sql_step(st)) == SQL_ROW) {
        if (strcmp(sql_text(st, 0), "queued") == 0) *queued = (int)sql_int64(st, 1);
        if (strcmp(sql_text(st, 0), "running") == 0) *running = (int)sql_int64(st, 1);
    }
    if (rc == SQL_ERROR) fprintf(stderr, "hakbench: reading the queue: %s\n", sql_stmt_error(st));
    sql_finalize(st);
    return rc == SQL_ERROR ? -1 : 0;
}

int store_job_list(store *s, store_job **out)
{
    sql_stmt *st = sql_prepare(s->sql, "SELECT " JOB_COLUMNS " FROM jobs ORDER BY id");
    return store_collect(st, (void **)out, sizeof **out, read_job, "listing the jobs");
}

int store_job_get(store *s, int64_t id, store_job *out)
{
    sql_stmt *st = sql_prepare(s->sql, "SELECT " JOB_COLUMNS " FROM jobs WHERE id = ?1");
    sql_bind_int64(st, 1, id);
    memset(out, 0, sizeof *out);
    int rc = sql_step(st);
    if (rc == SQL_ROW) read_job(st, out);
    if (rc == SQL_ERROR)
        fprintf(stderr, "hakbench: reading job %lld: %s\n", (long long)id, sql_stmt_error(st));
    sql_finalize(st);
    return rc == SQL_ROW ? 1 : rc == SQL_DONE ? 0 : -1;
}
