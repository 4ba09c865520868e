/* The comparison of variant B against A, per workload, by the decision procedure
 * (analysis/procedure.h, docs/statistics.md): the Hodges-Lehmann change of throughput (or
 * instructions) with its exact rank interval and p, and the same for memory (peak RSS, RSS after
 * free), each with a verdict against delta.
 *
 * Within one session the runs of a block pair up. The session's own A and B (its first two
 * variants) were measured look by look, so their comparison replays the looks exactly as the
 * session made them (same blocks, same levels, same Holm families); any other pair of the session
 * (a peer, a third variant: they ran a fixed number of blocks) and any comparison across two
 * sessions (nothing pairs: unpaired) is one fixed-size look at the full alpha.
 * Sign: + is better for B for every metric (more ops/s; fewer instructions, less memory), so a
 * regression always means "B is worse". */
#ifndef HAKBENCH_COMPARE_H
#define HAKBENCH_COMPARE_H

#include <stdint.h>

#include "analysis/procedure.h"
#include "store/runs.h"
#include "store/store.h"

/* The threshold used when no calibration of the procedure exists. */
#define COMPARE_DEFAULT_DELTA PROCEDURE_DEFAULT_DELTA

typedef struct {
    int n_a, n_b;              /* ok measured runs with a value */
    int pairs;                 /* blocks with a value of both */
    double median_a, median_b; /* ops/s, instructions, KiB */
    double change;             /* exp(estimate) - 1; + is better for B */
    double ci_lo, ci_hi;       /* its interval (-INFINITY / INFINITY: too few runs) */
    double alpha;              /* the level the interval was taken at (look and Holm) */
    double coverage;           /* the interval's exact coverage, >= 1 - alpha */
    double p;                  /* consistent with the interval: p <= alpha iff it excludes 0 */
    verdict_t verdict;
} metric_comparison;

typedef enum { MEMORY_PEAK_RSS, MEMORY_RSS_AFTER_FREE, MEMORY_METRICS } memory_metric;
/* "peak RSS", "RSS after free" */
const char *memory_metric_name(memory_metric m);

typedef struct {
    char workload[64];
    int failed_a, failed_b;    /* measured runs that did not end ok */
    int paired;                /* blocks of one session; 0 across sessions */
    int look, looks;           /* the look that decided it, of how many the design had */
    double delta;              /* the threshold it was judged against */
    int calibrated;            /* delta came from a calibration of this procedure */
    metric_comparison primary; /* throughput, or instructions with the instruction metric */
    double ratio_of_medians;   /* median_b / median_a - 1 of the primary metric, same sign */
    int outliers_a, outliers_b;
    metric_comparison memory[MEMORY_METRICS]; /* n_a == 0 or n_b == 0: not measured */
} comparison;

/* The worst memory verdict of c that is a change (regression before improvement), or -1. */
int comparison_memory_change(const comparison *c, memory_metric *which);

/* One workload's input to compare_rows: its measured runs as store_load_samples gives them. */
typedef struct {
    const char *workload;
    const store_sample *rows;
    int n;
    double delta;
    int calibrated;
} compare_input;

/* How the data were gathered: looks of a procedure (sequential), or one look over everything. */
typedef struct {
    procedure proc;
    int sequential; /* 0: a single look at proc.alpha with all blocks */
    int paired;
    int instructions; /* the primary metric is the instruction count (lower is better) */
} compare_design;

/* The comparisons of m workloads judged together (one Holm family per look and metric), into
 * out[0..m). The statistics alone, no database. 0, or -1 out of memory. */
int compare_rows(const compare_input *in, int m, const compare_design *d, comparison *out);

/* The design behind a comparison of a and b: the session's procedure when they are its own A and
 * B, a single look otherwise; paired only within one session. 0, or -1 on an error. */
int compare_design_of(store *s, int64_t session_a, const char *a, int64_t session_b, const char *b,
                      compare_design *d);

/* The threshold for a workload on a machine: the delta of the latest calibration of this very
 * procedure (version and parameters, quick mode, pairing), else default_delta. *calibrated says
 * which. */
double compare_delta(store *s, int64_t machine_id, const char *workload, int quick,
                     const compare_design *d, double default_delta, int *calibrated);

/* Compares a (runs of session_a) and b (runs of session_b) on every workload both ran (or only
 * `workload` when non-NULL), with the design compare_design_of gives. delta >= 0 is the
 * threshold to use (given by the user); delta < 0: each workload's calibrated delta, else the
 * session's own. *out is malloc'ed; returns the count, -1 on an error. Whether the runs come
 * from one machine is the caller's check (compare refuses otherwise unless --force). */
int compare_sessions(store *s, int64_t session_a, int64_t session_b, const char *a, const char *b,
                     const char *workload, double delta, comparison **out);
/* Both sides from one session. */
int compare_session(store *s, int64_t session_id, const char *a, const char *b,
                    const char *workload, double delta, comparison **out);

#endif
