/* span.c: page runs in span regions (see span.h). */
#include "span.h"
#include "os.h"
#include "segmap.h"
#include <pthread.h>

#define SPAN_MAGIC 0x4e415053u /* "SPAN" */
#define NPAGES ((unsigned)(HAK_SEG_SIZE / HAK_PAGE))
#define WORDS (NPAGES / 64)
#define FIRST_PAGE 3u /* pages 0-2 hold the header */
#define RUN_MAX (NPAGES - FIRST_PAGE)
/* Free-run bins: one per length up to 32 pages, then 4 per doubling. */
#define EXACT_BINS 32u
#define NBINS (EXACT_BINS + 4u * 4u)
/* Threads are spread over this many arenas (each with its own lock and regions), so threads
 * rarely wait for each other; any thread may free into any arena. */
#define NARENAS 8u
/* Regions that emptied are kept, up to this many over all arenas, and reused by any arena
 * before a new one is mapped: a region that empties and fills again (big blocks allocated and
 * freed over and over) then costs no munmap, mmap and page faults. They are unmapped first
 * when an arena is over its dirty budget. */
#define SPARE_KEEP 3u
/* Dirty pages (free but committed) an arena may hold in its regions: at least DIRTY_MIN_PAGES,
 * or as many as its peak live pages. Each madvise costs a TLB shootdown
 * (hundreds of microseconds on a VM) and the pages fault back in when they are reused, so
 * pages are decommitted only when there are more free ones than the heap ever used: a heap
 * that frees most of its blocks and then allocates again (fragmentation's phases) reuses its
 * pages instead of paying for them twice. A heap freed wholesale returns its memory through
 * its regions, unmapped as they empty; hak_trim() decommits everything. */
#define DIRTY_MIN_PAGES ((size_t)(4 * HAK_MiB / HAK_PAGE))
/* Blocks of at least this many pages are placed at the top of a free run. */
#define BIG_PAGES 32u
/* A purge first decommits only runs of at least this many dirty pages: fewer calls. */
#define PURGE_RUN_PAGES 16u
/* The thread cache of freed small runs: up to CACHE_DEPTH blocks of each length up to
 * CACHE_PAGES pages, CACHE_MAX_PAGES pages in all (128 KiB a thread, not coalesced while
 * cached). Release builds only: debug builds keep every double-free check exact. */
#define CACHE_PAGES 8u
#define CACHE_DEPTH 4u
#define CACHE_MAX_PAGES 32u

typedef struct span_arena span_arena;

typedef struct span_region {
    uint32_t magic;
    span_arena *arena;
    struct span_region *next, *prev;
    uint64_t free_map[WORDS];  /* bit i: page i is free */
    uint64_t dirty_map[WORDS]; /* bit i: page i is free and still committed */
    /* bit i: a live block starts at page i. Written under the arena lock, read without it by
     * free's pointer check (hence atomic; relaxed loads and stores, no read-modify-write). */
    _Atomic uint64_t start_map[WORDS];
    /* Length in pages: at a live block's first page, and at both ends of a free run. */
    uint16_t run_pages[NPAGES];
    /* Bin links of the free run starting at page i (its first page's address names it). */
    uint8_t *run_next[NPAGES], *run_prev[NPAGES];
} span_region;

_Static_assert(sizeof(span_region) <= FIRST_PAGE * HAK_PAGE, "the header fits before FIRST_PAGE");

struct span_arena {
    pthread_mutex_t lock;
    span_region *regions;
    uint8_t *bins[NBINS]; /* free runs of this arena's regions */
    uint64_t bins_nonempty;
    /* Per arena, not global: shared counters bounced a cache line between threads on every
     * allocation (mid_large_mt lost 15% to it). */
    size_t live_pages, peak_live_pages, dirty_pages;
} __attribute__((aligned(64)));

/* A free or allocation of a small run through the thread cache takes no lock: an uncontended
 * lock and unlock per call cost 19% of single-threaded mid_large_mt on this VM. */
typedef struct {
    bool on; /* between the thread's attach and exit hooks */
    unsigned pages;
    uint8_t count[CACHE_PAGES];
    void *blocks[CACHE_PAGES][CACHE_DEPTH];
} span_cache;

