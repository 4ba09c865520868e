/* What the nightly report shows: today's nightly session against the previous one on the same
 * machine (same fingerprint, same quick mode), variant by variant and workload by workload with
 * compare's statistics and verdict rule (runs of two sessions do not pair: an unpaired interval
 * and Mann-Whitney), and the history of every variant and workload over the nightly sessions
 * with its change points (changepoint.h). Reads through the store; report/nightly_markdown.c
 * writes it, commands/nightly.c runs the session and the bisects. */
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
    int has_previous; /* 0: the variant/workload has no runs in the previous nightly */
    comparison cmp;
} nightly_delta;

typedef struct {
    char variant[160];
    char workload[64];
    int n; /* nightly sessions with ok runs, oldest first */
    int64_t *session;
    char (*date)[40];              /* started_at */
    char (*revision)[41];          /* the variant's build revision ('' for peers) */
    double *median;                /* median ops/s of the session */
    changepoint_segment *segments; /* between the change points: ncp + 1 of them */
    int ncp;
} nightly_history;

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
    nightly_bisect *bisects;
    int nbisects;
} nightly_data;

/* Loads everything for nightly session `today`. Statistics and change points are seeded with
 * the session's own seed, so the same session always gives the same report. Returns 0, or -1
 * with a reason in err. */
int nightly_load(store *s, int64_t today, nightly_data *d, char *err, size_t errlen);
void nightly_free(nightly_data *d);

/* 1 when the delta is a regression (or a failure) that the previous nightly did not have. */
int nightly_is_new_regression(const nightly_delta *x);

#endif
