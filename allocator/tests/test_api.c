/* API conformance of the allocator: every entry point, alignments from 1 B to 1 GiB across the
 * tiers, usable sizes, realloc across every tier boundary, calloc zeroing (fresh and reused
 * memory) and the errno contract for impossible requests; with the libc names also the rest
 * of glibc's surface: malloc_trim, mallinfo2 / mallinfo, malloc_stats, malloc_info, the
 * __libc_* names, and (on hakmem) cfree and C23 free_sized / free_aligned_sized, each name
 * resolving into the allocator. Built for the static release and debug libraries (libc
 * names), for ./libhakmem.so under LD_PRELOAD (the exported symbol set) and for ASan+UBSan
 * (hak_* names), see allocator/tests/build.mk. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <dlfcn.h>
#include <fcntl.h>

#include "t_alloc.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MIB ((size_t)1 << 20)
#define GIB ((size_t)1 << 30)

/* glibc's internal names (exported by glibc, not declared by its headers), and the names
 * glibc does not have (cfree is a compat symbol only, free_sized arrived in glibc 2.40). */
void *__libc_malloc(size_t size);
void __libc_free(void *p);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);
void *__libc_memalign(size_t align, size_t size);
void *__libc_valloc(size_t size);
void *__libc_pvalloc(size_t size);
void cfree(void *p);
void free_sized(void *p, size_t size);
void free_aligned_sized(void *p, size_t align, size_t size);
/* A glibc-linked binary (preload) cannot link those three: it finds them at run time. */
#ifdef T_LINKS_HAKMEM
#define T_LIBC_FN(name) ((void *)(uintptr_t)name)
#else
#define T_LIBC_FN(name) dlsym(RTLD_DEFAULT, #name)
#endif

/* Sizes on both sides of each tier boundary, plus a few in the middle of each tier. */
/* clang-format off */
static const size_t tier_sizes[] = {
    1, 8, 15, 16, 17, 24, 100, 512, 1000,            /* tiny */
    T_TINY_MAX - 1, T_TINY_MAX, T_TINY_MAX + 1, 1040, 4096, 5000, /* mid classes */
    T_MID_MAX - 1, T_MID_MAX, T_MID_MAX + 1, 65535, 65536,        /* page runs */
    T_SPAN_MAX - 1, T_SPAN_MAX, T_SPAN_MAX + 1, 3 * MIB + 7,      /* large */
};
/* clang-format on */

/* Sizes no allocator can serve; volatile so the compiler cannot reason about the calls. */
static const volatile size_t impossible_sizes[] = {
    SIZE_MAX,     SIZE_MAX - 1,    SIZE_MAX - 4095, SIZE_MAX - 2 * MIB, SIZE_MAX / 2 + 1,
    SIZE_MAX / 2, (size_t)1 << 62, (size_t)1 << 48, (size_t)1 << 47,
};

static void assert_pattern_intact(const void *p, size_t n, uint64_t owner, uint64_t seq)
{
    size_t bad = t_pattern_check(p, n, owner, n, seq);
    if (bad != (size_t)-1)
        fail_msg("block %p (%zu bytes, seq %llu): byte %zu changed", p, n, (unsigned long long)seq,
                 bad);
}

#ifdef T_EXPECT_HAKMEM
static void allocator_under_test_is_hakmem(void **state)
{
    (void)state;
    assert_true(t_hakmem_is_active());
}
#endif

static void free_null_is_noop(void **state)
{
    (void)state;
    for (int i = 0; i < 1000; i++)
        T_FREE(NULL);
    void *p = T_MALLOC(32);
    assert_non_null(p);
    T_FREE(p);
}

static void malloc_zero_returns_distinct_freeable_pointers(void **state)
{
    (void)state;
    volatile size_t zero = 0;
    void *a = T_MALLOC(zero);
    void *b = T_MALLOC(zero);
    if (a != NULL && b != NULL) assert_ptr_not_equal(a, b);
    T_FREE(a);
    T_FREE(b);
}

static void malloc_usable_size_of_null_is_zero(void **state)
{
    (void)state;
    assert_int_equal(T_USABLE_SIZE(NULL), 0);
}

static void malloc_usable_size_is_at_least_requested_for_every_size(void **state)
{
    (void)state;
    for (size_t n = 1; n <= 8192; n++) {
        void *p = T_MALLOC(n);
        assert_non_null(p);
        size_t usable = T_USABLE_SIZE(p);
        if (usable < n) fail_msg("malloc(%zu): usable size %zu", n, usable);
        T_FREE(p);
    }
    for (size_t n = 8192; n <= 16 * MIB; n += n / 3 + 1) {
        void *p = T_MALLOC(n);
        assert_non_null(p);
        size_t usable = T_USABLE_SIZE(p);
        if (usable < n) fail_msg("malloc(%zu): usable size %zu", n, usable);
        T_FREE(p);
    }
}

