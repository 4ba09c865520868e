/* Counters of A against B on one workload (allocator counters of the counters runs, perf stat
 * events of the measured runs), ranked by how much they changed: |log(B/A)|, counters present
 * on both sides before those of one side only. Events that happen per allocation or free are
 * divided by the operation count, so runs of different lengths compare; structural counts
 * (slabs, SuperSlabs, mappings, bytes) are not. */
#ifndef HAKBENCH_COUNTERS_H
#define HAKBENCH_COUNTERS_H

#include "store/runs.h"

typedef struct {
    char name[64];
    double a, b; /* per operation when per_op, else the raw value */
    int per_op;
    double score; /* |log(b/a)|, HUGE_VAL when one side is zero */
} counter_change;

/* The allocator counters of the last counters run of A and of B (store_last_counters), per
 * operation where both runs report their operation count. *out is malloc'ed; the count. */
int counters_compare(const store_counter_value *rows, int n, counter_change **out);
/* perf stat events per operation (store_perf_events): the median of A's and of B's runs. */
int events_compare(const store_event_value *rows, int n, counter_change **out);

#endif
