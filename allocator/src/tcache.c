/* tcache.c: the per-thread cache of free blocks and runs of remote frees (see tcache.h). */
#include "tcache.h"
#include "front.h"
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
        tc->bins[c].cap = tc->bins[c].room = hak_class_cap[c];
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
        unsigned got = hak_heap_refill(h, cls, &b->head, hak_class_batch[cls], b->room);
        if (!got) return NULL;
        b->room -= got;
    }
    void *p = b->head;
    b->head = hak_block_next(p);
    b->room++;
    return p;
}

/* Sends the newest blocks of a bin back to the slabs, all but `keep`. */
static void tcache_flush_bin(hak_heap *h, hak_bin *b, unsigned keep)
{
    HAK_STAT_INC(flushes);
    b->head = hak_heap_return_chain(h, b->head, b->cap - b->room - keep);
    b->room = b->cap - keep;
}

static void tcache_send_run(hak_remote_run *r)
{
    HAK_STAT_ADD(remote_frees_pushed, r->n);
    hak_heap_free_remote(r->slab, r->head, r->tail, r->n);
    r->slab = NULL;
}

static void tcache_send_runs(hak_tcache *tc)
{
    for (unsigned i = 0; i < HAK_REMOTE_RUNS; i++)
        if (tc->remote[i].slab) tcache_send_run(&tc->remote[i]);
}

/* The run slot of slab s. The index mixes the descriptor's place in its SuperSlab header with
 * the SuperSlab's address (descriptors sit at the same offsets in every header). */
HAK_INLINE hak_remote_run *tcache_run_of(hak_tcache *tc, const hak_slab *s)
{
    uintptr_t a = (uintptr_t)s;
    return &tc->remote[((a >> 7) ^ (a >> HAK_SEG_SHIFT)) % HAK_REMOTE_RUNS];
}

/* Every free hak_tcache_free_slow does not finish itself. */
static HAK_NOINLINE void tcache_free_other(void *p, uintptr_t meta)
{
    hak_tcache *tc = &hak_tls_tcache;
    struct hak_heap *owner = (struct hak_heap *)(meta & ~HAK_SLAB_META_CLS);
    unsigned cls = (unsigned)(meta & HAK_SLAB_META_CLS);
    /* A free slab holds no block: freed twice, or never allocated. */
    if (HAK_UNLIKELY(!owner)) hak_fatal_ptr("free()", "invalid pointer", p);
    if (!tc->heap && !tc->exiting) tcache_attach();
    hak_slab *s = hak_slab_of(p);
    if (!tc->heap) { /* past the exit hook: nothing would send a run, nor flush a bin */
        hak_block_set_next(p, NULL);
        HAK_STAT_INC(remote_frees_pushed);
        hak_heap_free_remote(s, p, p, 1);
        return;
    }
    hak_remote_run *r = tcache_run_of(tc, s);
    if (r->slab == s) { /* hak_tcache_free_slow put p there and the run is long enough */
        tcache_send_run(r);
        return;
    }
    /* Another thread's block goes back to it, in a run of its slab that goes out when it is
     * long enough or when another slab needs its place; a block of a heap without a thread
     * (its thread exited) is reused here: nobody writes its neighbours, and sending it home
     * would only make this thread process that heap's deliveries. */
    if (owner != tc->heap && hak_heap_has_thread(owner)) {
        if (r->slab) tcache_send_run(r);
        hak_block_set_next(p, NULL);
        *r = (hak_remote_run){s, p, p, 1};
        return;
    }
    hak_bin *b = &tc->bins[cls];
    hak_check_not_head(p, b->head);
    if (!b->room) tcache_flush_bin(tc->heap, b, b->cap / 2);
    hak_block_set_next(p, b->head);
    b->head = p;
    b->room--;
}

/* The common remote free, a block joining the open run of its slab, needs no call and no saved
 * register; the rest goes to tcache_free_other. A run only ever holds another heap's slab, and
 * meta 0 (no block can be there) never joins one. */
void hak_tcache_free_slow(void *p, uintptr_t meta)
{
    if (HAK_SECURE_MISALIGNED(p)) hak_secure_bad_free(p);
    hak_tcache *tc = &hak_tls_tcache;
    hak_slab *s = hak_slab_of(p);
    hak_remote_run *r = tcache_run_of(tc, s);
    if (HAK_LIKELY(r->slab == s && meta)) {
        hak_check_not_head(p, r->head);
        hak_block_set_next(p, r->head);
        r->head = p;
        if (HAK_LIKELY(++r->n < hak_class_batch[meta & HAK_SLAB_META_CLS])) return;
    }
    tcache_free_other(p, meta);
}

void *hak_tcache_alloc(unsigned cls)
{
    hak_bin *b = &hak_tls_tcache.bins[cls];
    void *p = b->head;
    if (p) {
        b->head = hak_block_next(p);
        b->room++;
        return p;
    }
    return hak_tcache_alloc_miss(cls);
}

void hak_tcache_free(void *p)
{
    hak_front_free_counted(p, false);
}

static void tcache_flush_all(void)
{
    hak_tcache *tc = &hak_tls_tcache;
    if (!tc->heap) return;
    tcache_send_runs(tc);
    for (unsigned c = 0; c < HAK_NCLASS; c++)
        if (tc->bins[c].room < tc->bins[c].cap) tcache_flush_bin(tc->heap, &tc->bins[c], 0);
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
        tc->bins[c].cap = tc->bins[c].room = 0;
    tc->exiting = true;
    tc->heap = NULL;
    hak_heap_detach(h);
    hak_stats_thread_exit();
}
