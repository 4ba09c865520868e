/* The CPU probe (see cpu_probe.h). */
#include "run/cpu_probe.h"

#include <sched.h>
#include <stdint.h>
#include <stdio.h>

#include "analysis/stats.h"
#include "util/clock.h"

#define PROBE_ROUNDS 5
#define PROBE_STEPS 2000000 /* about 3 ms a round on the VM */
#define PROBE_MARGIN 0.05

/* A dependent multiply-add chain and a free list pushed and popped through memory, as an
 * allocator's fast path does: the slowdowns seen on the VM hit loads and stores as much as
 * arithmetic. Nanoseconds a step. */
static double probe_loop(void)
{
    static void *blocks[16][4];
    void *head = NULL;
    for (int i = 0; i < 16; i++) {
        blocks[i][0] = head;
        head = blocks[i];
    }
    volatile uint64_t sink;
    uint64_t x = 88172645463325252u;
    double t0 = clock_monotonic_s();
    for (long i = 0; i < PROBE_STEPS; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        void **p = head;
        head = p[0];
        p[0] = head;
        p[1] = (void *)(uintptr_t)x;
        head = p;
    }
    double t1 = clock_monotonic_s();
    sink = x + (uintptr_t)head;
    (void)sink;
    return (t1 - t0) * 1e9 / PROBE_STEPS;
}

int cpu_probe_run(cpu_probe *p)
{
    p->ncpus = 0;
    p->best = 0;
    cpu_set_t saved;
    if (sched_getaffinity(0, sizeof saved, &saved) != 0) return -1;
    for (int c = 0; c < CPU_SETSIZE && p->ncpus < CPU_PROBE_MAX; c++)
        if (CPU_ISSET(c, &saved)) p->cpu[p->ncpus++] = c;
    double t[CPU_PROBE_MAX][PROBE_ROUNDS];
    int rc = 0;
    for (int r = 0; r < PROBE_ROUNDS && rc == 0; r++) {
        for (int i = 0; i < p->ncpus; i++) {
            cpu_set_t one;
            CPU_ZERO(&one);
            CPU_SET(p->cpu[i], &one);
            if (sched_setaffinity(0, sizeof one, &one) != 0) {
                rc = -1;
                break;
            }
            sched_yield(); /* run the loop on the CPU just set, not the one left */
            t[i][r] = probe_loop();
        }
    }
    sched_setaffinity(0, sizeof saved, &saved);
    if (rc != 0) {
        p->ncpus = 0;
        return -1;
    }
    for (int i = 0; i < p->ncpus; i++)
        p->ns[i] = stats_median(t[i], PROBE_ROUNDS);
    /* The last CPU (CPU 0 takes most interrupts) unless another is faster by more than the
     * probe's own noise. */
    p->best = p->ncpus - 1;
    for (int i = 0; i < p->ncpus - 1; i++)
        if (p->ns[i] < p->ns[p->best] * (1 - PROBE_MARGIN)) p->best = i;
    return 0;
}

void cpu_probe_describe(const cpu_probe *p, char *buf, size_t len)
{
    if (p->ncpus == 0) {
        snprintf(buf, len, "no CPU (the affinity mask could not be read)");
        return;
    }
    size_t n = (size_t)snprintf(buf, len, "CPU %d (probe:", p->cpu[p->best]);
    for (int i = 0; i < p->ncpus && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, i == 0 ? " CPU %d %.2f ns a step" : ", CPU %d %.2f",
                              p->cpu[i], p->ns[i]);
    if (n < len) snprintf(buf + n, len - n, ")");
}
