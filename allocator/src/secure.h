/* secure.h: the checks on small blocks (tiny and mid classes): the nearly free ones every build
 * makes, and the mitigations of the hardened builds (HAKMEM_SECURE=1 to 3), each one a helper
 * here so the allocator calls them at a few places and they compile to nothing when
 * HAKMEM_SECURE=0.
 * What each one stops and what it costs: allocator/README.md, "Hardening".
 * Owns the process keys and the checks themselves. Calls superslab.h (secure.c: is an address
 * a block of a live slab); slab.h calls it for every list
 * link, tcache.c and front.h on every push, alloc.c for every small malloc and free, slab.c for
 * fresh blocks; superslab.c makes the guard pages (os.h).
 *
 *   every build  a block freed twice in a row is the head of the list it goes onto: abort
 *   1            free-list links encoded with a per-process key and checked when followed;
 *                frees of pointers that are not 16-byte aligned refused; fresh slab memory
 *                handed out in a random order; a guard page at the end of every slab.
 *                Nothing reads or writes a block's memory beyond its link word.
 *   2            also a block-start check on free (interior pointers), and in the block: a
 *                freed tag (double frees while the block is free); a canary byte right after
 *                the requested size and the size itself at the block end (overflows, checked
 *                on free). These read the block's lines on every free: a program that never
 *                touches its blocks (larson) pays a cache miss for them.
 *   3            also freed bytes filled (a memset of the block on every free). */
#ifndef HAKMEM_SECURE_H
#define HAKMEM_SECURE_H

#include "internal.h"
#include <string.h>

#ifndef HAKMEM_SECURE
#error "build the allocator through the Makefile: allocator/defaults.mk defines HAKMEM_SECURE"
#endif
#if HAKMEM_SECURE < 0 || HAKMEM_SECURE > 3
#error "HAKMEM_SECURE must be 0, 1, 2 or 3"
#endif

/* "hakmem: free(): double free of 0x...", "hakmem: free(): invalid pointer 0x...". */
__attribute__((noreturn, cold)) void hak_fatal_double_free(const void *p);
__attribute__((noreturn, cold)) void hak_secure_bad_free(const void *p);

/* Every build: p is being pushed onto a list whose head is head. Freeing the block that was
 * freed last is the commonest double free, and the compare costs two instructions. */
HAK_INLINE void hak_check_not_head(const void *p, const void *head)
{
    if (HAK_UNLIKELY(p == head)) hak_fatal_double_free(p);
}

#if HAKMEM_SECURE
/* The last page of every slab is PROT_NONE. */
#define HAK_SECURE_GUARD HAK_PAGE
/* Fresh blocks are shuffled in groups of at most this many: the order array is on the stack,
 * and a group touches no more fresh memory than half a default refill (REFILL_BATCH 64). */
#define HAK_SECURE_SHUFFLE_MAX 32u

/* Random at init (getrandom): key encodes list links and canaries, tag_key marks free blocks. */
extern uintptr_t hak_secure_key, hak_secure_tag_key;
void hak_secure_init(void);

/* A link is stored as next ^ key ^ (the address it is stored at): a value written through a
 * dangling pointer decodes to garbage, and a link copied from another block decodes wrong. */
HAK_INLINE void hak_secure_set_link(void *slot, void *next)
{
    *(uintptr_t *)slot = (uintptr_t)next ^ hak_secure_key ^ (uintptr_t)slot;
}
/* "hakmem: heap: corrupted free-list link in block 0x<slot>". */
__attribute__((noreturn, cold)) void hak_secure_bad_link(const void *slot);
/* A decoded link must be a 16-byte aligned user-space address (or NULL): no bit outside
 * HAK_SECURE_LINK_BITS. A value the key did not encode decodes to a random word, which passes
 * with a chance of 2^-21 (4 bits of alignment, 17 above the 47-bit user space): the secret key
 * makes the check strong, so it can stay this cheap (one test against a mask; no table lookup
 * on the pop). */
