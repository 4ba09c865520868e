/* segmap.c: the 2 MiB-granularity address map (see segmap.h). */
#include "segmap.h"

_Atomic uint8_t hak_segmap[HAK_SEGMAP_ENTRIES];

void hak_segmap_set(void *p, size_t size, unsigned kind)
{
    uintptr_t first = (uintptr_t)p >> HAK_SEG_SHIFT;
    uintptr_t last = ((uintptr_t)p + size - 1) >> HAK_SEG_SHIFT;
    for (uintptr_t i = first; i <= last && i < HAK_SEGMAP_ENTRIES; i++)
        atomic_store_explicit(&hak_segmap[i], (uint8_t)kind, memory_order_relaxed);
}