/* Writing the whole usable size of many neighbouring blocks must not touch any other block. */
static void usable_bytes_are_writable_without_touching_neighbours(void **state)
{
    (void)state;
    enum { PER_SIZE = 48 };
    for (size_t s = 0; s < COUNT(tier_sizes); s++) {
        size_t n = tier_sizes[s];
        void *blocks[PER_SIZE];
        size_t usable[PER_SIZE];
        for (int i = 0; i < PER_SIZE; i++) {
            blocks[i] = T_MALLOC(n);
            assert_non_null(blocks[i]);
            usable[i] = T_USABLE_SIZE(blocks[i]);
            assert_true(usable[i] >= n);
            t_pattern_fill(blocks[i], usable[i], 1, usable[i], (uint64_t)s * PER_SIZE + i);
        }
        for (int i = 0; i < PER_SIZE; i++) {
            size_t bad =
                t_pattern_check(blocks[i], usable[i], 1, usable[i], (uint64_t)s * PER_SIZE + i);
            if (bad != (size_t)-1)
                fail_msg("malloc(%zu) block %d: byte %zu of %zu usable overwritten", n, i, bad,
                         usable[i]);
        }
        for (int i = 0; i < PER_SIZE; i++)
            T_FREE(blocks[i]);
    }
}

enum aligned_fn { ALIGN_POSIX_MEMALIGN, ALIGN_ALIGNED_ALLOC, ALIGN_MEMALIGN };

static void *aligned_call(enum aligned_fn fn, size_t align, size_t size)
{
    void *p = NULL;
    switch (fn) {
    case ALIGN_POSIX_MEMALIGN:
        if (T_POSIX_MEMALIGN(&p, align, size) != 0) return NULL;
        return p;
    case ALIGN_ALIGNED_ALLOC:
        return T_ALIGNED_ALLOC(align, size);
    case ALIGN_MEMALIGN:
        return T_MEMALIGN(align, size);
    }
    return NULL;
}

/* For every power-of-two alignment from min_align to 1 GiB, all tier sizes are live at once:
 * each is aligned, has the usable size asked, and keeps its own contents. */
static void check_aligned_function(enum aligned_fn fn, size_t min_align)
{
    for (size_t align = min_align; align <= GIB; align *= 2) {
        void *blocks[COUNT(tier_sizes)];
        for (size_t s = 0; s < COUNT(tier_sizes); s++) {
            size_t n = tier_sizes[s];
            void *p = aligned_call(fn, align, n);
            if (p == NULL) fail_msg("alignment %zu, size %zu: NULL (errno %d)", align, n, errno);
            if ((uintptr_t)p % align != 0) fail_msg("alignment %zu, size %zu: got %p", align, n, p);
            if (T_USABLE_SIZE(p) < n)
                fail_msg("alignment %zu, size %zu: usable %zu", align, n, T_USABLE_SIZE(p));
            t_pattern_fill(p, n, align, n, s);
            blocks[s] = p;
        }
        for (size_t s = 0; s < COUNT(tier_sizes); s++)
            assert_pattern_intact(blocks[s], tier_sizes[s], align, s);
        for (size_t s = 0; s < COUNT(tier_sizes); s++)
            T_FREE(blocks[s]);
    }
}

/* Size 0 at every alignment: a block (or NULL, which C allows) that is aligned, distinct from a
 * second one, and ours to ask about and to free. The fuzzer found a chunk-aligned block of size
 * 0 placed just past the end of its own run, so that free() called it foreign. */
static void aligned_blocks_of_size_zero_are_live_and_freeable(void **state)
{
    (void)state;
    for (int fn = ALIGN_POSIX_MEMALIGN; fn <= ALIGN_MEMALIGN; fn++)
        for (size_t align = sizeof(void *); align <= GIB; align *= 2) {
            void *p = aligned_call((enum aligned_fn)fn, align, 0);
            void *q = aligned_call((enum aligned_fn)fn, align, 0);
            if (p && (uintptr_t)p % align != 0) fail_msg("alignment %zu, size 0: got %p", align, p);
            if (p && p == q) fail_msg("alignment %zu, size 0: the same block twice", align);
            if (p) (void)T_USABLE_SIZE(p);
            T_FREE(p);
            T_FREE(q);
        }
}

static void posix_memalign_honours_alignments_8_to_1gib_across_tiers(void **state)
{
    (void)state;
    check_aligned_function(ALIGN_POSIX_MEMALIGN, sizeof(void *));
}

static void aligned_alloc_honours_alignments_1_to_1gib_across_tiers(void **state)
{
    (void)state;
    check_aligned_function(ALIGN_ALIGNED_ALLOC, 1);
}

static void memalign_honours_alignments_1_to_1gib_across_tiers(void **state)
{
    (void)state;
    check_aligned_function(ALIGN_MEMALIGN, 1);
}

/* Any power of two that fits: 2^31 .. 2^40 either works (aligned, usable) or fails with
 * ENOMEM when the address space has no such room; never a misaligned block. */
