/* fault.h: fault injection for testing the harness (all off by default): FAULT_DELAY_NS
 * busy-waits in every malloc, FAULT_CRASH_AFTER raises SIGSEGV at the N-th allocation
 * (FAULT_LEAK is applied in alloc.c's free). Owns the calibrated spin count and the
 * allocation counter. Calls only libc (clock_gettime, raise). */
#ifndef HAKMEM_FAULT_H
#define HAKMEM_FAULT_H

#include "internal.h"

/* Calibrates the delay loop (init time, only when FAULT_DELAY_NS > 0). */
void hak_fault_init(void);
void hak_fault_delay(void);
void hak_fault_count_alloc(void);

HAK_INLINE void hak_fault_on_malloc(void)
{
#if FAULT_DELAY_NS > 0
    hak_fault_delay();
#endif
#if FAULT_CRASH_AFTER > 0
    hak_fault_count_alloc();
#endif
}

#endif
