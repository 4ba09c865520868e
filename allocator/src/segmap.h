/* segmap.h: the address map. One byte per 2 MiB of the 47-bit user address space says what
 * hakmem keeps there, so free() decides in O(1) whether a pointer is ours and of which kind.
 * Owns the map (a zero-initialised bss array: untouched parts cost no memory).
 * Calls nothing. Writers: superslab.c, span.c and large.c, when they map and unmap regions. */
#ifndef HAKMEM_SEGMAP_H
#define HAKMEM_SEGMAP_H

#include "internal.h"

enum { HAK_SEG_NONE = 0, HAK_SEG_SUPERSLAB = 1, HAK_SEG_LARGE = 2, HAK_SEG_SPAN = 3 };

#define HAK_SEGMAP_ENTRIES ((size_t)1 << (47 - HAK_SEG_SHIFT))
extern _Atomic uint8_t hak_segmap[HAK_SEGMAP_ENTRIES];

HAK_INLINE unsigned hak_segmap_kind(const void *p)
{
    uintptr_t i = (uintptr_t)p >> HAK_SEG_SHIFT;
    if (HAK_UNLIKELY(i >= HAK_SEGMAP_ENTRIES)) return HAK_SEG_NONE;
    return atomic_load_explicit(&hak_segmap[i], memory_order_relaxed);
}

/* Marks [p, p + size) (2 MiB-aligned start) as kind. */
void hak_segmap_set(void *p, size_t size, unsigned kind);

#endif
