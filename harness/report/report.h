/* The report of one session (hakbench report, run_ab.sh). session_data.c gathers everything the
 * report shows from the store (plus commit subjects from git) into a report_data, with the
 * statistics of analysis/ (compare_session, run summaries, counter changes);
 * session_markdown.c writes the layout and the evidence tables, session_advice.c the judgment
 * (TL;DR, ranked next steps, reproduce commands), both through markdown.h and plot.h, and both
 * read the data through session_view.c. The same session always gives the same report:
 * nothing here reads the clock, and every list is in a fixed order. */
#ifndef HAKBENCH_REPORT_H
#define HAKBENCH_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/compare.h"
#include "analysis/counters.h"
#include "analysis/profile_diff.h"
#include "analysis/run_summary.h"
#include "store/builds.h"
#include "store/runs.h"
#include "store/sessions.h"
#include "store/store.h"


/* A variant of the session with its build (store/builds.h). */
typedef store_variant report_variant;

/* The measured runs of one variant on one workload, and the RSS timeline of its run with the
 * highest peak (analysis/run_summary.h). */
typedef run_summary report_cell;

/* A counter (allocator counter or perf stat event) of A against B on one workload. */
typedef counter_change report_counter;

/* Failed runs of one variant on one workload with one outcome, and the first of them as the
 * example (store/runs.h). */
typedef store_failure report_failure;

/* A's and B's profiles of one workload side by side (analysis/profile_diff.h): perf samples,
 * and callgrind instructions for single-threaded workloads. */
typedef struct {
    int has_perf, has_callgrind;
    profile_diff perf, callgrind;
    double samples_a, samples_b;     /* perf samples of A's and B's profiling runs */
    char args_a[1024], args_b[1024]; /* perf's command lines */
} report_profile;

typedef struct {
    store_session session; /* with its machine */

    report_variant *variants;
    int nvariants;
    char (*subjects)[256]; /* per variant: its commit subject from git, '' when unknown */
    int a, b;              /* indexes of A and B in variants */
    char (*workloads)[64];
    int nworkloads;
    report_cell *cells; /* cells[w * nvariants + v] */
    comparison *cmp;    /* cmp[w]; a workload missing from compare_session has n_a=n_b=0 */
    int *has_cmp;
    report_counter **counters; /* per workload, sorted by score (allocator counters) */
    int *ncounters;
    report_counter **perf; /* per workload, perf stat events */
    int *nperf;
    report_profile *profiles; /* per workload */
    int nprofiled;            /* workloads with a profile of A and of B */
    report_failure *failures;
    rss_growth *growth; /* per failure: how its example run's RSS grew */
    int nfailures;
    int runs_measure, runs_warmup, runs_counters;
} report_data;

typedef enum {
    REPORT_EQUIVALENT,
    REPORT_IMPROVEMENT,
    REPORT_INCONCLUSIVE,
    REPORT_REGRESSION,
    REPORT_FAILED
} report_verdict;

/* Loads session `session_id`, comparing specs a and b (NULL: the session's first two variants).
 * Returns 0, or -1 with a one-line reason in err (no such session, unknown spec, ...). */
int report_load(store *db, int64_t session_id, const char *a, const char *b, report_data *r,
                char *err, size_t errlen);
/* The part of report_load that needs no A and B: the session, its variants and workloads, the
 * run summaries (cells) and run counts. The perf table is made of it. */
int report_load_runs(store *db, int64_t session_id, report_data *r, char *err, size_t errlen);
void report_free(report_data *r);

/* The session's verdict for B against A: failed (a run of A or B failed, or a build) before
 * regression before improvement before inconclusive before equivalent. */
report_verdict report_overall(const report_data *r);
const char *report_verdict_title(report_verdict v);

typedef struct {
    const char *out_path; /* the markdown file; plots go beside it (NULL: stdout, github only) */
    const char *db_path;  /* as typed, for the reproduce commands */
    int peers;            /* 1: the peer table even if the session has no more than A and B */
    int github;           /* 1: the GitHub summary (report_write_github) */
} report_options;

/* Writes the report and its plots. Returns 0, or -1 with a reason in err (unwritable path). */
int report_write_markdown(const report_data *r, const report_options *o, char *err, size_t errlen);

/* The largest summary GitHub shows: a pull-request comment holds 65,536 characters, a job
 * summary 1 MiB; this leaves room for what a CI step adds around it. */
#define REPORT_GITHUB_MAX 60000
/* A short GitHub-flavoured summary for a pull-request comment or a CI job summary
 * ($GITHUB_STEP_SUMMARY): the finding in the heading, the TL;DR, a compact results table, and
 * the details (where the time goes, next steps, the environment) collapsed in <details>, each
 * left out whole when it would pass REPORT_GITHUB_MAX. No files beside it. To o->out_path, or
 * stdout when NULL. 0, or -1 with a reason in err. */
int report_write_github(const report_data *r, const report_options *o, char *err, size_t errlen);

#endif
