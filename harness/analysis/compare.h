/* The comparison of two variants in a session, per workload: medians, ratio, bootstrap CI,
 * rank-test p, outliers, and the three-valued verdict against the noise band delta. Runs of one
 * interleaved block are paired: the change and its interval are those of the median per-block
 * ratio, and p is Wilcoxon's on the pairs (log values).
 *   regression / improvement: CI entirely outside [-delta, +delta] and p < 0.05
 *   equivalent: CI entirely inside [-delta, +delta]
 *   inconclusive: otherwise;  failed: any measured run of A or B did not end 'ok'
 * "Higher is better" (ops/s); with the instruction metric lower is better, and the sign of
 * change is arranged so that regression always means "B is worse". */
#ifndef HAKBENCH_COMPARE_H
#define HAKBENCH_COMPARE_H

#include <stdint.h>

#include "store/runs.h"
#include "store/store.h"

typedef enum {
    VERDICT_EQUIVALENT,
    VERDICT_IMPROVEMENT,
    VERDICT_REGRESSION,
    VERDICT_INCONCLUSIVE,
    VERDICT_FAILED
} verdict_t;

const char *verdict_name(verdict_t v);

typedef struct {
    char workload[64];
    int n_a, n_b;              /* ok measured runs */
    int failed_a, failed_b;    /* measured runs that did not end ok */
    int pairs;                 /* blocks with an ok run of both */
    double median_a, median_b; /* ops/s (or instructions) */
    double change;             /* with pairs: median of the per-block ratios B/A - 1; without:
                                * median_b / median_a - 1. Sign: + is better for B */
    double ratio_of_medians;   /* median_b / median_a - 1 (same sign convention) */
    double ci_lo, ci_hi;       /* 95% bootstrap CI of change */
    double p;                  /* Wilcoxon on pairs when >= 6 pairs, else Mann-Whitney */
    int outliers_a, outliers_b;
    double delta;              /* noise band used */
    double rss_a_kb, rss_b_kb; /* median peak RSS */
    verdict_t verdict;
} comparison;

/* The verdict of c against its own delta (c->delta): lets calibrate judge trials with the band
 * it has just measured. compare_session sets c->verdict with it. */
verdict_t compare_decide(const comparison *c);

/* Noise band for a workload on this machine: the latest calibration, at least default_delta. */
double compare_delta(store *s, int64_t machine_id, const char *workload, double default_delta);

/* The comparison of the measured runs rows[0..n) (as store_load_samples gives them) against the
 * band delta, bootstrap seeded with seed: the statistics alone, no database. c->workload is left
 * as it is. 0, or -1 out of memory. */
int compare_rows(const store_sample *rows, int n, int instructions, double delta, uint64_t seed,
                 comparison *c);

/* One workload: A's runs from session_a, B's from session_b (either may have none: n_a or n_b is
 * then 0). Each workload draws its own bootstrap stream from seed. 0, or -1 on an error. */
int compare_workload(store *s, int64_t session_a, const char *a, int64_t session_b, const char *b,
                     const char *workload, int instructions, double delta, uint64_t seed,
                     comparison *c);

/* Compares variant specs a and b in a session for every workload they share (or only
 * `workload` when non-NULL). *out is malloc'ed; returns the count, -1 on error.
 * Whether the runs come from one machine is the caller's check (compare refuses otherwise
 * unless --force). */
int compare_session(store *s, int64_t session_id, const char *a, const char *b,
                    const char *workload, double default_delta, uint64_t seed, comparison **out);
/* The same with A's runs from session_a and B's from session_b (A and B may then be the same
 * spec: last week's `default` against today's). Runs of two sessions were not interleaved, so
 * nothing pairs: the interval resamples each side on its own and p is Mann-Whitney's. delta
 * follows session_b's machine. Refuses sessions of different metrics. */
int compare_sessions(store *s, int64_t session_a, int64_t session_b, const char *a, const char *b,
                     const char *workload, double default_delta, uint64_t seed, comparison **out);

#endif