static void alignments_beyond_1gib_are_honoured_or_refused_with_enomem(void **state)
{
    (void)state;
    for (size_t align = 2 * GIB; align <= ((size_t)1 << 40); align *= 4) {
        errno = 0;
        void *p = T_ALIGNED_ALLOC(align, 4096);
        if (p == NULL) {
            if (errno != ENOMEM) fail_msg("aligned_alloc(%zu): NULL with errno %d", align, errno);
            continue;
        }
        if ((uintptr_t)p % align != 0) fail_msg("aligned_alloc(%zu): got %p", align, p);
        memset(p, 0x77, 4096);
        T_FREE(p);
    }
}

static void valloc_returns_page_aligned_blocks_across_tiers(void **state)
{
    (void)state;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    for (size_t s = 0; s < COUNT(tier_sizes); s++) {
        size_t n = tier_sizes[s];
        void *p = T_VALLOC(n);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % page, 0);
        assert_true(T_USABLE_SIZE(p) >= n);
        memset(p, 0x5a, n);
        T_FREE(p);
    }
}

static void pvalloc_rounds_size_up_to_whole_pages(void **state)
{
    (void)state;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    for (size_t s = 0; s < COUNT(tier_sizes); s++) {
        size_t n = tier_sizes[s];
        size_t rounded = (n + page - 1) / page * page;
        void *p = T_PVALLOC(n);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % page, 0);
        if (T_USABLE_SIZE(p) < rounded)
            fail_msg("pvalloc(%zu): usable %zu < %zu", n, T_USABLE_SIZE(p), rounded);
        memset(p, 0x5a, rounded);
        T_FREE(p);
    }
}

/* Every ordered pair of tier sizes: grow and shrink across tiny/mid/large boundaries. */
static void realloc_preserves_contents_across_every_tier_boundary(void **state)
{
    (void)state;
    uint64_t seq = 0;
    for (size_t a = 0; a < COUNT(tier_sizes); a++) {
        for (size_t b = 0; b < COUNT(tier_sizes); b++) {
            size_t from = tier_sizes[a], to = tier_sizes[b];
            if (from == to) continue;
            seq++;
            unsigned char *p = T_MALLOC(from);
            assert_non_null(p);
            t_pattern_fill(p, from, 2, from, seq);
            unsigned char *q = T_REALLOC(p, to);
            if (q == NULL) fail_msg("realloc %zu -> %zu: NULL", from, to);
            size_t kept = from < to ? from : to;
            size_t bad = t_pattern_check(q, kept, 2, from, seq);
            if (bad != (size_t)-1) fail_msg("realloc %zu -> %zu: byte %zu lost", from, to, bad);
            assert_true(T_USABLE_SIZE(q) >= to);
            memset(q, 0x33, to);
            T_FREE(q);
        }
    }
}

/* A buffer grown step by step (like a vector) from 1 B to 8 MiB and shrunk back. */
static void realloc_growth_chain_keeps_prefix_in_both_directions(void **state)
{
    (void)state;
    size_t n = 1;
    unsigned char *p = T_MALLOC(n);
    assert_non_null(p);
    p[0] = 3;
    while (n < 8 * MIB) {
        size_t next = n + n / 2 + 1;
        p = T_REALLOC(p, next);
        assert_non_null(p);
        for (size_t i = 0; i < n; i++)
            if (p[i] != (unsigned char)(i * 7 + 3))
                fail_msg("grow %zu -> %zu: byte %zu lost", n, next, i);
        for (size_t i = n; i < next; i++)
            p[i] = (unsigned char)(i * 7 + 3);
        n = next;
    }
    while (n > 1) {
        size_t next = n / 3;
        if (next == 0) next = 1;
        p = T_REALLOC(p, next);
        assert_non_null(p);
        for (size_t i = 0; i < next; i++)
            if (p[i] != (unsigned char)(i * 7 + 3))
                fail_msg("shrink %zu -> %zu: byte %zu lost", n, next, i);
        n = next;
    }
    T_FREE(p);
}

/* Aligned blocks may start inside a larger underlying block: realloc must still find it. */
static void realloc_of_aligned_block_preserves_contents(void **state)
{
    (void)state;
    static const size_t to_sizes[] = {8, 700, 5000, T_MID_MAX + 1, 300 * 1024, 2 * MIB};
    uint64_t seq = 0;
    for (size_t align = 16; align <= MIB; align *= 4) {
        for (size_t s = 0; s < COUNT(tier_sizes); s++) {
            size_t from = tier_sizes[s];
            size_t to = to_sizes[s % COUNT(to_sizes)];
            unsigned char *p = T_MEMALIGN(align, from);
            assert_non_null(p);
            t_pattern_fill(p, from, 5, from, ++seq);
            unsigned char *q = T_REALLOC(p, to);
            if (q == NULL)
                fail_msg("realloc of a %zu-aligned %zu B block to %zu: NULL", align, from, to);
            size_t bad = t_pattern_check(q, from < to ? from : to, 5, from, seq);
            if (bad != (size_t)-1)
                fail_msg("realloc of a %zu-aligned %zu B block to %zu: byte %zu lost", align, from,
                         to, bad);
            assert_true(T_USABLE_SIZE(q) >= to);
            T_FREE(q);
        }
    }
}

