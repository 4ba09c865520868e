/* The search behind `hakbench bisect`, without measuring anything: which commit of good..bad
 * to test next, and what a step's comparisons say about it. run/bisect.c builds and measures;
 * this decides.
 *   The commits are first-parent commits, oldest first; the invariant is that commits[lo] (the
 *   good revision when lo = -1) is good and commits[hi] is bad. The next commit is the untested
 *   one nearest the middle of (lo, hi); a commit that does not build is skipped, as `git bisect
 *   skip` does. The search ends when no untested commit is left between lo and hi: the first
 *   bad commit is hi when nothing was skipped in between, else one of (lo, hi].
 *   Each step is one session of the good reference against the commit, measured and judged
 *   by the decision procedure (analysis/procedure.h): a regression or a failure of the tested
 *   commit is bad; equivalent, changed below delta or an improvement is good; a step still
 *   inconclusive after the procedure's last look is skipped (git bisect's 125), never taken
 *   for good. Before the search, the endpoints are measured against each other: when BAD
 *   does not show the regression against GOOD, there is nothing to bisect.  */
#ifndef HAKBENCH_BISECT_SEARCH_H
#define HAKBENCH_BISECT_SEARCH_H

#include <stdint.h>

#include "analysis/compare.h"

typedef enum { STEP_GOOD, STEP_BAD, STEP_SKIP } step_verdict;

const char *step_verdict_name(step_verdict v);

typedef struct {
    int n;
    signed char *state; /* per commit: 0 untested, 1 good, 2 bad, 3 skipped */
    int lo, hi;
} bisect_search;

/* A step of a bisect: one commit measured against a good reference. */
typedef struct {
    int step;          /* 0 the endpoints, 1, 2, ... the search; -1 the confirmation */
    char revision[41]; /* the commit tested */
    char against[41];  /* the reference it was measured against */
    step_verdict verdict;
    char detail[32];     /* compare's verdict, build-failed, or same-library (not measured) */
    double change;       /* Hodges-Lehmann change (NAN when not measured) */
    double ci_lo, ci_hi; /* its interval */
    int runs;            /* measured runs of both variants */
    int64_t session_id;  /* the measuring session, 0 when skipped */
} bisect_step;

/* The outcome of a bisect. */
typedef struct {
    /* What was searched. */
    char workload[64], variant[64];
    double delta;
    int quick;
    int64_t session_id; /* the bisect's own session (holds bisect_steps) */
    char uuid[40];
    char good[41], bad[41];
    int ncommits;       /* first-parent commits in good..bad */
    bisect_step *steps; /* in order; the confirmation, when made, is last */
    int nsteps;
    int found;              /* 1: culprit is the first bad commit */
    char culprit[41];       /* the first bad commit, or the last candidate when !found */
    char (*candidates)[41]; /* !found: skipped commits that may be the first bad one, and culprit */
    int ncandidates;
    int confirmed;  /* the confirmation showed the regression */
    int reproduced; /* the endpoint check: BAD was a regression against GOOD */
} bisect_result;

void bisect_result_free(bisect_result *r);

/* A search over n commits (the last one is the known bad). 0, or -1 out of memory. */
int bisect_search_init(bisect_search *b, int n);
/* The commit to test next, -1 when the search is over. */
int bisect_search_next(const bisect_search *b);
void bisect_search_record(bisect_search *b, int k, step_verdict v);
/* After the search: the commits that may be the first bad one, lo+1..hi (one when found). */
int bisect_search_candidates(const bisect_search *b, int *first);
void bisect_search_free(bisect_search *b);

/* What a step's comparison says of the tested commit. */
step_verdict bisect_step_verdict(const comparison *c);

#endif
