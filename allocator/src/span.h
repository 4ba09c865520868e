/* span.h: blocks above HAK_MID_MAX up to HAK_SPAN_MAX, each a run of whole pages inside a
 * 2 MiB span region (span_region.h). Best fit with coalescing, like a classic page heap
 * (span_bins.h): a freed run merges with its free neighbours and any size can reuse it, so a
 * mix of big sizes costs about its live bytes, where per-class slabs would hold the peak of
 * every class at once (for blocks of 8 KiB-1 MiB, that was 2x glibc's peak RSS). A block can
 * grow in place into the free pages after it (realloc).
 * Threads are spread over arenas (span_arena.h), each with its own lock and regions; a small
 * per-thread cache of freed runs of up to 32 KiB serves most small ones without a lock
 * (span_cache.h). Free pages stay committed up to a budget and for PURGE_DELAY_MS, then go
 * back to the kernel (span_purge.h); a region that empties goes back to the chunk layer.
 * Owns the page-run API. Calls span_bins.h, span_cache.h, span_purge.h, os.h (the clock). */
#ifndef HAKMEM_SPAN_H
#define HAKMEM_SPAN_H

#include "internal.h"

#define HAK_SPAN_MAX ((size_t)1 << 20)

/* A block of size bytes (HAK_MID_MAX < size <= HAK_SPAN_MAX, or smaller for aligned requests)
 * at an address that is a multiple of align (a power of two up to HAK_SPAN_MAX). zero: it
 * reads as zeros (only pages that may have been written are cleared). NULL when the OS says
 * no. */
void *hak_span_alloc(size_t size, size_t align, bool zero);
/* p must lie in a span region (segmap kind HAK_SEG_SPAN); aborts naming p unless it is a live
 * block's start. */
void hak_span_free(void *p);
size_t hak_span_usable(const void *p, const char *what);
/* Resizes the live block p to hold size bytes without moving it: shrinks it, or grows it into
 * the free pages right after it. false when those pages are not free (p is unchanged). */
bool hak_span_resize(void *p, size_t size);
/* The calling thread's cache of freed small runs: on from attach (the thread has its thread
 * cache) until exit, which hands the cached runs back. */
void hak_span_thread_attach(void);
void hak_span_thread_exit(void);
/* Hands the calling thread's cached runs back and decommits every dirty free page. */
void hak_span_trim(void);
/* Free but committed pages, in bytes, and the regions holding them (mallinfo, malloc_info). */
void hak_span_free_stats(size_t *regions, size_t *bytes);

void hak_span_lock(void);
void hak_span_unlock(void);

#endif
