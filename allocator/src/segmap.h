/* segmap.h: the address map. One byte per 2 MiB says what hakmem keeps there, so free()
 * decides in O(1) whether a pointer is ours and of which kind.
 *   below 2^47 (x86-64 and arm64 with 4-level tables: every address a process gets by
 *   default): one flat, zero-initialised bss array, 64 MiB of address space of which only the
 *   touched pages cost memory; the lookup is a compare and a load.
 *   2^47 .. 2^57 (arm64 52-bit, x86-64 5-level paging): a second level, a table of leaves of
 *   2^19 entries (1 TiB each), each leaf mapped the first time a region lands in its range.
 *   at or above 2^57: no process addresses there; always HAK_SEG_NONE.
 * Owns the map. Calls os.h (leaves). Writers: superslab.c, span_region.c and large.c, when
 * they take and give back regions. */
#ifndef HAKMEM_SEGMAP_H
#define HAKMEM_SEGMAP_H

#include "internal.h"

enum { HAK_SEG_NONE = 0, HAK_SEG_SUPERSLAB = 1, HAK_SEG_LARGE = 2, HAK_SEG_SPAN = 3 };

#define HAK_SEGMAP_FLAT_BITS 47
#define HAK_SEGMAP_HIGH_BITS 57
#define HAK_SEGMAP_LEAF_BITS 40
#define HAK_SEGMAP_ENTRIES ((size_t)1 << (HAK_SEGMAP_FLAT_BITS - HAK_SEG_SHIFT))
#define HAK_SEGMAP_LEAF_ENTRIES ((size_t)1 << (HAK_SEGMAP_LEAF_BITS - HAK_SEG_SHIFT))
#define HAK_SEGMAP_NLEAVES ((size_t)1 << (HAK_SEGMAP_HIGH_BITS - HAK_SEGMAP_LEAF_BITS))
extern _Atomic uint8_t hak_segmap[HAK_SEGMAP_ENTRIES];
/* Leaf k covers [k << 40, (k + 1) << 40); the first 128 (below 2^47) are never used. Leaves
 * are installed once (compare-and-swap) and never freed. */
extern _Atomic(_Atomic uint8_t *) hak_segmap_leaves[HAK_SEGMAP_NLEAVES];

/* Loads only, no call: free's fast path keeps no stack frame. */
HAK_INLINE unsigned hak_segmap_kind(const void *p)
{
    uintptr_t a = (uintptr_t)p, i = a >> HAK_SEG_SHIFT;
    if (HAK_LIKELY(i < HAK_SEGMAP_ENTRIES))
        return atomic_load_explicit(&hak_segmap[i], memory_order_relaxed);
    if (a >> HAK_SEGMAP_HIGH_BITS) return HAK_SEG_NONE;
    _Atomic uint8_t *leaf =
        atomic_load_explicit(&hak_segmap_leaves[a >> HAK_SEGMAP_LEAF_BITS], memory_order_acquire);
    return leaf ? atomic_load_explicit(&leaf[i & (HAK_SEGMAP_LEAF_ENTRIES - 1)],
                                       memory_order_relaxed)
                : HAK_SEG_NONE;
}

/* Marks [p, p + size) (2 MiB-aligned start) as kind. false when a leaf for a high address
 * could not be mapped or the range reaches 2^57 (nothing is marked then); marking
 * HAK_SEG_NONE never fails. */
bool hak_segmap_set(void *p, size_t size, unsigned kind);

#endif
