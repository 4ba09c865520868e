/* Running `hakbench bisect`: the first first-parent commit between a good and a bad revision at
 * which a workload got slower (or crashed). The search itself (which commit next, what a step's
 * comparisons mean) is analysis/bisect_search.h; this file builds REV@VARIANT (builder.h,
 * cached), measures it interleaved against the good commit in sessions of kind 'bisect'
 * (session.h), compares (compare.h) and records. The culprit is confirmed against its parent.
 * Every step goes into bisect_steps under one session of kind 'bisect' that stands for the
 * whole search; each step's measuring sessions carry "bisect <uuid> step K round R" in their
 * note. */
#ifndef HAKBENCH_BISECT_H
#define HAKBENCH_BISECT_H

#include <stdint.h>

#include "analysis/bisect_search.h"
#include "store/store.h"

#define BISECT_DEFAULT_THRESHOLD 0.05

typedef struct {
    const char *good, *bad; /* revisions as typed */
    const char *workload;   /* default "larson" */
    const char *variant;    /* a hakmem variant of variants.conf, default "default" */
    double threshold;       /* relative noise band / regression size, default 0.05 */
    int quick;
    int runs; /* measured runs per variant and step; 0: 4 quick, 6 otherwise */
    uint64_t seed;
    const char *command; /* stored with the sessions */
    int quiet;           /* no progress on stderr */
} bisect_opts;

void bisect_opts_init(bisect_opts *o);

/* Bisects in the repository of the current directory (callers chdir to its top level); the
 * outcome (analysis/bisect_search.h) records what was searched, for the report.
 * Returns 0 when the search ended (found, or narrowed down to candidates around skipped
 * commits), -1 when it could not run (bad revisions, the good one does not build, database
 * error); the reason is printed. */
int bisect_run(store *db, const bisect_opts *o, bisect_result *r);

#endif
