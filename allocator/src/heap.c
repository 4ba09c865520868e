/* heap.c: thread heaps, their slab lists, and orphaned slabs (see heap.h). */
#include "heap.h"
#include "os.h"
#include "superslab.h"
#include <pthread.h>

static pthread_mutex_t heap_lock = PTHREAD_MUTEX_INITIALIZER; /* registry and free heaps */
static hak_heap *heaps_all;
static hak_heap *heaps_free;
static hak_heap *heap_chunk_next, *heap_chunk_end;

static pthread_mutex_t orphan_lock = PTHREAD_MUTEX_INITIALIZER;
static hak_slab *orphans[HAK_NCLASS];

#define HEAP_CHUNK_SIZE ((size_t)64 * 1024)

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

static hak_slab *list_pop(hak_slab **head)
{
    hak_slab *s = *head;
    if (s) list_remove(head, s);
    return s;
}

hak_heap *hak_heap_create(hak_counters *counters)
{
    pthread_mutex_lock(&heap_lock);
    hak_heap *h = heaps_free;
    if (h) {
        heaps_free = h->next_free;
    } else {
        if (heap_chunk_next == heap_chunk_end) {
            hak_heap *chunk = hak_os_map(HEAP_CHUNK_SIZE);
            if (!chunk) {
                pthread_mutex_unlock(&heap_lock);
                return NULL;
            }
            heap_chunk_next = chunk;
            heap_chunk_end = chunk + HEAP_CHUNK_SIZE / sizeof(hak_heap);
        }
        h = heap_chunk_next++;
        h->next_all = heaps_all;
        heaps_all = h;
    }
    h->next_free = NULL;
    h->counters = counters;
    pthread_mutex_unlock(&heap_lock);
    return h;
}

/* A slab this heap no longer wants: empty ones go back to the SuperSlab, others are orphaned.
 * Called with orphan_lock held. */
static void heap_orphan_slab(hak_slab *s)
{
    hak_slab_drain(s);
    if (s->used == 0) {
        hak_ss_release(s);
        return;
    }
    s->state = HAK_SLAB_ORPHAN;
    atomic_store_explicit(&s->owner, NULL, memory_order_release);
    list_push(&orphans[s->cls], s);
}

static void heap_release_slabs(hak_heap *h)
{
    pthread_mutex_lock(&orphan_lock);
    for (unsigned c = 0; c < HAK_NCLASS; c++) {
        hak_slab *s;
        if ((s = h->active[c])) heap_orphan_slab(s);
        h->active[c] = NULL;
        while ((s = list_pop(&h->partial[c])))
            heap_orphan_slab(s);
        while ((s = list_pop(&h->full[c])))
            heap_orphan_slab(s);
    }
    pthread_mutex_unlock(&orphan_lock);
}

/* Adds a dead thread's counters to the global ones (so exited threads still count). */
static void heap_merge_counters(hak_heap *h)
{
    if (!h->counters) return;
    for (int i = 0; i < HAK_NCOUNTERS; i++) {
        uint64_t v = atomic_load_explicit(&h->counters->v[i], memory_order_relaxed);
        if (v) hak_gstat_add(i, v);
        atomic_store_explicit(&h->counters->v[i], 0, memory_order_relaxed);
    }
    h->counters = NULL;
}

void hak_heap_abandon(hak_heap *h)
{
    heap_release_slabs(h);
    hak_orphans_reclaim();
    pthread_mutex_lock(&heap_lock);
    heap_merge_counters(h);
    h->next_free = heaps_free;
    heaps_free = h;
    pthread_mutex_unlock(&heap_lock);
}

void hak_orphans_reclaim(void)
{
    pthread_mutex_lock(&orphan_lock);
    for (unsigned c = 0; c < HAK_NCLASS; c++) {
        hak_slab *s = orphans[c];
        while (s) {
            hak_slab *next = s->next;
            hak_slab_drain(s);
            if (s->used == 0) {
                list_remove(&orphans[c], s);
                hak_ss_release(s);
            }
            s = next;
        }
    }
    pthread_mutex_unlock(&orphan_lock);
}

static hak_slab *heap_adopt_orphan(hak_heap *h, unsigned cls)
{
    pthread_mutex_lock(&orphan_lock);
    hak_slab *s = list_pop(&orphans[cls]);
    if (s) atomic_store_explicit(&s->owner, h, memory_order_release);
    pthread_mutex_unlock(&orphan_lock);
    if (s) HAK_STAT_INC(slabs_adopted);
    return s;
}

/* Remote frees arrived on some slab of the full list: collect them. Slabs that got blocks
 * back move to the partial list; slabs that became empty go back to the SuperSlab. */
