/* The search behind `hakbench bisect`, without measuring anything: which commit of good..bad
 * to test next, and what a step's comparisons say about it. run/bisect.c builds and measures;
 * this decides.
 *   The commits are first-parent commits, oldest first; the invariant is that commits[lo] (the
 *   good revision when lo = -1) is good and commits[hi] is bad. The next commit is the untested
 *   one nearest the middle of (lo, hi); a commit that does not build is skipped, as `git bisect
 *   skip` does. The search ends when no untested commit is left between lo and hi: the first
 *   bad commit is hi when nothing was skipped in between, else one of (lo, hi].
 *   A step's verdict: a regression or a failure of the tested commit is bad, equivalent or
 *   improvement good; a step still inconclusive after every round (BISECT_ROUNDS sessions) is
 *   bad only when every round showed a median change beyond the threshold with a rank-test p
 *   below BISECT_ALPHA: on a machine whose load swings the throughput several-fold, one
 *   session's median alone misjudges good commits. */
#ifndef HAKBENCH_BISECT_SEARCH_H
#define HAKBENCH_BISECT_SEARCH_H

#include <stdint.h>

#include "analysis/compare.h"

#define BISECT_ROUNDS 2
#define BISECT_ALPHA 0.05

typedef enum { STEP_GOOD, STEP_BAD, STEP_SKIP } step_verdict;

const char *step_verdict_name(step_verdict v);

typedef struct {
    int n;
    signed char *state; /* per commit: 0 untested, 1 good, 2 bad, 3 skipped */
    int lo, hi;
} bisect_search;

/* A step of a bisect: one commit measured against a good reference. */
typedef struct {
    int step;          /* 0, 1, ...; -1 is the confirmation */
    char revision[41]; /* the commit tested */
    char against[41];  /* the reference it was measured against */
    step_verdict verdict;
    char detail[32];    /* compare's verdict, or build-failed */
    double change;      /* median ratio - 1 (NAN when not measured) */
    int runs;           /* measured runs of both variants */
    int64_t session_id; /* the measuring session, 0 when skipped */
} bisect_step;

/* The outcome of a bisect. */
typedef struct {
    /* What was searched. */
    char workload[64], variant[64];
    double threshold;
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
    int confirmed; /* the confirmation showed the regression */
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

/* A step after one more round (round 0, 1, ...): returns 1 with *v set when the step is decided,
 * 0 when another round should measure it. *all_beyond carries "every round so far showed a
 * change beyond the threshold" between calls; start it at 1. */
int bisect_round_decides(const comparison *c, int round, double threshold, int *all_beyond,
                         step_verdict *v);

#endif
