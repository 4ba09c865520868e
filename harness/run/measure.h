/* One run of one workload under one variant, start to finish: the command line (the workload
 * itself, or wrapped in perf stat, valgrind's callgrind, or hyperfine for whole programs), the
 * executor, the import of what those tools wrote (perf counters, instruction count, hyperfine
 * JSON, allocator counters) and the store of everything in one transaction. session.c decides
 * what runs when; this module decides how a run is made and recorded. */
#ifndef HAKBENCH_MEASURE_H
#define HAKBENCH_MEASURE_H

#include <stdint.h>

#include "spec/workload_table.h"
#include "store/store.h"

typedef struct {
    store *db;
    int64_t session_id;
    const char *tmpdir;      /* scratch files of the runs */
    const char *perf_events; /* events perf stat counts here (in counters runs), NULL when
                                perf does not work */
    double time_limit_s;
    long mem_limit_kb;
    int pin_cpu; /* CPU for single-threaded workloads, -1 for none */
    int quick;
    int instructions; /* --metric instructions: perf's instructions:u counter where
                         perf_events has it, else callgrind */
} measure_ctx;

typedef struct {
    const char *variant; /* the spec as typed */
    int64_t build_id;
    const char *library; /* LD_PRELOAD, "" for the system allocator */
    int hakmem;          /* 1: the allocator writes HAKMEM_STATS_FILE */
    const workload_def *workload;
    const char *purpose; /* warmup | measure | counters */
    int block;
    int seq;
} measure_job;

/* Events `perf stat` can count on this machine ("page-faults,context-switches,..."), probed
 * once; NULL when perf is missing or counts nothing. The string is static. */
const char *measure_probe_perf(void);

/* 1 when the comma-separated perf event list holds the event name. */
int measure_perf_has(const char *events, const char *name);

/* Runs and stores the job; the outcome ('ok', 'crash', ...) in status. Returns 0 when the run
 * was stored (whatever its outcome), -1 on a database error. */
int measure_run(const measure_ctx *ctx, const measure_job *job, char *status, size_t len);

/* Stores a 'build-failed' run for a variant whose build failed, with the build log's tail. */
int measure_record_build_failure(const measure_ctx *ctx, const measure_job *job,
                                 const char *log_tail);

#endif
