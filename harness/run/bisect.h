/* Running `hakbench bisect`: the first first-parent commit between a good and a bad revision at
 * which a workload got slower (or crashed). The search itself (which commit next, what a step's
 * comparison means) is analysis/bisect_search.h; this file builds REV@VARIANT (builder.h,
 * cached), measures it interleaved against the good commit, one session of kind 'bisect' per
 * step with the decision procedure's looks (session.h), compares (compare.h) and records.
 * Step 0 measures the endpoints (BAD against GOOD) before anything is searched; the culprit is
 * confirmed against its parent (step -1). Every step goes into bisect_steps under one session
 * of kind 'bisect' that stands for the whole search; each step's measuring session carries
 * "bisect <uuid> step K" in its note. */
#ifndef HAKBENCH_BISECT_H
#define HAKBENCH_BISECT_H

#include <stdint.h>

#include "analysis/bisect_search.h"
#include "store/store.h"

typedef struct {
    const char *good, *bad; /* revisions as typed */
    const char *workload;   /* default "larson" */
    const char *variant;    /* a hakmem variant of variants.conf, default "default" */
    procedure proc;         /* the decision procedure of every step (delta: the regression
                             * size that matters) */
    int quick;
    uint64_t seed;
    const char *command; /* stored with the sessions */
    int quiet;           /* no progress on stderr */
} bisect_opts;

void bisect_opts_init(bisect_opts *o);

/* Bisects in the repository of the current directory (callers chdir to its top level); the
 * outcome (analysis/bisect_search.h) records what was searched, for the report.
 * Returns 0 when the search ended (found, or narrowed down to candidates around skipped
 * commits) or when the endpoints did not show the regression (r->reproduced == 0, nothing
 * searched), -1 when it could not run (bad revisions, the good one does not build, database
 * error); the reason is printed. */
int bisect_run(store *db, const bisect_opts *o, bisect_result *r);

#endif
