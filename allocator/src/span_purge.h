/* span_purge.h: giving the free pages of span regions back to the kernel. An arena's dirty
 * pages (free, still committed) go
 *   - at once, down to half the budget and the longest runs first, when they exceed it: the
 *     arena's peak live pages, at least 4 MiB, so a heap that frees most of its blocks and
 *     allocates again (fragmentation's phases) reuses its pages instead of faulting them in
 *     twice; and
 *   - all of a region's, once nothing in it was taken or freed for PURGE_DELAY_MS: an idle
 *     heap ends near its live size.
 * Each madvise costs a TLB shootdown (hundreds of microseconds on this VM): a run is taken out
 * of the bins under the arena lock, decommitted without it in batches, and given back clean.
 * Owns the purge policy. Calls span_bins.h, span_region.h, chunk.h, os.h. */
#ifndef HAKMEM_SPAN_PURGE_H
#define HAKMEM_SPAN_PURGE_H

#include "span_arena.h"

/* Arena lock held: pages of r were taken or freed at now. */
void span_purge_note_use(span_region *r, uint64_t now);
/* Arena lock held: whether span_purge(a, now, false) has work. */
bool span_purge_due(const span_arena *a, uint64_t now);
/* Arena lock not held: purges what is due in a (all: every dirty page). */
void span_purge(span_arena *a, uint64_t now, bool all);

#endif
