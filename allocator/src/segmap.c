/* segmap.c: the flat map below 2^47 and the leaves above it (see segmap.h). */
#include "segmap.h"
#include "os.h"

_Atomic uint8_t hak_segmap[HAK_SEGMAP_ENTRIES];
_Atomic(_Atomic uint8_t *) hak_segmap_leaves[HAK_SEGMAP_NLEAVES];

static _Atomic uint8_t *leaf_of(uintptr_t a, bool create)
{
    size_t k = (size_t)(a >> HAK_SEGMAP_LEAF_BITS);
    _Atomic uint8_t *leaf = atomic_load_explicit(&hak_segmap_leaves[k], memory_order_acquire);
    if (leaf || !create) return leaf;
    _Atomic uint8_t *fresh = hak_os_map(HAK_SEGMAP_LEAF_ENTRIES);
    if (!fresh) return NULL;
    if (atomic_compare_exchange_strong_explicit(&hak_segmap_leaves[k], &leaf, fresh,
                                                memory_order_acq_rel, memory_order_acquire))
        return fresh;
    hak_os_unmap(fresh, HAK_SEGMAP_LEAF_ENTRIES); /* another thread installed one first */
    return leaf;
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
            atomic_store_explicit(&leaf[i & (HAK_SEGMAP_LEAF_ENTRIES - 1)], (uint8_t)kind,
                                  memory_order_relaxed);
    }
    return true;
}