static void realloc_of_null_allocates(void **state)
{
    (void)state;
    for (size_t s = 0; s < COUNT(tier_sizes); s++) {
        void *p = T_REALLOC(NULL, tier_sizes[s]);
        assert_non_null(p);
        assert_true(T_USABLE_SIZE(p) >= tier_sizes[s]);
        memset(p, 1, tier_sizes[s]);
        T_FREE(p);
    }
}

static void reallocarray_resizes_and_preserves_contents(void **state)
{
    (void)state;
    int *v = T_REALLOCARRAY(NULL, 10, sizeof(int));
    assert_non_null(v);
    for (int i = 0; i < 10; i++)
        v[i] = i * i;
    v = T_REALLOCARRAY(v, 300000, sizeof(int));
    assert_non_null(v);
    for (int i = 0; i < 10; i++)
        assert_int_equal(v[i], i * i);
    v[299999] = 7;
    v = T_REALLOCARRAY(v, 5, sizeof(int));
    assert_non_null(v);
    for (int i = 0; i < 5; i++)
        assert_int_equal(v[i], i * i);
    T_FREE(v);
}

static void assert_all_zero(const unsigned char *p, size_t n, const char *what, size_t size)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0) fail_msg("%s(%zu): byte %zu is 0x%02x", what, size, i, p[i]);
}

static void calloc_returns_zeroed_memory_across_tiers(void **state)
{
    (void)state;
    for (size_t s = 0; s < COUNT(tier_sizes); s++) {
        size_t n = tier_sizes[s];
        unsigned char *p = T_CALLOC(1, n);
        assert_non_null(p);
        assert_all_zero(p, n, "calloc", n);
        T_FREE(p);
        p = T_CALLOC(n, 1);
        assert_non_null(p);
        assert_all_zero(p, n, "calloc", n);
        T_FREE(p);
    }
}

/* Dirty many blocks of a size, free them, then calloc as many: recycled memory is zeroed too
 * (thread caches, slab free lists, the large-mapping cache). */
static void calloc_zeroes_reused_memory_across_tiers(void **state)
{
    (void)state;
    enum { MAX_BLOCKS = 64 };
    for (size_t s = 0; s < COUNT(tier_sizes); s++) {
        size_t n = tier_sizes[s];
        size_t count = 16 * MIB / n;
        count = count < 2 ? 2 : count > MAX_BLOCKS ? MAX_BLOCKS : count;
        void *blocks[MAX_BLOCKS];
        for (size_t i = 0; i < count; i++) {
            blocks[i] = T_MALLOC(n);
            assert_non_null(blocks[i]);
            memset(blocks[i], 0xa5, T_USABLE_SIZE(blocks[i]));
        }
        for (size_t i = count; i-- > 0;)
            T_FREE(blocks[i]);
        for (size_t i = 0; i < count; i++) {
            blocks[i] = T_CALLOC(n, 1);
            assert_non_null(blocks[i]);
            assert_all_zero(blocks[i], n, "calloc after free", n);
        }
        for (size_t i = 0; i < count; i++)
            T_FREE(blocks[i]);
    }
}

static void malloc_of_impossible_size_fails_with_enomem(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(impossible_sizes); i++) {
        errno = 0;
        void *p = T_MALLOC(impossible_sizes[i]);
        if (p != NULL) fail_msg("malloc(%zu) returned %p", impossible_sizes[i], p);
        if (errno != ENOMEM)
            fail_msg("malloc(%zu): errno %d, want ENOMEM", impossible_sizes[i], errno);
    }
}

/* Products that overflow size_t, including ones that wrap to 0 or to a small, servable size. */
static const volatile size_t overflow_pairs[][2] = {
    {SIZE_MAX / 2 + 1, 2},
    {SIZE_MAX, SIZE_MAX},
    {(size_t)1 << 32, (size_t)1 << 32},
    {((size_t)1 << 32) + 1, (size_t)1 << 32},
    {SIZE_MAX / 16 + 1, 16},
    {2, SIZE_MAX / 2 + 1},
};

static void calloc_overflow_fails_with_enomem(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(overflow_pairs); i++) {
        errno = 0;
        void *p = T_CALLOC(overflow_pairs[i][0], overflow_pairs[i][1]);
        if (p != NULL)
            fail_msg("calloc(%zu, %zu) returned %p", overflow_pairs[i][0], overflow_pairs[i][1], p);
        if (errno != ENOMEM)
            fail_msg("calloc(%zu, %zu): errno %d, want ENOMEM", overflow_pairs[i][0],
                     overflow_pairs[i][1], errno);
    }
}

