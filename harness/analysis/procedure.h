/* procedure: the one decision procedure every verdict of hakbench comes from (run, run_ab.sh,
 * bisect, nightly, calibrate). Written down for people in docs/statistics.md; this header is
 * its implementation's contract. Pure functions, no I/O; calls rank_shift.
 *
 * A comparison of B against A measures interleaved blocks (each block runs A and B once, in a
 * random order) and looks at the data after every runs_per_look blocks, at most `looks` times.
 * Each look tests at alpha / looks: a Bonferroni split of the error budget over the looks
 * (linear alpha spending), so optional stopping cannot push the false-positive rate above alpha
 * however the looks correlate (conservative; calibrate measures what it really is). Why not
 * O'Brien-Fleming spending, which keeps more for the last look: its first look tests at 0.0007
 * (K = 3), which no exact rank test of fewer than 12 pairs can reach (the smallest two-sided p
 * of n pairs is 2 / 2^n), so a clear change could never stop early at a useful look size.
 * Within a look, the workloads still undecided form one family, controlled with Holm's
 * step-down method (at least `family` members: calibrate judges one workload as one of the
 * suite it stands for); each workload's interval is taken at the level Holm assigned it, so its
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

#include "analysis/rank_shift.h"

/* Bumped whenever anything above changes: calibrations are kept per version, and a comparison
 * uses only a calibration of its own procedure. */
#define PROCEDURE_VERSION 1

typedef struct {
    int looks;         /* K >= 1 */
    int runs_per_look; /* blocks added per look (the first look has this many) */
    double alpha;      /* two-sided false-positive budget of one comparison, e.g. 0.05 */
    double delta;      /* smallest change that matters, relative (0.02 = 2%) */
    int family;        /* Holm families have at least this many members (absent ones never
                        * reject); 1 = just the workloads compared */
} procedure;

/* The defaults every command starts from (docs/statistics.md says how they were chosen). */
#define PROCEDURE_DEFAULT_LOOKS 3
#define PROCEDURE_DEFAULT_RUNS_PER_LOOK 10
#define PROCEDURE_DEFAULT_ALPHA 0.05
#define PROCEDURE_DEFAULT_DELTA 0.02
procedure procedure_default(void);

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

/* Holm's step-down levels for m p-values at family level alpha, in a family of at least
 * `family` members (the absent ones have p = 1): level[i] is the level at which workload i is
 * judged. Ranked by p, the j-th smallest of M = max(m, family) gets alpha / (M - j + 1) while
 * every smaller one was rejected; from the first non-rejection on, all get that rank's level
 * (none of them is rejected at it, so their intervals all contain 0, as their p say). */
void procedure_holm_levels(const double *p, size_t m, size_t family, double alpha, double *level);

/* The verdict of a shift measured in log space (+ better for B) against delta (relative). */
verdict_t procedure_verdict(const rank_shift *s, double delta, int failed);

#endif
