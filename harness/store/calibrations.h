/* Calibrations: what `hakbench calibrate` measured of the decision procedure on one machine and
 * workload — its false-positive rate and power with their intervals, the slowdowns it injected,
 * the A/A noise — and the threshold delta it was measured with, which later comparisons of the
 * same procedure take as theirs. A calibration is keyed by everything that changes what it
 * measured: machine, workload, quick or full arguments, paired or unpaired, procedure version. */
#ifndef HAKBENCH_STORE_CALIBRATIONS_H
#define HAKBENCH_STORE_CALIBRATIONS_H

#include <stdint.h>

#include "store/store.h"

/* A calibration describes one procedure: the same version with the same parameters. */
typedef struct {
    int64_t machine_id;
    const char *workload;
    int quick, paired, procedure_version;
    int looks, runs_per_look, holm_family;
    double alpha;
} store_calibration_key;

typedef struct {
    store_calibration_key key;
    double delta;
    int trials; /* of each kind (A/A, slowed) */
    double false_positive_rate, false_positive_lo, false_positive_hi;
    double power, power_lo, power_hi;
    double injected_change; /* the measured effect of the 5% slowdown, e.g. -0.049 */
    double power_small;     /* the same for the small (2%) slowdown; NAN when not run */
    double injected_small_change;
    double aa_noise_p95; /* 95th percentile of |A/A change| */
    double seconds_per_comparison;
} store_calibration;

/* Stores a calibration made now. 0 or -1. */
int store_calibration_insert(store *s, const store_calibration *c);
/* The latest calibration with this key (out->key.workload points at key->workload): 1 with *out
 * set, 0 when none, -1 on an error. */
int store_calibration_find(store *s, const store_calibration_key *key, store_calibration *out);

#endif
