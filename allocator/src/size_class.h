/* size_class.h: request size -> size class, and each class's block size and cache limits.
 * Owns the class tables. Calls nothing.
 *
 * Classes: 16-byte steps up to 128 B (8 classes), then 4 classes per power of two up to
 * HAK_MID_MAX (8 KiB). Tiny = classes up to 1 KiB (20 classes); mid = above 1 KiB (12 classes).
 * Bigger sizes have no class: they are runs of whole pages (span.h), where any size reuses
 * any freed run.
 * Why: a block is at most 1.25x the smallest request it serves above 128 B (the next class is
 * 1/4 of a doubling away), so internal fragmentation stays under 20% of the block; below 128 B
 * the 16-byte step keeps the waste under 16 bytes, and 16 is the alignment malloc must give.
 * The lookup is a table for tiny sizes and a count-leading-zeros for mid ones: no division. */
#ifndef HAKMEM_SIZE_CLASS_H
#define HAKMEM_SIZE_CLASS_H

#include "internal.h"

#define HAK_TINY_MAX ((size_t)1024)
#define HAK_MID_MAX ((size_t)8 * 1024)
#define HAK_TINY_NCLASS 20
#define HAK_NCLASS 32

extern const uint8_t hak_tiny_class_of[HAK_TINY_MAX / 16 + 1];
extern const uint32_t hak_class_size[HAK_NCLASS];
/* Thread-cache capacity and refill batch per class: TCACHE_CAPACITY and REFILL_BATCH, scaled
 * down so one class never caches more than HAK_TCACHE_CLASS_BYTES (tiny classes, at least 2
 * blocks) or HAK_TCACHE_MID_CLASS_BYTES (mid classes, at least 1 block). Mid blocks are few per
 * page, so every cached one is resident memory no other class can use. */
extern uint16_t hak_class_cap[HAK_NCLASS];
extern uint16_t hak_class_batch[HAK_NCLASS];
#define HAK_TCACHE_CLASS_BYTES ((size_t)64 * 1024)
#define HAK_TCACHE_MID_CLASS_BYTES ((size_t)32 * 1024)

void hak_size_class_init(void);

/* Tiny sizes only (size <= HAK_TINY_MAX). */
HAK_INLINE unsigned hak_tiny_class(size_t size)
{
    return hak_tiny_class_of[(size + 15) >> 4];
}

/* Any size up to HAK_MID_MAX. */
HAK_INLINE unsigned hak_size_class(size_t size)
{
    if (HAK_LIKELY(size <= HAK_TINY_MAX)) return hak_tiny_class(size);
    size_t w = size - 1;
    unsigned b = 63u - (unsigned)__builtin_clzl(w);
    return 8u + (b - 7u) * 4u + (unsigned)((w >> (b - 2u)) & 3u);
}

#endif
