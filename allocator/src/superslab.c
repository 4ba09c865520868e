/* superslab.c: the SuperSlab arenas (see superslab.h). */
#include "superslab.h"
#include "os.h"
#include "segmap.h"
#include <pthread.h>
#include <string.h>

/* System calls decided under an arena lock and made after it is released. A sweep that finds
 * more stops there; what is left waits for the next slow path. */
#define SS_WORK_MAX 16

typedef struct {
    pthread_mutex_t lock;
    hak_superslab *avail[HAK_SS_KINDS]; /* SuperSlabs with a free slab, per kind */
    unsigned dirty_slabs[HAK_SS_KINDS];
    size_t dirty_bytes;    /* free slabs whose pages are still committed */
    unsigned empty_kept;   /* empty SuperSlabs kept mapped */
    uint64_t purge_due_ms; /* when the oldest dirty SuperSlab is due; 0: none */
} __attribute__((aligned(64))) ss_arena;

typedef struct {
    unsigned ndecommit, nunmap;
    struct {
        hak_superslab *ss;
        uint32_t mask;
    } decommit[SS_WORK_MAX];
    hak_superslab *unmap[SS_WORK_MAX];
} ss_work;

static ss_arena arenas[HAK_SS_ARENAS] = {
    [0 ... HAK_SS_ARENAS - 1] = {.lock = PTHREAD_MUTEX_INITIALIZER}};
static const uint8_t ss_kind_shift[HAK_SS_KINDS] = {HAK_SS_TINY_SLAB_SHIFT, HAK_SS_MID_SLAB_SHIFT};
static _Atomic uint64_t ss_purge_due; /* the earliest arena purge_due_ms; 0: none */
/* The dirty budget is process-wide (a heap's memory may sit in any arena): dirty bytes, bytes
 * in slabs handed out and the most ever, over all arenas. */
static _Atomic size_t ss_dirty_total, ss_used_total, ss_used_peak;

void hak_ss_lock(void)
{
    for (unsigned i = 0; i < HAK_SS_ARENAS; i++)
        pthread_mutex_lock(&arenas[i].lock);
}
void hak_ss_unlock(void)
{
    for (unsigned i = HAK_SS_ARENAS; i-- > 0;)
        pthread_mutex_unlock(&arenas[i].lock);
}

static void ss_list_push(ss_arena *a, hak_superslab *ss)
{
    hak_superslab **head = &a->avail[ss->kind];
    ss->prev = NULL;
    ss->next = *head;
    if (*head) (*head)->prev = ss;
    *head = ss;
}

static void ss_list_remove(ss_arena *a, hak_superslab *ss)
{
    if (ss->prev)
        ss->prev->next = ss->next;
    else
        a->avail[ss->kind] = ss->next;
    if (ss->next) ss->next->prev = ss->prev;
    ss->next = ss->prev = NULL;
}

static uint32_t ss_all_free(const hak_superslab *ss)
{
    return ss->nslabs == 32 ? 0xffffffffu : ((1u << ss->nslabs) - 1u);
}

static size_t ss_slab_bytes(const hak_superslab *ss)
{
    return (size_t)1 << ss->slab_shift;
}

/* Makes t the global due time if it is earlier than the one there. */
static void ss_publish_due(uint64_t t)
{
    uint64_t old = atomic_load_explicit(&ss_purge_due, memory_order_relaxed);
    while ((!old || t < old) &&
           !atomic_compare_exchange_weak_explicit(&ss_purge_due, &old, t, memory_order_relaxed,
                                                  memory_order_relaxed))
        ;
}

/* Over budget: more than HAK_SS_DIRTY_MIN_BYTES dirty, and slabs in use plus dirty ones
 * above a quarter more than the peak in use. */
static bool ss_over_budget(void)
{
    size_t dirty = atomic_load_explicit(&ss_dirty_total, memory_order_relaxed);
    size_t used = atomic_load_explicit(&ss_used_total, memory_order_relaxed);
    size_t peak = atomic_load_explicit(&ss_used_peak, memory_order_relaxed);
    return dirty > HAK_SS_DIRTY_MIN_BYTES && used + dirty > peak + peak / 4;
}

/* Slabs `mask` of ss became dirty. Arena lock held. */
static void ss_dirty_add(ss_arena *a, hak_superslab *ss, uint32_t mask)
{
    unsigned n = (unsigned)__builtin_popcount(mask);
    if (!ss->dirty_mask) {
        ss->dirty_since_ms = hak_os_now_ms();
        if (!a->purge_due_ms) {
            a->purge_due_ms = ss->dirty_since_ms + PURGE_DELAY_MS;
            ss_publish_due(a->purge_due_ms);
        }
    }
    ss->dirty_mask |= mask;
    a->dirty_slabs[ss->kind] += n;
    a->dirty_bytes += n * ss_slab_bytes(ss);
    atomic_fetch_add_explicit(&ss_dirty_total, n * ss_slab_bytes(ss), memory_order_relaxed);
}

