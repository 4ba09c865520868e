/* span_purge.c: decommitting free pages of span regions (see span_purge.h). */
#include "span_purge.h"
#include "chunk.h"
#include "os.h"
#include "span_bins.h"

#define DIRTY_MIN_PAGES ((size_t)(4 * HAK_MiB / HAK_PAGE))
/* Over budget, runs with at least this many dirty pages go first: fewer calls. */
#define PURGE_RUN_PAGES 16u
/* Runs decommitted per unlocked pass. */
#define PURGE_BATCH 32u

typedef struct {
    span_region *r;
    unsigned run, len; /* the free run taken out of the bins */
    unsigned lo, hi;   /* its dirty pages lie in [lo, hi) */
} claimed_run;

/* The earliest decay time of any arena (or earlier): one arena's operations also age the
 * others', so memory freed into an arena no thread allocates from any more goes back too. */
static _Atomic uint64_t any_due_ms = UINT64_MAX;

static size_t budget(const span_arena *a)
{
    return a->peak_live_pages > DIRTY_MIN_PAGES ? a->peak_live_pages : DIRTY_MIN_PAGES;
}

static uint64_t due_at(const span_region *r)
{
    return r->last_use_ms + PURGE_DELAY_MS;
}

void span_purge_note_use(span_region *r, uint64_t now)
{
    r->last_use_ms = now;
    if (now + PURGE_DELAY_MS < r->arena->next_decay_ms) {
        r->arena->next_decay_ms = now + PURGE_DELAY_MS;
        if (now + PURGE_DELAY_MS < atomic_load_explicit(&any_due_ms, memory_order_relaxed))
            atomic_store_explicit(&any_due_ms, now + PURGE_DELAY_MS, memory_order_relaxed);
    }
}

bool span_purge_due(const span_arena *a, uint64_t now)
{
    return now >= atomic_load_explicit(&any_due_ms, memory_order_relaxed) ||
           a->dirty_pages > budget(a);
}

static bool has_dirty(const span_region *r)
{
    for (unsigned w = 0; w < SPAN_WORDS; w++)
        if (r->dirty_map[w]) return true;
    return false;
}

/* Claims the free runs of r with at least min_dirty dirty pages, while stop() is false and the
 * batch has room. Lock held. */
static unsigned claim_runs(span_region *r, unsigned min_dirty, claimed_run *out, unsigned k,
                           size_t target)
{
    span_arena *a = r->arena;
    unsigned i = hak_bits_next(r->dirty_map, SPAN_NPAGES, 0, true);
    while (i < SPAN_NPAGES && k < PURGE_BATCH && a->dirty_pages > target) {
        /* Free pages form maximal runs, so the run holding dirty page i starts where the free
         * pages before i end. */
        unsigned run = i;
        while (run > SPAN_FIRST_PAGE && hak_bit_test(r->free_map, run - 1))
            run--;
        unsigned end = hak_bits_next(r->free_map, SPAN_NPAGES, i, false);
        unsigned last = i;
        for (unsigned j = i; j < end; j = hak_bits_next(r->dirty_map, SPAN_NPAGES, j + 1, true))
            last = j;
        if (hak_bits_count(r->dirty_map, run, end) >= min_dirty) {
            out[k++] = (claimed_run){r, run, end - run, i, last + 1};
            span_take_pages(r, run, run, end - run);
        }
        i = hak_bits_next(r->dirty_map, SPAN_NPAGES, end, true);
    }
    return k;
}

/* Lock held: a batch of runs to decommit. Idle regions first (sets the next decay time),
 * then, over budget, the longest runs. */
static unsigned claim_batch(span_arena *a, uint64_t now, bool all, claimed_run *out)
{
    unsigned k = 0;
    if (all || now >= a->next_decay_ms) {
        uint64_t next = UINT64_MAX;
        for (span_region *r = a->regions; r && k < PURGE_BATCH; r = r->next) {
            if (!has_dirty(r)) continue;
            if (all || due_at(r) <= now)
                k = claim_runs(r, 1, out, k, 0);
            else if (due_at(r) < next)
                next = due_at(r);
        }
        a->next_decay_ms = k == PURGE_BATCH ? now : next;
    }
    if (a->dirty_pages > budget(a)) {
        size_t target = budget(a) / 2;
        for (span_region *r = a->regions; r && k < PURGE_BATCH; r = r->next)
            k = claim_runs(r, PURGE_RUN_PAGES, out, k, target);
        for (span_region *r = a->regions; r && k < PURGE_BATCH; r = r->next)
            k = claim_runs(r, 1, out, k, target);
    }
    return k;
}

static void purge_arena(span_arena *a, uint64_t now, bool all)
{
    claimed_run batch[PURGE_BATCH];
    span_region *empty[PURGE_BATCH];
    pthread_mutex_lock(&a->lock);
    unsigned k;
    while ((k = claim_batch(a, now, all, batch)) > 0) {
        pthread_mutex_unlock(&a->lock);
        for (unsigned j = 0; j < k; j++)
            hak_os_decommit(span_page_addr(batch[j].r, batch[j].lo),
                            (size_t)(batch[j].hi - batch[j].lo) * HAK_PAGE);
        pthread_mutex_lock(&a->lock);
        unsigned nempty = 0;
        for (unsigned j = 0; j < k; j++) {
            span_region *e = span_give_pages(batch[j].r, batch[j].run, batch[j].len);
            if (e) empty[nempty++] = e;
        }
        pthread_mutex_unlock(&a->lock);
        for (unsigned j = 0; j < nempty; j++)
            span_region_release(empty[j]);
        pthread_mutex_lock(&a->lock);
    }
    uint64_t next = a->next_decay_ms;
    pthread_mutex_unlock(&a->lock);
    uint64_t any = atomic_load_explicit(&any_due_ms, memory_order_relaxed);
    while (next < any && !atomic_compare_exchange_weak_explicit(
                             &any_due_ms, &any, next, memory_order_relaxed, memory_order_relaxed))
        ;
}

void span_purge(span_arena *a, uint64_t now, bool all)
{
    uint64_t any = atomic_load_explicit(&any_due_ms, memory_order_relaxed);
    if (all || now < any) {
        purge_arena(a, now, all);
    } else if (atomic_compare_exchange_strong_explicit(
                   &any_due_ms, &any, UINT64_MAX, memory_order_relaxed, memory_order_relaxed)) {
        /* This thread won the decay round: every arena's due regions. */
        for (unsigned i = 0; i < SPAN_NARENAS; i++)
            purge_arena(&hak_span_arenas[i], now, false);
    }
    /* The chunk layer's dirty chunks (regions that emptied, large blocks) age on its own
     * calls; an arena that purges tells it the time too. */
    hak_chunk_tick(now);
}