static void reallocarray_overflow_fails_with_enomem_and_keeps_block(void **state)
{
    (void)state;
    /* Called through a pointer: the compiler would otherwise assume the failed call freed keep. */
    void *(*volatile reallocarray_fn)(void *, size_t, size_t) = T_REALLOCARRAY;
    unsigned char *keep = T_MALLOC(100);
    assert_non_null(keep);
    t_pattern_fill(keep, 100, 3, 100, 0);
    for (size_t i = 0; i < COUNT(overflow_pairs); i++) {
        errno = 0;
        void *p = T_REALLOCARRAY(NULL, overflow_pairs[i][0], overflow_pairs[i][1]);
        if (p != NULL || errno != ENOMEM)
            fail_msg("reallocarray(NULL, %zu, %zu): %p errno %d, want NULL ENOMEM",
                     overflow_pairs[i][0], overflow_pairs[i][1], p, errno);
        errno = 0;
        p = reallocarray_fn(keep, overflow_pairs[i][0], overflow_pairs[i][1]);
        if (p != NULL || errno != ENOMEM)
            fail_msg("reallocarray(p, %zu, %zu): %p errno %d, want NULL ENOMEM",
                     overflow_pairs[i][0], overflow_pairs[i][1], p, errno);
        assert_pattern_intact(keep, 100, 3, 0);
    }
    T_FREE(keep);
}

static void realloc_to_impossible_size_fails_with_enomem_and_keeps_block(void **state)
{
    (void)state;
    static const size_t from[] = {64, 4096, 2 * MIB};
    for (size_t f = 0; f < COUNT(from); f++) {
        unsigned char *keep = T_MALLOC(from[f]);
        assert_non_null(keep);
        t_pattern_fill(keep, from[f], 4, from[f], f);
        for (size_t i = 0; i < COUNT(impossible_sizes); i++) {
            errno = 0;
            void *p = T_REALLOC(keep, impossible_sizes[i]);
            if (p != NULL || errno != ENOMEM)
                fail_msg("realloc(%zu B block, %zu): %p errno %d, want NULL ENOMEM", from[f],
                         impossible_sizes[i], p, errno);
            assert_pattern_intact(keep, from[f], 4, f);
        }
        T_FREE(keep);
    }
}

/* Not a power of two, or not a multiple of sizeof(void *). */
static const volatile size_t bad_alignments[] = {0, 1, 2, 4, 3, 12, 24, 48, 1000, MIB + 8};

static void posix_memalign_bad_alignment_returns_einval(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(bad_alignments); i++) {
        size_t a = bad_alignments[i];
        if (a != 0 && (a & (a - 1)) == 0 && a >= sizeof(void *)) continue;
        void *p = NULL;
        int rc = T_POSIX_MEMALIGN(&p, a, 64);
        if (rc != EINVAL) fail_msg("posix_memalign(alignment %zu) returned %d, want EINVAL", a, rc);
    }
}

static void posix_memalign_impossible_size_returns_enomem(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(impossible_sizes); i++) {
        for (size_t a = 16; a <= MIB; a *= 256) {
            void *p = NULL;
            int rc = T_POSIX_MEMALIGN(&p, a, impossible_sizes[i]);
            if (rc != ENOMEM)
                fail_msg("posix_memalign(%zu, %zu) returned %d, want ENOMEM", a,
                         impossible_sizes[i], rc);
        }
    }
}

static void aligned_alloc_bad_alignment_fails_with_einval(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(bad_alignments); i++) {
        size_t a = bad_alignments[i];
        if (a != 0 && (a & (a - 1)) == 0) continue;
        errno = 0;
        void *p = T_ALIGNED_ALLOC(a, 64);
        if (p != NULL || errno != EINVAL)
            fail_msg("aligned_alloc(%zu, 64): %p errno %d, want NULL EINVAL", a, p, errno);
    }
}

static void aligned_functions_with_impossible_size_fail_with_enomem(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(impossible_sizes); i++) {
        for (size_t a = 16; a <= MIB; a *= 256) {
            errno = 0;
            void *p = T_ALIGNED_ALLOC(a, impossible_sizes[i]);
            if (p != NULL || errno != ENOMEM)
                fail_msg("aligned_alloc(%zu, %zu): %p errno %d", a, impossible_sizes[i], p, errno);
            errno = 0;
            p = T_MEMALIGN(a, impossible_sizes[i]);
            if (p != NULL || errno != ENOMEM)
                fail_msg("memalign(%zu, %zu): %p errno %d", a, impossible_sizes[i], p, errno);
        }
    }
}

#ifndef T_USE_HAK
/* glibc's surface beyond the C standard. */
#define FN(name)                                                                                   \
    {                                                                                              \
#name, (const void *)(uintptr_t)name                                                       \
    }
struct named_fn {
    const char *name;
    const void *fn;
};

