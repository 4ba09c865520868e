/* The two clocks the harness reads: UTC wall time for the rows it stores and the file names it
 * makes, and a monotonic clock for durations (progress, timeouts). */
#ifndef HAKBENCH_UTIL_CLOCK_H
#define HAKBENCH_UTIL_CLOCK_H

#include <stddef.h>

/* UTC now as ISO-8601, "2026-11-27T06:18:49Z". */
void clock_utc_iso(char *buf, size_t len);
/* UTC now as a compact stamp for file names, "20261127T061849Z". */
void clock_utc_stamp(char *buf, size_t len);
/* Seconds since an arbitrary start, never going back. */
double clock_monotonic_s(void);

#endif
