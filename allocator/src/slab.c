/* slab.c: local, bump and remote block lists of one slab (see slab.h). */
#include "slab.h"

#define REMOTE_HEAD_MASK ((uint64_t)0xffffffffu)

HAK_INLINE uint8_t *slab_base(const hak_slab *s)
{
    return (uint8_t *)((uintptr_t)s & ~(uintptr_t)HAK_SEG_MASK);
}

HAK_INLINE void *remote_head(const hak_slab *s, uint64_t w)
{
    return slab_base(s) + (w & REMOTE_HEAD_MASK);
}

unsigned hak_slab_drain(hak_slab *s)
{
    if (atomic_load_explicit(&s->remote, memory_order_relaxed) <= HAK_SLAB_ARMED) return 0;
    /* A list is there, and only the holder arms, so the exchange takes a list, never an arm. */
    uint64_t w = atomic_exchange_explicit(&s->remote, 0, memory_order_acquire);
    void *chain = remote_head(s, w);
    unsigned n = (unsigned)(w >> 32);
#if !HAKMEM_BUILD_RELEASE
    unsigned walked = 1;
    for (void *q = chain; hak_block_next(q); q = hak_block_next(q))
        walked++;
    HAK_ASSERT(walked == n);
#endif
    if (s->local) {
        void *tail = chain;
        while (hak_block_next(tail))
            tail = hak_block_next(tail);
        hak_block_set_next(tail, s->local);
    }
    s->local = chain;
    s->local_count += n;
    HAK_ASSERT(s->used >= n);
    s->used -= n;
    HAK_STAT_ADD(remote_frees_drained, n);
    return n;
}

bool hak_slab_arm(hak_slab *s)
{
    uint64_t old = 0;
    if (atomic_compare_exchange_strong_explicit(&s->remote, &old, HAK_SLAB_ARMED,
                                                memory_order_relaxed, memory_order_relaxed))
        return true;
    return old == HAK_SLAB_ARMED;
}

/* HAKMEM_SECURE >= 1: the next fresh blocks (up to HAK_SECURE_SHUFFLE_MAX) go onto the empty local
 * list in a random order, so a block's neighbours cannot be predicted from allocation order. */
static void slab_carve_shuffled(hak_slab *s)
{
    size_t m = (size_t)(s->end - s->bump) / s->bsize;
    if (m > HAK_SECURE_SHUFFLE_MAX) m = HAK_SECURE_SHUFFLE_MAX;
    uint8_t order[HAK_SECURE_SHUFFLE_MAX + 1];
    hak_secure_shuffle(order, (unsigned)m);
    for (size_t i = 0; i < m; i++) {
        void *p = s->bump + (size_t)order[i] * s->bsize;
        hak_block_set_next(p, s->local);
        s->local = p;
    }
    s->bump += m * s->bsize;
    s->local_count += (uint32_t)m;
}

unsigned hak_slab_take(hak_slab *s, void **list, unsigned n, unsigned max)
{
    unsigned got = 0;
    void *head = *list;
    if (!s->local) hak_slab_drain(s);
    if (HAKMEM_SECURE && !s->local) slab_carve_shuffled(s);
    if (!head && s->local && s->local_count <= max) {
        got = s->local_count;
        head = s->local;
        s->local = NULL;
        s->local_count = 0;
    }
    for (; got < n; got++) {
        /* Hardened: fresh memory only ever comes shuffled, a group at a time. */
        if (!s->local && HAKMEM_SECURE && (size_t)(s->end - s->bump) >= s->bsize)
            slab_carve_shuffled(s);
        if (!s->local) break;
        void *p = s->local;
        s->local = hak_block_next(p);
        s->local_count--;
        hak_block_set_next(p, head);
        head = p;
    }
    size_t room = (size_t)(s->end - s->bump);
    while (got < n && room >= s->bsize) {
        void *p = s->bump;
        s->bump += s->bsize;
        room -= s->bsize;
        hak_block_set_next(p, head);
        head = p;
        got++;
    }
    s->used += got;
    *list = head;
    return got;
}

bool hak_slab_push_remote(hak_slab *s, void *head, void *tail, uint32_t n)
{
    uint64_t offset = (uint64_t)((uint8_t *)head - slab_base(s));
    uint64_t old = atomic_load_explicit(&s->remote, memory_order_relaxed);
    for (;;) {
        if (old == HAK_SLAB_ARMED) {
            if (atomic_compare_exchange_weak_explicit(&s->remote, &old, 0, memory_order_relaxed,
                                                      memory_order_relaxed))
                return false;
            continue;
        }
        hak_block_set_next(tail, old ? remote_head(s, old) : NULL);
        uint64_t w = offset | ((old >> 32) + n) << 32;
        if (atomic_compare_exchange_weak_explicit(&s->remote, &old, w, memory_order_release,
                                                  memory_order_relaxed))
            return true;
    }
}
