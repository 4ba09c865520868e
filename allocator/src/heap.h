/* heap.h: a heap owns slabs. Per class it has the active slab it carves blocks from and a
 * partial list (slabs with local free blocks); slabs that ran dry are armed and kept in no list
 * (their first remote free hands its blocks to the heap's delayed list, which names them again).
 * Heap records are never freed: a thread takes one at its first allocation (a pooled one when
 * there is one, with all its slabs) and puts it back in the pool at exit, so a slab's owner
 * never changes while any of its blocks is out. The protocol and why it strands nothing:
 * allocator/README.md, "Ownership".
 * Owns heap records, the pool of heaps without a thread, the exit heap (allocations after a
 * thread's exit hook). Calls slab.h, superslab.h, os.h. */
#ifndef HAKMEM_HEAP_H
#define HAKMEM_HEAP_H

#include "size_class.h"
#include "slab.h"

enum {
    HAK_HEAP_LIVE,    /* held by its thread */
    HAK_HEAP_POOLED,  /* no thread; slabs armed; in the pool (or the exit heap) */
    HAK_HEAP_CLAIMED, /* no thread; held for a moment by one (delivery, exit allocation) */
};

typedef struct hak_heap {
    /* Holder-only. */
    hak_slab *active[HAK_NCLASS];
    hak_slab *partial[HAK_NCLASS];
    struct hak_heap *next_pooled; /* under the pool lock */
    unsigned arena;               /* the SuperSlab arena its slabs come from */
    /* Written by other threads (deliveries) and read by them (state): a line of its own, and
     * the record's size a multiple of the line, so the next record's fields never share it. */
    _Alignas(64) _Atomic(void *) delayed; /* blocks of armed slabs, from hak_heap_deliver */
    _Atomic int state;
} hak_heap;

/* The calling thread's heap: a pooled one, or a new one; NULL when out of memory. */
hak_heap *hak_heap_attach(void);
#if !HAKMEM_BUILD_RELEASE
/* Debug builds: called by hak_heap_detach after the heap went into the pool and before it is let
 * go, so a test can attach a thread in that window (test_heap_pool). */
extern void (*hak_debug_detach_window)(void);
#endif
/* Thread exit: processes what was delivered, gives back empty slabs, arms the others and puts
 * the heap in the pool. The thread cache must have been flushed into it first. */
void hak_heap_detach(hak_heap *h);
/* Moves up to n blocks of class cls onto *list (up to max when a slab's whole local list can
 * be handed over at once); returns how many (0: out of memory). */
unsigned hak_heap_refill(hak_heap *h, unsigned cls, void **list, unsigned n, unsigned max);
/* Returns the first count blocks of a chain to their slabs: local frees for h's own slabs,
 * remote frees (in runs of consecutive blocks of one slab) for the others. Returns the rest of
 * the chain. */
void *hak_heap_return_chain(hak_heap *h, void *chain, uint32_t count);
/* False while h has no thread (pooled, or held for a moment by a delivery). A racy read: the
 * answer only chooses where a freed block goes, and both places are correct. */
HAK_INLINE bool hak_heap_has_thread(const hak_heap *h)
{
    return atomic_load_explicit(&h->state, memory_order_relaxed) == HAK_HEAP_LIVE;
}
/* Frees the chain head..tail of n blocks of slab s, which the caller does not own: pushed onto
 * s's remote list, or, s being armed, delivered to its owner heap. */
void hak_heap_free_remote(hak_slab *s, void *head, void *tail, uint32_t n);
/* One block of class cls for a thread past its exit hook, from the shared exit heap. */
void *hak_heap_exiting_alloc(unsigned cls);
/* hak_trim(): processes deliveries and drains every slab of h, giving back the empty ones. */
void hak_heap_trim(hak_heap *h);

/* fork(): prepare takes the pool lock; the child drops the heaps another thread held at the
 * fork (their records may be half-written: they are never touched again). */
void hak_heap_fork_prepare(void);
void hak_heap_fork_parent(void);
void hak_heap_fork_child(void);

#endif
