/* slab.c: local, bump and remote block lists of one slab (see slab.h). */
#include "slab.h"

unsigned hak_slab_drain(hak_slab *s)
{
    void *chain = atomic_exchange_explicit(&s->remote, NULL, memory_order_acquire);
    if (!chain) return 0;
    unsigned n = 1;
    void *tail = chain;
    while (hak_block_next(tail)) {
        tail = hak_block_next(tail);
        n++;
    }
    hak_block_set_next(tail, s->local);
    s->local = chain;
    s->local_count += n;
    HAK_ASSERT(s->used >= n);
    s->used -= n;
    HAK_STAT_ADD(remote_frees_drained, n);
    return n;
}

unsigned hak_slab_take(hak_slab *s, void **list, unsigned n, unsigned max)
{
    unsigned got = 0;
    void *head = *list;
    if (!s->local && atomic_load_explicit(&s->remote, memory_order_relaxed)) hak_slab_drain(s);
    if (!head && s->local && s->local_count <= max) {
        got = s->local_count;
        head = s->local;
        s->local = NULL;
        s->local_count = 0;
    }
    while (got < n && s->local) {
        void *p = s->local;
        s->local = hak_block_next(p);
        s->local_count--;
        hak_block_set_next(p, head);
        head = p;
        got++;
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

bool hak_slab_push_remote(hak_slab *s, void *head, void *tail)
{
    void *old = atomic_load_explicit(&s->remote, memory_order_relaxed);
    do {
        hak_block_set_next(tail, old);
    } while (!atomic_compare_exchange_weak_explicit(&s->remote, &old, head, memory_order_release,
                                                    memory_order_relaxed));
    return old == NULL;
}
