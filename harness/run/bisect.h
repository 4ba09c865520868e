/* The search behind `hakbench bisect`: the first first-parent commit between a good and a bad
 * revision at which a workload got slower (or crashed). Each step builds REV@VARIANT (builder.h,
 * cached), measures it interleaved against the good commit in a session of kind 'bisect'
 * (session.h) and decides with compare's verdict (compare.h); a commit that does not build is
 * skipped, as `git bisect skip` does. The culprit is confirmed against its parent. Every step
 * goes into bisect_steps under one session of kind 'bisect' that stands for the whole search;
 * each step's measuring sessions carry "bisect <uuid> step K round R" in their note. */
#ifndef HAKBENCH_BISECT_H
#define HAKBENCH_BISECT_H

#include <sqlite3.h>
#include <stdint.h>

#define BISECT_DEFAULT_THRESHOLD 0.05
/* A step still inconclusive at the threshold after the session's extra runs is measured again
 * in a fresh session, up to BISECT_ROUNDS sessions, and is bad only when every one showed a
 * median change beyond the threshold with a rank-test p below BISECT_ALPHA. */
#define BISECT_ROUNDS 2
#define BISECT_ALPHA 0.05

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

typedef enum { STEP_GOOD, STEP_BAD, STEP_SKIP } step_verdict;

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

typedef struct {
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

const char *step_verdict_name(step_verdict v);

/* Bisects in the repository of the current directory (callers chdir to its top level).
 * Returns 0 when the search ended (found, or narrowed down to candidates around skipped
 * commits), -1 when it could not run (bad revisions, the good one does not build, database
 * error); the reason is printed. */
int bisect_run(sqlite3 *db, const bisect_opts *o, bisect_result *r);
void bisect_result_free(bisect_result *r);

#endif