/* mallinfo is deprecated in glibc's header, and still what older programs call. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static struct mallinfo old_mallinfo(void)
{
    return mallinfo();
}
#ifdef T_EXPECT_HAKMEM
static const void *mallinfo_fn(void)
{
    return (const void *)(uintptr_t)mallinfo;
}
#endif
#pragma GCC diagnostic pop

#ifdef T_EXPECT_HAKMEM
static void every_libc_allocation_name_resolves_into_the_allocator(void **state)
{
    (void)state;
    static const struct named_fn fns[] = {
        FN(malloc),
        FN(free),
        FN(calloc),
        FN(realloc),
        FN(reallocarray),
        FN(posix_memalign),
        FN(aligned_alloc),
        FN(memalign),
        FN(valloc),
        FN(pvalloc),
        FN(malloc_usable_size),
        FN(malloc_trim),
        FN(mallinfo2),
        FN(malloc_stats),
        FN(malloc_info),
        FN(__libc_malloc),
        FN(__libc_free),
        FN(__libc_calloc),
        FN(__libc_realloc),
        FN(__libc_memalign),
        FN(__libc_valloc),
        FN(__libc_pvalloc),
    };
    for (size_t i = 0; i < COUNT(fns); i++) {
        const void *volatile fn = fns[i].fn;
        if (!t_fn_outside_libc(fn)) fail_msg("%s resolves into libc, not hakmem", fns[i].name);
    }
    static const char *const glibc_lacks[] = {"cfree", "free_sized", "free_aligned_sized"};
    const void *lacking[] = {T_LIBC_FN(cfree), T_LIBC_FN(free_sized),
                             T_LIBC_FN(free_aligned_sized)};
    for (size_t i = 0; i < COUNT(lacking); i++)
        if (lacking[i] == NULL || !t_fn_outside_libc(lacking[i]))
            fail_msg("%s is not hakmem's (%p)", glibc_lacks[i], lacking[i]);
    if (!t_fn_outside_libc(mallinfo_fn())) fail_msg("mallinfo resolves into libc, not hakmem");
}
#endif

#ifdef T_LINKS_HAKMEM
/* The libc names are the engine's functions under a second name: no wrapper, no extra jump. */
static void libc_names_are_aliases_of_the_engine(void **state)
{
    (void)state;
    static const struct named_fn pairs[][2] = {
        {FN(malloc), FN(hak_malloc)},
        {FN(free), FN(hak_free)},
        {FN(calloc), FN(hak_calloc)},
        {FN(realloc), FN(hak_realloc)},
        {FN(reallocarray), FN(hak_reallocarray)},
        {FN(posix_memalign), FN(hak_posix_memalign)},
        {FN(aligned_alloc), FN(hak_aligned_alloc)},
        {FN(memalign), FN(hak_memalign)},
        {FN(valloc), FN(hak_valloc)},
        {FN(pvalloc), FN(hak_pvalloc)},
        {FN(malloc_usable_size), FN(hak_malloc_usable_size)},
        {FN(cfree), FN(hak_free)},
        {FN(free_sized), FN(hak_free_sized)},
        {FN(free_aligned_sized), FN(hak_free_aligned_sized)},
        {FN(malloc_trim), FN(hak_malloc_trim)},
        {FN(__libc_malloc), FN(hak_malloc)},
        {FN(__libc_free), FN(hak_free)},
        {FN(__libc_calloc), FN(hak_calloc)},
        {FN(__libc_realloc), FN(hak_realloc)},
        {FN(__libc_memalign), FN(hak_memalign)},
        {FN(__libc_valloc), FN(hak_valloc)},
        {FN(__libc_pvalloc), FN(hak_pvalloc)},
    };
    for (size_t i = 0; i < COUNT(pairs); i++)
        if (pairs[i][0].fn != pairs[i][1].fn)
            fail_msg("%s (%p) is not %s (%p)", pairs[i][0].name, pairs[i][0].fn, pairs[i][1].name,
                     pairs[i][1].fn);
}
#endif

static void libc_internal_names_allocate_and_free_with_the_public_ones(void **state)
{
    (void)state;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    unsigned char *p = __libc_malloc(100);
    assert_non_null(p);
    t_pattern_fill(p, 100, 6, 100, 1);
    p = __libc_realloc(p, 300000);
    assert_non_null(p);
    assert_pattern_intact(p, 100, 6, 1);
    free(p); /* an __libc_* block through the public name, and back */
    p = malloc(5000);
    assert_non_null(p);
    __libc_free(p);
    p = __libc_calloc(1000, 10);
    assert_non_null(p);
    assert_all_zero(p, 10000, "__libc_calloc", 10000);
    __libc_free(p);
    p = __libc_memalign(4096, 100);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % 4096, 0);
    assert_true(malloc_usable_size(p) >= 100);
    __libc_free(p);
    p = __libc_valloc(100);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % page, 0);
    __libc_free(p);
    p = __libc_pvalloc(100);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % page, 0);
    assert_true(malloc_usable_size(p) >= page);
    memset(p, 1, page);
    __libc_free(p);
}

#ifdef T_EXPECT_HAKMEM
enum free_kind { FREE_CFREE, FREE_SIZED, FREE_ALIGNED_SIZED };

/* 100 blocks of 4 MiB, each written and freed through the name: a name that did not free
 * would leave 400 MiB resident. */
