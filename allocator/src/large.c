/* large.c: blocks in their own runs of chunks (see large.h). */
#include "large.h"
#include "chunk.h"
#include "segmap.h"
#include <string.h>

#define CHUNK HAK_SEG_SIZE
#define LARGE_MAGIC_LIVE 0x4c495645484b4d32ull /* live block */
#define LARGE_MAGIC_FREE 0x46524545484b4d32ull /* given back */

typedef struct {
    uint64_t magic;
    uint8_t *base;  /* the run */
    uint8_t *user;  /* the block, just after this header */
    size_t nchunks; /* length of the run */
    size_t end;     /* the block may use [user, base + end): its size rounded up to pages */
    size_t touched; /* [base, base + touched) may be resident (an upper bound) */
} large_hdr;

_Static_assert(sizeof(large_hdr) % 16 == 0, "user pointers stay 16-aligned");

static _Atomic size_t live_count, live_bytes, peak_count, peak_bytes;

static void raise_to(_Atomic size_t *peak, size_t v)
{
    size_t old = atomic_load_explicit(peak, memory_order_relaxed);
    while (old < v && !atomic_compare_exchange_weak_explicit(peak, &old, v, memory_order_relaxed,
                                                             memory_order_relaxed))
        ;
}

/* A block appears (blocks = 1), goes (-1) or changes size (0) by delta chunks. */
static void account(int blocks, ptrdiff_t chunks)
{
    size_t n =
        atomic_fetch_add_explicit(&live_count, (size_t)(ptrdiff_t)blocks, memory_order_relaxed) +
        (size_t)(ptrdiff_t)blocks;
    size_t delta = (size_t)chunks * HAK_SEG_SIZE;
    size_t b = atomic_fetch_add_explicit(&live_bytes, delta, memory_order_relaxed) + delta;
    raise_to(&peak_count, n);
    raise_to(&peak_bytes, b);
}

void hak_large_stats_get(hak_large_stats *out)
{
    out->count = atomic_load_explicit(&live_count, memory_order_relaxed);
    out->bytes = atomic_load_explicit(&live_bytes, memory_order_relaxed);
    out->peak_count = atomic_load_explicit(&peak_count, memory_order_relaxed);
    out->peak_bytes = atomic_load_explicit(&peak_bytes, memory_order_relaxed);
}

/* HAKMEM_SECURE >= 2: a block gets a mapping of its own, unmapped by its free, as glibc's
 * mmap'd chunks are: a use after free faults, a freed block's data never reappears in a new
 * one, a double free finds no large block there. Costs a map and an unmap per block and the
 * faults of fresh pages: no reuse of what freed blocks left. */
static uint8_t *large_map(size_t n, size_t align, size_t lead, size_t zero, size_t *touched)
{
    if (HAKMEM_SECURE >= 2) return hak_chunk_map(n, align, lead, touched);
    return hak_chunk_alloc(n, align, lead, zero, touched);
}

static size_t max_size(size_t a, size_t b)
{
    return a > b ? a : b;
}

void *hak_large_alloc(size_t size, size_t align, bool zero)
{
    if (align < 16) align = 16;
    /* Alignments of a chunk and more: the header takes the end of a chunk of its own. */
    size_t off = align < CHUNK ? hak_align_up(sizeof(large_hdr), align) : CHUNK;
    size_t lead = align < CHUNK ? 0 : CHUNK;
    if (size > SIZE_MAX - off - CHUNK) return NULL;
    /* At least one byte past the header: a block of size 0 aligned to a chunk would otherwise
     * start just past the end of its run, in a chunk that is not its own (the fuzzer's find:
     * posix_memalign(&p, 2 MiB, 0) then free(p) aborted "invalid pointer"). */
    size_t n = hak_align_up(off + (size ? size : 1), CHUNK) / CHUNK;
    size_t touched;
    uint8_t *base = large_map(n, align, lead, zero ? off + size : 0, &touched);
    if (!base) return NULL;
    if (!hak_segmap_set(base, n * CHUNK, HAK_SEG_LARGE)) {
        hak_chunk_free(base, n, touched);
        return NULL;
    }
    uint8_t *user = base + off;
    large_hdr *h = (large_hdr *)(void *)(user - sizeof(large_hdr));
    h->magic = LARGE_MAGIC_LIVE;
    h->base = base;
    h->user = user;
    h->nchunks = n;
    h->end = hak_align_up(off + size, HAK_PAGE);
    h->touched = max_size(touched, h->end);
    HAK_STAT_INC(large_allocs);
    if (touched) HAK_STAT_INC(large_cache_hits);
    account(1, (ptrdiff_t)n);
    return user;
}

