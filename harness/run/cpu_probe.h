/* Which CPU single-threaded runs are pinned to. Runs of a pair on one CPU see the same machine;
 * unpinned, the scheduler puts each on either, and CPUs of a VM need not be equally fast: on this
 * project's 2-core VM, for a stretch of minutes, CPU 1 ran tiny_hot at half the speed of CPU 0
 * (133 against 63 million operations a second, glibc alike; the host's other tenants), so
 * unpinned figures were bimodal. The probe times a short loop (arithmetic and a free list in
 * memory) on every CPU the harness may use, interleaved over several rounds, and picks the last
 * CPU unless another is clearly faster by median. Calls analysis/stats.h and util/. */
#ifndef HAKBENCH_CPU_PROBE_H
#define HAKBENCH_CPU_PROBE_H

#include <stddef.h>

#define CPU_PROBE_MAX 64

typedef struct {
    int ncpus;                /* CPUs probed (those of the harness's affinity mask) */
    int cpu[CPU_PROBE_MAX];   /* their numbers */
    double ns[CPU_PROBE_MAX]; /* median nanoseconds a loop step on each */
    int best;                 /* index into cpu[] of the fastest */
} cpu_probe;

/* Probes; 0, or -1 when the affinity mask cannot be read or set (p->ncpus 0). Restores the
 * calling thread's affinity. */
int cpu_probe_run(cpu_probe *p);

/* "CPU 0 (probe: CPU 0 1.02 ns a step, CPU 1 2.05)" into buf. */
void cpu_probe_describe(const cpu_probe *p, char *buf, size_t len);

#endif
