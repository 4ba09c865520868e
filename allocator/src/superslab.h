/* superslab.h: a SuperSlab is a 2 MiB-aligned region cut into slabs: 32 x 64 KiB for tiny
 * classes, 4 x 512 KiB for mid ones. The header (first pages) holds the slab descriptors, so
 * any block finds its slab, owner and class with a mask, a shift and one load: no global lookup.
 * Owns the SuperSlab arenas: slab hand-out and return, decommit of free slabs, unmapping of
 * empty SuperSlabs beyond EMPTY_SUPERSLAB_KEEP once they aged or went over the budget.
 * Calls slab.h, segmap.h, os.h.
 *
 * SuperSlabs belong to one of HAK_SS_ARENAS arenas, each with its own lock; a heap takes its
 * slabs from its own arena (any thread returns a slab to the arena of its SuperSlab). No
 * system call is made with an arena lock held: slabs being decommitted are taken out of the
 * free mask first, SuperSlabs to unmap out of the lists.
 * Returned slabs are "dirty" (still committed) and are the first ones handed out again, so
 * committed memory is reused before fresh pages are touched: RSS grows only when no dirty slab
 * of the needed size is left. A heap whose arena has no free slab takes one of another arena
 * (dirty ones first) before a SuperSlab is mapped. Dirty slabs go back to the OS after
 * PURGE_DELAY_MS without being reused (checked on slow paths: hak_ss_purge_tick), or at once
 * when they exceed HAK_SS_DIRTY_MIN_BYTES and, with the slabs in use, a quarter more than the
 * peak in use; adjacent slabs go in one madvise. Every madvise in a threaded process costs a TLB
 * shootdown on all CPUs and every purged page reused faults back in, so batching and delay
 * matter more than promptness: a budget that follows the peak (not the memory in use, which
 * falls while threads exit and their heaps are freed wholesale) lets the next generation of
 * threads reuse those pages. An empty SuperSlab is kept the same way; past PURGE_DELAY_MS, or
 * over the budget, those beyond EMPTY_SUPERSLAB_KEEP per arena are unmapped. */
#ifndef HAKMEM_SUPERSLAB_H
#define HAKMEM_SUPERSLAB_H

#include "size_class.h"
#include "slab.h"

#define HAK_SS_MAX_SLABS 32
#define HAK_SS_KINDS 2                           /* tiny (64 KiB slabs), mid (512 KiB slabs) */
#define HAK_SS_MAGIC 0x48414b53u                 /* "HAKS" */
#define HAK_SS_DIRTY_MIN_BYTES ((size_t)1 << 20) /* dirty slabs always allowed before a sweep */
#define HAK_SS_ARENAS 8
#define HAK_SS_TINY_SLAB_SHIFT 16
#define HAK_SS_MID_SLAB_SHIFT 19

/* A slab's owner and class in one word: the owner heap's address (64-byte aligned, or the
 * legacy path's tag) | the class. One load tells free() both whose slab a block is and its
 * class. There is one word per 8 KiB granule of the SuperSlab (a tiny slab has 8, a mid one
 * 64), so the word of any address is found with a constant shift, whatever the slab size; the
 * granules of the header and of free slabs hold 0, which free() reads as "not a block". */
#define HAK_SLAB_META_CLS ((uintptr_t)63)
#define HAK_SS_GRANULE_SHIFT 13
#define HAK_SS_GRANULES (HAK_SEG_SIZE >> HAK_SS_GRANULE_SHIFT)

