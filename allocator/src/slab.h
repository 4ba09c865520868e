/* slab.h: a slab is a run of same-class blocks inside a SuperSlab (64 KiB for tiny classes,
 * 512 KiB for mid ones). Owns the block lists of one slab: the holder's local free list and bump
 * pointer, and the atomic remote list other threads push onto (lock-free MPSC; the holder takes
 * the whole list with one exchange). Calls secure.h (list links); superslab.c creates slabs.
 *
 * Ownership (allocator/README.md, "Ownership"): a slab belongs to one heap from its hand-out to
 * its return, and only the thread holding that heap touches local, bump, used and the list
 * links. Anyone may push onto remote. The remote word is a block list or HAK_SLAB_ARMED: armed,
 * the next pusher does not push but takes the arm off and hands its blocks to the owner heap
 * (heap.c), so a slab nobody looks at (full, or in a heap without a thread) is brought back
 * to its holder's attention by the first free that reaches it.
 * A list in the remote word is its head's offset in the SuperSlab (low 32 bits; blocks are
 * 16-byte aligned and never at offset 0) and its length (high 32 bits), updated by the same
 * CAS as the head: the holder takes the list and learns how many blocks it took in one
 * exchange, without walking blocks another core wrote (their cache lines stay where they are
 * until each block is allocated again). */
#ifndef HAKMEM_SLAB_H
#define HAKMEM_SLAB_H

#include "secure.h"

enum {
    HAK_SLAB_FREE = 0, /* in the SuperSlab, not handed out */
    HAK_SLAB_ACTIVE,   /* a heap's current slab for its class */
    HAK_SLAB_PARTIAL,  /* in a heap's partial list: has local free blocks */
    HAK_SLAB_FULL,     /* ran dry: in no list, armed; its first remote free names it again */
    HAK_SLAB_LEGACY,   /* owned by the locked reference path (legacy.c) */
};

/* The remote word of a slab that wants to be told about its next remote free. Blocks are
 * 16-byte aligned, so no list has this value. */
#define HAK_SLAB_ARMED ((uint64_t)1)

typedef struct hak_slab {
    /* Holder-written: read and written by the owner heap's thread only. */
    void *local;
    uint8_t *bump;
    uint8_t *end;
    uint8_t *start;
    struct hak_slab *next, *prev; /* the owner heap's partial list */
    uint32_t used;                /* blocks handed out and not yet returned to this slab */
    uint32_t local_count;         /* blocks on the local list */
    uint32_t bsize;
    uint8_t cls;
    uint8_t state;
    uint8_t index;
    /* Written by other threads: its own cache line, so pushes do not disturb the holder. */
    _Alignas(64) _Atomic uint64_t remote;
} hak_slab;

/* A free block's first word links it to the next one (encoded and checked when
 * HAKMEM_SECURE >= 1: secure.h). */
HAK_INLINE void *hak_block_next(void *p)
{
    return hak_secure_link(p);
}
HAK_INLINE void hak_block_set_next(void *p, void *next)
{
    hak_secure_set_link(p, next);
}

/* Moves up to n blocks onto the front of *list (local list, then the drained remote list,
 * then fresh bump memory). Returns how many. When *list is empty and the whole local list
 * holds at most max blocks, it is handed over as is, without walking it. */
unsigned hak_slab_take(hak_slab *s, void **list, unsigned n, unsigned max);
/* Holder: takes the remote list into the local one (an arm stays); returns the blocks taken.
 * Into an empty local list it costs one exchange, whatever the length. */
unsigned hak_slab_drain(hak_slab *s);
/* Holder: arms an empty remote list. False when blocks are on it (drain them first). */
bool hak_slab_arm(hak_slab *s);
/* Holder: returns one block to the local list. */
HAK_INLINE void hak_slab_free_local(hak_slab *s, void *p)
{
    hak_block_set_next(p, s->local);
    s->local = p;
    s->local_count++;
    s->used--;
}
/* Anyone holding the n blocks head..tail (chained, all of s): pushes them onto the remote list
 * and returns true, or, when s was armed, takes the arm off without pushing and returns false:
 * the caller must then hand the chain to the owner heap. */
bool hak_slab_push_remote(hak_slab *s, void *head, void *tail, uint32_t n);

#endif
