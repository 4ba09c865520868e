/* stats.h: counter totals and their output. Owns the global counters (exited threads' totals
 * and the slow paths' ones), the HAKMEM_STATS / HAKMEM_STATS_FILE / HAKMEM_TINY_FAST_STATS
 * settings, the exit-time dump and the best-effort dump on fatal signals.
 * Calls heap.h (to sum live threads' counters) and os.h (the OS layer's own counters). */
#ifndef HAKMEM_STATS_H
#define HAKMEM_STATS_H

#include "internal.h"

/* Init time: reads the environment and, when a dump is wanted, installs the fatal-signal
 * handlers. */
void hak_stats_init(void);

#endif
