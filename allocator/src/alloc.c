/* alloc.c: the hak_* API (malloc, free, calloc, realloc and the aligned family) over the
 * tiers: tiny and mid classes through the thread cache (front.h / tcache.h) or, for tiny
 * classes with BOX_REFACTOR_DEFAULT=0, the locked reference path (legacy.h); page runs up to
 * 1 MiB through span.h; large blocks through large.h. Owns argument checking, errno, the
 * debug-build block checks and fault injection hooks. Calls front.h, tcache.h, legacy.h,
 * span.h, large.h, chunk.h (trim), superslab.h (a pointer's tier, debug builds: its live bit),
 * segmap.h, os.h (the page size), fault.h, and secure.h on every small block handed out or
 * freed (HAKMEM_SECURE >= 2: canary, freed tag, fill). */
#include "chunk.h"
#include "fault.h"
#include "front.h"
#include "large.h"
#include "legacy.h"
#include "os.h"
#include "secure.h"
#include "segmap.h"
#include "span.h"
#include "superslab.h"
#include <errno.h>
#include <string.h>

#if !HAKMEM_BUILD_RELEASE
#define DEBUG_MARK_LIVE(p) hak_ss_debug_mark_live(p)
#define DEBUG_CHECK_BLOCK(p, what, clear) hak_ss_debug_check(p, what, clear)
#else
#define DEBUG_MARK_LIVE(p) ((void)0)
#define DEBUG_CHECK_BLOCK(p, what, clear) ((void)0)
#endif

/* One block of tiny class cls, from whichever tiny path this build uses. The inline front
 * counts its own hits and misses (stats.c adds them to malloc_calls), so a fast-path malloc
 * pays for one counter increment, not two. */
HAK_INLINE void *tiny_alloc(unsigned cls)
{
#if !BOX_REFACTOR_DEFAULT
    /* No thread cache here, but the thread still needs its counters registered. */
    if (HAK_UNLIKELY(!hak_tls_tcache.heap)) hak_tcache_heap();
    HAK_STAT_INC(malloc_calls);
    HAK_STAT_INC(slow_path_calls);
    return hak_legacy_alloc(cls);
#elif TINY_FAST_PATH_DEFAULT
    return hak_front_alloc(cls);
#else
    HAK_STAT_INC(malloc_calls);
    return hak_tcache_alloc(cls);
#endif
}

HAK_INLINE void *mid_alloc(unsigned cls)
{
    HAK_STAT_INC(mid_allocs);
#if TINY_FAST_PATH_DEFAULT
    return hak_front_alloc(cls);
#else
    HAK_STAT_INC(malloc_calls);
    return hak_tcache_alloc(cls);
#endif
}

HAK_INLINE void *class_alloc(unsigned cls)
{
    return cls < HAK_TINY_NCLASS ? tiny_alloc(cls) : mid_alloc(cls);
}

static HAK_NOINLINE void *alloc_failed(void)
{
    HAK_GSTAT_ADD(failed_allocs, 1);
    errno = ENOMEM;
    return NULL;
}

/* Blocks above the classes: page runs up to HAK_SPAN_MAX (and alignments up to that), runs
 * of chunks beyond. align: a power of two up to HAK_MAX_ALIGN; zero: the block reads as
 * zeros (each tier clears only what may have been written). */
static void *big_alloc(size_t size, size_t align, bool zero)
{
    HAK_STAT_INC(malloc_calls);
    HAK_STAT_INC(slow_path_calls);
    hak_ensure_init();
    if (size <= HAK_SPAN_MAX && align <= HAK_SPAN_MAX) {
        HAK_STAT_INC(span_allocs);
        return hak_span_alloc(size, align, zero);
    }
    return hak_large_alloc(size, align, zero);
}

/* p: a block of class cls for a request of size bytes. */
HAK_INLINE void *alloc_checked(void *p, size_t size, unsigned cls)
{
    if (HAK_UNLIKELY(!p)) return alloc_failed();
    DEBUG_MARK_LIVE(p);
    hak_secure_on_alloc(p, size, hak_class_size[cls]);
    return p;
}

/* Mid and large sizes, out of line so the tiny path needs no stack frame. */
static HAK_NOINLINE void *malloc_above_tiny(size_t size)
{
    if (size <= HAK_MID_MAX - HAK_SECURE_SLACK) {
        unsigned cls = hak_size_class(size + HAK_SECURE_SLACK);
        return alloc_checked(mid_alloc(cls), size, cls);
    }
    void *p = big_alloc(size, 16, false);
    return p ? p : alloc_failed();
}

