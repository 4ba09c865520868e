/* front.h: the small-block fast paths (tiny and mid classes, TINY_FAST_PATH_DEFAULT=1), inlined
 * into malloc and free: a pop from, or a push onto, the thread cache's per-class list.
 * Owns nothing; calls tcache.h (miss paths) and superslab.h (a block's owner and class).
 *
 * free() tells a block of the thread's own slabs from any other with one load from the
 * SuperSlab header's read-mostly meta words (owner heap | class, superslab.h) and one xor with
 * the thread's heap: a result up to HAK_SLAB_META_CLS is both "mine" and the class. A block of
 * another live thread's heap goes back towards its owner (tcache.c), never into this thread's
 * cache, so a thread does not reuse memory whose neighbours another thread is writing (false
 * sharing).
 *
 * Cost, counted in the generated code (x86-64, gcc 12 -O2, counters off; objdump -d
 * libhakmem.so, from hak_malloc / hak_free to the first ret):
 *   malloc of a tiny size, list not empty: 17 instructions, 2 branches (size test, empty list):
 *     the class-table load (4), the TLS bin address (3), the head and next loads, two stores.
 *     Mid sizes take the same inline pop after one call and a count-leading-zeros class.
 *   free of an own block with room in its bin: 32 instructions, 6 branches: the address-map
 *     lookup (8: bounds, map byte, "SuperSlab?"), the meta word (6), the xor with the thread's
 *     heap and its test (5, with the GOT load of the TLS offset), the bin address (3), the room
 *     test (3), the test against the bin's head (3: a double free, secure.h), the push (3) and
 *     ret. Recounted 2026-12-03.
 *   For scale, mimalloc 2.0 (Debian libmimalloc.so.2): mi_malloc 15, mi_free 26, without a test
 *   that the pointer is its own (the address map's 7 here, which make a foreign pointer abort).
 * An empty list falls back to hak_tcache_alloc_miss (batch refill from the slab); anything but
 * a push onto an own bin with room to hak_tcache_free_slow.
 * Counting (HAKMEM_COUNTERS=1): one per-thread increment per call (fast_path_hits or _misses,
 * fast_path_frees or free_calls); stats.c folds the fast-path ones into malloc_calls and
 * free_calls. */
#ifndef HAKMEM_FRONT_H
#define HAKMEM_FRONT_H

#include "superslab.h"
#include "tcache.h"

HAK_INLINE void *hak_front_alloc(unsigned cls)
{
    hak_bin *b = &hak_tls_tcache.bins[cls];
    void *p = b->head;
    if (HAK_LIKELY(p != NULL)) {
        b->head = hak_block_next(p);
        b->room++;
        HAK_STAT_INC(fast_path_hits);
        return p;
    }
    HAK_STAT_INC(fast_path_misses);
    return hak_tcache_alloc_miss(cls);
}

/* p: inside a SuperSlab (the address map says so). count: the fast-path counter (the
 * out-of-line hak_tcache_free counts nothing). */
HAK_INLINE void hak_front_free_counted(void *p, bool count)
{
    uintptr_t meta = hak_ss_meta_of(p);
    uintptr_t cls = meta ^ (uintptr_t)hak_tls_tcache.heap;
    if (HAK_LIKELY(cls <= HAK_SLAB_META_CLS)) {
        hak_bin *b = &hak_tls_tcache.bins[cls];
        /* p at the head: freed twice in a row; the slow path aborts (secure.h), and so it does
         * for a misaligned p (HAKMEM_SECURE=1). Sending them there, rather than calling the
         * abort here, keeps this path without a stack frame. */
        if (HAK_LIKELY(b->room && p != b->head && !HAK_SECURE_MISALIGNED(p))) {
            hak_block_set_next(p, b->head);
            b->head = p;
            b->room--;
            if (count) HAK_STAT_INC(fast_path_frees);
            return;
        }
    }
    if (count) HAK_STAT_INC(free_calls);
    hak_tcache_free_slow(p, meta);
}

HAK_INLINE void hak_front_free(void *p)
{
    hak_front_free_counted(p, true);
}

#endif
