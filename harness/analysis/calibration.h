/* The figures of `hakbench calibrate` from its trials: N A/A comparisons (the default build
 * against itself) and N comparisons of default against slow5 (about 5% slower).
 *   delta: the noise band, the DELTA_QUANTILE of how far the A/A intervals miss 0 (what the
 *          interval does not account for: drift between sessions, a systematic A/A offset), at
 *          least the default band. Sampling noise within a session is the interval's business;
 *          adding the raw A/A |change| would count it twice and cost power for nothing.
 *   false positive rate: A/A trials called a regression or improvement, each judged with the
 *          band of the other trials (leave-one-out: a band fitted to the very trial it judges
 *          would flatter the rate).
 *   power: slow5 trials called a regression with the band. */
#ifndef HAKBENCH_CALIBRATION_H
#define HAKBENCH_CALIBRATION_H

#include <stdint.h>

#include "analysis/compare.h"

#define CALIBRATION_DELTA_QUANTILE 0.95

typedef struct {
    comparison cmp;
    double seconds; /* the whole session, build to comparison */
    int64_t session;
} calibration_trial;

typedef struct {
    double delta;
    double aa_change_p95;          /* the DELTA_QUANTILE of the A/A |change|: spread of estimates */
    double aa_ci_halfwidth_median; /* changes much smaller than this cannot be resolved */
    double false_positive_rate, power;
    double slow_change_median; /* the slowdown slow5 really caused: power is for that size */
    double seconds_median, seconds_max;
} calibration_figures;

/* The figures of n A/A trials and n slow trials; default_delta is the least band. Sets each
 * trial's cmp.delta to the band it was judged with. 0, or -1 out of memory. */
int calibration_compute(calibration_trial *aa, calibration_trial *slow, int n, double default_delta,
                        calibration_figures *out);

#endif