static __thread span_cache tls_cache;
static span_arena arenas[NARENAS] = {[0 ... NARENAS - 1] = {.lock = PTHREAD_MUTEX_INITIALIZER}};
static _Atomic unsigned next_arena;
static __thread span_arena *tls_arena;
/* Empty regions kept for reuse (in no arena), under spare_lock; taken after an arena lock. */
static pthread_mutex_t spare_lock = PTHREAD_MUTEX_INITIALIZER;
static span_region *spares;
static unsigned spare_count;

void hak_span_lock(void)
{
    for (unsigned i = 0; i < NARENAS; i++)
        pthread_mutex_lock(&arenas[i].lock);
    pthread_mutex_lock(&spare_lock);
}
void hak_span_unlock(void)
{
    pthread_mutex_unlock(&spare_lock);
    for (unsigned i = NARENAS; i-- > 0;)
        pthread_mutex_unlock(&arenas[i].lock);
}

/* The calling thread's arena: handed out round robin at its first span block. */
static span_arena *my_arena(void)
{
    span_arena *a = tls_arena;
    if (HAK_UNLIKELY(!a)) {
        a = &arenas[atomic_fetch_add_explicit(&next_arena, 1, memory_order_relaxed) % NARENAS];
        tls_arena = a;
    }
    return a;
}

/* Bit ranges [lo, hi) of a region's page maps. */
static uint64_t word_mask(unsigned lo, unsigned hi, unsigned w)
{
    unsigned a = lo > w * 64 ? lo - w * 64 : 0;
    unsigned b = hi < (w + 1) * 64 ? hi - w * 64 : 64;
    uint64_t upto_b = b == 64 ? ~0ull : (1ull << b) - 1;
    return upto_b & ~((1ull << a) - 1);
}

static void bits_set(uint64_t *m, unsigned lo, unsigned hi)
{
    for (unsigned w = lo / 64; lo < hi && w <= (hi - 1) / 64; w++)
        m[w] |= word_mask(lo, hi, w);
}

static void bits_clear(uint64_t *m, unsigned lo, unsigned hi)
{
    for (unsigned w = lo / 64; lo < hi && w <= (hi - 1) / 64; w++)
        m[w] &= ~word_mask(lo, hi, w);
}

static unsigned bits_count(const uint64_t *m, unsigned lo, unsigned hi)
{
    unsigned n = 0;
    for (unsigned w = lo / 64; lo < hi && w <= (hi - 1) / 64; w++)
        n += (unsigned)__builtin_popcountll(m[w] & word_mask(lo, hi, w));
    return n;
}

static bool bit_test(const uint64_t *m, unsigned i)
{
    return (m[i / 64] >> (i % 64)) & 1;
}

static bool start_test(const span_region *r, unsigned i)
{
    return (atomic_load_explicit(&r->start_map[i / 64], memory_order_relaxed) >> (i % 64)) & 1;
}

/* Arena lock held: no other writer, so a load and a store replace a read-modify-write. */
static void start_set(span_region *r, unsigned i, bool live)
{
    uint64_t w = atomic_load_explicit(&r->start_map[i / 64], memory_order_relaxed);
    uint64_t bit = 1ull << (i % 64);
    atomic_store_explicit(&r->start_map[i / 64], live ? w | bit : w & ~bit, memory_order_relaxed);
}

/* The first i >= from whose bit is `value`, or NPAGES. */
static unsigned bits_next(const uint64_t *m, unsigned from, bool value)
{
    for (unsigned i = from; i < NPAGES;) {
        uint64_t word = value ? m[i / 64] : ~m[i / 64];
        word >>= i % 64;
        if (word) return i + (unsigned)__builtin_ctzll(word);
        i = (i / 64 + 1) * 64;
    }
    return NPAGES;
}

static uint8_t *page_addr(span_region *r, unsigned i)
{
    return (uint8_t *)r + (size_t)i * HAK_PAGE;
}

static span_region *region_of(const void *p)
{
    return (span_region *)((uintptr_t)p & ~(uintptr_t)HAK_SEG_MASK);
}

static unsigned page_index(const void *p)
{
    return (unsigned)(((uintptr_t)p & HAK_SEG_MASK) / HAK_PAGE);
}

static unsigned bin_of(unsigned pages)
{
    if (pages <= EXACT_BINS) return pages - 1;
    unsigned b = 31u - (unsigned)__builtin_clz(pages); /* 5..8 */
    return EXACT_BINS + (b - 5u) * 4u + ((pages >> (b - 2u)) & 3u);
}

