/* Counters of A against B on one workload (allocator counters of the counters runs, perf stat
 * events of the measured runs), ranked by how much they changed: |log(B/A)| of the medians.
 * Events that happen per allocation or free are divided by the operation count, so runs of
 * different lengths compare; structural counts (slabs, SuperSlabs, mappings, bytes) are not.
 *
 * A counter is evidence only when both builds count it (non-zero in some run of each): one
 * that is zero in every run of one side (the fast path's own hits in a build without it) says
 * which path a build takes, so it is one_sided, ranked after the others and never a headline.
 * A change counts (beyond_spread) only when each side has COUNTERS_MIN_RUNS runs or more and
 * the ranges of A's and B's runs do not overlap: the spread between identical runs is the
 * noise, and fewer runs do not show it. */
#ifndef HAKBENCH_COUNTERS_H
#define HAKBENCH_COUNTERS_H

#include "store/runs.h"

#define COUNTERS_MIN_RUNS 3

typedef struct {
    char name[64];
    double a, b;                   /* medians; per operation when per_op, else the raw value */
    double a_lo, a_hi, b_lo, b_hi; /* the range of each side's runs */
    int n_a, n_b;                  /* runs of each side */
    int per_op;
    int one_sided;     /* zero in every run of one side */
    int beyond_spread; /* two-sided and the ranges do not overlap */
    double score;      /* |log(b/a)|, HUGE_VAL when one side is zero */
} counter_change;

/* The allocator counters of the counters runs of A and of B (store_counters_runs), per
 * operation where every run reports its operation count. *out is malloc'ed; the count. */
int counters_compare(const store_counter_value *rows, int n, counter_change **out);
/* perf stat events per operation (store_perf_events): the medians of A's and of B's runs. */
int events_compare(const store_event_value *rows, int n, counter_change **out);

#endif
