/* heap.c: heap records, their slab lists, the pool of heaps without a thread and the delivery
 * of remote frees to armed slabs (see heap.h and allocator/README.md, "Ownership"). */
#include "heap.h"
#include "os.h"
#include "superslab.h"
#include <pthread.h>
#include <sched.h>

#define HEAP_CHUNK_SIZE ((size_t)64 * 1024)

_Static_assert(sizeof(hak_heap) % 64 == 0, "heap records fill whole cache lines");

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static hak_heap *pool;                   /* heaps without a thread, most recent first */
static hak_heap *chunk_next, *chunk_end; /* records not handed out yet */
static unsigned heaps_made;
static _Atomic(hak_heap *) exit_heap; /* allocations of threads past their exit hook */

static void list_push(hak_slab **head, hak_slab *s)
{
    s->prev = NULL;
    s->next = *head;
    if (*head) (*head)->prev = s;
    *head = s;
}

static void list_remove(hak_slab **head, hak_slab *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        *head = s->next;
    if (s->next) s->next->prev = s->prev;
    s->next = s->prev = NULL;
}

/* A record that was never used, in the given state. pool_lock held; a new chunk of records is
 * mapped with it released (no system call under a lock). */
static hak_heap *heap_new(int state)
{
    while (chunk_next == chunk_end) {
        pthread_mutex_unlock(&pool_lock);
        hak_heap *chunk = hak_os_map(HEAP_CHUNK_SIZE);
        pthread_mutex_lock(&pool_lock);
        if (!chunk) return NULL;
        if (chunk_next != chunk_end) { /* another thread mapped one meanwhile */
            pthread_mutex_unlock(&pool_lock);
            hak_os_unmap(chunk, HEAP_CHUNK_SIZE);
            pthread_mutex_lock(&pool_lock);
            continue;
        }
        chunk_next = chunk;
        chunk_end = chunk + HEAP_CHUNK_SIZE / sizeof(hak_heap);
    }
    hak_heap *h = chunk_next++;
    h->arena = heaps_made++; /* round robin over the SuperSlab arenas */
    atomic_store_explicit(&h->state, state, memory_order_relaxed);
    HAK_GSTAT_ADD(heaps_created, 1);
    return h;
}

/* Waits until h, a heap without a thread, is free to take (a delivering thread may hold it
 * for the time it takes to process a few blocks), and takes it into state `to`. */
static void heap_take(hak_heap *h, int to)
{
    int expected = HAK_HEAP_POOLED;
    while (!atomic_compare_exchange_weak_explicit(&h->state, &expected, to, memory_order_seq_cst,
                                                  memory_order_relaxed)) {
        expected = HAK_HEAP_POOLED;
        sched_yield();
    }
}

/* A heap from the pool is always taken through heap_take, whatever its state reads now: a
 * detaching thread puts its heap in the pool while it is still LIVE (hak_heap_detach) and only
 * then lets go of it (heap_unhold's store of POOLED). Taking a LIVE heap from the pool without
 * waiting let that store land on a heap the new thread already used, and deliverers then drained
 * it concurrently with its thread (larson with thread churn: a slab's local list and count
 * changed by two threads at once, blocks handed out twice, about one run in 300). */
hak_heap *hak_heap_attach(void)
{
    pthread_mutex_lock(&pool_lock);
    hak_heap *h = pool;
    bool reused = h != NULL;
    if (reused)
        pool = h->next_pooled;
    else
        h = heap_new(HAK_HEAP_LIVE);
    pthread_mutex_unlock(&pool_lock);
    if (reused) {
        heap_take(h, HAK_HEAP_LIVE);
        HAK_GSTAT_ADD(heaps_reused, 1);
    }
    return h;
}

/* s (empty) leaves h's lists and goes back to its SuperSlab. s must not be touched after. */
static void heap_give_back(hak_heap *h, hak_slab *s)
{
    if (s->state == HAK_SLAB_PARTIAL)
        list_remove(&h->partial[s->cls], s);
    else if (s->state == HAK_SLAB_ACTIVE)
        h->active[s->cls] = NULL;
    hak_ss_release(s);
}

/* The n blocks head..tail (chained) back to h's own slab s. True when that emptied s and gave
 * it back (s must then not be touched: its SuperSlab may be gone). */
static bool heap_free_run(hak_heap *h, hak_slab *s, void *head, void *tail, uint32_t n)
{
    HAK_ASSERT(hak_slab_owner(s) == h);
    hak_block_set_next(tail, s->local);
    s->local = head;
    s->local_count += n;
    HAK_ASSERT(s->used >= n);
    s->used -= n;
    if (s->state == HAK_SLAB_FULL) {
        s->state = HAK_SLAB_PARTIAL;
        list_push(&h->partial[s->cls], s);
    }
    if (s->used == 0 && s->state == HAK_SLAB_PARTIAL) {
        heap_give_back(h, s);
        return true;
    }
    return false;
}

