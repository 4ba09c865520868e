/* Machines: one row per fingerprint (what can change a benchmark's numbers). run/machine.c
 * probes the fields; the store keeps them and hands out the row's id. */
#ifndef HAKBENCH_STORE_MACHINES_H
#define HAKBENCH_STORE_MACHINES_H

#include <stdint.h>

#include "store/store.h"

typedef struct {
    char cpu_model[128];
    int cores;
    char kernel[128];
    char governor[32];
    char thp[32];
    char glibc[32];
    char compiler[128];
    char hostname[128];
    char fingerprint[65]; /* sha256 of the fields above except hostname */
} machine_info;

/* The machine's row, inserted on first use (the hostname follows a rename); -1 on an error. */
int64_t store_machine_id(store *s, const machine_info *m);

#endif
