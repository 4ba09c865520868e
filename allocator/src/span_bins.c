/* span_bins.c: bins of free runs, best fit and coalescing (see span_bins.h). */
#include "span_bins.h"

/* Blocks of at least this many pages are placed at the top of a free run. */
#define BIG_PAGES 32u

static unsigned bin_of(unsigned pages)
{
    if (pages <= SPAN_EXACT_BINS) return pages - 1;
    unsigned b = 31u - (unsigned)__builtin_clz(pages); /* 5..8 */
    return SPAN_EXACT_BINS + (b - 5u) * 4u + ((pages >> (b - 2u)) & 3u);
}

void span_run_insert(span_region *r, unsigned i, unsigned n)
{
    span_arena *a = r->arena;
    r->run_pages[i] = (uint16_t)n;
    r->run_pages[i + n - 1] = (uint16_t)n;
    unsigned b = bin_of(n);
    uint8_t *node = span_page_addr(r, i), *head = a->bins[b];
    r->run_next[i] = head;
    r->run_prev[i] = NULL;
    if (head) span_region_of(head)->run_prev[span_page_index(head)] = node;
    a->bins[b] = node;
    a->bins_nonempty |= 1ull << b;
}

void span_run_remove(span_region *r, unsigned i)
{
    span_arena *a = r->arena;
    uint8_t *next = r->run_next[i], *prev = r->run_prev[i];
    unsigned b = bin_of(r->run_pages[i]);
    if (prev)
        span_region_of(prev)->run_next[span_page_index(prev)] = next;
    else
        a->bins[b] = next;
    if (next) span_region_of(next)->run_prev[span_page_index(next)] = prev;
    if (!a->bins[b]) a->bins_nonempty &= ~(1ull << b);
}

span_region *span_find_run(span_arena *a, unsigned need, unsigned align_pages, unsigned *run,
                           unsigned *at)
{
    for (unsigned b = bin_of(need); b < SPAN_NBINS; b++) {
        uint64_t rest = a->bins_nonempty >> b;
        if (!rest) return NULL;
        b += (unsigned)__builtin_ctzll(rest);
        for (uint8_t *node = a->bins[b]; node;
             node = span_region_of(node)->run_next[span_page_index(node)]) {
            span_region *r = span_region_of(node);
            unsigned i = span_page_index(node), len = r->run_pages[i];
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

unsigned span_take_pages(span_region *r, unsigned run, unsigned at, unsigned n)
{
    unsigned len = r->run_pages[run];
    span_run_remove(r, run);
    if (at > run) span_run_insert(r, run, at - run);
    if (at + n < run + len) span_run_insert(r, at + n, run + len - (at + n));
    unsigned dirty = hak_bits_count(r->dirty_map, at, at + n);
    hak_bits_clear(r->free_map, at, at + n);
    hak_bits_clear(r->dirty_map, at, at + n);
    r->arena->dirty_pages -= dirty;
    return dirty;
}

span_region *span_give_pages(span_region *r, unsigned at, unsigned n)
{
    hak_bits_set(r->free_map, at, at + n);
    unsigned lo = at, hi = at + n;
    if (hi < SPAN_NPAGES && hak_bit_test(r->free_map, hi)) {
        unsigned right = r->run_pages[hi];
        span_run_remove(r, hi);
        hi += right;
    }
    if (lo > SPAN_FIRST_PAGE && hak_bit_test(r->free_map, lo - 1)) {
        unsigned left = r->run_pages[lo - 1];
        lo -= left;
        span_run_remove(r, lo);
    }
    /* An arena keeps its last region: one block allocated and freed over and over does not
     * take and give back a chunk each time. */
    span_arena *a = r->arena;
    if (hi - lo < SPAN_RUN_MAX || (a->regions == r && !r->next)) {
        span_run_insert(r, lo, hi - lo);
        return NULL;
    }
    span_arena_remove(r);
    return r;
}