/* Slabs `mask` of ss are no longer dirty (handed out, being decommitted, or unmapped). */
static void ss_dirty_sub(ss_arena *a, hak_superslab *ss, uint32_t mask)
{
    mask &= ss->dirty_mask;
    unsigned n = (unsigned)__builtin_popcount(mask);
    ss->dirty_mask &= ~mask;
    a->dirty_slabs[ss->kind] -= n;
    a->dirty_bytes -= n * ss_slab_bytes(ss);
    atomic_fetch_sub_explicit(&ss_dirty_total, n * ss_slab_bytes(ss), memory_order_relaxed);
}

static void ss_keep_count(ss_arena *a, hak_superslab *ss, bool kept)
{
    if (ss->empty_kept == kept) return;
    ss->empty_kept = kept;
    if (kept)
        a->empty_kept++;
    else
        a->empty_kept--;
}

/* ss's dirty slabs leave the free mask until ss_run has decommitted them. False when the work
 * list is full. */
static bool ss_take_dirty(ss_arena *a, hak_superslab *ss, ss_work *w)
{
    if (!ss->dirty_mask) return true;
    if (w->ndecommit == SS_WORK_MAX) return false;
    uint32_t mask = ss->dirty_mask;
    ss_dirty_sub(a, ss, mask);
    ss->free_mask &= ~mask;
    ss->purging_mask |= mask;
    if (!ss->free_mask) ss_list_remove(a, ss);
    w->decommit[w->ndecommit].ss = ss;
    w->decommit[w->ndecommit++].mask = mask;
    return true;
}

/* ss (every slab free) leaves the arena to be unmapped. False when the work list is full. */
static bool ss_take_unmap(ss_arena *a, hak_superslab *ss, ss_work *w)
{
    if (w->nunmap == SS_WORK_MAX) return false;
    ss_dirty_sub(a, ss, ss->dirty_mask);
    ss_keep_count(a, ss, false);
    ss_list_remove(a, ss);
    w->unmap[w->nunmap++] = ss;
    return true;
}

/* Every slab of ss is free: it is kept (its slabs dirty, aging like any) while the dirty
 * budget allows or its arena keeps fewer than EMPTY_SUPERSLAB_KEEP, otherwise unmapped. A
 * fixed count unmapped and mapped again the SuperSlabs of each thread generation when threads
 * come and go (thread_storm: 70 of 2 MiB per run); past the delay, ss_collect_dirty unmaps
 * those beyond the count. */
static void ss_emptied(ss_arena *a, hak_superslab *ss, ss_work *w)
{
    if (a->empty_kept < EMPTY_SUPERSLAB_KEEP || !ss_over_budget() || !ss_take_unmap(a, ss, w))
        ss_keep_count(a, ss, true);
}

/* Decommits slabs `mask` of ss, adjacent ones in one madvise. No lock held. */
static void ss_decommit(hak_superslab *ss, uint32_t mask)
{
    while (mask) {
        unsigned lo = (unsigned)__builtin_ctz(mask);
        unsigned hi = lo;
        while (hi + 1 < ss->nslabs && (mask & (1u << (hi + 1))))
            hi++;
        uint8_t *from = (uint8_t *)ss + (lo ? (size_t)lo << ss->slab_shift : HAK_SS_HDR_SIZE);
        uint8_t *to = (uint8_t *)ss + ((size_t)(hi + 1) << ss->slab_shift);
        hak_os_decommit(from, (size_t)(to - from));
        mask &= ~(((hi + 1 < 32) ? (1u << (hi + 1)) : 0u) - (1u << lo));
    }
}

/* Makes the system calls of w, then puts the decommitted slabs back in the free masks (clean);
 * a SuperSlab that emptied meanwhile may add more work, done in the same loop. */
