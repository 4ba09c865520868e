/* procedure: the one decision procedure every verdict of hakbench comes from (run, run_ab.sh,
 * bisect, nightly, calibrate). Written down for people in docs/statistics.md; this header is
 * its implementation's contract. Pure functions, no I/O; calls rank_shift.
 *
 * A comparison of B against A measures interleaved blocks (each block runs A and B once, in a
 * random order) and looks at the data after every runs_per_look blocks, at most `looks` times.
 * At look k (1..K) the error budget spent so far follows O'Brien-Fleming-type spending,
 *   alpha*(t) = 2 - 2 Phi(z_{1-alpha/2} / sqrt(t)),  t = k / K,
 * and look k tests at the increment alpha*(t_k) - alpha*(t_{k-1}): a Bonferroni split over the
 * looks, so optional stopping cannot push the false-positive rate above alpha however the
 * looks correlate (conservative; calibrate measures what it really is). Early looks spend
 * almost nothing, so a clear change stops early while a borderline one keeps most of alpha
 * for the last look.
 * Within a look, the workloads still undecided form one family, controlled with Holm's
 * step-down method; each workload's interval is taken at the level Holm assigned it, so its
 * interval and its p always tell the same story.
 *
 * Per metric, the estimate is the Hodges-Lehmann shift of the log-ratios (paired blocks) or of
 * the log values (unpaired), with the exact rank interval at the assigned level; with D =
 * log(1 + delta) and the sign arranged so that + is better for B:
 *   failed               a measured run of A or B did not end ok
 *   regression/improvement  the interval excludes 0 and |estimate| >= D
 *   equivalent           the interval lies inside (-D, D) and contains 0
 *   changed-below-delta  the interval lies inside (-D, D) and excludes 0
 *   inconclusive         anything else (more runs would tell)
 * A workload stops at the first look whose throughput verdict is not inconclusive. */
#ifndef HAKBENCH_PROCEDURE_H
#define HAKBENCH_PROCEDURE_H

#include <stddef.h>

#include "rank_shift.h"

/* Bumped whenever anything above changes: calibrations are kept per version, and a comparison
 * uses only a calibration of its own procedure. */
#define PROCEDURE_VERSION 1

typedef struct {
    int looks;         /* K >= 1 */
    int runs_per_look; /* blocks added per look (the first look has this many) */
    double alpha;      /* two-sided false-positive budget of one comparison, e.g. 0.05 */
    double delta;      /* smallest change that matters, relative (0.02 = 2%) */
} procedure;

typedef enum {
    VERDICT_EQUIVALENT,
    VERDICT_IMPROVEMENT,
    VERDICT_REGRESSION,
    VERDICT_CHANGED_BELOW_DELTA,
    VERDICT_INCONCLUSIVE,
    VERDICT_FAILED
} verdict_t;

/* "regression", "changed-below-delta", ... (stable names: stored, exported, parsed back). */
const char *verdict_name(verdict_t v);
/* The inverse of verdict_name; -1 for an unknown name. */
int verdict_parse(const char *name);
/* Regression or improvement: what the procedure calls a change that matters. */
int verdict_is_change(verdict_t v);

/* The nominal two-sided level of look k (1..looks). */
double procedure_look_alpha(const procedure *p, int look);
/* Blocks measured by the end of look k. */
int procedure_blocks_at(const procedure *p, int look);

/* Holm's step-down levels for m p-values at family level alpha: level[i] is the level at which
 * workload i is judged. Ranked by p, the j-th smallest gets alpha / (m - j + 1) while every
 * smaller one was rejected; from the first non-rejection on, all get that rank's level (none
 * of them is rejected at it, so their intervals all contain 0, as their p say). */
void procedure_holm_levels(const double *p, size_t m, double alpha, double *level);

/* The verdict of a shift measured in log space (+ better for B) against delta (relative). */
verdict_t procedure_verdict(const rank_shift *s, double delta, int failed);

#endif