HAK_EXPORT void *hak_malloc(size_t size)
{
    hak_fault_on_malloc();
    /* HAK_SECURE_SLACK: room for the canary (secure.h). */
    if (HAK_LIKELY(size <= HAK_TINY_MAX - HAK_SECURE_SLACK)) {
        unsigned cls = hak_tiny_class(size + HAK_SECURE_SLACK);
        return alloc_checked(tiny_alloc(cls), size, cls);
    }
    return malloc_above_tiny(size);
}

static HAK_NOINLINE void free_foreign(void *p, const char *what)
{
    HAK_GSTAT_ADD(foreign_frees, 1);
    hak_fatal_ptr(what, "invalid pointer", p);
}

/* A block of a slab class: the address map says p is in a SuperSlab. A pointer into its
 * header or a free slab reads meta 0 and is refused on the slow path (the full block checks
 * are debug-only). */
HAK_INLINE void small_free(void *p)
{
    DEBUG_CHECK_BLOCK(p, "free()", true);
    hak_secure_on_free(p);
#if FAULT_LEAK
    if ((hak_ss_meta_of(p) & HAK_SLAB_META_CLS) < HAK_TINY_NCLASS) {
        HAK_STAT_INC(free_calls);
        return;
    }
#endif
#if !BOX_REFACTOR_DEFAULT
    if (hak_legacy_owns(p)) {
        HAK_STAT_INC(free_calls);
        hak_legacy_free(p);
        return;
    }
#endif
#if TINY_FAST_PATH_DEFAULT
    hak_front_free(p); /* counts fast_path_frees or free_calls itself */
#else
    HAK_STAT_INC(free_calls);
    hak_tcache_free(p);
#endif
}

HAK_EXPORT void hak_free(void *p)
{
    unsigned kind = hak_segmap_kind(p); /* NULL: HAK_SEG_NONE */
    if (HAK_LIKELY(kind == HAK_SEG_SUPERSLAB)) {
        small_free(p);
        return;
    }
    if (!p) return;
    HAK_STAT_INC(free_calls);
    if (kind == HAK_SEG_SPAN) {
#if HAKMEM_SECURE >= 3
        /* Freed page runs are filled too (checked first: the fill writes the whole run). */
        memset(p, HAK_SECURE_FILL, hak_span_usable(p, "free()"));
#endif
        hak_span_free(p);
        return;
    }
    if (kind == HAK_SEG_LARGE) {
        hak_large_free(p);
        return;
    }
    free_foreign(p, "free()");
}

HAK_EXPORT void hak_free_sized(void *p, size_t size)
{
#if !HAKMEM_BUILD_RELEASE
    if (p && hak_malloc_usable_size(p) < size) hak_fatal_ptr("free_sized()", "wrong size for", p);
#endif
    (void)size;
    hak_free(p);
}

HAK_EXPORT void hak_free_aligned_sized(void *p, size_t align, size_t size)
{
#if !HAKMEM_BUILD_RELEASE
    if (p && (align & (align - 1)) == 0 && ((uintptr_t)p & (align - 1)) != 0)
        hak_fatal_ptr("free_aligned_sized()", "wrong alignment for", p);
#endif
    (void)align;
    hak_free_sized(p, size);
}

static size_t usable_size(const void *p, const char *what)
{
    unsigned kind = hak_segmap_kind(p);
    if (HAK_LIKELY(kind == HAK_SEG_SUPERSLAB)) {
        DEBUG_CHECK_BLOCK(p, what, false);
        uintptr_t meta = hak_ss_meta_of(p);
        if (HAK_LIKELY(meta))
            return hak_secure_usable(p, hak_class_size[meta & HAK_SLAB_META_CLS], what);
    } else if (kind == HAK_SEG_SPAN) {
        return hak_span_usable(p, what);
    } else if (kind == HAK_SEG_LARGE) {
        return hak_large_usable(p);
    }
    free_foreign((void *)(uintptr_t)p, what);
    return 0;
}

HAK_EXPORT size_t hak_malloc_usable_size(const void *p)
{
    return p ? usable_size(p, "malloc_usable_size()") : 0;
}

HAK_EXPORT void *hak_calloc(size_t n, size_t size)
{
    size_t total;
    if (__builtin_mul_overflow(n, size, &total)) return alloc_failed();
    if (total <= HAK_MID_MAX) {
        void *p = hak_malloc(total);
        if (p) memset(p, 0, total);
        return p;
    }
    hak_fault_on_malloc();
    void *p = big_alloc(total, 16, true);
    return p ? p : alloc_failed();
}

