/* span.c: the page-run API over arenas, bins, the thread cache and the purge (see span.h). */
#include "span.h"
#include "span_bins.h"
#include "span_cache.h"
#include "span_purge.h"
#include "os.h"
#include <string.h>

void hak_span_lock(void)
{
    for (unsigned i = 0; i < SPAN_NARENAS; i++)
        pthread_mutex_lock(&hak_span_arenas[i].lock);
}
void hak_span_unlock(void)
{
    for (unsigned i = SPAN_NARENAS; i-- > 0;)
        pthread_mutex_unlock(&hak_span_arenas[i].lock);
}

static unsigned pages_of(size_t size)
{
    return (unsigned)(hak_align_up(size ? size : 1, HAK_PAGE) / HAK_PAGE);
}

/* Zeroes the pages of [at, at + n) that were dirty before they were taken (dirty: their map,
 * saved by the caller). */
static void zero_dirty(span_region *r, const uint64_t *dirty, unsigned at, unsigned n)
{
    unsigned i = hak_bits_next(dirty, at + n, at, true);
    while (i < at + n) {
        unsigned end = hak_bits_next(dirty, at + n, i, false);
        memset(span_page_addr(r, i), 0, (size_t)(end - i) * HAK_PAGE);
        i = hak_bits_next(dirty, at + n, end, true);
    }
}

void *hak_span_alloc(size_t size, size_t align, bool zero)
{
    unsigned need = pages_of(size);
    unsigned align_pages = align > HAK_PAGE ? (unsigned)(align / HAK_PAGE) : 1;
    void *p = align_pages == 1 ? span_cache_get(need) : NULL;
    if (p) {
        if (zero) memset(p, 0, (size_t)need * HAK_PAGE);
        return p;
    }
    span_arena *a = span_my_arena();
    unsigned run = 0, at = 0;
    pthread_mutex_lock(&a->lock);
    span_region *r = span_find_run(a, need, align_pages, &run, &at);
    if (!r) {
        /* The chunk layer may make system calls: not under the arena lock. Any block of a
         * span size and alignment fits an empty region. */
        pthread_mutex_unlock(&a->lock);
        span_region *fresh = span_region_new();
        pthread_mutex_lock(&a->lock);
        if (fresh) {
            span_arena_add(a, fresh);
            r = span_find_run(a, need, align_pages, &run, &at);
        }
    }
    if (!r) {
        pthread_mutex_unlock(&a->lock);
        return NULL;
    }
    uint64_t dirty[SPAN_WORDS];
    if (zero) memcpy(dirty, r->dirty_map, sizeof dirty);
    span_take_pages(r, run, at, need);
    r->run_pages[at] = (uint16_t)need;
    span_start_set(r, at, true);
    a->live_pages += need;
    if (a->live_pages > a->peak_live_pages) a->peak_live_pages = a->live_pages;
    uint64_t now = hak_os_now_ms();
    span_purge_note_use(r, now);
    bool due = span_purge_due(a, now);
    pthread_mutex_unlock(&a->lock);
    if (zero) zero_dirty(r, dirty, at, need);
    if (due) span_purge(a, now, false);
    return span_page_addr(r, at);
}

static HAK_NOINLINE void bad_block(span_region *r, const void *p, const char *what)
{
    unsigned i = span_page_index(p);
    bool was_block = false;
    if (r->magic == SPAN_MAGIC && ((uintptr_t)p & (HAK_PAGE - 1)) == 0 && i >= SPAN_FIRST_PAGE) {
        pthread_mutex_lock(&r->arena->lock);
        was_block = hak_bit_test(r->free_map, i);
        pthread_mutex_unlock(&r->arena->lock);
    }
    hak_fatal_ptr(what, was_block ? "double free of" : "invalid pointer", p);
}

/* The page index of the live block p; aborts naming p if p is not a live block's start. The
 * caller owns the block, so its length (set before it was handed out) can be read unlocked. */
