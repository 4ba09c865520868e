/* A block a workload keeps alive and later frees: its address, size and the tag of its pattern
 * (wl_pattern.h). Owns the "stamp when it is allocated, verify before it is freed" sequence
 * that every slot-based workload repeats; a mismatch exits 3, a failed malloc exits 2. Calls
 * wl_pattern.h, wl_sys.h and libc. Inline: these sit in the measured loops. */
#ifndef WL_BLOCK_H
#define WL_BLOCK_H

#include "wl_pattern.h"
#include "wl_sys.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* p == NULL: an empty slot. */
typedef struct {
    void *p;
    uint64_t size, tag;
} wl_block;

/* Stamps p (size bytes, from any allocation call) with tag's pattern and records it in b. */
static inline void wl_block_set(wl_block *b, void *p, uint64_t size, uint64_t tag)
{
    wl_fill(p, size, tag);
    *b = (wl_block){p, size, tag};
}

/* malloc(size), checked, then wl_block_set. */
static inline void wl_block_malloc(wl_block *b, uint64_t size, uint64_t tag)
{
    void *p = malloc(size);
    if (!p) wl_alloc_failed("malloc", size);
    wl_block_set(b, p, size, tag);
}

/* Verifies and frees the block in b, if there is one, and leaves b empty. */
static inline void wl_block_free(wl_block *b)
{
    if (!b->p) return;
    wl_verify(b->p, b->size, b->tag);
    free(b->p);
    b->p = NULL;
}

/* wl_block_free on each of blocks[0..n). */
static inline void wl_blocks_free(wl_block *blocks, size_t n)
{
    for (size_t i = 0; i < n; i++)
        wl_block_free(&blocks[i]);
}

#endif