typedef struct hak_superslab {
    /* Read-mostly, read by every free(): written when a slab is handed out or given back. At
     * offset 0, so free() indexes it from the SuperSlab's address with no displacement. */
    _Atomic uintptr_t meta[HAK_SS_GRANULES];
    uint32_t magic;
    uint8_t slab_shift;
    uint8_t nslabs;
    uint8_t kind; /* 0: tiny, 1: mid */
    uint8_t arena;
    /* Arena bookkeeping, under the arena lock. */
    _Alignas(64) uint32_t free_mask; /* bit i: slab i is free and can be handed out */
    uint32_t dirty_mask;             /* bit i: slab i is free but its pages are still committed */
    uint32_t purging_mask;           /* bit i: slab i is being decommitted (not in free_mask) */
    bool empty_kept;                 /* counted among the EMPTY_SUPERSLAB_KEEP kept empty */
    uint64_t dirty_since_ms;         /* when dirty_mask last went from 0 to non-zero */
    struct hak_superslab *next, *prev;
    hak_slab slabs[HAK_SS_MAX_SLABS];
#if !HAKMEM_BUILD_RELEASE
    /* Debug builds: one bit per block, set while the block is allocated (double-free check). */
    _Atomic uint8_t live[HAK_SS_MAX_SLABS][512];
#endif
} hak_superslab;

/* Whole granules, so no granule holds both header bytes and blocks. */
#define HAK_SS_HDR_SIZE hak_align_up(sizeof(hak_superslab), (size_t)1 << HAK_SS_GRANULE_SHIFT)

HAK_INLINE hak_superslab *hak_ss_of(const void *p)
{
    return (hak_superslab *)((uintptr_t)p & ~(uintptr_t)HAK_SEG_MASK);
}
HAK_INLINE unsigned hak_ss_slab_index(const hak_superslab *ss, const void *p)
{
    return (unsigned)(((uintptr_t)p & HAK_SEG_MASK) >> ss->slab_shift);
}
/* The meta word of the granule holding p (p inside a SuperSlab): the owner | class of its
 * slab, or 0 when no block can be there. */
HAK_INLINE uintptr_t hak_ss_meta_of(const void *p)
{
    const hak_superslab *ss = hak_ss_of(p);
    return atomic_load_explicit(&ss->meta[((uintptr_t)p & HAK_SEG_MASK) >> HAK_SS_GRANULE_SHIFT],
                                memory_order_relaxed);
}
HAK_INLINE hak_slab *hak_slab_of(const void *p)
{
    hak_superslab *ss = hak_ss_of(p);
    return &ss->slabs[hak_ss_slab_index(ss, p)];
}
HAK_INLINE uintptr_t hak_slab_meta(const hak_slab *s)
{
    return hak_ss_meta_of(s->start);
}
/* The heap that owns s. Stable while the caller holds a block of s (the slab cannot be given
 * back before every block has come home). */
HAK_INLINE struct hak_heap *hak_slab_owner(const hak_slab *s)
{
    return (struct hak_heap *)(hak_slab_meta(s) & ~HAK_SLAB_META_CLS);
}

/* A fresh slab for class cls from arena (any number: taken modulo HAK_SS_ARENAS), state
 * ACTIVE, owned by owner; NULL when the OS says no. */
hak_slab *hak_ss_acquire(unsigned cls, struct hak_heap *owner, unsigned arena);
/* Gives an empty slab back to its arena, dirty. */
void hak_ss_release(hak_slab *s);
/* Slow paths call this: once dirty slabs have waited PURGE_DELAY_MS, they are decommitted
 * (and empty SuperSlabs unmapped). One atomic load when nothing is due. */
void hak_ss_purge_tick(void);
/* Decommits every dirty slab and unmaps every empty SuperSlab (hak_trim). */
void hak_ss_trim(void);

#if !HAKMEM_BUILD_RELEASE
/* Debug builds: a live bit per block catches double frees and frees of interior pointers.
 * mark_live: p was just handed out. check: aborts naming p unless it is a live block's start
 * (clear: and marks it free). */
void hak_ss_debug_mark_live(const void *p);
void hak_ss_debug_check(const void *p, const char *what, bool clear);
#endif

/* fork(): every arena lock. */
void hak_ss_lock(void);
void hak_ss_unlock(void);

#endif