static unsigned block_page(span_region *r, const void *p, const char *what)
{
    unsigned i = span_page_index(p);
    if (HAK_UNLIKELY(r->magic != SPAN_MAGIC || ((uintptr_t)p & (HAK_PAGE - 1)) != 0 ||
                     i < SPAN_FIRST_PAGE || !span_start_test(r, i)))
        bad_block(r, p, what);
    return i;
}

/* Returns the pages [at, at + n) of a live block (all of it, or its end) to the free runs. */
static span_region *give_block_pages(span_region *r, unsigned at, unsigned n, uint64_t now)
{
    span_arena *a = r->arena;
    hak_bits_set(r->dirty_map, at, at + n);
    a->dirty_pages += n;
    a->live_pages -= n;
    span_purge_note_use(r, now);
    return span_give_pages(r, at, n);
}

static void free_locked(void *p)
{
    span_region *r = span_region_of(p);
    span_arena *a = r->arena;
    unsigned i = span_page_index(p);
    pthread_mutex_lock(&a->lock);
    if (!span_start_test(r, i)) {
        pthread_mutex_unlock(&a->lock);
        bad_block(r, p, "free()");
    }
    span_start_set(r, i, false);
    uint64_t now = hak_os_now_ms();
    span_region *empty = give_block_pages(r, i, r->run_pages[i], now);
    bool due = span_purge_due(a, now);
    pthread_mutex_unlock(&a->lock);
    if (empty) span_region_release(empty);
    if (due) span_purge(a, now, false);
}

void hak_span_free(void *p)
{
    span_region *r = span_region_of(p);
    unsigned i = block_page(r, p, "free()");
    if (!span_cache_put(p, r->run_pages[i])) free_locked(p);
}

size_t hak_span_usable(const void *p, const char *what)
{
    span_region *r = span_region_of(p);
    return (size_t)r->run_pages[block_page(r, p, what)] * HAK_PAGE;
}

void hak_span_thread_attach(void)
{
    span_cache_attach();
}

void hak_span_thread_exit(void)
{
    span_cache_flush(free_locked, true);
}

bool hak_span_resize(void *p, size_t size)
{
    span_region *r = span_region_of(p);
    unsigned need = pages_of(size);
    unsigned i = block_page(r, p, "realloc()");
    span_arena *a = r->arena;
    pthread_mutex_lock(&a->lock);
    unsigned have = r->run_pages[i];
    bool ok = true;
    if (need < have) {
        r->run_pages[i] = (uint16_t)need;
        give_block_pages(r, i + need, have - need, hak_os_now_ms()); /* r keeps a live block */
    } else if (need > have) {
        unsigned next = i + have;
        ok = next < SPAN_NPAGES && hak_bit_test(r->free_map, next) &&
             r->run_pages[next] >= need - have;
        if (ok) {
            span_take_pages(r, next, next, need - have);
            r->run_pages[i] = (uint16_t)need;
            a->live_pages += need - have;
            if (a->live_pages > a->peak_live_pages) a->peak_live_pages = a->live_pages;
        }
    }
    pthread_mutex_unlock(&a->lock);
    return ok;
}

void hak_span_free_stats(size_t *regions, size_t *bytes)
{
    *regions = *bytes = 0;
    for (unsigned i = 0; i < SPAN_NARENAS; i++) {
        span_arena *a = &hak_span_arenas[i];
        pthread_mutex_lock(&a->lock);
        *bytes += a->dirty_pages * HAK_PAGE;
        for (span_region *r = a->regions; r; r = r->next)
            *regions += hak_bits_count(r->dirty_map, 0, SPAN_NPAGES) != 0;
        pthread_mutex_unlock(&a->lock);
    }
}

void hak_span_trim(void)
{
    span_cache_flush(free_locked, false);
    uint64_t now = hak_os_now_ms();
    for (unsigned i = 0; i < SPAN_NARENAS; i++)
        span_purge(&hak_span_arenas[i], now, true);
}
