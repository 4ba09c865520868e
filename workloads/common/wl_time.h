/* Wall-clock timing (CLOCK_MONOTONIC) and sleeping for fractional seconds. Calls only libc. */
#ifndef WL_TIME_H
#define WL_TIME_H

#include "wl_compat.h"

WL_BEGIN_DECLS

/* Seconds since an arbitrary fixed point; differences measure elapsed time. */
double wl_now(void);
/* Sleeps `seconds` (fractions allowed), resuming after signals until the time is up. */
void wl_sleep(double seconds);

WL_END_DECLS

#endif