/* The invariant of a heap without a thread: each of its slabs is armed, so the next remote free
 * to any of them wakes someone up (heap_deliver). An empty s is given back instead. */
static void heap_park_slab(hak_heap *h, hak_slab *s)
{
    for (;;) {
        hak_slab_drain(s);
        if (s->used == 0) {
            heap_give_back(h, s);
            return;
        }
        if (s->state == HAK_SLAB_FULL && s->local) {
            s->state = HAK_SLAB_PARTIAL;
            list_push(&h->partial[s->cls], s);
        }
        if (hak_slab_arm(s)) return;
    }
}

/* Frees the blocks delivered to h into their slabs; a delivery is a run of blocks of one slab.
 * park: h is held without a thread, so every slab touched is parked again. */
static void heap_collect(hak_heap *h, bool park)
{
    void *p = atomic_exchange_explicit(&h->delayed, NULL, memory_order_acquire);
    while (p) {
        hak_slab *s = hak_slab_of(p);
        void *head = p, *tail = p;
        uint32_t n = 1;
        for (p = hak_block_next(p); p && hak_slab_of(p) == s; p = hak_block_next(p)) {
            tail = p;
            n++;
        }
        HAK_STAT_ADD(remote_frees_drained, n);
        if (!heap_free_run(h, s, head, tail, n) && park) heap_park_slab(h, s);
    }
}

static void heap_drain_pooled(hak_heap *h);

/* Lets go of h, held without a thread. A delivery that came in while h was held saw it held
 * and left the work to the holder: the seq_cst store of the state and load of the list pair
 * with heap_deliver's push and load, so one of the two sides always sees the other. */
static void heap_unhold(hak_heap *h)
{
    atomic_store_explicit(&h->state, HAK_HEAP_POOLED, memory_order_seq_cst);
    if (atomic_load_explicit(&h->delayed, memory_order_seq_cst)) heap_drain_pooled(h);
}

/* Deliveries to a heap without a thread are processed by whoever delivers, at once. */
static void heap_drain_pooled(hak_heap *h)
{
    for (;;) {
        int expected = HAK_HEAP_POOLED;
        if (!atomic_compare_exchange_strong_explicit(&h->state, &expected, HAK_HEAP_CLAIMED,
                                                     memory_order_seq_cst, memory_order_relaxed))
            return; /* held: the holder sees the list (heap_unhold, or its next refill) */
        HAK_GSTAT_ADD(heap_drains, 1);
        heap_collect(h, true);
        atomic_store_explicit(&h->state, HAK_HEAP_POOLED, memory_order_seq_cst);
        if (!atomic_load_explicit(&h->delayed, memory_order_seq_cst)) return;
    }
}

/* The chain head..tail of an armed slab goes to its owner heap. Its blocks stay counted in the
 * slab's used count until the heap frees them, so the slab, and its owner, cannot change
 * before they arrive; heap records are never freed. */
static void heap_deliver(hak_heap *h, void *head, void *tail)
{
    void *old = atomic_load_explicit(&h->delayed, memory_order_relaxed);
    do {
        hak_block_set_next(tail, old);
    } while (!atomic_compare_exchange_weak_explicit(&h->delayed, &old, head, memory_order_seq_cst,
                                                    memory_order_relaxed));
    if (atomic_load_explicit(&h->state, memory_order_seq_cst) == HAK_HEAP_POOLED)
        heap_drain_pooled(h);
}

void hak_heap_free_remote(hak_slab *s, void *head, void *tail, uint32_t n)
{
    /* Read before the push: once pushed, the owner may give the slab back. */
    struct hak_heap *owner = hak_slab_owner(s);
    if (HAK_UNLIKELY(!owner)) hak_fatal_ptr("free()", "invalid pointer", head);
    if (!hak_slab_push_remote(s, head, tail, n)) {
        HAK_STAT_INC(remote_deliveries);
        heap_deliver(owner, head, tail);
    }
}

/* fn on every active and partial slab of h (fn may give the slab back). */
static void heap_each_listed_slab(hak_heap *h, void (*fn)(hak_heap *, hak_slab *))
{
    for (unsigned c = 0; c < HAK_NCLASS; c++) {
        if (h->active[c]) fn(h, h->active[c]);
        for (hak_slab *s = h->partial[c], *next; s; s = next) {
            next = s->next;
            fn(h, s);
        }
    }
}

#if !HAKMEM_BUILD_RELEASE
void (*hak_debug_detach_window)(void);
#endif

void hak_heap_detach(hak_heap *h)
{
    heap_collect(h, false);
    heap_each_listed_slab(h, heap_park_slab);
    pthread_mutex_lock(&pool_lock);
    h->next_pooled = pool;
    pool = h;
    pthread_mutex_unlock(&pool_lock);
#if !HAKMEM_BUILD_RELEASE
    if (hak_debug_detach_window) hak_debug_detach_window();
#endif
    heap_unhold(h);
}