static void expect_name_frees(enum free_kind kind, const char *name)
{
    enum { ROUNDS = 100 };
    const size_t n = 4 * MIB;
    void (*volatile by_cfree)(void *) = (void (*)(void *))T_LIBC_FN(cfree);
    void (*volatile by_sized)(void *, size_t) = (void (*)(void *, size_t))T_LIBC_FN(free_sized);
    void (*volatile by_aligned)(void *, size_t, size_t) =
        (void (*)(void *, size_t, size_t))T_LIBC_FN(free_aligned_sized);
    assert_true(by_cfree && by_sized && by_aligned);
    size_t before = t_rss_bytes();
    for (int i = 0; i < ROUNDS; i++) {
        unsigned char *p = kind == FREE_ALIGNED_SIZED ? aligned_alloc(2 * MIB, n) : malloc(n);
        assert_non_null(p);
        memset(p, i, n);
        if (kind == FREE_CFREE)
            by_cfree(p);
        else if (kind == FREE_SIZED)
            by_sized(p, n);
        else
            by_aligned(p, 2 * MIB, n);
    }
    size_t after = t_rss_bytes();
    if (after > before + 64 * MIB)
        fail_msg("%s: RSS grew %zu MiB over %d blocks of 4 MiB freed by it", name,
                 (after - before) >> 20, ROUNDS);
}

static void cfree_free_sized_and_free_aligned_sized_free(void **state)
{
    (void)state;
    expect_name_frees(FREE_CFREE, "cfree");
    expect_name_frees(FREE_SIZED, "free_sized");
    expect_name_frees(FREE_ALIGNED_SIZED, "free_aligned_sized");
    ((void (*)(void *, size_t))T_LIBC_FN(free_sized))(NULL, 10);
    ((void (*)(void *, size_t, size_t))T_LIBC_FN(free_aligned_sized))(NULL, 64, 10);
}

static void malloc_trim_returns_free_memory_and_says_so(void **state)
{
    (void)state;
    enum { N = 512 };
    static void *blocks[N];
    for (int i = 0; i < N; i++) {
        blocks[i] = malloc(64 * 1024);
        assert_non_null(blocks[i]);
        memset(blocks[i], i, 64 * 1024);
    }
    for (int i = 0; i < N; i++)
        free(blocks[i]);
    size_t before = t_rss_bytes();
    assert_int_equal(malloc_trim(0), 1);
    size_t after = t_rss_bytes();
    if (after + 16 * MIB > before)
        fail_msg("malloc_trim(0) after freeing 32 MiB: RSS %zu -> %zu MiB", before >> 20,
                 after >> 20);
    assert_int_equal(malloc_trim(0), 0); /* nothing left to give back */
}
#endif

/* glibc's contract for both structures: live mmapped (here: large) blocks in hblks / hblkhd,
 * and arena = uordblks + fordblks. */
static void mallinfo2_and_mallinfo_count_large_blocks(void **state)
{
    (void)state;
    const size_t n = 64 * MIB; /* above glibc's largest dynamic mmap threshold */
    struct mallinfo2 m0 = mallinfo2();
    unsigned char *p = malloc(n);
    assert_non_null(p);
    memset(p, 1, n);
    struct mallinfo2 m1 = mallinfo2();
    struct mallinfo old = old_mallinfo();
    if (m1.hblks < m0.hblks + 1 || m1.hblkhd < m0.hblkhd + n)
        fail_msg("mallinfo2 with a 64 MiB block: hblks %zu -> %zu, hblkhd %zu -> %zu", m0.hblks,
                 m1.hblks, m0.hblkhd, m1.hblkhd);
    if (m1.uordblks + m1.fordblks != m1.arena)
        fail_msg("mallinfo2: uordblks %zu + fordblks %zu != arena %zu", m1.uordblks, m1.fordblks,
                 m1.arena);
    if ((size_t)old.hblks != m1.hblks || (size_t)old.hblkhd != m1.hblkhd)
        fail_msg("mallinfo: hblks %d hblkhd %d, mallinfo2 says %zu %zu", old.hblks, old.hblkhd,
                 m1.hblks, m1.hblkhd);
    free(p);
    struct mallinfo2 m2 = mallinfo2();
    if (m2.hblks + 1 > m1.hblks || m2.hblkhd + n > m1.hblkhd)
        fail_msg("mallinfo2 after the free: hblks %zu -> %zu, hblkhd %zu -> %zu", m1.hblks,
                 m2.hblks, m1.hblkhd, m2.hblkhd);
}

/* Runs fn with stderr sent to a temporary file; returns what it wrote (static buffer). */
static const char *stderr_of(void (*fn)(void))
{
    static char text[8192];
    char path[] = "/tmp/hakmem-stderr-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);
    fn();
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    ssize_t n = pread(fd, text, sizeof text - 1, 0);
    close(fd);
    text[n > 0 ? n : 0] = '\0';
    return text;
}

static void malloc_stats_prints_glibc_layout_to_stderr(void **state)
{
    (void)state;
    const char *text = stderr_of(malloc_stats);
    static const char *const lines[] = {"Arena 0:\n",          "system bytes     = ",
                                        "in use bytes     = ", "Total (incl. mmap):\n",
                                        "max mmap regions = ", "max mmap bytes   = "};
    for (size_t i = 0; i < COUNT(lines); i++)
        if (strstr(text, lines[i]) == NULL)
            fail_msg("malloc_stats: no \"%s\" in:\n%s", lines[i], text);
}

