/* large.h: blocks above HAK_SPAN_MAX (1 MiB), each a run of 2 MiB chunks (chunk.h) with a
 * header just before the user pointer. Freed runs go back to the chunk layer, which keeps them
 * committed for a while and hands them out again first: a program that keeps allocating big
 * buffers reuses pages it has already faulted in, and calloc zeroes only what may have been
 * written. realloc grows a block in place into free chunks after it, or moves its pages
 * (mremap, no copy). Alignments up to 1 GiB.
 * Owns the block headers. Calls chunk.h, segmap.h. HAKMEM_SECURE >= 2 keeps nothing: each
 * block is a mapping of its own, unmapped by its free (large.c). */
#ifndef HAKMEM_LARGE_H
#define HAKMEM_LARGE_H

#include "internal.h"

/* The largest alignment any allocation function serves. */
#define HAK_MAX_ALIGN ((size_t)1 << 30)

/* align: a power of two up to HAK_MAX_ALIGN; zero: the block reads as zeros. NULL when the OS
 * says no. */
void *hak_large_alloc(size_t size, size_t align, bool zero);
/* p must be a pointer whose segmap kind is HAK_SEG_LARGE; aborts on anything but a live
 * block's start. */
void hak_large_free(void *p);
size_t hak_large_usable(const void *p);
/* Resizes p to size bytes (> HAK_SPAN_MAX): in place when its chunks hold it (a shrink gives
 * back the chunks it no longer needs) or the chunks after it are free, otherwise by moving
 * its pages into a new run. NULL when the OS says no (p stays valid). */
void *hak_large_resize(void *p, size_t size);

/* Live large blocks and the bytes of their chunks, now and at their peak (mallinfo). */
typedef struct {
    size_t count, bytes, peak_count, peak_bytes;
} hak_large_stats;
void hak_large_stats_get(hak_large_stats *out);

#endif