static void ss_run(ss_arena *a, ss_work *w)
{
    while (w->ndecommit || w->nunmap) {
        for (unsigned k = 0; k < w->nunmap; k++) {
            hak_superslab *ss = w->unmap[k];
            hak_segmap_set(ss, HAK_SEG_SIZE, HAK_SEG_NONE);
            hak_os_unmap(ss, HAK_SEG_SIZE);
            HAK_GSTAT_ADD(superslabs_returned, 1);
        }
        w->nunmap = 0;
        if (!w->ndecommit) break;
        for (unsigned k = 0; k < w->ndecommit; k++)
            ss_decommit(w->decommit[k].ss, w->decommit[k].mask);
        unsigned n = w->ndecommit;
        w->ndecommit = 0;
        pthread_mutex_lock(&a->lock);
        for (unsigned k = 0; k < n; k++) {
            hak_superslab *ss = w->decommit[k].ss;
            uint32_t mask = w->decommit[k].mask;
            if (!ss->free_mask) ss_list_push(a, ss);
            ss->free_mask |= mask;
            ss->purging_mask &= ~mask;
            if (ss->free_mask == ss_all_free(ss) && !ss->empty_kept) ss_emptied(a, ss, w);
        }
        pthread_mutex_unlock(&a->lock);
    }
}

/* A new SuperSlab for arena a (no lock held: the mapping is a system call). */
static hak_superslab *ss_map(unsigned arena, unsigned kind)
{
    hak_superslab *ss = hak_os_map_aligned(HAK_SEG_SIZE, HAK_SEG_SIZE);
    if (!ss) return NULL;
    ss->magic = HAK_SS_MAGIC;
    ss->slab_shift = ss_kind_shift[kind];
    ss->nslabs = (uint8_t)(HAK_SEG_SIZE >> ss->slab_shift);
    ss->kind = (uint8_t)kind;
    ss->arena = (uint8_t)arena;
    ss->free_mask = ss_all_free(ss);
    for (unsigned i = 0; i < ss->nslabs; i++) {
        ss->slabs[i].index = (uint8_t)i;
        /* HAKMEM_SECURE: the last page of each slab faults, so a linear overflow stops there. */
        uint8_t *guard = (uint8_t *)ss + ((size_t)(i + 1) << ss->slab_shift) - HAK_SECURE_GUARD;
        if (HAKMEM_SECURE && !hak_os_guard(guard, HAK_SECURE_GUARD)) {
            hak_os_unmap(ss, HAK_SEG_SIZE);
            return NULL;
        }
    }
    hak_segmap_set(ss, HAK_SEG_SIZE, HAK_SEG_SUPERSLAB);
    HAK_GSTAT_ADD(superslabs_mapped, 1);
    return ss;
}

/* Where the next slab of a kind comes from: a dirty slab when there is one, so that memory
 * already committed is reused before fresh pages are touched (RSS grows only when no dirty
 * slab is left, which is why the dirty budget can follow the peak without raising it);
 * otherwise the lowest free slab of the first SuperSlab with room. Arena lock held. */
static hak_superslab *ss_pick(ss_arena *a, unsigned kind, unsigned *slab)
{
    hak_superslab *ss = a->avail[kind];
    if (a->dirty_slabs[kind]) {
        for (hak_superslab *d = ss; d; d = d->next)
            if (d->dirty_mask) {
                *slab = (unsigned)__builtin_ctz(d->dirty_mask);
                return d;
            }
    }
    if (ss) *slab = (unsigned)__builtin_ctz(ss->free_mask);
    return ss;
}

/* The usable range of slab i: slab 0 starts after the header and every slab ends before its
 * guard page (HAKMEM_SECURE); a power-of-two block size also aligns the first block to itself,
 * so such classes serve aligned requests. */
static void ss_slab_range(hak_superslab *ss, unsigned i, uint32_t bsize, uint8_t **start,
                          uint8_t **end)
{
    uint8_t *base = (uint8_t *)ss + ((size_t)i << ss->slab_shift);
    uint8_t *s = i == 0 ? (uint8_t *)ss + HAK_SS_HDR_SIZE : base;
    if ((bsize & (bsize - 1)) == 0) s = (uint8_t *)hak_align_up((uintptr_t)s, bsize);
    *start = s;
    *end = base + ((size_t)1 << ss->slab_shift) - HAK_SECURE_GUARD;
}

/* The meta words of slab i's granules (those past the header). */
static void ss_set_meta(hak_superslab *ss, unsigned i, uintptr_t meta)
{
    size_t first = ((size_t)i << ss->slab_shift) >> HAK_SS_GRANULE_SHIFT;
    size_t end = first + ((size_t)1 << (ss->slab_shift - HAK_SS_GRANULE_SHIFT));
    if (first < HAK_SS_HDR_SIZE >> HAK_SS_GRANULE_SHIFT)
        first = HAK_SS_HDR_SIZE >> HAK_SS_GRANULE_SHIFT;
    for (size_t g = first; g < end; g++)
        atomic_store_explicit(&ss->meta[g], meta, memory_order_relaxed);
}

