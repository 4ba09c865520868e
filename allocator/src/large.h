/* large.h: blocks above HAK_SPAN_MAX (1 MiB), each in its own 2 MiB-aligned mapping with a header
 * just before the user pointer, and a small cache of recently freed mappings (reused when the size
 * fits within 2x) so that alloc/free cycles of big buffers do not pay mmap each time.
 * Owns the large cache (one lock). Calls segmap.h, os.h. */
#ifndef HAKMEM_LARGE_H
#define HAKMEM_LARGE_H

#include "internal.h"

#define HAK_LARGE_CACHE_SLOTS 8
#define HAK_LARGE_CACHE_MAX_BYTES ((size_t)64 * HAK_MiB)

/* align: a power of two up to half a SuperSlab (1 MiB). NULL when the OS says no. */
void *hak_large_alloc(size_t size, size_t align, bool *fresh);
/* p must be a pointer whose segmap kind is HAK_SEG_LARGE; aborts on anything but a live
 * block's start. */
void hak_large_free(void *p);
size_t hak_large_usable(const void *p);
/* Grows p to size bytes: in place when its mapping is big enough, otherwise by moving its pages
 * (mremap, no copy) into a bigger aligned mapping. NULL when the OS says no (p stays valid). */
void *hak_large_grow(void *p, size_t size);
void hak_large_trim(void);

void hak_large_lock(void);
void hak_large_unlock(void);

#endif
