/* fault.c: the injected delay and crash (see fault.h). */
#include "fault.h"
#include <signal.h>
#include <time.h>

/* Spin iterations per 1024 ns, measured once at init so that small delays (8 ns) still mean
 * something: the loop is timed over ~2 ms of iterations. */
static uint64_t spins_per_1024ns = 1024;

/* One loop for calibration and delay alike (noinline, the counter forced through a register
 * each iteration) so the compiler cannot unroll one differently from the other. */
static HAK_NOINLINE void spin(uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        __asm__ __volatile__("" : "+r"(i));
}

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
        spin(n);
        uint64_t dt = now_ns() - t0;
        if (dt < best) best = dt;
    }
    spins_per_1024ns = best ? (n * 1024u) / best : n;
    if (!spins_per_1024ns) spins_per_1024ns = 1;
}
#else
void hak_fault_init(void) {}
#endif

void hak_fault_delay(void)
{
    spin(((uint64_t)FAULT_DELAY_NS * spins_per_1024ns + 512u) >> 10);
}

static _Atomic uint64_t fault_allocs;

void hak_fault_count_alloc(void)
{
    if (atomic_fetch_add_explicit(&fault_allocs, 1, memory_order_relaxed) + 1 ==
        (uint64_t)FAULT_CRASH_AFTER)
        raise(SIGSEGV);
}