/* Free run bookkeeping: [i, i + n) becomes one free run in its arena's bin, or leaves it. */
static void run_insert(span_region *r, unsigned i, unsigned n)
{
    span_arena *a = r->arena;
    r->run_pages[i] = (uint16_t)n;
    r->run_pages[i + n - 1] = (uint16_t)n;
    unsigned b = bin_of(n);
    uint8_t *node = page_addr(r, i), *head = a->bins[b];
    r->run_next[i] = head;
    r->run_prev[i] = NULL;
    if (head) region_of(head)->run_prev[page_index(head)] = node;
    a->bins[b] = node;
    a->bins_nonempty |= 1ull << b;
}

static void run_remove(span_region *r, unsigned i)
{
    span_arena *a = r->arena;
    uint8_t *next = r->run_next[i], *prev = r->run_prev[i];
    unsigned b = bin_of(r->run_pages[i]);
    if (prev)
        region_of(prev)->run_next[page_index(prev)] = next;
    else
        a->bins[b] = next;
    if (next) region_of(next)->run_prev[page_index(next)] = prev;
    if (!a->bins[b]) a->bins_nonempty &= ~(1ull << b);
}

/* An empty region for a: a spare one, or a new mapping. */
static span_region *region_get(span_arena *a)
{
    pthread_mutex_lock(&spare_lock);
    span_region *r = spares;
    if (r) {
        spares = r->next;
        spare_count--;
    }
    pthread_mutex_unlock(&spare_lock);
    if (!r) {
        if (!(r = hak_os_map_aligned(HAK_SEG_SIZE, HAK_SEG_SIZE))) return NULL;
        r->magic = SPAN_MAGIC;
        bits_set(r->free_map, FIRST_PAGE, NPAGES);
        hak_segmap_set(r, HAK_SEG_SIZE, HAK_SEG_SPAN);
        HAK_GSTAT_ADD(span_regions_mapped, 1);
    }
    r->arena = a;
    a->dirty_pages += bits_count(r->dirty_map, 0, NPAGES);
    run_insert(r, FIRST_PAGE, RUN_MAX);
    r->prev = NULL;
    r->next = a->regions;
    if (a->regions) a->regions->prev = r;
    a->regions = r;
    return r;
}

static void region_unmap(span_region *r)
{
    hak_segmap_set(r, HAK_SEG_SIZE, HAK_SEG_NONE);
    hak_os_unmap(r, HAK_SEG_SIZE);
    HAK_GSTAT_ADD(span_regions_returned, 1);
}

/* r emptied: it leaves its arena for the spares, or is unmapped when there are enough. */
static void region_retire(span_region *r)
{
    span_arena *a = r->arena;
    if (r->prev)
        r->prev->next = r->next;
    else
        a->regions = r->next;
    if (r->next) r->next->prev = r->prev;
    a->dirty_pages -= bits_count(r->dirty_map, 0, NPAGES);
    pthread_mutex_lock(&spare_lock);
    bool keep = spare_count < SPARE_KEEP;
    if (keep) {
        r->next = spares;
        spares = r;
        spare_count++;
    }
    pthread_mutex_unlock(&spare_lock);
    if (!keep) region_unmap(r);
}

static void unmap_spares(void)
{
    pthread_mutex_lock(&spare_lock);
    span_region *r = spares;
    spares = NULL;
    spare_count = 0;
    pthread_mutex_unlock(&spare_lock);
    while (r) {
        span_region *next = r->next;
        region_unmap(r);
        r = next;
    }
}

/* Decommits a's dirty runs of at least min_run pages, one madvise each, until a holds at most
 * target dirty pages. */
static void purge(span_arena *a, size_t target, unsigned min_run)
{
    for (span_region *r = a->regions; r && a->dirty_pages > target; r = r->next) {
        unsigned i = bits_next(r->dirty_map, 0, true);
        while (i < NPAGES && a->dirty_pages > target) {
            unsigned end = bits_next(r->dirty_map, i, false);
            if (end - i >= min_run) {
                hak_os_decommit(page_addr(r, i), (size_t)(end - i) * HAK_PAGE);
                bits_clear(r->dirty_map, i, end);
                a->dirty_pages -= end - i;
            }
            i = bits_next(r->dirty_map, end, true);
        }
    }
}

/* Past the budget, purge down to half of it, long runs first: madvise calls then come rarely
 * and in batches. */
