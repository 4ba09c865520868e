/* tcache.h: the thread cache: per thread, per class, a singly linked list of free blocks with
 * a count and a capacity (hak_class_cap). Refilled in batches from the thread's heap and
 * flushed in batches back to the slabs when full. cap stays 0 until the thread has a heap,
 * so the inline fast path (front.h) needs no "initialised?" test: a full bin sends it here.
 * Owns the per-thread cache and counters (initial-exec TLS) and the thread-exit hook, which
 * also hands back the thread's cached page runs. A thread past its exit hook allocates from
 * the shared exit heap, one block a call, and frees straight to the slabs.
 * Calls heap.h, span.h and stats.h (attach and exit). */
#ifndef HAKMEM_TCACHE_H
#define HAKMEM_TCACHE_H

#include "heap.h"

typedef struct {
    void *head;
    uint32_t count;
    uint32_t cap;
} hak_bin;

typedef struct {
    hak_bin bins[HAK_NCLASS];
    hak_heap *heap;
    bool exiting;
} hak_tcache;

extern __thread hak_tcache hak_tls_tcache;

/* Class-level entry points (what TINY_FAST_PATH_DEFAULT=0 calls directly). */
void *hak_tcache_alloc(unsigned cls);
void hak_tcache_free(void *p, unsigned cls);
/* Miss paths of the inline front: refill then pop; flush then push. */
void *hak_tcache_alloc_miss(unsigned cls);
void hak_tcache_free_miss(void *p, unsigned cls);

/* Thread exit (pthread key destructor) and process-level hooks. */
void hak_tcache_thread_exit(void *unused);
/* hak_trim(): the calling thread's cache back to the slabs, its heap drained. */
void hak_tcache_trim(void);
hak_heap *hak_tcache_heap(void);

#endif