#define HAK_SECURE_LINK_BITS ((((uintptr_t)1 << 47) - 1) & ~(uintptr_t)15)
HAK_INLINE void *hak_secure_link(const void *slot)
{
    uintptr_t next = *(const uintptr_t *)slot ^ hak_secure_key ^ (uintptr_t)slot;
    if (HAK_UNLIKELY(next & ~HAK_SECURE_LINK_BITS)) hak_secure_bad_link(slot);
    return (void *)next;
}
#if HAKMEM_SECURE >= 2
/* p is being freed: aborts naming p unless it is a live block's start, not tagged free, with
 * its canary intact; then tags it free and fills its bytes. */
void hak_secure_on_free(void *p);
/* Level 2 checks each block fully in hak_secure_on_free. */
#define HAK_SECURE_MISALIGNED(p) false
#else
/* Level 1: every block is 16-byte aligned. The inline free sends a misaligned pointer to the
 * slow path (tcache.c), which aborts: the inline path keeps no stack frame for the call. */
#define HAK_SECURE_MISALIGNED(p) (((uintptr_t)(p)&15) != 0)
HAK_INLINE void hak_secure_on_free(void *p)
{
    (void)p;
}
#endif
/* idx[0..m) := a random permutation of 0..m-1 (m <= HAK_SECURE_SHUFFLE_MAX). */
void hak_secure_shuffle(uint8_t *idx, unsigned m);
#else
#define HAK_SECURE_GUARD ((size_t)0)
#define HAK_SECURE_SHUFFLE_MAX 0u
HAK_INLINE void hak_secure_init(void) {}
HAK_INLINE void hak_secure_set_link(void *slot, void *next)
{
    *(void **)slot = next;
}
HAK_INLINE void *hak_secure_link(const void *slot)
{
    return *(void *const *)slot;
}
HAK_INLINE void hak_secure_on_free(void *p)
{
    (void)p;
}
#define HAK_SECURE_MISALIGNED(p) false
HAK_INLINE void hak_secure_shuffle(uint8_t *idx, unsigned m)
{
    (void)idx, (void)m;
}
#endif

#if HAKMEM_SECURE >= 2
/* Bytes a small request takes from its class beyond its size: the canary byte and the 16-bit
 * size field. */
#define HAK_SECURE_SLACK ((size_t)3)
/* Level 3: the byte freed memory is filled with. */
#define HAK_SECURE_FILL 0xdf

/* The canary byte (top 8 bits) and the size field's mask (bits 40-55) of the block at p. One
 * multiply: the top bits depend on every bit of key ^ p, and the key is secret. */
HAK_INLINE uint64_t hak_secure_canary_hash(const void *p)
{
    return (hak_secure_key ^ (uintptr_t)p) * 0x9e3779b97f4a7c15u;
}
/* The block keeps its place for a new size (realloc in place): its end is rewritten, the
 * canary byte at [size] and bsize - size, masked, in the last two bytes. */
HAK_INLINE void hak_secure_resize(void *p, size_t size, size_t bsize)
{
    uint64_t h = hak_secure_canary_hash(p);
    uint8_t *u = p;
    uint16_t delta = (uint16_t)(bsize - size) ^ (uint16_t)(h >> 40);
    u[size] = (uint8_t)(h >> 56);
    memcpy(u + bsize - 2, &delta, sizeof delta);
}
/* p, a block of bsize bytes, goes to the user for size bytes: its freed tag is cleared, its
 * end written. */
HAK_INLINE void hak_secure_on_alloc(void *p, size_t size, size_t bsize)
{
    ((uintptr_t *)p)[1] = 0;
    hak_secure_resize(p, size, bsize);
}
/* The size the block was requested for (aborts naming p when its end was overwritten). */
size_t hak_secure_usable(const void *p, size_t bsize, const char *what);
#else
#define HAK_SECURE_SLACK ((size_t)0)
HAK_INLINE void hak_secure_on_alloc(void *p, size_t size, size_t bsize)
{
    (void)p, (void)size, (void)bsize;
}
HAK_INLINE void hak_secure_resize(void *p, size_t size, size_t bsize)
{
    (void)p, (void)size, (void)bsize;
}
HAK_INLINE size_t hak_secure_usable(const void *p, size_t bsize, const char *what)
{
    (void)p, (void)what;
    return bsize;
}
#endif

#endif
