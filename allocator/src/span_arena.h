/* span_arena.h: arenas of span regions. Threads are spread round robin over SPAN_NARENAS
 * arenas, each with its own lock, regions, bins of free runs (span_bins.h) and page counts,
 * so threads rarely wait for each other; any thread may free into any arena.
 * Owns the arenas, their region lists and the thread -> arena assignment.
 * Calls span_region.h. */
#ifndef HAKMEM_SPAN_ARENA_H
#define HAKMEM_SPAN_ARENA_H

#include "span_region.h"
#include <pthread.h>

#define SPAN_NARENAS 8u
/* Free-run bins: one per length up to 32 pages, then 4 per doubling. */
#define SPAN_EXACT_BINS 32u
#define SPAN_NBINS (SPAN_EXACT_BINS + 4u * 4u)

struct span_arena {
    pthread_mutex_t lock;
    span_region *regions;
    uint8_t *bins[SPAN_NBINS]; /* free runs of this arena's regions */
    uint64_t bins_nonempty;
    /* Per arena, not global: shared counters bounced a cache line between threads on every
     * allocation (mid_large_mt lost 15% to it). */
    size_t live_pages, peak_live_pages, dirty_pages;
    uint64_t next_decay_ms; /* when the least recently used region with dirty pages is due */
} __attribute__((aligned(64)));

extern span_arena hak_span_arenas[SPAN_NARENAS];

/* The calling thread's arena: handed out round robin at its first span block. */
span_arena *span_my_arena(void);
/* Lock held: r (from span_region_new) joins a, its pages one free run. */
void span_arena_add(span_arena *a, span_region *r);
/* Lock held: the empty region r leaves its arena. */
void span_arena_remove(span_region *r);

#endif
