/* tcache.c: the per-thread cache of free blocks (see tcache.h). */
#include "tcache.h"
#include "span.h"
#include "stats.h"
#include <pthread.h>

__thread hak_tcache hak_tls_tcache;
__thread hak_counters hak_tls_counters;

extern pthread_key_t hak_thread_key;
extern bool hak_thread_key_ok;

/* First allocation or free of a thread: a heap, the exit hook, and real capacities. */
static HAK_NOINLINE hak_heap *tcache_attach(void)
{
    hak_ensure_init();
    hak_tcache *tc = &hak_tls_tcache;
    if (tc->heap || tc->exiting) return tc->heap;
    hak_heap *h = hak_heap_attach();
    if (!h) return NULL;
    tc->heap = h;
    if (hak_thread_key_ok) pthread_setspecific(hak_thread_key, h);
    hak_stats_thread_attach();
    hak_span_thread_attach();
    for (unsigned c = 0; c < HAK_NCLASS; c++)
        tc->bins[c].cap = hak_class_cap[c];
    return h;
}

hak_heap *hak_tcache_heap(void)
{
    hak_heap *h = hak_tls_tcache.heap;
    return h ? h : tcache_attach();
}

void *hak_tcache_alloc_miss(unsigned cls)
{
    HAK_STAT_INC(slow_path_calls);
    hak_tcache *tc = &hak_tls_tcache;
    hak_heap *h = hak_tcache_heap();
    if (HAK_UNLIKELY(!h)) return tc->exiting ? hak_heap_exiting_alloc(cls) : NULL;
    hak_bin *b = &tc->bins[cls];
    if (!b->head) {
        unsigned got = hak_heap_refill(h, cls, &b->head, hak_class_batch[cls], b->cap);
        if (!got) return NULL;
        b->count += got;
    }
    void *p = b->head;
    b->head = hak_block_next(p);
    b->count--;
    return p;
}

/* Sends the newest half of a full bin back to the slabs. */
static void tcache_flush_bin(hak_heap *h, hak_bin *b, unsigned keep)
{
    HAK_STAT_INC(flushes);
    void *chain = b->head;
    void *last = NULL;
    unsigned n = b->count - keep;
    void *p = chain;
    for (unsigned i = 0; i < n; i++) {
        last = p;
        p = hak_block_next(p);
    }
    if (!last) return;
    b->head = p;
    b->count = keep;
    hak_block_set_next(last, NULL);
    hak_heap_return_chain(h, chain);
}

void hak_tcache_free_miss(void *p, unsigned cls)
{
    hak_tcache *tc = &hak_tls_tcache;
    hak_bin *b = &tc->bins[cls];
    if (!tc->heap) tcache_attach();
    if (!b->cap) {
        /* Exiting thread (or no heap could be made): straight back to the slab. */
        hak_block_set_next(p, NULL);
        hak_heap_return_chain(tc->heap, p);
        return;
    }
    if (b->count >= b->cap) tcache_flush_bin(tc->heap, b, b->cap / 2);
    hak_block_set_next(p, b->head);
    b->head = p;
    b->count++;
}

void *hak_tcache_alloc(unsigned cls)
{
    hak_bin *b = &hak_tls_tcache.bins[cls];
    void *p = b->head;
    if (p) {
        b->head = hak_block_next(p);
        b->count--;
        return p;
    }
    return hak_tcache_alloc_miss(cls);
}

void hak_tcache_free(void *p, unsigned cls)
{
    hak_bin *b = &hak_tls_tcache.bins[cls];
    if (b->count < b->cap) {
        hak_block_set_next(p, b->head);
        b->head = p;
        b->count++;
        return;
    }
    hak_tcache_free_miss(p, cls);
}

static void tcache_flush_all(void)
{
    hak_tcache *tc = &hak_tls_tcache;
    if (!tc->heap) return;
    for (unsigned c = 0; c < HAK_NCLASS; c++)
        if (tc->bins[c].count) tcache_flush_bin(tc->heap, &tc->bins[c], 0);
}

void hak_tcache_trim(void)
{
    tcache_flush_all();
    if (hak_tls_tcache.heap) hak_heap_trim(hak_tls_tcache.heap);
}

void hak_tcache_thread_exit(void *unused)
{
    (void)unused;
    hak_tcache *tc = &hak_tls_tcache;
    hak_heap *h = tc->heap;
    if (!h) return;
    tcache_flush_all();
    hak_span_thread_exit();
    for (unsigned c = 0; c < HAK_NCLASS; c++)
        tc->bins[c].cap = 0;
    tc->exiting = true;
    tc->heap = NULL;
    hak_heap_detach(h);
    hak_stats_thread_exit();
}