static void malloc_info_writes_glibc_xml(void **state)
{
    (void)state;
    unsigned char *big = malloc(64 * MIB);
    assert_non_null(big);
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(malloc_info(0, f), 0);
    static char xml[1 << 18];
    rewind(f);
    size_t n = fread(xml, 1, sizeof xml - 1, f);
    xml[n] = '\0';
    assert_int_equal(malloc_info(1, f), EINVAL); /* glibc returns the error number */
    fclose(f);
    free(big);
    static const char head[] = "<malloc version=\"1\">\n", tail[] = "</malloc>\n";
    if (strncmp(xml, head, sizeof head - 1) != 0 || n < sizeof tail ||
        strcmp(xml + n - (sizeof tail - 1), tail) != 0)
        fail_msg("malloc_info: not <malloc version=\"1\"> ... </malloc>:\n%s", xml);
    for (const char *line = xml; *line; line = strchr(line, '\n') + 1)
        if (line[strspn(line, " ")] != '<')
            fail_msg("malloc_info: a line that is not an element:\n%s", line);
    const char *mmap = strstr(xml, "<total type=\"mmap\" count=\"");
    if (mmap == NULL || atoi(mmap + strlen("<total type=\"mmap\" count=\"")) < 1)
        fail_msg("malloc_info: no mmap total counting the live 64 MiB block:\n%s", xml);
}
#endif

int main(int argc, char **argv)
{
    (void)argc;
    t_preload_self(argv);
    const struct CMUnitTest tests[] = {
#ifdef T_EXPECT_HAKMEM
        cmocka_unit_test(allocator_under_test_is_hakmem),
#endif
        cmocka_unit_test(free_null_is_noop),
        cmocka_unit_test(malloc_zero_returns_distinct_freeable_pointers),
        cmocka_unit_test(malloc_usable_size_of_null_is_zero),
        cmocka_unit_test(malloc_usable_size_is_at_least_requested_for_every_size),
        cmocka_unit_test(usable_bytes_are_writable_without_touching_neighbours),
        cmocka_unit_test(aligned_blocks_of_size_zero_are_live_and_freeable),
        cmocka_unit_test(posix_memalign_honours_alignments_8_to_1gib_across_tiers),
        cmocka_unit_test(aligned_alloc_honours_alignments_1_to_1gib_across_tiers),
        cmocka_unit_test(memalign_honours_alignments_1_to_1gib_across_tiers),
        cmocka_unit_test(alignments_beyond_1gib_are_honoured_or_refused_with_enomem),
        cmocka_unit_test(valloc_returns_page_aligned_blocks_across_tiers),
        cmocka_unit_test(pvalloc_rounds_size_up_to_whole_pages),
        cmocka_unit_test(realloc_preserves_contents_across_every_tier_boundary),
        cmocka_unit_test(realloc_growth_chain_keeps_prefix_in_both_directions),
        cmocka_unit_test(realloc_of_aligned_block_preserves_contents),
        cmocka_unit_test(realloc_of_null_allocates),
        cmocka_unit_test(reallocarray_resizes_and_preserves_contents),
        cmocka_unit_test(calloc_returns_zeroed_memory_across_tiers),
        cmocka_unit_test(calloc_zeroes_reused_memory_across_tiers),
        cmocka_unit_test(malloc_of_impossible_size_fails_with_enomem),
        cmocka_unit_test(calloc_overflow_fails_with_enomem),
        cmocka_unit_test(reallocarray_overflow_fails_with_enomem_and_keeps_block),
        cmocka_unit_test(realloc_to_impossible_size_fails_with_enomem_and_keeps_block),
        cmocka_unit_test(posix_memalign_bad_alignment_returns_einval),
        cmocka_unit_test(posix_memalign_impossible_size_returns_enomem),
        cmocka_unit_test(aligned_alloc_bad_alignment_fails_with_einval),
        cmocka_unit_test(aligned_functions_with_impossible_size_fail_with_enomem),
#ifndef T_USE_HAK
#ifdef T_EXPECT_HAKMEM
        cmocka_unit_test(every_libc_allocation_name_resolves_into_the_allocator),
        cmocka_unit_test(cfree_free_sized_and_free_aligned_sized_free),
        cmocka_unit_test(malloc_trim_returns_free_memory_and_says_so),
#endif
#ifdef T_LINKS_HAKMEM
        cmocka_unit_test(libc_names_are_aliases_of_the_engine),
#endif
        cmocka_unit_test(libc_internal_names_allocate_and_free_with_the_public_ones),
        cmocka_unit_test(mallinfo2_and_mallinfo_count_large_blocks),
        cmocka_unit_test(malloc_stats_prints_glibc_layout_to_stderr),
        cmocka_unit_test(malloc_info_writes_glibc_xml),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
