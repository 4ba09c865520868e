/* A measuring session: builds every variant, then runs every workload under every variant in
 * randomized interleaved blocks (A B / B A ...) after discarded warm-up runs, one transaction per
 * run, with progress on stderr. The blocks come in looks of the decision procedure
 * (analysis/procedure.h): after each look the session's A and B (its first two variants) are
 * compared, and only the workloads still undecided get the next look's blocks, of A and B alone
 * (further variants, e.g. peers, are references measured in the first look). Optionally
 * 'counters' runs per variant and workload with HAKMEM_STATS_FILE for the allocator's counters
 * (interleaved, three by default, so that their spread shows), and profiles of A and B where
 * they differ (run/profile.h). Used by run, calibrate, bisect, nightly. */
#ifndef HAKBENCH_SESSION_H
#define HAKBENCH_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/procedure.h"
#include "store/store.h"

/* How a worker follows a session it runs for a job (NULL members are left out). */
typedef struct {
    void (*started)(int64_t session_id, void *arg); /* the session's row exists */
    int (*interrupted)(void *arg); /* asked before each build and run: non-zero ends the session
                                      there, unfinished (session_run returns -1) */
    void *arg;
} session_hooks;

typedef struct {
    const char *kind;            /* 'run', 'calibrate', 'bisect', 'nightly' */
    const char *command;         /* the command line, stored with the session */
    const char *const *variants; /* specs, as typed */
    int nvariants;
    const char *const *workloads; /* names in workloads.conf */
    int nworkloads;
    procedure proc;      /* looks, blocks per look, alpha, delta (PROCEDURE_DEFAULT_*) */
    int warmup;          /* discarded runs per variant and workload (default 1) */
    int quick;           /* quick args from workloads.conf */
    int counters;        /* 1: counters runs per hakmem variant and workload */
    int counters_runs;   /* counters runs of each (default 3: their spread is the noise) */
    int profile;         /* 1: after the measured runs, profiles of A and B (the first two
                          * variants) on each workload whose verdict is not equivalent:
                          * perf record, and callgrind for single-threaded workloads */
    int pin;             /* 1 (default): pin single-threaded runs to the fastest CPU (cpu_probe.h) */
    int instructions;    /* 1: --metric instructions (single-threaded workloads) */
    double time_limit_s; /* per run (default 120) */
    long mem_limit_kb;   /* per run (default 2 GiB) */
    uint64_t seed;
    int quiet;                  /* no progress output */
    const char *variants_conf;  /* default harness/spec/variants.conf */
    const char *workloads_conf; /* default harness/spec/workloads.conf */
    const char *note;
    const char *revision; /* a full sha: hakmem variants without a revision of their own build at
                             it instead of the work tree (a worker's job); NULL: the work tree */
    const session_hooks *hooks;
} session_opts;

void session_opts_init(session_opts *o);

/* Returns 0 and the new session's id; -1 on bad input or a harness error (message printed).
 * A variant whose build fails is recorded (build-failed runs) and *build_failed is set. */
int session_run(store *db, const session_opts *o, int64_t *session_id, int *build_failed);
/* What session_run checks first (variant specs, workload names, configuration files), without a
 * database: a mistyped name must not leave an empty database behind. Returns -1 with what is
 * wrong in err. */
int session_check(const session_opts *o, char *err, size_t errlen);

#endif
