/* Resident memory of this process, read from /proc/self: what the fragmentation workload
 * reports against its live bytes. Calls only libc. */
#ifndef WL_RSS_H
#define WL_RSS_H

#include "wl_compat.h"

#include <stdint.h>

WL_BEGIN_DECLS

/* Current resident set size in KiB (/proc/self/statm). */
uint64_t wl_rss_kb(void);
/* Peak resident set size so far in KiB (VmHWM in /proc/self/status). */
uint64_t wl_rss_peak_kb(void);

WL_END_DECLS

#endif
