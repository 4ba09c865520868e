/* Runs one workload process as a child with a time limit and a memory cap, and classifies what
 * happened. The child gets its own process group; a memory cgroup (v2, or v1 memory controller)
 * caps it where one can be created, and an RSS watcher sampling /proc kills it otherwise.
 * Outcomes: ok, crash (signal), oom, timeout, bad-output (no/invalid RESULT line), corrupt
 * (exit 3), error (other non-zero exit). The harness never dies with its child. */
#ifndef HAKBENCH_EXECUTOR_H
#define HAKBENCH_EXECUTOR_H

#include <stdint.h>

#define EXEC_MAX_SAMPLES 4096
#define EXEC_MAX_FIELDS 32

typedef struct {
    char *const *argv;            /* program and arguments */
    const char *preload;          /* LD_PRELOAD value, NULL for none */
    const char *const *extra_env; /* "NAME=value" entries added to the environment, NULL-ended */
    double time_limit_s;
    long mem_limit_kb;
    int cpu;            /* pin to this CPU, -1 for none */
    int sample_ms;      /* RSS sampling period (default 10) */
    int no_result_line; /* 1: no RESULT line expected (a whole program under
                           hyperfine); exit 0 is then 'ok' */
} exec_request;

typedef struct {
    char status[16]; /* ok crash oom timeout bad-output corrupt error */
    int signal;
    int exit_code;
    double wall_s, user_s, sys_s;
    long peak_rss_kb;
    long minor_faults, major_faults, vol_ctxsw, invol_ctxsw;
    /* From the RESULT line: ops, seconds, ops_per_sec, and every other key=value pair. */
    char result_line[1024];
    double ops, seconds, ops_per_sec;
    int nfields;
    char field_name[EXEC_MAX_FIELDS][48];
    double field_value[EXEC_MAX_FIELDS];
    char stderr_tail[2048];
    int nsamples;
    int sample_t_ms[EXEC_MAX_SAMPLES];
    long sample_rss_kb[EXEC_MAX_SAMPLES];
} exec_result;

/* Returns 0 when the child ran (whatever its outcome), -1 when it could not be started. */
int exec_run(const exec_request *req, exec_result *res);

/* Parses a "RESULT k=v ..." line into res (ops, seconds, ops_per_sec, fields). 0 on success. */
int exec_parse_result(const char *line, exec_result *res);

#endif
