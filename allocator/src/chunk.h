/* chunk.h: 2 MiB chunks (HAK_SEG_SIZE) for the tiers that take whole chunks, page-run regions
 * (span) and large blocks, carved from reservations: address space mapped once, readable and
 * writable but charged only when touched (MAP_NORESERVE), the first 32 MiB, each next one
 * twice the last up to 1 GiB. Handing out a run of chunks is then a bitmap search with no
 * system call, and an aligned run costs no extra mapping and trimming.
 *
 * A freed run stays committed ("dirty", with how many of its pages may have been written) and
 * is handed out again before clean chunks: a program that frees and allocates big blocks
 * reuses pages it already faulted in (on this VM a fault costs 15-35 us a page). Dirty chunks
 * go back to the kernel (madvise, in batches, never under the lock) when
 *   - they have been free for PURGE_DELAY_MS (checked on every hand-out and return), or
 *   - with the chunks handed out they exceed a quarter more than the peak handed out (at
 *     least 16 MiB dirty): the oldest first, down to three quarters of that budget. Memory
 *     freed as the use falls from its peak stays until it ages: it is what the next wave of
 *     allocations (threads re-created, a phase repeated) takes again.
 * Runs that do not fit a reservation (over 1 GiB, alignments no reservation has, or the
 * address space capped) are mapped on their own and unmapped when freed.
 * Owns the reservations and their bitmaps (one lock, never held across a system call).
 * Calls os.h only. Callers mark their chunks in the address map (segmap.h) themselves. */
#ifndef HAKMEM_CHUNK_H
#define HAKMEM_CHUNK_H

#include "internal.h"

/* A run of n chunks at p with (p + lead) a multiple of align (a power of two; lead a multiple
 * of HAK_SEG_SIZE, below n chunks). The first zero bytes read as zeros on return; *touched is
 * set to the bytes from p that may be resident (an upper bound; 0 for fresh memory). NULL when
 * the OS says no. */
void *hak_chunk_alloc(size_t n, size_t align, size_t lead, size_t zero, size_t *touched);
/* The same, always in a mapping of its own, which hak_chunk_free unmaps: never memory a
 * freed run left behind, and nothing of it is kept after its free. *touched is 0. */
void *hak_chunk_map(size_t n, size_t align, size_t lead, size_t *touched);
/* Gives back the run of n chunks at p (any sub-run of one handed out); touched: the bytes from
 * p that may have been written or handed out dirty (an upper bound). */
void hak_chunk_free(void *p, size_t n, size_t touched);
/* Grows the run of n chunks at p to m in place, when the chunks after it are free. zero and
 * *touched as for hak_chunk_alloc, counted from p + n chunks. */
bool hak_chunk_extend(void *p, size_t n, size_t m, size_t zero, size_t *touched);
/* Moves the pages of the run of n chunks at from into the start of the run at to (handed out,
 * at least n chunks) without copying, and gives the source back. false: nothing changed. */
bool hak_chunk_move(void *from, size_t n, void *to);
/* Purges the dirty chunks that expired by now (a caller that reads the clock anyway). */
void hak_chunk_tick(uint64_t now);
/* Returns every dirty chunk to the kernel now (malloc_trim / hak_trim). */
void hak_chunk_trim(void);
/* Dirty free chunks (malloc_stats, mallinfo). */
size_t hak_chunk_dirty_count(void);

/* fork(): the reservation lock. */
void hak_chunk_lock(void);
void hak_chunk_unlock(void);

#endif