/* Own arena empty: a slab of another arena, dirty ones first, before fresh pages are mapped.
 * Heaps take arenas round robin, so a new generation of threads lands on other arenas than the
 * one that just exited and left its slabs dirty (thread_storm: every other round). Returns the
 * SuperSlab's arena, locked, or NULL. */
static ss_arena *ss_steal(unsigned kind, unsigned own, hak_superslab **ss, unsigned *slab)
{
    for (int dirty_only = 1; dirty_only >= 0; dirty_only--) {
        for (unsigned j = 1; j < HAK_SS_ARENAS; j++) {
            ss_arena *b = &arenas[(own + j) % HAK_SS_ARENAS];
            pthread_mutex_lock(&b->lock);
            if (!dirty_only || b->dirty_slabs[kind]) {
                *ss = ss_pick(b, kind, slab);
                if (*ss) return b;
            }
            pthread_mutex_unlock(&b->lock);
        }
    }
    return NULL;
}

hak_slab *hak_ss_acquire(unsigned cls, struct hak_heap *owner, unsigned arena)
{
    unsigned kind = cls >= HAK_TINY_NCLASS;
    arena %= HAK_SS_ARENAS;
    ss_arena *a = &arenas[arena];
    unsigned i;
    pthread_mutex_lock(&a->lock);
    hak_superslab *ss = ss_pick(a, kind, &i);
    if (!ss) {
        pthread_mutex_unlock(&a->lock);
        if (!(a = ss_steal(kind, arena, &ss, &i))) {
            if (!(ss = ss_map(arena, kind))) return NULL;
            i = 0;
            a = &arenas[arena];
            pthread_mutex_lock(&a->lock);
            ss_list_push(a, ss);
        }
    }
    uint32_t bit = 1u << i;
    ss_keep_count(a, ss, false);
    ss_dirty_sub(a, ss, bit);
    ss->free_mask &= ~bit;
    if (!ss->free_mask) ss_list_remove(a, ss);
    size_t used =
        atomic_fetch_add_explicit(&ss_used_total, ss_slab_bytes(ss), memory_order_relaxed) +
        ss_slab_bytes(ss);
    size_t peak = atomic_load_explicit(&ss_used_peak, memory_order_relaxed);
    while (used > peak &&
           !atomic_compare_exchange_weak_explicit(&ss_used_peak, &peak, used, memory_order_relaxed,
                                                  memory_order_relaxed))
        ;
    pthread_mutex_unlock(&a->lock);

    hak_slab *s = &ss->slabs[i];
    s->bsize = hak_class_size[cls];
    s->cls = (uint8_t)cls;
    ss_slab_range(ss, i, s->bsize, &s->start, &s->end);
    s->bump = s->start;
    s->local = NULL;
    s->local_count = 0;
    s->used = 0;
    s->next = s->prev = NULL;
    s->state = HAK_SLAB_ACTIVE;
    atomic_store_explicit(&s->remote, 0, memory_order_relaxed);
    ss_set_meta(ss, i, (uintptr_t)owner | cls);
#if !HAKMEM_BUILD_RELEASE
    memset((void *)ss->live[i], 0, sizeof ss->live[i]);
#endif
    HAK_GSTAT_ADD(slabs_created, 1);
    return s;
}

/* Takes the dirty slabs of arena a into w: all of them (budget), or those of SuperSlabs dirty
 * since at least PURGE_DELAY_MS before now (now != 0). Recomputes the arena's due time.
 * Returns true when w filled up before the end. Arena lock held. */
static bool ss_collect_dirty(ss_arena *a, uint64_t now, ss_work *w)
{
    uint64_t due = 0;
    bool full = false;
    for (int kind = 0; kind < HAK_SS_KINDS; kind++) {
        for (hak_superslab *ss = a->avail[kind], *next; ss; ss = next) {
            next = ss->next;
            if (!ss->dirty_mask) continue;
            uint64_t ss_due = ss->dirty_since_ms + PURGE_DELAY_MS;
            if ((!now || ss_due <= now) && !full) {
                bool unmap = ss->empty_kept && a->empty_kept > EMPTY_SUPERSLAB_KEEP;
                if (unmap ? ss_take_unmap(a, ss, w) : ss_take_dirty(a, ss, w)) continue;
                full = true;
            }
            if (!due || ss_due < due) due = ss_due;
        }
    }
    a->purge_due_ms = due;
    if (due) ss_publish_due(due);
    return full;
}