HAK_EXPORT void *hak_realloc(void *p, size_t size)
{
    if (!p) return hak_malloc(size);
    if (size == 0) { /* glibc's behaviour: free and return NULL */
        hak_free(p);
        return NULL;
    }
    size_t old = usable_size(p, "realloc()");
    unsigned kind = hak_segmap_kind(p);
    /* Keep the block when the new size fits and would not waste more than half of it. */
    if (size <= old && size >= old / 2) {
        if (HAKMEM_SECURE >= 2 && kind == HAK_SEG_SUPERSLAB)
            hak_secure_resize(p, size, hak_class_size[hak_ss_meta_of(p) & HAK_SLAB_META_CLS]);
        return p;
    }
    /* A page run grows into the free pages after it, or shrinks, without copying. */
    if (kind == HAK_SEG_SPAN && size > HAK_MID_MAX && size <= HAK_SPAN_MAX &&
        hak_span_resize(p, size))
        return p;
    /* A large block stays large: in place or moved by page remapping. */
    if (kind == HAK_SEG_LARGE && size > HAK_SPAN_MAX) {
        void *q = hak_large_resize(p, size);
        return q ? q : alloc_failed();
    }
    void *q = hak_malloc(size);
    if (!q) return NULL;
    memcpy(q, p, size < old ? size : old);
    hak_free(p);
    return q;
}

HAK_EXPORT void *hak_reallocarray(void *p, size_t n, size_t size)
{
    size_t total;
    if (__builtin_mul_overflow(n, size, &total)) return alloc_failed();
    return hak_realloc(p, total);
}

/* The aligned family. Classes serve alignments up to a page when their block size is a
 * multiple of the alignment (slab starts are page-aligned), and larger ones with power-of-two
 * block sizes (aligned to themselves); the rest are page runs (up to 1 MiB) or large blocks,
 * aligned up to HAK_MAX_ALIGN (1 GiB). */

static void *aligned_impl(size_t align, size_t size)
{
    if (align <= 16) return hak_malloc(size);
    if (align > HAK_MAX_ALIGN || size > SIZE_MAX - align) return alloc_failed();
    hak_fault_on_malloc();
    size_t need = size <= HAK_MID_MAX ? size + HAK_SECURE_SLACK : size;
    if (need < align && align > HAK_PAGE) need = align;
    if (need <= HAK_MID_MAX) {
        unsigned cls = hak_size_class(need ? need : 1);
        while (cls < HAK_NCLASS) {
            uint32_t bs = hak_class_size[cls];
            bool ok = align <= HAK_PAGE ? (bs & (align - 1)) == 0 : (bs & (bs - 1)) == 0;
            if (ok) return alloc_checked(class_alloc(cls), size, cls);
            cls++;
        }
    }
    void *p = big_alloc(size, align, false);
    return p ? p : alloc_failed();
}

static bool is_pow2(size_t x)
{
    return x && (x & (x - 1)) == 0;
}

HAK_EXPORT int hak_posix_memalign(void **out, size_t align, size_t size)
{
    if (!is_pow2(align) || align % sizeof(void *) != 0) return EINVAL;
    int saved = errno;
    void *p = aligned_impl(align, size);
    if (!p) {
        errno = saved;
        return ENOMEM;
    }
    *out = p;
    return 0;
}

HAK_EXPORT void *hak_aligned_alloc(size_t align, size_t size)
{
    if (!is_pow2(align)) {
        errno = EINVAL;
        return NULL;
    }
    return aligned_impl(align, size);
}

HAK_EXPORT void *hak_memalign(size_t align, size_t size)
{
    if (align > SIZE_MAX / 2 + 1) {
        errno = EINVAL;
        return NULL;
    }
    /* glibc rounds a non-power-of-two alignment up to the next power of two. */
    size_t a = 1;
    while (a < align)
        a <<= 1;
    return aligned_impl(a, size);
}

HAK_EXPORT void *hak_valloc(size_t size)
{
    return aligned_impl(hak_os_page_size(), size);
}

HAK_EXPORT void *hak_pvalloc(size_t size)
{
    size_t page = hak_os_page_size();
    if (size > SIZE_MAX - page) return alloc_failed();
    size_t rounded = size ? hak_align_up(size, page) : page;
    return aligned_impl(page, rounded);
}

HAK_EXPORT void hak_trim(void)
{
    hak_ensure_init();
    hak_tcache_trim();
    hak_span_trim();
    hak_ss_trim();
    hak_chunk_trim();
}

HAK_EXPORT int hak_malloc_trim(size_t pad)
{
    (void)pad;
    hak_os_stats before, after;
    hak_os_stats_get(&before);
    hak_trim();
    hak_os_stats_get(&after);
    return after.madvise_calls != before.madvise_calls || after.munmap_calls != before.munmap_calls;
}

#include "override.inc"