/* The refill itself; the caller has processed h's deliveries. */
static unsigned heap_refill(hak_heap *h, unsigned cls, void **list, unsigned n, unsigned max)
{
    HAK_STAT_INC(refills);
    unsigned total = 0;
    for (;;) {
        hak_slab *s = h->active[cls];
        if (s) {
            total += hak_slab_take(s, list, n > total ? n - total : 0, max - total);
            if (total >= n) break;
            if (!hak_slab_arm(s)) continue; /* remote frees came in meanwhile: take them */
            s->state = HAK_SLAB_FULL;
            h->active[cls] = NULL;
        }
        if ((s = h->partial[cls]))
            list_remove(&h->partial[cls], s);
        else if (!(s = hak_ss_acquire(cls, h, h->arena)))
            break;
        s->state = HAK_SLAB_ACTIVE;
        h->active[cls] = s;
    }
    HAK_STAT_ADD(refill_blocks, total);
    return total;
}

unsigned hak_heap_refill(hak_heap *h, unsigned cls, void **list, unsigned n, unsigned max)
{
    hak_ss_purge_tick();
    if (atomic_load_explicit(&h->delayed, memory_order_relaxed)) heap_collect(h, false);
    return heap_refill(h, cls, list, n, max);
}

void *hak_heap_return_chain(hak_heap *h, void *chain, uint32_t count)
{
    hak_ss_purge_tick();
    while (count) {
        /* Consecutive blocks of one slab (the usual case: a bin holds blocks in the order they
         * were freed) go back together: one owner test and one splice per run. */
        void *head = chain, *tail = chain;
        hak_slab *s = hak_slab_of(head);
        uint32_t n = 1;
        for (chain = hak_block_next(head); n < count && hak_slab_of(chain) == s;
             chain = hak_block_next(chain)) {
            tail = chain;
            n++;
        }
        count -= n;
        if (hak_slab_owner(s) == h) {
            heap_free_run(h, s, head, tail, n);
        } else {
            HAK_STAT_ADD(remote_frees_pushed, n);
            hak_heap_free_remote(s, head, tail, n);
        }
    }
    return chain;
}

static hak_heap *heap_exit_heap(void)
{
    hak_heap *h = atomic_load_explicit(&exit_heap, memory_order_acquire);
    if (h) return h;
    pthread_mutex_lock(&pool_lock);
    if (!(h = atomic_load_explicit(&exit_heap, memory_order_relaxed)) &&
        (h = heap_new(HAK_HEAP_POOLED))) {
        hak_heap *other = atomic_load_explicit(&exit_heap, memory_order_relaxed);
        if (other) { /* made meanwhile (heap_new let go of the lock): ours joins the pool */
            h->next_pooled = pool;
            pool = h;
            h = other;
        } else {
            atomic_store_explicit(&exit_heap, h, memory_order_release);
        }
    }
    pthread_mutex_unlock(&pool_lock);
    return h;
}

void *hak_heap_exiting_alloc(unsigned cls)
{
    hak_heap *h = heap_exit_heap();
    if (!h) return NULL;
    heap_take(h, HAK_HEAP_CLAIMED);
    heap_collect(h, true);
    void *p = NULL;
    heap_refill(h, cls, &p, 1, 1);
    if (h->active[cls]) heap_park_slab(h, h->active[cls]);
    heap_unhold(h);
    return p;
}

/* Drains s and gives it back if that emptied it. */
static void heap_trim_slab(hak_heap *h, hak_slab *s)
{
    hak_slab_drain(s);
    if (s->used == 0) heap_give_back(h, s);
}

void hak_heap_trim(hak_heap *h)
{
    heap_collect(h, false);
    heap_each_listed_slab(h, heap_trim_slab);
}

void hak_heap_fork_prepare(void)
{
    pthread_mutex_lock(&pool_lock);
}

void hak_heap_fork_parent(void)
{
    pthread_mutex_unlock(&pool_lock);
}

void hak_heap_fork_child(void)
{
    pthread_mutex_unlock(&pool_lock);
    /* A pooled heap another thread held at the fork may be half-written: dropped for good. Heaps
     * of the parent's other threads stay LIVE and are never looked at again (blocks freed into
     * them in the child stay there: leaked, never corrupted). */
    for (hak_heap **link = &pool; *link;) {
        if (atomic_load_explicit(&(*link)->state, memory_order_relaxed) != HAK_HEAP_POOLED)
            *link = (*link)->next_pooled;
        else
            link = &(*link)->next_pooled;
    }
    hak_heap *e = atomic_load_explicit(&exit_heap, memory_order_relaxed);
    if (e && atomic_load_explicit(&e->state, memory_order_relaxed) != HAK_HEAP_POOLED)
        atomic_store_explicit(&exit_heap, NULL, memory_order_relaxed);
}
