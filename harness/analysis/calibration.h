/* The figures of `hakbench calibrate` from its trials, each one comparison made exactly as the
 * procedure under test makes it (analysis/procedure.h):
 *   A/A trials  the default build against itself: a regression or improvement verdict is a
 *               false positive;
 *   slow trials the default build against a copy slowed by an injected delay sized to cost
 *               about 5% (and, optionally, 2%) of this workload's time: a regression verdict
 *               is a detection; the change the trials measured is the size power holds for.
 * Rates come with exact Clopper-Pearson 95% intervals: with 30 trials, 0 false positives still
 * only bound the rate below 11.6%.
 * Also the sizing of the injected delay: FAULT_DELAY_NS every FAULT_DELAY_EVERY-th malloc, from
 * the workload's measured time per malloc. */
#ifndef HAKBENCH_CALIBRATION_H
#define HAKBENCH_CALIBRATION_H

#include <stdint.h>

#include "analysis/compare.h"

typedef struct {
    comparison cmp;
    double seconds; /* the whole session, build to comparison */
    int64_t session;
} calibration_trial;

typedef struct {
    int trials;          /* A/A trials */
    int false_positives; /* A/A trials called a change */
    double false_positive_rate, fp_lo, fp_hi;
    int slow_trials, detected;
    double power, power_lo, power_hi;
    double injected_change;           /* median change of the slow trials */
    int small_trials, small_detected; /* 0 small trials: not run */
    double power_small, injected_small_change;
    double aa_noise_p95;                /* 95th percentile of |A/A change| */
    double aa_ci_halfwidth_median;      /* half-width of the A/A intervals, median */
    int aa_equivalent;                  /* A/A trials called equivalent */
    double seconds_median, seconds_max; /* per comparison */
} calibration_figures;

/* The figures of the trials (any count of each kind; small may be NULL with nsmall 0).
 * 0, or -1 out of memory. */
int calibration_compute(const calibration_trial *aa, int naa, const calibration_trial *slow,
                        int nslow, const calibration_trial *small, int nsmall,
                        calibration_figures *out);

/* The exact (Clopper-Pearson) two-sided interval at `level` of a binomial rate of k in n. */
void calibration_clopper_pearson(int k, int n, double level, double *lo, double *hi);

/* The delay that slows a workload by `target` (0.05 = 5%): it makes mallocs_per_op calls per
 * operation at ops_per_sec operations per second of wall time, spread over `parallel` threads
 * that really run at once (threads, at most the cores), so each malloc needs target * parallel
 * / (mallocs_per_op * ops_per_sec) more on average. The spin is made at least min_spin_ns long
 * (shorter ones are not timed reliably) by spinning on every every-th malloc only. -1 when the
 * figures cannot give a delay. */
typedef struct {
    long delay_ns, every;
    double per_malloc_ns; /* what they average to */
} calibration_injection;
int calibration_size_injection(double mallocs_per_op, double ops_per_sec, int parallel,
                               double target, double min_spin_ns, calibration_injection *out);
/* The spin and its frequency that average per_malloc_ns (> 0) with spins of at least
 * min_spin_ns. */
void calibration_injection_at(double per_malloc_ns, double min_spin_ns,
                              calibration_injection *out);

#endif
