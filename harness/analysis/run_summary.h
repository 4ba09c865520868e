/* What the measured runs of one variant on one workload say, for the tables of a report and the
 * README's performance table: how many ran and ended ok, the median ops/s with its
 * distribution-free interval, the peak RSS, the RSS a workload reports after freeing everything,
 * and which run had the highest peak (its RSS timeline is what a report plots). Fed run by run
 * from the store's rows. */
#ifndef HAKBENCH_RUN_SUMMARY_H
#define HAKBENCH_RUN_SUMMARY_H

#include <stdint.h>

#include "store/runs.h"

typedef struct {
    int n_measure, n_ok;
    double *ops;           /* ops/s of the ok measured runs, in execution order */
    double median, lo, hi; /* median and its distribution-free 95% interval (min-max below 6) */
    double rss_median_kb, rss_min_kb, rss_max_kb; /* peak RSS over the measured runs, failed
                                                     ones included (a leak shows); NAN when
                                                     none */
    double rss_ok_median_kb;                      /* ... over the ok runs only */
    double after_free_kb; /* median rss_after_free_kb reported by the workload, NAN if none */
    char args[1024];      /* command line of a measured run */
    int rss_seq;          /* the run with the highest peak, -1 if none */
    int64_t rss_run_id;
    /* That run's RSS timeline, when the caller loads it (report/session_data.c). */
    int rss_n;
    int *rss_t_ms;
    long *rss_kb;
    /* Accumulated until run_summary_finish. */
    double *rss, *rss_ok, *free_kb;
    int nrss, nrss_ok, nfree;
} run_summary;

/* How the RSS of a run grew before it ended: from the first non-zero sample to the highest one
 * (the last samples of a killed run read 0: the process is gone, so the peak is where the
 * growth ended). n is 0 when every sample read 0. */
typedef struct {
    int n; /* samples */
    double first_kb, peak_kb, first_s, peak_s;
} rss_growth;
void rss_growth_of(const int *t_ms, const long *kb, int n, rss_growth *g);

void run_summary_init(run_summary *s);
/* A measured run of this variant and workload. 0, or -1 out of memory. */
int run_summary_add(run_summary *s, const store_measured_run *r);
/* A rss_after_free_kb figure of one of its ok runs. */
int run_summary_add_after_free(run_summary *s, double kb);
/* Computes the figures from what was added. */
void run_summary_finish(run_summary *s);
void run_summary_free(run_summary *s);

#endif
