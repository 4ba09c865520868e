/* span_bins.h: the free runs of an arena, in bins by length, and the page moves between free
 * runs and taken pages. Best fit: the first fitting run of the smallest bin that has one
 * (exact for runs of up to 32 pages); runs of BIG_PAGES and more are cut from the top of a
 * free run, smaller ones from the bottom, so big and small blocks do not interleave. A run
 * given back merges with the free runs on either side. All under the arena's lock.
 * Owns the bin lists (their links live in the region headers). Calls span_arena.h. */
#ifndef HAKMEM_SPAN_BINS_H
#define HAKMEM_SPAN_BINS_H

#include "span_arena.h"

/* [i, i + n) of r becomes one free run in its arena's bin, or leaves it. */
void span_run_insert(span_region *r, unsigned i, unsigned n);
void span_run_remove(span_region *r, unsigned i);
/* A free run of a for need pages at a multiple of align_pages; sets *run (its first page)
 * and *at (where the pages go). NULL when none fits. */
span_region *span_find_run(span_arena *a, unsigned need, unsigned align_pages, unsigned *run,
                           unsigned *at);
/* Takes pages [at, at + n) out of the free run starting at page run (the rest stays free).
 * Their dirty bits are cleared and counted out of the arena's; returns how many were set. */
unsigned span_take_pages(span_region *r, unsigned run, unsigned at, unsigned n);
/* Pages [at, at + n) (taken) become free, merged with the free runs around them; their dirty
 * bits are the caller's. Returns r when that emptied it and it is not its arena's last region:
 * r has then left its arena, and the caller gives it back (span_region_release) after
 * unlocking. */
span_region *span_give_pages(span_region *r, unsigned at, unsigned n);

#endif
