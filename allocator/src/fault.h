/* fault.h: fault injection for testing the harness (all off by default): FAULT_DELAY_NS
 * busy-waits in every FAULT_DELAY_EVERY-th malloc of a thread, FAULT_CRASH_AFTER raises SIGSEGV
 * at the N-th allocation (FAULT_LEAK is applied in alloc.c's free). Owns the calibrated spin
 * count, the per-thread delay counter and the allocation counter. Calls only libc
 * (clock_gettime, raise). */
#ifndef HAKMEM_FAULT_H
#define HAKMEM_FAULT_H

#include "internal.h"

/* Spin iterations that take FAULT_DELAY_NS, set by hak_fault_init (init time, only when
 * FAULT_DELAY_NS > 0) from a timed run of the same loop. */
extern uint64_t hak_fault_spins;
#if FAULT_DELAY_NS > 0 && FAULT_DELAY_EVERY > 1
/* Mallocs of this thread since its last delay (initial-exec TLS, as all the allocator's). */
extern __thread uint32_t hak_fault_tick;
#endif
void hak_fault_init(void);
void hak_fault_count_alloc(void);

/* The loop is inline so that a delay of 1 ns costs about 1 ns, not a call; the counter goes
 * through a register each iteration so the compiler cannot remove or unroll it away. */
HAK_INLINE void hak_spin(uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        __asm__ __volatile__("" : "+r"(i));
}

/* FAULT_DELAY_EVERY = N > 1 spreads the delay: a spin of FAULT_DELAY_NS on every N-th malloc
 * of a thread, so the average cost per malloc (FAULT_DELAY_NS / N) can be set finer than 1 ns
 * with a spin long enough to be timed well. Nothing at all is compiled when FAULT_DELAY_NS=0. */
HAK_INLINE void hak_fault_on_malloc(void)
{
#if FAULT_DELAY_NS > 0 && FAULT_DELAY_EVERY > 1
    if (HAK_UNLIKELY(++hak_fault_tick >= (uint32_t)FAULT_DELAY_EVERY)) {
        hak_fault_tick = 0;
        hak_spin(hak_fault_spins);
    }
#elif FAULT_DELAY_NS > 0
    hak_spin(hak_fault_spins);
#endif
#if FAULT_CRASH_AFTER > 0
    hak_fault_count_alloc();
#endif
}

#endif
