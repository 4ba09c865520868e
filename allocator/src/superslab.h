/* superslab.h: a SuperSlab is a 2 MiB-aligned region cut into slabs: 32 x 64 KiB for tiny
 * classes, 4 x 512 KiB for mid ones. The header (first pages) holds the slab descriptors, so
 * any block finds its slab and class with a mask and a shift: no global lookup.
 * Owns the SuperSlab pool (one lock): slab hand-out and return, decommit of empty slabs, and
 * unmapping of empty SuperSlabs beyond EMPTY_SUPERSLAB_KEEP. Calls slab.h, segmap.h, os.h.
 *
 * Returned slabs are "dirty" (still committed) and are the first ones handed out again, so
 * committed memory is reused before fresh pages are touched: RSS grows only when no dirty slab
 * of the needed size is left. When the dirty slabs exceed HAK_SS_DIRTY_MIN_BYTES and half the
 * peak memory ever in slabs, one sweep decommits them, adjacent slabs in one madvise. Every
 * madvise in a threaded process costs a TLB shootdown on all CPUs, so batching matters more
 * than promptness; a budget that follows the peak (not the memory in use, which falls while a
 * heap is freed wholesale) keeps such a heap from sweeping SuperSlabs that are about to empty
 * anyway (an empty one is unmapped, or decommitted whole, at once). */
#ifndef HAKMEM_SUPERSLAB_H
#define HAKMEM_SUPERSLAB_H

#include "size_class.h"
#include "slab.h"

#define HAK_SS_MAX_SLABS 32
#define HAK_SS_KINDS 2                           /* tiny (64 KiB slabs), mid (512 KiB slabs) */
#define HAK_SS_MAGIC 0x48414b53u                 /* "HAKS" */
#define HAK_SS_DIRTY_MIN_BYTES ((size_t)1 << 20) /* dirty slabs always allowed before a sweep */

/* A slab's owner and class in one word: the owner heap's address (64-byte aligned, or the
 * legacy path's tag) | the class. One load tells free() both whose slab a block is and its
 * class; 0 while the slab is free. */
#define HAK_SLAB_META_CLS ((uintptr_t)63)

typedef struct hak_superslab {
    /* Read-mostly, read by every free(): written when a slab is handed out or given back. */
    uint32_t magic;
    uint8_t slab_shift;
    uint8_t nslabs;
    uint8_t kind; /* 0: tiny, 1: mid */
    _Alignas(64) _Atomic uintptr_t meta[HAK_SS_MAX_SLABS];
    /* Pool bookkeeping, under the pool lock. */
    _Alignas(64) uint32_t free_mask; /* bit i: slab i is free */
    uint32_t dirty_mask;             /* bit i: slab i is free but its pages are still committed */
    struct hak_superslab *next, *prev;
    hak_slab slabs[HAK_SS_MAX_SLABS];
#if !HAKMEM_BUILD_RELEASE
    /* Debug builds: one bit per block, set while the block is allocated (double-free check). */
    _Atomic uint8_t live[HAK_SS_MAX_SLABS][512];
#endif
} hak_superslab;

#define HAK_SS_HDR_SIZE hak_align_up(sizeof(hak_superslab), HAK_PAGE)

HAK_INLINE hak_superslab *hak_ss_of(const void *p)
{
    return (hak_superslab *)((uintptr_t)p & ~(uintptr_t)HAK_SEG_MASK);
}
HAK_INLINE unsigned hak_ss_slab_index(const hak_superslab *ss, const void *p)
{
    return (unsigned)(((uintptr_t)p & HAK_SEG_MASK) >> ss->slab_shift);
}
HAK_INLINE hak_slab *hak_slab_of(const void *p)
{
    hak_superslab *ss = hak_ss_of(p);
    return &ss->slabs[hak_ss_slab_index(ss, p)];
}
HAK_INLINE uintptr_t hak_slab_meta(const hak_slab *s)
{
    return atomic_load_explicit(&hak_ss_of(s)->meta[s->index], memory_order_relaxed);
}
/* The heap that owns s. Stable while the caller holds a block of s (the slab cannot be given
 * back before every block has come home). */
HAK_INLINE struct hak_heap *hak_slab_owner(const hak_slab *s)
{
    return (struct hak_heap *)(hak_slab_meta(s) & ~HAK_SLAB_META_CLS);
}

/* A fresh slab for class cls, state ACTIVE, owned by owner; NULL when the OS says no. */
hak_slab *hak_ss_acquire(unsigned cls, struct hak_heap *owner);
/* Gives an empty slab back: its pages are decommitted. */
void hak_ss_release(hak_slab *s);
/* Unmaps every empty SuperSlab (hak_trim). */
void hak_ss_trim(void);

/* fork(): the pool lock. */
void hak_ss_lock(void);
void hak_ss_unlock(void);

#endif