static void purge_over_budget(span_arena *a)
{
    size_t budget = a->peak_live_pages > DIRTY_MIN_PAGES ? a->peak_live_pages : DIRTY_MIN_PAGES;
    if (a->dirty_pages <= budget) return;
    unmap_spares();
    purge(a, budget / 2, PURGE_RUN_PAGES);
    purge(a, budget / 2, 1);
}

/* Marks pages [at, at + n) of the free run starting at page run as a live block; what is left
 * of the run on either side stays free. Returns how many of the pages were dirty. */
static unsigned take_pages(span_region *r, unsigned run, unsigned at, unsigned n)
{
    unsigned len = r->run_pages[run];
    run_remove(r, run);
    if (at > run) run_insert(r, run, at - run);
    if (at + n < run + len) run_insert(r, at + n, run + len - (at + n));
    unsigned dirty = bits_count(r->dirty_map, at, at + n);
    bits_clear(r->free_map, at, at + n);
    bits_clear(r->dirty_map, at, at + n);
    span_arena *a = r->arena;
    a->dirty_pages -= dirty;
    a->live_pages += n;
    if (a->live_pages > a->peak_live_pages) a->peak_live_pages = a->live_pages;
    return dirty;
}

/* Returns pages [at, at + n) of r (the end of a live block, or all of it) to the free pages,
 * merged with the free runs on either side. */
static void give_pages(span_region *r, unsigned at, unsigned n)
{
    bits_set(r->free_map, at, at + n);
    bits_set(r->dirty_map, at, at + n);
    span_arena *a = r->arena;
    a->dirty_pages += n;
    a->live_pages -= n;
    unsigned lo = at, hi = at + n;
    if (hi < NPAGES && bit_test(r->free_map, hi)) {
        unsigned right = r->run_pages[hi];
        run_remove(r, hi);
        hi += right;
    }
    if (lo > FIRST_PAGE && bit_test(r->free_map, lo - 1)) {
        unsigned left = r->run_pages[lo - 1];
        lo -= left;
        run_remove(r, lo);
    }
    if (hi - lo == RUN_MAX)
        region_retire(r);
    else
        run_insert(r, lo, hi - lo);
    purge_over_budget(a);
}

/* A free run of a for need pages at a multiple of align_pages (regions are 2 MiB-aligned, so
 * that is address alignment): the first fitting run of the smallest bin that has one, which
 * is the best fit for exact bins. Sets *run (its first page) and *at. */
static span_region *find_run(span_arena *a, unsigned need, unsigned align_pages, unsigned *run,
                             unsigned *at)
{
    for (unsigned b = bin_of(need); b < NBINS; b++) {
        uint64_t rest = a->bins_nonempty >> b;
        if (!rest) return NULL;
        b += (unsigned)__builtin_ctzll(rest);
        for (uint8_t *node = a->bins[b]; node; node = region_of(node)->run_next[page_index(node)]) {
            span_region *r = region_of(node);
            unsigned i = page_index(node), len = r->run_pages[i];
            unsigned first = (unsigned)hak_align_up(i, align_pages);
            if (first + need <= i + len) {
                /* Big blocks from the top of a run, small ones from the bottom: they stay
                 * apart, so a big block's pages are found contiguous again when it is freed. */
                unsigned top = (i + len - need) / align_pages * align_pages;
                *run = i;
                *at = need >= BIG_PAGES ? top : first;
                return r;
            }
        }
    }
    return NULL;
}

void *hak_span_alloc(size_t size, size_t align, bool *fresh)
{
    unsigned need = (unsigned)(hak_align_up(size ? size : 1, HAK_PAGE) / HAK_PAGE);
    unsigned align_pages = align > HAK_PAGE ? (unsigned)(align / HAK_PAGE) : 1;
    span_cache *c = &tls_cache;
    if (need <= CACHE_PAGES && align_pages == 1 && c->count[need - 1]) {
        c->pages -= need;
        *fresh = false;
        return c->blocks[need - 1][--c->count[need - 1]];
    }
    unsigned run = 0, at = 0;
    span_arena *a = my_arena();
    pthread_mutex_lock(&a->lock);
    span_region *r = find_run(a, need, align_pages, &run, &at);
    if (!r && region_get(a)) r = find_run(a, need, align_pages, &run, &at);
    if (!r) {
        pthread_mutex_unlock(&a->lock);
        return NULL;
    }
    *fresh = take_pages(r, run, at, need) == 0;
    r->run_pages[at] = (uint16_t)need;
    start_set(r, at, true);
    pthread_mutex_unlock(&a->lock);
    return page_addr(r, at);
}

