/* stats.h: counter totals and their output. Owns the global counters (exited threads' totals
 * and the slow paths' ones), the HAKMEM_STATS / HAKMEM_STATS_FILE / HAKMEM_TINY_FAST_STATS
 * settings, the registry of live threads' counters, the exit-time dump and the best-effort
 * dump on fatal signals. Calls os.h (the OS layer's own counters); the layers call into it. */
#ifndef HAKMEM_STATS_H
#define HAKMEM_STATS_H

#include "internal.h"

/* Init time: reads the environment and, when a dump is wanted, installs the fatal-signal
 * handlers. */
void hak_stats_init(void);
/* The calling thread's counters (hak_tls_counters) are summed from its first allocation on;
 * at its exit they are added to the totals. */
void hak_stats_thread_attach(void);
void hak_stats_thread_exit(void);
/* fork(): the registry lock. */
void hak_stats_fork_prepare(void);
void hak_stats_fork_release(void);

#endif
