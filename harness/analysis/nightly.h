/* What the nightly report shows, gathered from the database: today's nightly session against
 * the previous one on the same machine (same fingerprint, same quick mode), variant by variant
 * and workload by workload with compare's verdict rule, and the history of every variant and
 * workload over the nightly sessions with its change points (changepoint.h). Reads SQL only;
 * report_nightly.c writes it, cmd_nightly.c runs the session and the bisects. */
#ifndef HAKBENCH_NIGHTLY_H
#define HAKBENCH_NIGHTLY_H

#include <limits.h>
#include <stddef.h>
#include <sqlite3.h>
#include <stdint.h>

#include "analysis/compare.h"

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
    char (*date)[40];     /* started_at */
    char (*revision)[41]; /* the variant's build revision ('' for peers) */
    double *median;       /* median ops/s of the session */
    int *cp;              /* change points: indexes into the arrays above */
    int ncp;
} nightly_history;

typedef struct {
    char variant[160], workload[64];
    int status; /* bisect_run's: 0 ran, -1 could not */
    int found, confirmed;
    char culprit[41];
    char report[PATH_MAX + 64];
} nightly_bisect;

typedef struct {
    int64_t today, previous; /* previous = 0 when there is none */
    char today_date[40], previous_date[40];
    char today_rev[41], previous_rev[41]; /* revision of the default variant */
    int today_dirty;
    int64_t machine_id;
    char fingerprint[80], cpu_model[160], kernel[160], hostname[160];
    int cores, quick;
    uint64_t seed;
    nightly_delta *deltas;
    int ndeltas;
    nightly_history *hist;
    int nhist;
    nightly_bisect *bisects;
    int nbisects;
} nightly_data;

/* Loads everything for nightly session `today`. Returns 0, or -1 with a reason in err. */
/* Statistics and change points are seeded with the session's own seed, so the same session
 * always gives the same report. */
int nightly_load(sqlite3 *db, int64_t today, nightly_data *d, char *err, size_t errlen);
void nightly_free(nightly_data *d);

/* 1 when the delta is a regression (or a failure) that the previous nightly did not have. */
int nightly_is_new_regression(const nightly_delta *x);

/* Writes <path> and its plots beside it (report_nightly.c). db_path as the user typed it.
 * Returns 0, or -1 with a reason in err. */
int nightly_write_report(const nightly_data *d, const char *path, const char *db_path, char *err,
                         size_t errlen);

#endif
