/* span_region.h: a span region is one 2 MiB chunk (chunk.h) cut into pages: pages 0-2 hold
 * this header (page maps, run lengths, bin links), the others are handed out as runs of whole
 * pages (span.h). Regions are 2 MiB-aligned, so a mask finds the header of any block.
 * Owns the header layout, the page maps, the start map read by free's pointer check, and
 * taking regions from / giving them back to the chunk layer (and the address map).
 * Calls chunk.h, segmap.h, bitmap.h. */
#ifndef HAKMEM_SPAN_REGION_H
#define HAKMEM_SPAN_REGION_H

#include "bitmap.h"

#define SPAN_MAGIC 0x4e415053u /* "SPAN" */
#define SPAN_NPAGES ((unsigned)(HAK_SEG_SIZE / HAK_PAGE))
#define SPAN_WORDS (SPAN_NPAGES / 64)
#define SPAN_FIRST_PAGE 3u /* pages 0-2 hold the header */
#define SPAN_RUN_MAX (SPAN_NPAGES - SPAN_FIRST_PAGE)

typedef struct span_arena span_arena;

typedef struct span_region {
    uint32_t magic;
    span_arena *arena;
    struct span_region *next, *prev; /* the arena's regions */
    uint64_t last_use_ms;            /* when a run of it was last taken or freed (decay) */
    uint64_t free_map[SPAN_WORDS];   /* bit i: page i is free */
    uint64_t dirty_map[SPAN_WORDS];  /* bit i: page i is free and still committed */
    /* bit i: a live block starts at page i. Written under the arena lock, read without it by
     * free's pointer check (hence atomic; relaxed loads and stores, no read-modify-write). */
    _Atomic uint64_t start_map[SPAN_WORDS];
    /* Length in pages: at a live block's first page, and at both ends of a free run. */
    uint16_t run_pages[SPAN_NPAGES];
    /* Bin links of the free run starting at page i (its first page's address names it). */
    uint8_t *run_next[SPAN_NPAGES], *run_prev[SPAN_NPAGES];
} span_region;

_Static_assert(sizeof(span_region) <= SPAN_FIRST_PAGE * HAK_PAGE,
               "the header fits before SPAN_FIRST_PAGE");

HAK_INLINE span_region *span_region_of(const void *p)
{
    return (span_region *)((uintptr_t)p & ~(uintptr_t)HAK_SEG_MASK);
}

HAK_INLINE unsigned span_page_index(const void *p)
{
    return (unsigned)(((uintptr_t)p & HAK_SEG_MASK) / HAK_PAGE);
}

HAK_INLINE uint8_t *span_page_addr(span_region *r, unsigned i)
{
    return (uint8_t *)r + (size_t)i * HAK_PAGE;
}

HAK_INLINE bool span_start_test(const span_region *r, unsigned i)
{
    return (atomic_load_explicit(&r->start_map[i / 64], memory_order_relaxed) >> (i % 64)) & 1;
}

/* Arena lock held: no other writer, so a load and a store replace a read-modify-write. */
HAK_INLINE void span_start_set(span_region *r, unsigned i, bool live)
{
    uint64_t w = atomic_load_explicit(&r->start_map[i / 64], memory_order_relaxed);
    uint64_t bit = 1ull << (i % 64);
    atomic_store_explicit(&r->start_map[i / 64], live ? w | bit : w & ~bit, memory_order_relaxed);
}

/* A region with every page free (those that may be resident marked dirty), in no arena yet.
 * NULL when the OS says no. */
span_region *span_region_new(void);
/* Gives an empty region (out of its arena) back to the chunk layer with its dirty pages. */
void span_region_release(span_region *r);

#endif
