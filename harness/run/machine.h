/* The machine fingerprint stored with every session: what can change a benchmark's numbers
 * (CPU model, cores, kernel, governor, transparent huge pages, glibc, compiler). The hostname
 * is recorded but left out of the fingerprint hash, so a renamed host keeps its history and two
 * identical hosts compare. Reads /proc, /sys, uname and `gcc --version`; the row is the store's
 * (store/machines.h). */
#ifndef HAKBENCH_MACHINE_H
#define HAKBENCH_MACHINE_H

#include <stdint.h>

#include "store/machines.h"
#include "store/store.h"

void machine_probe(machine_info *m);
/* This machine's row in the store (probed, inserted on first use); -1 on an error. */
int64_t machine_id(store *s);

#endif
