/* span_cache.h: the per-thread cache of freed small page runs: up to SPAN_CACHE_DEPTH blocks
 * of each length up to SPAN_CACHE_PAGES pages, SPAN_CACHE_MAX_PAGES pages in all (128 KiB a
 * thread, not coalesced while cached). A free or allocation through it takes no lock: an
 * uncontended lock and unlock per call cost 19% of single-threaded mid_large_mt on this VM.
 * On from a thread's attach (it has its thread cache) until its exit; release builds only:
 * debug builds keep every double-free check exact.
 * Owns the caches (initial-exec TLS). Calls nothing: the flush hands each run to the caller. */
#ifndef HAKMEM_SPAN_CACHE_H
#define HAKMEM_SPAN_CACHE_H

#include "internal.h"

#define SPAN_CACHE_PAGES 8u
#define SPAN_CACHE_DEPTH 4u
#define SPAN_CACHE_MAX_PAGES 32u

/* A cached run of pages pages (aligned to a page only), or NULL. */
void *span_cache_get(unsigned pages);
/* Keeps the freed run p of pages pages; false when it does not fit. Aborts naming p when it
 * is already cached (a double free). */
bool span_cache_put(void *p, unsigned pages);
void span_cache_attach(void);
/* Hands every cached run to give; off: the cache stays off (the thread is exiting). */
void span_cache_flush(void (*give)(void *p), bool off);

#endif
