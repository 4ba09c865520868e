/* The report of one session (hakbench report, run_ab.sh). report_data.c gathers everything the
 * report shows from SQLite (plus commit subjects from git) into a report_data, calling
 * compare_session for the A/B statistics; report_markdown.c writes the layout and the evidence
 * tables, report_advice.c the judgment (TL;DR, ranked next steps, reproduce commands), both
 * through markdown.h and plot.h. The same session always gives the same report: nothing here
 * reads the clock, and every list is in a fixed order. */
#ifndef HAKBENCH_REPORT_H
#define HAKBENCH_REPORT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/compare.h"

#define REPORT_DEFAULT_DELTA 0.02

typedef struct {
    char spec[160];
    char name[64]; /* variant name from the build ('' when the build is unknown) */
    char kind[8];  /* hakmem | peer | '' */
    char revision[41];
    int dirty;
    char flags[512];
    char library_hash[65];
    char build_status[16]; /* ok | build-failed | '' */
    char log_tail[2048];
    char subject[256]; /* commit subject from git, '' when git does not know the revision */
} report_variant;

/* The measured runs of one variant on one workload. */
typedef struct {
    int n_measure, n_ok;
    double *ops;           /* ops/s of the ok measured runs, in execution order */
    double median, lo, hi; /* median and its distribution-free 95% interval (min-max below 6) */
    double rss_median_kb, rss_max_kb; /* peak RSS over the measured runs (NAN when none) */
    double after_free_kb; /* median rss_after_free_kb reported by the workload, NAN if none */
    char args[1024];      /* command line of a measured run */
    int rss_seq;          /* the run whose RSS timeline is kept (highest peak), -1 if none */
    int rss_n;
    int *rss_t_ms;
    long *rss_kb;
} report_cell;

/* A counter (allocator counter or perf stat event) of A against B on one workload. */
typedef struct {
    char name[64];
    double a, b; /* per operation when per_op, else the raw value */
    int per_op;
    double score; /* |log(b/a)|, HUGE_VAL when one side is zero */
} report_counter;

/* Failed runs of one variant on one workload with one outcome, and one example of them. */
typedef struct {
    char variant[160];
    char workload[64];
    char status[16];
    int count, of;         /* count failed out of `of` runs of that variant and workload */
    int seq;               /* the example run */
    int signal, exit_code; /* -1 when not recorded */
    double peak_rss_kb;
    char stderr_tail[2048];
    char args[1024];
    int rss_n; /* RSS growth of the example run */
    /* First non-zero sample, and the highest one with its time: the last samples of a killed
     * run read 0 (the process is gone), so the peak is where the growth ended. */
    double rss_first_kb, rss_peak_kb, rss_first_s, rss_peak_s;
} report_failure;

typedef struct {
    int64_t session_id;
    char uuid[64], kind[16], started_at[40], finished_at[40], metric[16];
    char command[2048], note[512];
    uint64_t seed;
    int quick;
    char fingerprint[80], cpu_model[160], kernel[160], governor[40], thp[40], glibc[40];
    char compiler[160], hostname[160];
    int cores;

    report_variant *variants;
    int nvariants;
    int a, b; /* indexes of A and B in variants */
    char **workloads;
    int nworkloads;
    report_cell *cells; /* cells[w * nvariants + v] */
    comparison *cmp;    /* cmp[w]; a workload missing from compare_session has n_a=n_b=0 */
    int *has_cmp;
    report_counter **counters; /* per workload, sorted by score (allocator counters) */
    int *ncounters;
    report_counter **perf; /* per workload, perf stat events */
    int *nperf;
    report_failure *failures;
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
int report_load(sqlite3 *db, int64_t session_id, const char *a, const char *b, report_data *r,
                char *err, size_t errlen);
void report_free(report_data *r);

/* The session's verdict for B against A: failed (a run of A or B failed, or a build) before
 * regression before inconclusive before improvement before equivalent. */
report_verdict report_overall(const report_data *r);
const char *report_verdict_title(report_verdict v);

typedef struct {
    const char *out_path; /* the markdown file; plots go beside it */
    const char *db_path;  /* as typed, for the reproduce commands */
    int peers;            /* 1: the peer table even if the session has no more than A and B */
} report_options;

/* Writes the report and its plots. Returns 0, or -1 with a reason in err (unwritable path). */
int report_write_markdown(const report_data *r, const report_options *o, char *err, size_t errlen);

#endif