/* Decommits the dirty slabs of a (now: only those due by then), a work list at a time. */
static void ss_purge_arena(ss_arena *a, uint64_t now)
{
    bool more = true;
    while (more) {
        ss_work w = {0};
        pthread_mutex_lock(&a->lock);
        more =
            (!now || (a->purge_due_ms && a->purge_due_ms <= now)) && ss_collect_dirty(a, now, &w);
        pthread_mutex_unlock(&a->lock);
        ss_run(a, &w);
    }
}

void hak_ss_release(hak_slab *s)
{
    HAK_ASSERT(s->used == 0);
    hak_superslab *ss = hak_ss_of(s);
    ss_arena *a = &arenas[ss->arena];
    uint32_t bit = 1u << s->index;
    s->state = HAK_SLAB_FREE;
    ss_set_meta(ss, s->index, 0);
    HAK_GSTAT_ADD(slabs_returned, 1);

    ss_work w = {0};
    pthread_mutex_lock(&a->lock);
    if (!ss->free_mask) ss_list_push(a, ss);
    ss->free_mask |= bit;
    ss_dirty_add(a, ss, bit);
    atomic_fetch_sub_explicit(&ss_used_total, ss_slab_bytes(ss), memory_order_relaxed);
    bool over_budget = false;
    if (ss->free_mask == ss_all_free(ss))
        ss_emptied(a, ss, &w);
    else
        over_budget = ss_over_budget();
    pthread_mutex_unlock(&a->lock);
    ss_run(a, &w);
    if (over_budget) ss_purge_arena(a, 0);
}

void hak_ss_purge_tick(void)
{
    uint64_t due = atomic_load_explicit(&ss_purge_due, memory_order_relaxed);
    if (HAK_LIKELY(!due)) return;
    uint64_t now = hak_os_now_ms();
    if (now < due || !atomic_compare_exchange_strong_explicit(
                         &ss_purge_due, &due, 0, memory_order_relaxed, memory_order_relaxed))
        return;
    for (unsigned i = 0; i < HAK_SS_ARENAS; i++) {
        ss_arena *a = &arenas[i];
        ss_purge_arena(a, now);
        pthread_mutex_lock(&a->lock);
        if (a->purge_due_ms) ss_publish_due(a->purge_due_ms);
        pthread_mutex_unlock(&a->lock);
    }
}

void hak_ss_trim(void)
{
    for (unsigned i = 0; i < HAK_SS_ARENAS; i++) {
        ss_arena *a = &arenas[i];
        bool more = true;
        while (more) {
            ss_work w = {0};
            more = false;
            pthread_mutex_lock(&a->lock);
            for (int kind = 0; kind < HAK_SS_KINDS && !more; kind++) {
                for (hak_superslab *ss = a->avail[kind], *next; ss && !more; ss = next) {
                    next = ss->next;
                    if (ss->free_mask == ss_all_free(ss))
                        more = !ss_take_unmap(a, ss, &w);
                    else
                        more = !ss_take_dirty(a, ss, &w);
                }
            }
            if (!a->dirty_bytes) a->purge_due_ms = 0;
            pthread_mutex_unlock(&a->lock);
            ss_run(a, &w);
        }
    }
}

#if !HAKMEM_BUILD_RELEASE
static uint32_t debug_block_index(const hak_slab *s, const void *p)
{
    return (uint32_t)((size_t)((const uint8_t *)p - s->start) / s->bsize);
}

void hak_ss_debug_mark_live(const void *p)
{
    hak_superslab *ss = hak_ss_of(p);
    unsigned i = hak_ss_slab_index(ss, p);
    uint32_t b = debug_block_index(&ss->slabs[i], p);
    atomic_fetch_or_explicit(&ss->live[i][b >> 3], (uint8_t)(1u << (b & 7)), memory_order_relaxed);
}

void hak_ss_debug_check(const void *p, const char *what, bool clear)
{
    hak_superslab *ss = hak_ss_of(p);
    unsigned i = hak_ss_slab_index(ss, p);
    hak_slab *s = &ss->slabs[i];
    const uint8_t *u = p;
    if (ss->magic != HAK_SS_MAGIC || i >= ss->nslabs || s->state == HAK_SLAB_FREE || u < s->start ||
        u >= s->end || (size_t)(u - s->start) % s->bsize != 0)
        hak_fatal_ptr(what, "invalid pointer", p);
    uint32_t b = debug_block_index(s, p);
    uint8_t bit = (uint8_t)(1u << (b & 7));
    uint8_t old =
        clear ? atomic_fetch_and_explicit(&ss->live[i][b >> 3], (uint8_t)~bit, memory_order_relaxed)
              : atomic_load_explicit(&ss->live[i][b >> 3], memory_order_relaxed);
    if (!(old & bit)) hak_fatal_ptr(what, "double free of", p);
}
#endif
