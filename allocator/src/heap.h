/* heap.h: a thread heap owns slabs. Per class it has the active slab it carves blocks from,
 * a partial list (slabs with local free blocks) and a full list (slabs that ran dry; remote
 * frees may refill them: a pusher bumps remote_gen[class] when it makes a slab's remote list
 * non-empty, and the owner scans its full list only when that generation moved).
 * Heaps are never unmapped: a thread that exits hands its non-empty slabs to the per-class
 * orphan lists, which any thread adopts from on refill; its heap record is recycled.
 * Owns heaps, the heap registry (for the counters), and the orphan lists.
 * Calls slab.h, superslab.h, os.h. */
#ifndef HAKMEM_HEAP_H
#define HAKMEM_HEAP_H

#include "size_class.h"
#include "slab.h"

typedef struct hak_heap {
    hak_slab *active[HAK_NCLASS];
    hak_slab *partial[HAK_NCLASS];
    hak_slab *full[HAK_NCLASS];
    uint32_t seen_gen[HAK_NCLASS];
    _Atomic uint32_t remote_gen[HAK_NCLASS];
    hak_counters
        *counters; /* the owner thread's counters while it lives, under the registry lock */
    struct hak_heap *next_all;
    struct hak_heap *next_free;
} hak_heap;

/* A new (or recycled) heap for the calling thread; NULL when out of memory. */
hak_heap *hak_heap_create(hak_counters *counters);
/* Thread exit: hands the heap's slabs to the orphan lists and recycles the heap. The thread
 * cache must have been flushed back first. */
void hak_heap_abandon(hak_heap *h);
/* Moves up to n blocks of class cls onto *list (up to max when a slab's whole local list can
 * be handed over at once); returns how many (0: out of memory). */
unsigned hak_heap_refill(hak_heap *h, unsigned cls, void **list, unsigned n, unsigned max);
/* Returns a chain of blocks (any slabs, any owners) to their slabs: local frees for h's own
 * slabs, batched remote pushes for the others. h may be NULL (a thread past its exit). */
void hak_heap_return_chain(hak_heap *h, void *chain);
/* Drains orphaned slabs and returns the empty ones (thread exit, hak_trim). */
void hak_orphans_reclaim(void);
/* Adds the counters of every live heap to out. Not blocking (signal handlers): skipped when
 * the registry lock is taken. */
void hak_heaps_sum_counters(uint64_t *out, bool blocking);

/* fork(): prepare takes the registry and orphan locks; the child then orphans the slabs of
 * every heap except the forking thread's (those threads do not exist in the child). */
void hak_heap_fork_prepare(void);
void hak_heap_fork_parent(void);
void hak_heap_fork_child(hak_heap *survivor);

#endif
