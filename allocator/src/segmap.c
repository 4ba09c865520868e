/* segmap.c: the flat map below 2^47 and the leaves above it (see segmap.h). */
#include "segmap.h"
#include "os.h"

#define LEAF_ENTRIES ((size_t)1 << (HAK_SEGMAP_LEAF_BITS - HAK_SEG_SHIFT))
#define NLEAVES ((size_t)1 << (HAK_SEGMAP_HIGH_BITS - HAK_SEGMAP_LEAF_BITS))

_Atomic uint8_t hak_segmap[HAK_SEGMAP_ENTRIES];
/* Leaf k covers [k << 40, (k + 1) << 40); the first 128 (below 2^47) are never used. Leaves
 * are installed once (compare-and-swap) and never freed. */
static _Atomic(_Atomic uint8_t *) leaves[NLEAVES];

static _Atomic uint8_t *leaf_of(uintptr_t a, bool create)
{
    size_t k = (size_t)(a >> HAK_SEGMAP_LEAF_BITS);
    _Atomic uint8_t *leaf = atomic_load_explicit(&leaves[k], memory_order_acquire);
    if (leaf || !create) return leaf;
    _Atomic uint8_t *fresh = hak_os_map(LEAF_ENTRIES);
    if (!fresh) return NULL;
    if (atomic_compare_exchange_strong_explicit(&leaves[k], &leaf, fresh, memory_order_acq_rel,
                                                memory_order_acquire))
        return fresh;
    hak_os_unmap(fresh, LEAF_ENTRIES); /* another thread installed one first */
    return leaf;
}

unsigned hak_segmap_kind_high(uintptr_t a)
{
    if (a >> HAK_SEGMAP_HIGH_BITS) return HAK_SEG_NONE;
    _Atomic uint8_t *leaf = leaf_of(a, false);
    if (!leaf) return HAK_SEG_NONE;
    return atomic_load_explicit(&leaf[(a >> HAK_SEG_SHIFT) & (LEAF_ENTRIES - 1)],
                                memory_order_relaxed);
}

bool hak_segmap_set(void *p, size_t size, unsigned kind)
{
    uintptr_t first = (uintptr_t)p, last = (uintptr_t)p + size - 1;
    if (last < first || last >> HAK_SEGMAP_HIGH_BITS) return kind == HAK_SEG_NONE;
    /* High leaves first, so a failure leaves nothing half marked. */
    for (uintptr_t a = first; kind != HAK_SEG_NONE && a <= last; a += HAK_SEG_SIZE)
        if ((a >> HAK_SEG_SHIFT) >= HAK_SEGMAP_ENTRIES && !leaf_of(a, true)) return false;
    for (uintptr_t a = first; a <= last && a >= first; a += HAK_SEG_SIZE) {
        uintptr_t i = a >> HAK_SEG_SHIFT;
        if (i < HAK_SEGMAP_ENTRIES) {
            atomic_store_explicit(&hak_segmap[i], (uint8_t)kind, memory_order_relaxed);
            continue;
        }
        _Atomic uint8_t *leaf = leaf_of(a, false);
        if (leaf)
            atomic_store_explicit(&leaf[i & (LEAF_ENTRIES - 1)], (uint8_t)kind,
                                  memory_order_relaxed);
    }
    return true;
}
