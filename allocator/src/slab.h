/* slab.h: a slab is a run of same-class blocks inside a SuperSlab (64 KiB for tiny classes,
 * 512 KiB for mid ones). Owns the block lists of one slab: the owner's local free list and bump
 * pointer, and the atomic remote-free list other threads push onto (lock-free MPSC; the owner
 * takes the whole list with one exchange). Calls nothing below it; superslab.c creates slabs.
 *
 * Ownership: only the slab's owner (a thread heap, a lock holder for legacy and orphaned slabs)
 * touches local, bump, used and the list links. Anyone may push onto remote. */
#ifndef HAKMEM_SLAB_H
#define HAKMEM_SLAB_H

#include "internal.h"

struct hak_heap;

enum {
    HAK_SLAB_FREE = 0, /* in the SuperSlab, not handed out */
    HAK_SLAB_ACTIVE,   /* a heap's current slab for its class */
    HAK_SLAB_PARTIAL,  /* in a heap's partial list: has local free blocks */
    HAK_SLAB_FULL,     /* in a heap's full list: nothing local; remote frees may arrive */
    HAK_SLAB_ORPHAN,   /* owner thread exited; in the orphan list, waiting to be adopted */
    HAK_SLAB_LEGACY,   /* owned by the locked reference path (legacy.c) */
};

typedef struct hak_slab {
    /* Owner-private and read-mostly fields share the first cache line. */
    void *local;
    uint8_t *bump;
    uint8_t *end;
    uint8_t *start;
    struct hak_slab *next, *prev;
    _Atomic(struct hak_heap *) owner;
    uint32_t used;        /* blocks handed out and not yet returned to this slab */
    uint32_t local_count; /* blocks on the local list */
    uint32_t bsize;
    uint8_t cls;
    uint8_t state;
    uint8_t index;
    /* Pushed by other threads: its own cache line so pushes do not disturb the owner. */
    _Alignas(64) _Atomic(void *) remote;
} hak_slab;

HAK_INLINE void *hak_block_next(void *p)
{
    return *(void **)p;
}
HAK_INLINE void hak_block_set_next(void *p, void *next)
{
    *(void **)p = next;
}

/* Moves up to n blocks onto the front of *list (local list, then the drained remote list,
 * then fresh bump memory). Returns how many. When *list is empty and the whole local list
 * holds at most max blocks, it is handed over as is, without walking it. */
unsigned hak_slab_take(hak_slab *s, void **list, unsigned n, unsigned max);
/* Owner: takes the remote list into the local one; returns the number of blocks taken. */
unsigned hak_slab_drain(hak_slab *s);
/* Owner: returns one block to the local list. */
HAK_INLINE void hak_slab_free_local(hak_slab *s, void *p)
{
    hak_block_set_next(p, s->local);
    s->local = p;
    s->local_count++;
    s->used--;
}
/* Anyone: pushes the chain head..tail onto the remote list. Returns true if the list was
 * empty before, so the caller can tell the owner once per batch instead of per block. */
bool hak_slab_push_remote(hak_slab *s, void *head, void *tail);

#endif