static void heap_collect_full(hak_heap *h, unsigned cls)
{
    hak_slab *s = h->full[cls];
    while (s) {
        hak_slab *next = s->next;
        if (atomic_load_explicit(&s->remote, memory_order_relaxed) && hak_slab_drain(s)) {
            list_remove(&h->full[cls], s);
            if (s->used == 0 && h->partial[cls]) {
                hak_ss_release(s);
            } else {
                s->state = HAK_SLAB_PARTIAL;
                list_push(&h->partial[cls], s);
            }
        }
        s = next;
    }
}

static hak_slab *heap_next_slab(hak_heap *h, unsigned cls)
{
    uint32_t gen = atomic_load_explicit(&h->remote_gen[cls], memory_order_relaxed);
    if (gen != h->seen_gen[cls]) {
        h->seen_gen[cls] = gen;
        heap_collect_full(h, cls);
    }
    hak_slab *s = list_pop(&h->partial[cls]);
    if (s) return s;
    if ((s = heap_adopt_orphan(h, cls))) return s;
    return hak_ss_acquire(cls, h);
}

unsigned hak_heap_refill(hak_heap *h, unsigned cls, void **list, unsigned n, unsigned max)
{
    HAK_STAT_INC(refills);
    unsigned total = 0;
    for (;;) {
        hak_slab *s = h->active[cls];
        if (s) {
            total += hak_slab_take(s, list, n > total ? n - total : 0, max - total);
            if (total >= n) break;
            s->state = HAK_SLAB_FULL;
            list_push(&h->full[cls], s);
            h->active[cls] = NULL;
        }
        if (!(s = heap_next_slab(h, cls))) break;
        s->state = HAK_SLAB_ACTIVE;
        h->active[cls] = s;
    }
    HAK_STAT_ADD(refill_blocks, total);
    return total;
}

static void heap_free_local(hak_heap *h, hak_slab *s, void *p)
{
    hak_slab_free_local(s, p);
    if (s->state == HAK_SLAB_FULL) {
        list_remove(&h->full[s->cls], s);
        s->state = HAK_SLAB_PARTIAL;
        list_push(&h->partial[s->cls], s);
    }
    if (s->used == 0 && s->state == HAK_SLAB_PARTIAL) {
        list_remove(&h->partial[s->cls], s);
        hak_ss_release(s);
    }
}

void hak_heap_return_chain(hak_heap *h, void *chain)
{
    while (chain) {
        void *p = chain;
        chain = hak_block_next(p);
        hak_slab *s = hak_slab_of(p);
        hak_heap *owner = atomic_load_explicit(&s->owner, memory_order_acquire);
        if (h && owner == h) {
            heap_free_local(h, s, p);
            continue;
        }
        /* Consecutive blocks of the same slab go over in one push. Everything needed from
         * the slab is read before the push: once pushed, the owner may free the slab. */
        void *tail = p;
        uint64_t n = 1;
        while (chain && hak_slab_of(chain) == s) {
            tail = chain;
            chain = hak_block_next(chain);
            n++;
        }
        unsigned cls = s->cls;
        HAK_STAT_ADD(remote_frees_pushed, n);
        if (hak_slab_push_remote(s, p, tail) && owner)
            atomic_fetch_add_explicit(&owner->remote_gen[cls], 1, memory_order_relaxed);
    }
}

void hak_heaps_sum_counters(uint64_t *out, bool blocking)
{
    if (!blocking) {
        if (pthread_mutex_trylock(&heap_lock) != 0) return;
    } else {
        pthread_mutex_lock(&heap_lock);
    }
    for (hak_heap *h = heaps_all; h; h = h->next_all)
        if (h->counters)
            for (int i = 0; i < HAK_NCOUNTERS; i++)
                out[i] += atomic_load_explicit(&h->counters->v[i], memory_order_relaxed);
    pthread_mutex_unlock(&heap_lock);
}

void hak_heap_fork_prepare(void)
{
    pthread_mutex_lock(&orphan_lock);
    pthread_mutex_lock(&heap_lock);
}

void hak_heap_fork_parent(void)
{
    pthread_mutex_unlock(&heap_lock);
    pthread_mutex_unlock(&orphan_lock);
}

void hak_heap_fork_child(hak_heap *survivor)
{
    pthread_mutex_unlock(&heap_lock);
    pthread_mutex_unlock(&orphan_lock);
    /* Heaps of threads that do not exist here: their slabs become orphans (blocks sitting in
     * those threads' caches are lost to the child, as with any allocator). */
    for (hak_heap *h = heaps_all; h; h = h->next_all) {
        if (h == survivor || !h->counters) continue;
        heap_release_slabs(h);
        heap_merge_counters(h);
        h->next_free = heaps_free;
        heaps_free = h;
    }
}
