/* Runs: one row per child process (warm-up, measured, counters), with its metrics, allocator
 * counters and RSS timeline; how the other layers read them back. runs.c writes them and reads
 * them raw (export), run_reads.c answers the questions of compare, report and nightly. */
#ifndef HAKBENCH_STORE_RUNS_H
#define HAKBENCH_STORE_RUNS_H

#include <stdint.h>

#include "store/sessions.h"
#include "store/store.h"

typedef struct {
    const char *source; /* result | perf | hyperfine */
    const char *name;
    double value;
} store_metric;

typedef struct {
    char name[128];
    double value;
} store_counter;

/* A run to store. Optional numbers are NULL in the row when their flag says so. */
typedef struct {
    int64_t session_id;
    int seq;
    int64_t build_id; /* <= 0: none */
    const char *variant, *workload, *args, *purpose;
    int block;
    const char *status;
    int signal;    /* 0: none */
    int exit_code; /* < 0: none */
    int have_result;
    double ops, seconds, ops_per_sec;
    long long instructions; /* <= 0: none */
    int ran;                /* 0 (a build that failed): no times or resource figures */
    double wall_s, user_s, sys_s;
    long peak_rss_kb, minor_faults, major_faults, vol_ctxsw, invol_ctxsw;
    int cpu; /* < 0: not pinned */
    const char *result_line, *stderr_tail;
    const store_metric *metrics;
    int nmetrics;
    const store_counter *counters;
    int ncounters;
    const int *sample_t_ms;
    const long *sample_rss_kb;
    int nsamples;
} store_run;

/* Stores the run with its metrics, counters and samples in one transaction: all or nothing, so
 * a harness killed mid-run loses only that run. 0 or -1. */
int store_run_insert(store *s, const store_run *r);

/* Measured runs of a session (its size grows with the extra blocks of inconclusive workloads). */
int store_count_measured(store *s, int64_t session);
/* Runs of a session, of any purpose, that ran and did not end ok (crash, oom, timeout, ...);
 * a variant that did not build is not counted. */
int store_count_failed(store *s, int64_t session);

/* A table of values as the database holds them, for writers that take every column (export). */
typedef enum { STORE_NULL, STORE_INT, STORE_REAL, STORE_TEXT } store_kind;
typedef struct {
    store_kind kind;
    int64_t i;
    double r;
    char *s; /* STORE_TEXT */
} store_value;
typedef struct {
    int ncols, nrows;
    char **names;        /* ncols column names */
    store_value *values; /* nrows * ncols, row by row */
} store_table;
/* Every run of a session with the build it used, one row per run in execution order: run_id,
 * session_id, seq, variant, revision, flags, library_hash, workload, purpose, block, status,
 * signal, exit_code, ops, seconds, ops_per_sec, instructions, wall_s, user_s, sys_s, peak_rss_kb,
 * minor_faults, major_faults, vol_ctxsw, invol_ctxsw, cpu, started_at, args, result_line,
 * stderr_tail. 0 or -1. */
int store_session_runs(store *s, int64_t session, store_table *out);
void store_table_free(store_table *t);
const store_value *store_table_at(const store_table *t, int row, int col);
/* The index of a column by name, -1 when there is none. */
int store_table_column(const store_table *t, const char *name);

/* --- the questions of compare (analysis/compare.c) --- */

/* A measured run of A or B on one workload. Runs of one interleaved block share pair_key;
 * across two sessions nothing pairs (every run has a key of its own). */
typedef struct {
    int is_a;
    int64_t pair_key;
    int ok;        /* status 'ok' */
    int has_value; /* ops/s (or the instruction count) was recorded */
    double value;
    int has_rss;
    double rss_kb;     /* peak RSS */
    int has_rss_after; /* the workload reported rss_after_free_kb */
    double rss_after_kb;
} store_sample;
/* A's measured runs of workload in session_a and B's in session_b, block by block in execution
 * order; value is the instruction count when instructions is 1. *out is malloc'ed. Count, or
 * -1. */
int store_load_samples(store *s, int64_t session_a, const char *a, int64_t session_b, const char *b,
                       const char *workload, int instructions, store_sample **out);
/* The workloads measured under A (session_a) and B (session_b), by name, or only `only` when
 * non-NULL. *out is malloc'ed. Count, or -1. */
int store_common_workloads(store *s, int64_t session_a, const char *a, int64_t session_b,
                           const char *b, const char *only, char (**out)[64]);

/* --- the questions of the session report (report/session_data.c) --- */

typedef struct {
    char variant[160], workload[64];
    int ok; /* status 'ok' */
    int has_ops;
    double ops_per_sec;
    int has_rss;
    double peak_rss_kb;
    int64_t run_id;
    int seq;
    char args[1024];
} store_measured_run;
/* Every measured run of a session in execution order. Count, or -1. */
int store_session_measured_runs(store *s, int64_t session, store_measured_run **out);

typedef struct {
    char variant[160], workload[64];
    double value;
} store_run_value;
/* A RESULT field (run_metrics source 'result') of every ok measured run, in execution order. */
int store_session_result_metric(store *s, int64_t session, const char *name, store_run_value **out);

/* The RSS timeline of a run: *t_ms and *kb malloc'ed. Count. */
int store_run_rss(store *s, int64_t run_id, int **t_ms, long **kb);

typedef struct {
    char name[64];
    double value, ops; /* ops: the counters run's operation count, 0 when unknown */
    int is_b;
    int64_t run_id;
} store_counter_value;
/* Allocator counters of every ok counters run of A and of B on a workload, by name, then
 * variant, then execution order. */
int store_counters_runs(store *s, int64_t session, const char *workload, const char *a,
                        const char *b, store_counter_value **out);

typedef struct {
    char name[64];
    int is_b;
    double per_op; /* the event's count divided by the run's operations */
} store_event_value;
/* perf stat events of the ok measured runs of A and B on a workload, by name, then variant,
 * then execution order. */
int store_perf_events(store *s, int64_t session, const char *workload, const char *a, const char *b,
                      store_event_value **out);

/* The failed runs of one variant on one workload with one outcome, and their first run. */
typedef struct {
    char variant[160], workload[64], status[16];
    int count, of;         /* runs with this outcome, runs of the variant on the workload */
    int seq;               /* the first of them */
    int signal, exit_code; /* -1 when not recorded */
    double peak_rss_kb;    /* NAN when not recorded */
    char stderr_tail[2048];
    char args[1024];
    int64_t run_id;
} store_failure;
/* Failures of a session grouped by (variant, workload, status), in the order they first
 * happened. Count, or -1. */
int store_session_failures(store *s, int64_t session, store_failure **out);

/* Runs of a session by purpose. */
void store_session_run_counts(store *s, int64_t session, int *measure, int *warmup, int *counters);

/* --- the nightly history (analysis/nightly.c) --- */

typedef struct {
    int64_t session_id;
    char started_at[40];
    double ops_per_sec;
} store_history_run;
/* The ok measured runs of variant on workload in every nightly of today's machine and mode up to
 * today (unfinished nightlies left out, today's own kept), oldest session first. */
int store_nightly_history(store *s, const store_session *today, const char *variant,
                          const char *workload, store_history_run **out);

#endif