static HAK_NOINLINE void bad_block(span_region *r, const void *p, const char *what)
{
    unsigned i = page_index(p);
    bool was_block = false;
    if (r->magic == SPAN_MAGIC && ((uintptr_t)p & (HAK_PAGE - 1)) == 0 && i >= FIRST_PAGE) {
        pthread_mutex_lock(&r->arena->lock);
        was_block = bit_test(r->free_map, i);
        pthread_mutex_unlock(&r->arena->lock);
    }
    hak_fatal_ptr(what, was_block ? "double free of" : "invalid pointer", p);
}

/* The page index of the live block p; aborts naming p if p is not a live block's start. The
 * caller owns the block, so its length (set before it was handed out) can be read unlocked. */
static unsigned block_page(span_region *r, const void *p, const char *what)
{
    unsigned i = page_index(p);
    if (HAK_UNLIKELY(r->magic != SPAN_MAGIC || ((uintptr_t)p & (HAK_PAGE - 1)) != 0 ||
                     i < FIRST_PAGE || !start_test(r, i)))
        bad_block(r, p, what);
    return i;
}

/* Keeps a freed small run in the thread cache; false when it does not fit there. */
static bool cache_put(void *p, unsigned n)
{
    span_cache *c = &tls_cache;
    if (!c->on || n > CACHE_PAGES) return false;
    for (unsigned k = 0; k < c->count[n - 1]; k++)
        if (c->blocks[n - 1][k] == p) hak_fatal_ptr("free()", "double free of", p);
    if (c->count[n - 1] == CACHE_DEPTH || c->pages + n > CACHE_MAX_PAGES) return false;
    c->blocks[n - 1][c->count[n - 1]++] = p;
    c->pages += n;
    return true;
}

static void free_locked(span_region *r, void *p, const char *what)
{
    span_arena *a = r->arena;
    unsigned i = page_index(p);
    pthread_mutex_lock(&a->lock);
    if (!start_test(r, i)) {
        pthread_mutex_unlock(&a->lock);
        bad_block(r, p, what);
    }
    start_set(r, i, false);
    give_pages(r, i, r->run_pages[i]);
    pthread_mutex_unlock(&a->lock);
}

void hak_span_free(void *p)
{
    span_region *r = region_of(p);
    unsigned i = block_page(r, p, "free()");
    if (!cache_put(p, r->run_pages[i])) free_locked(r, p, "free()");
}

size_t hak_span_usable(const void *p, const char *what)
{
    span_region *r = region_of(p);
    return (size_t)r->run_pages[block_page(r, p, what)] * HAK_PAGE;
}

static void cache_flush(void)
{
    span_cache *c = &tls_cache;
    for (unsigned n = 1; n <= CACHE_PAGES; n++)
        while (c->count[n - 1]) {
            void *p = c->blocks[n - 1][--c->count[n - 1]];
            free_locked(region_of(p), p, "free()");
        }
    c->pages = 0;
}

void hak_span_thread_attach(void)
{
    tls_cache.on = HAKMEM_BUILD_RELEASE;
}

void hak_span_thread_exit(void)
{
    tls_cache.on = false;
    cache_flush();
}

bool hak_span_resize(void *p, size_t size)
{
    span_region *r = region_of(p);
    unsigned need = (unsigned)(hak_align_up(size ? size : 1, HAK_PAGE) / HAK_PAGE);
    unsigned i = block_page(r, p, "realloc()");
    pthread_mutex_lock(&r->arena->lock);
    unsigned have = r->run_pages[i];
    bool ok = true;
    if (need < have) {
        r->run_pages[i] = (uint16_t)need;
        give_pages(r, i + need, have - need);
    } else if (need > have) {
        unsigned next = i + have;
        ok = next < NPAGES && bit_test(r->free_map, next) && r->run_pages[next] >= need - have;
        if (ok) {
            take_pages(r, next, next, need - have);
            r->run_pages[i] = (uint16_t)need;
        }
    }
    pthread_mutex_unlock(&r->arena->lock);
    return ok;
}

void hak_span_trim(void)
{
    cache_flush();
    unmap_spares();
    for (unsigned i = 0; i < NARENAS; i++) {
        pthread_mutex_lock(&arenas[i].lock);
        purge(&arenas[i], 0, 1);
        pthread_mutex_unlock(&arenas[i].lock);
    }
}
