/* fault.c: the injected delay and crash (see fault.h). */
#include "fault.h"
#include <signal.h>
#include <time.h>

uint64_t hak_fault_spins = FAULT_DELAY_NS;
#if FAULT_DELAY_NS > 0 && FAULT_DELAY_EVERY > 1
__thread uint32_t hak_fault_tick;
#endif

#if FAULT_DELAY_NS > 0
static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void hak_fault_init(void)
{
    const uint64_t n = 1u << 20;
    uint64_t best = UINT64_MAX;
    for (int round = 0; round < 3; round++) {
        uint64_t t0 = now_ns();
        hak_spin(n);
        uint64_t dt = now_ns() - t0;
        if (dt < best) best = dt;
    }
    uint64_t spins_per_1024ns = best ? (n * 1024u) / best : n;
    hak_fault_spins = ((uint64_t)FAULT_DELAY_NS * spins_per_1024ns + 512u) >> 10;
}
#else
void hak_fault_init(void) {}
#endif

static _Atomic uint64_t fault_allocs;

void hak_fault_count_alloc(void)
{
    if (atomic_fetch_add_explicit(&fault_allocs, 1, memory_order_relaxed) + 1 ==
        (uint64_t)FAULT_CRASH_AFTER)
        raise(SIGSEGV);
}