static large_hdr *large_header(const void *p, const char *what)
{
    /* Every chunk the map marks large is handed out, so the bytes below p are readable when
     * they lie in such a chunk. */
    const uint8_t *below = (const uint8_t *)p - sizeof(large_hdr);
    if (((uintptr_t)p & 15) != 0 || (((uintptr_t)p & HAK_SEG_MASK) < sizeof(large_hdr) &&
                                     hak_segmap_kind(below) != HAK_SEG_LARGE))
        hak_fatal_ptr(what, "invalid pointer", p);
    large_hdr *h = (large_hdr *)(uintptr_t)below;
    if (h->magic == LARGE_MAGIC_LIVE && h->user == p) return h;
    if (h->magic == LARGE_MAGIC_FREE && h->user == p) hak_fatal_ptr(what, "double free of", p);
    hak_fatal_ptr(what, "invalid pointer", p);
}

void hak_large_free(void *p)
{
    large_hdr *h = large_header(p, "free()");
    uint8_t *base = h->base;
    size_t n = h->nchunks, touched = h->touched;
    h->magic = LARGE_MAGIC_FREE;
    account(-1, -(ptrdiff_t)n);
    hak_segmap_set(base, n * CHUNK, HAK_SEG_NONE);
    hak_chunk_free(base, n, touched);
}

void *hak_large_resize(void *p, size_t size)
{
    large_hdr *h = large_header(p, "realloc()");
    size_t off = (size_t)((uint8_t *)p - h->base);
    if (size > SIZE_MAX - off - CHUNK) return NULL;
    size_t n = h->nchunks, m = hak_align_up(off + size, CHUNK) / CHUNK;
    size_t end = hak_align_up(off + size, HAK_PAGE);
    size_t touched;
    if (m < n) {
        uint8_t *tail = h->base + m * CHUNK;
        hak_segmap_set(tail, (n - m) * CHUNK, HAK_SEG_NONE);
        hak_chunk_free(tail, n - m, h->touched > m * CHUNK ? h->touched - m * CHUNK : 0);
        h->nchunks = m;
        if (h->touched > m * CHUNK) h->touched = m * CHUNK;
    } else if (m > n && hak_chunk_extend(h->base, n, m, 0, &touched)) {
        if (!hak_segmap_set(h->base + n * CHUNK, (m - n) * CHUNK, HAK_SEG_LARGE)) {
            hak_chunk_free(h->base + n * CHUNK, m - n, touched);
            return NULL;
        }
        h->nchunks = m;
        if (touched) h->touched = max_size(h->touched, n * CHUNK + touched);
    } else if (m > n) {
        uint8_t *base = large_map(m, CHUNK, 0, 0, &touched);
        if (!base) return NULL;
        uint8_t *old = h->base;
        size_t old_touched = h->touched;
        if (!hak_segmap_set(base, m * CHUNK, HAK_SEG_LARGE)) {
            hak_chunk_free(base, m, touched);
            return NULL;
        }
        /* Unmarked before the old chunks are given back: another thread may take them. */
        hak_segmap_set(old, n * CHUNK, HAK_SEG_NONE);
        if (!hak_chunk_move(old, n, base)) {
            memcpy(base, old, old_touched);
            hak_chunk_free(old, n, old_touched);
        }
        h = (large_hdr *)(void *)(base + off - sizeof(large_hdr));
        h->base = base;
        h->user = base + off;
        h->nchunks = m;
        h->touched = max_size(old_touched, touched);
    }
    account(0, (ptrdiff_t)h->nchunks - (ptrdiff_t)n);
    h->end = end;
    h->touched = max_size(h->touched, end);
    return h->user;
}

size_t hak_large_usable(const void *p)
{
    large_hdr *h = large_header(p, "malloc_usable_size()");
    return (size_t)(h->base + h->end - (const uint8_t *)p);
}
