/* Bisect steps: one row per commit a bisect tested (step 0: the endpoints; -1: the confirmation),
 * under the session that stands for the whole search. */
#ifndef HAKBENCH_STORE_BISECT_STEPS_H
#define HAKBENCH_STORE_BISECT_STEPS_H

#include <stdint.h>

#include "store/store.h"

typedef struct {
    int64_t session_id;
    int step;
    const char *revision;
    const char *verdict; /* good | bad | skip */
    const char *detail;  /* compare's verdict, build-failed, or same-library */
    double change;       /* NAN when not measured */
    double ci_lo, ci_hi; /* its interval (NAN when not measured) */
    int runs;
} store_bisect_step;

/* 0 or -1. */
int store_bisect_step_insert(store *s, const store_bisect_step *b);

#endif
