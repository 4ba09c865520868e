/* What the nightly report shows, and what the nightly's exit status judges.
 * - Night over night, paired: tonight's session runs the previous nightly's revision of the
 *   committed build (REV@default) as its A and tonight's `default` as its B, interleaved, so
 *   their comparison is the decision procedure's paired one (analysis/compare.h), not a
 *   comparison of two sessions' medians.
 * - Every other variant and workload against the previous nightly's session: unpaired (two
 *   sessions do not interleave), marked as such, for information.
 * - The history of every variant and workload: one value per night (the median of its runs),
 *   change points (changepoint.h) kept only where the step between segment medians is at least
 *   delta, each *confirmed*; a last night that departs from the last segment by delta or more
 *   is a *suspected* step (the change points need min_size nights on each side to see it).
 * - Failures: a peer whose runs all fail the same way is that peer's own problem (Debian's
 *   mimalloc returns 128-aligned blocks for aligned_alloc(256, n), every night), shown but
 *   never an alarm. The exit status judges hakmem's own variants only.
 * Reads through the store; report/nightly_markdown.c writes it, commands/nightly.c runs the
 * session and the bisects. */
#ifndef HAKBENCH_NIGHTLY_H
#define HAKBENCH_NIGHTLY_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/changepoint.h"
#include "analysis/compare.h"
#include "store/sessions.h"
#include "store/store.h"

#define NIGHTLY_DEFAULT_DELTA 0.02
/* The variant whose history is plotted per workload: the hakmem build as committed. */
#define NIGHTLY_PLOT_VARIANT "default"

/* Today (B) against the previous nightly (A) for one variant and workload. */
typedef struct {
    char variant[160];
    char workload[64];
    int hakmem;       /* one of hakmem's own variants (not a peer) */
    int has_previous; /* 0: the variant/workload has no runs in the previous nightly */
    int paired;       /* the night-over-night comparison within tonight's session */
    comparison cmp;
} nightly_delta;

typedef enum { STEP_SUSPECTED, STEP_CONFIRMED } nightly_step_state;

/* A step in a history: from segment medians before -> after at night `at`. */
typedef struct {
    int at;
    double before, after;
    nightly_step_state state;
    int new_tonight; /* suspected tonight, or confirmed tonight for the first time */
} nightly_step;

typedef struct {
    char variant[160];
    char workload[64];
    int hakmem;
    int n; /* nightly sessions with ok runs, oldest first */
    int64_t *session;
    char (*date)[40];              /* started_at */
    char (*revision)[41];          /* the variant's build revision ('' for peers) */
    double *median;                /* median ops/s of the session */
    changepoint_segment *segments; /* between the change points: ncp + 1 of them */
    int ncp;
    nightly_step *steps; /* the change points of at least delta, then a suspected last night */
    int nsteps;
} nightly_history;

/* Failed runs of a variant on a workload tonight. */
typedef struct {
    char variant[160], workload[64], status[16];
    int count, of;
    int hakmem;
    int own_problem; /* a peer whose every run failed the same way */
} nightly_failure;

/* A bisect of a new regression (commands/nightly.c runs them; the report links them). */
typedef struct {
    char variant[160], workload[64];
    int status; /* bisect_run's: 0 ran, -1 could not */
    int found, confirmed;
    char culprit[41];
    char report[PATH_MAX + 64];
} nightly_bisect;

typedef struct {
    store_session today;
    int64_t previous; /* 0 when there is none */
    char previous_date[40];
    char today_rev[41], previous_rev[41]; /* revision of the default variant */
    int today_dirty;
    nightly_delta *deltas;
    int ndeltas;
    nightly_history *hist;
    int nhist;
    nightly_failure *failures;
    int nfailures;
    char paired_spec[160]; /* tonight's REV@default of the previous revision, "" when none */
    nightly_bisect *bisects;
    int nbisects;
} nightly_data;

/* Loads everything for nightly session `today`. Statistics and change points are seeded with
 * the session's own seed, so the same session always gives the same report. Returns 0, or -1
 * with a reason in err. */
int nightly_load(store *s, int64_t today, nightly_data *d, char *err, size_t errlen);
void nightly_free(nightly_data *d);

/* The nightly's session variants: the previous nightly's revision of the default build first
 * (when there is one, as REV@default into first), then the suite. */
int nightly_previous_revision(store *s, int64_t machine_id, int quick, char rev[41]);

/* 1 when the delta is an alarm: the paired night-over-night comparison of the committed build
 * says regression or memory regression, or tonight's runs of a hakmem variant failed. */
int nightly_is_alarm(const nightly_delta *x);
/* Alarms of the whole night: deltas, failures of hakmem variants, and steps down of hakmem
 * variants' histories confirmed or suspected tonight (the paired variant's suspected step is
 * its paired verdict, not counted twice). */
int nightly_count_alarms(const nightly_data *d);

#endif
