/* Calibrations: the noise band delta that `hakbench calibrate` measured per workload and
 * machine, which later comparisons on that machine take as their band. */
#ifndef HAKBENCH_STORE_CALIBRATIONS_H
#define HAKBENCH_STORE_CALIBRATIONS_H

#include <stdint.h>

#include "store/store.h"

typedef struct {
    int64_t machine_id;
    const char *workload;
    double delta, false_positive_rate, power;
    int trials;
} store_calibration;

/* Stores a calibration made now. 0 or -1. */
int store_calibration_insert(store *s, const store_calibration *c);
/* The latest delta calibrated for workload on the machine: 1 with *delta set, 0 when none. */
int store_calibration_delta(store *s, int64_t machine_id, const char *workload, double *delta);

#endif
