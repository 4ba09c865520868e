/* front.h: the inline fast path for tiny classes (TINY_FAST_PATH_DEFAULT=1). It pops from and
 * pushes onto the thread cache's per-class list directly, inlined into malloc and free.
 * Owns nothing; calls tcache.h (miss paths) only.
 *
 * Cost, read from the generated code (x86-64, gcc -O2, libhakmem.so): a malloc hit is 17
 * instructions with two predictable branches (size test, empty list): the class-table load,
 * the TLS bin address, the head load, the next-pointer load and two stores. A free hit is 29
 * with six branches, most of them the checks that the pointer is ours: the address-map load,
 * the SuperSlab header's shift and class, the capacity compare and three stores. Counters
 * add 4 instructions (one TLS increment). No atomics, no locks, no division.
 * An empty list falls back to hak_tcache_alloc_miss (batch refill from the slab); a full one to
 * hak_tcache_free_miss (flush half the list back to the slabs).
 * Counting: one per-thread increment per call (fast_path_hits or _misses, fast_path_frees or
 * free_calls); stats.c folds the fast-path ones into malloc_calls and free_calls. */
#ifndef HAKMEM_FRONT_H
#define HAKMEM_FRONT_H

#include "tcache.h"

HAK_INLINE void *hak_front_alloc(unsigned cls)
{
    hak_bin *b = &hak_tls_tcache.bins[cls];
    void *p = b->head;
    if (HAK_LIKELY(p != NULL)) {
        b->head = hak_block_next(p);
        b->count--;
        HAK_STAT_INC(fast_path_hits);
        return p;
    }
    HAK_STAT_INC(fast_path_misses);
    return hak_tcache_alloc_miss(cls);
}

HAK_INLINE void hak_front_free(void *p, unsigned cls)
{
    hak_bin *b = &hak_tls_tcache.bins[cls];
    if (HAK_LIKELY(b->count < b->cap)) {
        hak_block_set_next(p, b->head);
        b->head = p;
        b->count++;
        HAK_STAT_INC(fast_path_frees);
        return;
    }
    HAK_STAT_INC(free_calls);
    hak_tcache_free_miss(p, cls);
}

#endif
