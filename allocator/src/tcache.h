/* tcache.h: the thread cache: per thread, per class, a singly linked list of free blocks (of the
 * thread's own slabs, and of slabs whose owner heap has no thread) with its capacity
 * (hak_class_cap) and room left, refilled in batches from the thread's heap and flushed in
 * batches back to the slabs when full; and a few runs of blocks freed to other live threads'
 * slabs, sent to their owners a run at a time (one push per run).
 * cap and room stay 0 until the thread has a heap, so the inline fast path (front.h) needs no
 * "initialised?" test: a full bin sends it here. A thread past its exit hook allocates from the
 * shared exit heap, one block a call, and frees straight to the slabs.
 * Owns the per-thread cache and counters (initial-exec TLS) and the thread-exit hook, which
 * also hands back the thread's cached page runs. Calls heap.h, superslab.h (a block's slab),
 * span.h and stats.h (attach and exit). */
#ifndef HAKMEM_TCACHE_H
#define HAKMEM_TCACHE_H

#include "heap.h"

/* room = cap - blocks on the list: the fast-path free tests it against zero. */
typedef struct {
    void *head;
    uint32_t room;
    uint32_t cap;
} hak_bin;

/* Blocks freed to one slab of another heap, not sent yet (head..tail, n of them). */
typedef struct {
    hak_slab *slab;
    void *head, *tail;
    uint32_t n;
} hak_remote_run;

/* Runs kept at once (a slab's run is at index hash(slab)). A run is sent when it holds its
 * class's refill batch (hak_class_batch: up to REFILL_BATCH blocks, fewer for big classes, so a
 * thread pins at most HAK_REMOTE_RUNS x 32 KiB), or when another slab needs its place: a
 * remote free then costs a fraction of a CAS on the owner's cache line when the frees of a slab
 * come together, as they do when blocks travel in allocation order. With 8 runs,
 * producer_consumer (2+2 threads, 20 classes, REFILL_BATCH 32) sent runs of 2.2 blocks on
 * average; with 32, of 24.1. */
#define HAK_REMOTE_RUNS 32

typedef struct {
    hak_heap *heap;
    hak_bin bins[HAK_NCLASS];
    bool exiting;
    hak_remote_run remote[HAK_REMOTE_RUNS];
} hak_tcache;

extern __thread hak_tcache hak_tls_tcache;

/* Class-level entry points (what TINY_FAST_PATH_DEFAULT=0 calls directly). */
void *hak_tcache_alloc(unsigned cls);
void hak_tcache_free(void *p);
/* Miss paths of the inline front: refill then pop; every free that is not a push onto a bin
 * with room (another heap's block, a full bin, a thread without a heap). meta: the block's
 * slab meta word (superslab.h). */
void *hak_tcache_alloc_miss(unsigned cls);
void hak_tcache_free_slow(void *p, uintptr_t meta);

/* Thread exit (pthread key destructor) and process-level hooks. */
void hak_tcache_thread_exit(void *unused);
/* hak_trim(): the calling thread's cache and runs back to the slabs, its heap drained. */
void hak_tcache_trim(void);
hak_heap *hak_tcache_heap(void);

#endif
