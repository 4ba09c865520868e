/* chunk.c: reservations of 2 MiB chunks, their dirty chunks and the purge (see chunk.h). */
#include "chunk.h"
#include "bitmap.h"
#include "os.h"
#include <pthread.h>
#include <string.h>

#define CHUNK HAK_SEG_SIZE
#define CHUNK_PAGES ((unsigned)(CHUNK / HAK_PAGE))
#define RES_MAX_CHUNKS 512u /* 1 GiB */
#define RES_WORDS (RES_MAX_CHUNKS / 64)
#define RES_MAX 64u
#define RES_FIRST_CHUNKS 16u /* 32 MiB */
/* Dirty chunks allowed: what keeps the chunks handed out plus dirty ones within a quarter more
 * than the peak handed out, at least DIRTY_MIN; past it, the oldest are purged down to three
 * quarters of the budget. */
#define DIRTY_MIN ((size_t)16 * HAK_MiB)
/* Ranges decommitted per unlocked pass. */
#define PURGE_BATCH 16u
/* A dirty chunk with at least this many resident pages is moved (mremap, about 56 us on this
 * VM) into a clean chunk of a run being handed out, rather than that chunk's pages faulting in
 * (15-35 us each). */
#define DONOR_MIN_PAGES 16u
/* Moves per hand-out (64 chunks: 128 MiB), which keeps the stack of a hand-out small. */
#define MAX_MOVES 64u

typedef struct {
    uint8_t *base;
    unsigned nchunks;
    uint64_t free[RES_WORDS];  /* bit i: chunk i is not handed out (nor being purged) */
    uint64_t dirty[RES_WORDS]; /* bit i: chunk i is free and may be resident */
    /* Of a dirty chunk: how many pages from its start may be resident, and when it was freed. */
    uint16_t touched[RES_MAX_CHUNKS];
    uint64_t freed_ms[RES_MAX_CHUNKS];
} reservation;

typedef struct {
    reservation *r;
    unsigned at, n;
} chunk_range;

typedef struct {
    reservation *r;
    unsigned i;   /* the donor chunk */
    unsigned dst; /* its place in the run handed out */
} chunk_move;

static pthread_mutex_t chunk_lock = PTHREAD_MUTEX_INITIALIZER;
static reservation res[RES_MAX];
static unsigned nres;
static unsigned next_res_chunks = RES_FIRST_CHUNKS;
static size_t used_bytes, peak_used_bytes; /* handed out, reservations and own mappings */
static size_t dirty_chunks;
/* When the oldest dirty chunk expires; read without the lock by hak_chunk_tick. */
static _Atomic uint64_t next_decay_ms = UINT64_MAX;

void hak_chunk_lock(void)
{
    pthread_mutex_lock(&chunk_lock);
}
void hak_chunk_unlock(void)
{
    pthread_mutex_unlock(&chunk_lock);
}

static uint8_t *chunk_addr(const reservation *r, unsigned i)
{
    return r->base + (size_t)i * CHUNK;
}

static reservation *res_of(const void *p, unsigned *index)
{
    for (unsigned k = 0; k < nres; k++) {
        reservation *r = &res[k];
        if ((const uint8_t *)p >= r->base && (const uint8_t *)p < chunk_addr(r, r->nchunks)) {
            *index = (unsigned)(((const uint8_t *)p - r->base) / CHUNK);
            return r;
        }
    }
    return NULL;
}

/* The best place for n free chunks at (address + lead) % align == 0: the most resident pages
 * (no faults), then the shortest free run (big runs stay whole), then the lowest address. */
static reservation *res_find(size_t n, size_t align, size_t lead, unsigned *at)
{
    reservation *best = NULL;
    unsigned best_len = 0;
    size_t best_score = 0;
    unsigned step = align > CHUNK ? (unsigned)(align / CHUNK) : 1;
    for (unsigned k = 0; k < nres; k++) {
        reservation *r = &res[k];
        unsigned i = hak_bits_next(r->free, r->nchunks, 0, true);
        while (i < r->nchunks) {
            unsigned end = hak_bits_next(r->free, r->nchunks, i, false);
            unsigned len = end - i;
            uintptr_t mis = ((uintptr_t)chunk_addr(r, i) + lead) & (align - 1);
            unsigned s = i + (mis ? (unsigned)((align - mis) / CHUNK) : 0);
            size_t score = 0;
            for (unsigned j = s; j < s + n && s + n <= end; j++)
                score += r->touched[j];
            for (; s + n <= end; s += step) {
                bool better =
                    !best || score > best_score || (score == best_score && len < best_len);
                if (better) {
                    best = r;
                    *at = s;
                    best_len = len;
                    best_score = score;
                }
                if (s + step + n > end) break;
                if (step == 1) {
                    score += r->touched[s + n];
                    score -= r->touched[s];
                } else {
                    score = 0;
                    for (unsigned j = s + step; j < s + step + n; j++)
                        score += r->touched[j];
                }
            }
            i = hak_bits_next(r->free, r->nchunks, end, true);
        }
    }
    return best;
}

/* Takes chunks [at, at + n) of r out of the free set; copies their resident page counts to
 * pages[]. Lock held. */
static void res_take(reservation *r, unsigned at, unsigned n, uint16_t *pages)
{
    for (unsigned j = 0; j < n; j++) {
        pages[j] = r->touched[at + j];
        r->touched[at + j] = 0;
    }
    dirty_chunks -= hak_bits_count(r->dirty, at, at + n);
    hak_bits_clear(r->free, at, at + n);
    hak_bits_clear(r->dirty, at, at + n);
}

static void note_used(size_t bytes)
{
    used_bytes += bytes;
    if (used_bytes > peak_used_bytes) peak_used_bytes = used_bytes;
}

/* Zeroes what may be resident of [p, p + zero) and returns the resident extent from p. */
static size_t zero_resident(uint8_t *p, unsigned n, const uint16_t *pages, size_t zero)
{
    size_t touched = 0;
    for (unsigned j = 0; j < n; j++) {
        if (!pages[j]) continue;
        size_t from = (size_t)j * CHUNK, to = from + (size_t)pages[j] * HAK_PAGE;
        touched = to;
        if (from < zero) memset(p + from, 0, (to < zero ? to : zero) - from);
    }
    return touched;
}

/* Maps a new reservation for at least n chunks (aligned runs included); lock held on entry
 * and exit, released across the system call. false: none (the caller maps on its own). */
static bool res_grow(size_t n, size_t align)
{
    size_t need = n + (align > CHUNK ? align / CHUNK : 0);
    if (need > RES_MAX_CHUNKS || nres == RES_MAX) return false;
    size_t want = next_res_chunks > need ? next_res_chunks : need;
    pthread_mutex_unlock(&chunk_lock);
    uint8_t *base = hak_os_reserve(want * CHUNK, CHUNK);
    if (!base && want > need) base = hak_os_reserve((want = need) * CHUNK, CHUNK);
    pthread_mutex_lock(&chunk_lock);
    if (!base) return false;
    if (nres == RES_MAX) {
        pthread_mutex_unlock(&chunk_lock);
        hak_os_unreserve(base, want * CHUNK);
        pthread_mutex_lock(&chunk_lock);
        return false;
    }
    reservation *r = &res[nres];
    memset(r, 0, sizeof *r);
    r->base = base;
    r->nchunks = (unsigned)want;
    hak_bits_set(r->free, 0, r->nchunks);
    nres++; /* published last: res_of may run on other threads only under the lock */
    if (next_res_chunks < RES_MAX_CHUNKS) next_res_chunks *= 2;
    return true;
}

static size_t dirty_budget(void)
{
    size_t room = peak_used_bytes + peak_used_bytes / 4 - used_bytes;
    return (room > DIRTY_MIN ? room : DIRTY_MIN) / CHUNK;
}

static bool expired(const reservation *r, unsigned i, uint64_t now)
{
    return r->freed_ms[i] + PURGE_DELAY_MS <= now;
}

/* Takes the dirty run [at, at + n) out of the free set for decommitting. Lock held. */
static void claim(chunk_range *out, reservation *r, unsigned at, unsigned n)
{
    *out = (chunk_range){r, at, n};
    dirty_chunks -= n;
    hak_bits_clear(r->dirty, at, at + n);
    hak_bits_clear(r->free, at, at + n);
}

/* Under the lock: claims up to PURGE_BATCH runs of dirty chunks to decommit: those free for
 * PURGE_DELAY_MS (all of them when force), then, while over budget, the oldest. */
static unsigned purge_claim(uint64_t now, bool force, chunk_range *out)
{
    unsigned k = 0;
    if (force || now >= atomic_load_explicit(&next_decay_ms, memory_order_relaxed)) {
        uint64_t next = UINT64_MAX;
        for (unsigned q = 0; q < nres && k < PURGE_BATCH; q++) {
            reservation *r = &res[q];
            unsigned i = hak_bits_next(r->dirty, r->nchunks, 0, true);
            while (i < r->nchunks && k < PURGE_BATCH) {
                unsigned end = i;
                while (end < r->nchunks && hak_bit_test(r->dirty, end) &&
                       (force || expired(r, end, now)))
                    end++;
                if (end > i) {
                    claim(&out[k++], r, i, end - i);
                } else {
                    if (r->freed_ms[i] + PURGE_DELAY_MS < next)
                        next = r->freed_ms[i] + PURGE_DELAY_MS;
                    end = i + 1;
                }
                i = hak_bits_next(r->dirty, r->nchunks, end, true);
            }
        }
        /* A full batch may have left expired chunks behind: look again at once. */
        atomic_store_explicit(&next_decay_ms, k == PURGE_BATCH ? now : next, memory_order_relaxed);
    }
    size_t budget = dirty_budget();
    if (dirty_chunks <= budget) return k;
    while (k < PURGE_BATCH && dirty_chunks > budget * 3 / 4) {
        reservation *oldest = NULL;
        unsigned at = 0;
        for (unsigned q = 0; q < nres; q++) {
            reservation *r = &res[q];
            for (unsigned i = hak_bits_next(r->dirty, r->nchunks, 0, true); i < r->nchunks;
                 i = hak_bits_next(r->dirty, r->nchunks, i + 1, true))
                if (!oldest || r->freed_ms[i] < oldest->freed_ms[at]) {
                    oldest = r;
                    at = i;
                }
        }
        if (!oldest) break;
        unsigned lo = at, hi = at + 1;
        while (lo > 0 && hak_bit_test(oldest->dirty, lo - 1))
            lo--;
        while (hi < oldest->nchunks && hak_bit_test(oldest->dirty, hi))
            hi++;
        claim(&out[k++], oldest, lo, hi - lo);
    }
    return k;
}

/* Decommits claimed runs (no lock held), then gives them back clean, and claims the next
 * batch while there is one. Called and returns with the lock held. */
static void purge_run(uint64_t now, bool force)
{
    chunk_range batch[PURGE_BATCH];
    unsigned k;
    while ((k = purge_claim(now, force, batch)) > 0) {
        pthread_mutex_unlock(&chunk_lock);
        for (unsigned j = 0; j < k; j++) {
            chunk_range *c = &batch[j];
            size_t len =
                (size_t)(c->n - 1) * CHUNK + (size_t)c->r->touched[c->at + c->n - 1] * HAK_PAGE;
            hak_os_decommit(chunk_addr(c->r, c->at), len);
        }
        pthread_mutex_lock(&chunk_lock);
        for (unsigned j = 0; j < k; j++) {
            chunk_range *c = &batch[j];
            memset(&c->r->touched[c->at], 0, c->n * sizeof c->r->touched[0]);
            hak_bits_set(c->r->free, c->at, c->at + c->n);
        }
    }
}

/* Lock held: decommits what is due. */
static void maybe_purge(uint64_t now)
{
    if (now >= atomic_load_explicit(&next_decay_ms, memory_order_relaxed) ||
        dirty_chunks > dirty_budget())
        purge_run(now, false);
}

void hak_chunk_tick(uint64_t now)
{
    if (now < atomic_load_explicit(&next_decay_ms, memory_order_relaxed)) return;
    pthread_mutex_lock(&chunk_lock);
    maybe_purge(now);
    pthread_mutex_unlock(&chunk_lock);
}

/* Lock held: the free chunk with the most resident pages (at least DONOR_MIN_PAGES; the most
 * recently freed of those), out of the free set. */
static bool take_donor(chunk_move *out)
{
    reservation *best = NULL;
    unsigned at = 0;
    for (unsigned q = 0; q < nres; q++) {
        reservation *r = &res[q];
        for (unsigned i = hak_bits_next(r->dirty, r->nchunks, 0, true); i < r->nchunks;
             i = hak_bits_next(r->dirty, r->nchunks, i + 1, true)) {
            if (r->touched[i] < DONOR_MIN_PAGES) continue;
            if (!best || r->touched[i] > best->touched[at] ||
                (r->touched[i] == best->touched[at] && r->freed_ms[i] > best->freed_ms[at])) {
                best = r;
                at = i;
            }
        }
    }
    if (!best) return false;
    out->r = best;
    out->i = at;
    dirty_chunks--;
    hak_bits_clear(best->dirty, at, at + 1);
    hak_bits_clear(best->free, at, at + 1);
    return true;
}

/* Moves donors' pages into the clean chunks of the run at p (no lock held), then gives the
 * donors back: clean when moved, dirty as before when the move failed (pages[] then says 0). */
static void apply_moves(uint8_t *p, chunk_move *moves, unsigned k, uint16_t *pages)
{
    bool moved[MAX_MOVES];
    for (unsigned j = 0; j < k; j++) {
        chunk_move *m = &moves[j];
        moved[j] = hak_os_move(chunk_addr(m->r, m->i), CHUNK, p + (size_t)m->dst * CHUNK, true);
        if (!moved[j]) pages[m->dst] = 0;
    }
    pthread_mutex_lock(&chunk_lock);
    for (unsigned j = 0; j < k; j++) {
        chunk_move *m = &moves[j];
        if (moved[j]) {
            m->r->touched[m->i] = 0;
        } else {
            hak_bits_set(m->r->dirty, m->i, m->i + 1);
            dirty_chunks++;
        }
        hak_bits_set(m->r->free, m->i, m->i + 1);
    }
    pthread_mutex_unlock(&chunk_lock);
}

void *hak_chunk_map(size_t n, size_t align, size_t lead, size_t *touched)
{
    if (align < CHUNK) align = CHUNK;
    void *p = hak_os_map_aligned_at(n * CHUNK, align, lead);
    if (p) {
        pthread_mutex_lock(&chunk_lock);
        note_used(n * CHUNK);
        pthread_mutex_unlock(&chunk_lock);
    }
    *touched = 0;
    return p;
}

void *hak_chunk_alloc(size_t n, size_t align, size_t lead, size_t zero, size_t *touched)
{
    if (align < CHUNK) align = CHUNK;
    uint16_t pages[RES_MAX_CHUNKS];
    uint64_t now = hak_os_now_ms();
    pthread_mutex_lock(&chunk_lock);
    /* First what expired: its pages are not worth handing out again. */
    maybe_purge(now);
    unsigned at = 0;
    reservation *r = n <= RES_MAX_CHUNKS ? res_find(n, align, lead, &at) : NULL;
    if (!r && res_grow(n, align)) r = res_find(n, align, lead, &at);
    chunk_move moves[MAX_MOVES];
    unsigned nmoves = 0;
    if (r) {
        res_take(r, at, (unsigned)n, pages);
        note_used(n * CHUNK);
        for (unsigned j = 0; j < n; j++)
            if (!pages[j] && nmoves < MAX_MOVES && take_donor(&moves[nmoves])) {
                moves[nmoves].dst = j;
                pages[j] = moves[nmoves].r->touched[moves[nmoves].i];
                nmoves++;
            }
    }
    pthread_mutex_unlock(&chunk_lock);
    if (!r) return hak_chunk_map(n, align, lead, touched);
    hak_os_account((int64_t)(n * CHUNK));
    uint8_t *p = chunk_addr(r, at);
    if (nmoves) apply_moves(p, moves, nmoves, pages);
    *touched = zero_resident(p, (unsigned)n, pages, zero);
    return p;
}

/* Lock held: chunks [at, at + n) of r become free; the first touched bytes may be resident. */
static void res_give(reservation *r, unsigned at, size_t n, size_t touched, uint64_t now)
{
    for (unsigned j = 0; j < n; j++) {
        size_t from = (size_t)j * CHUNK;
        size_t pages = touched > from ? (touched - from + HAK_PAGE - 1) / HAK_PAGE : 0;
        if (!pages) continue;
        r->touched[at + j] = (uint16_t)(pages < CHUNK_PAGES ? pages : CHUNK_PAGES);
        r->freed_ms[at + j] = now;
        hak_bits_set(r->dirty, at + j, at + j + 1);
        dirty_chunks++;
    }
    hak_bits_set(r->free, at, at + (unsigned)n);
    if (touched &&
        now + PURGE_DELAY_MS < atomic_load_explicit(&next_decay_ms, memory_order_relaxed))
        atomic_store_explicit(&next_decay_ms, now + PURGE_DELAY_MS, memory_order_relaxed);
}

void hak_chunk_free(void *p, size_t n, size_t touched)
{
    uint64_t now = hak_os_now_ms();
    pthread_mutex_lock(&chunk_lock);
    used_bytes -= n * CHUNK;
    unsigned at;
    reservation *r = res_of(p, &at);
    if (r) {
        res_give(r, at, n, touched, now);
        maybe_purge(now);
    }
    pthread_mutex_unlock(&chunk_lock);
    if (r)
        hak_os_account(-(int64_t)(n * CHUNK));
    else
        hak_os_unmap(p, n * CHUNK);
}

bool hak_chunk_extend(void *p, size_t n, size_t m, size_t zero, size_t *touched)
{
    uint16_t pages[RES_MAX_CHUNKS];
    pthread_mutex_lock(&chunk_lock);
    unsigned at;
    reservation *r = res_of(p, &at);
    bool ok = r && at + m <= r->nchunks &&
              hak_bits_count(r->free, at + (unsigned)n, at + (unsigned)m) == m - n;
    if (ok) {
        res_take(r, at + (unsigned)n, (unsigned)(m - n), pages);
        note_used((m - n) * CHUNK);
    }
    pthread_mutex_unlock(&chunk_lock);
    if (!ok) return false;
    hak_os_account((int64_t)((m - n) * CHUNK));
    *touched = zero_resident((uint8_t *)p + n * CHUNK, (unsigned)(m - n), pages, zero);
    return true;
}

bool hak_chunk_move(void *from, size_t n, void *to)
{
    pthread_mutex_lock(&chunk_lock);
    unsigned at;
    bool reserved = res_of(from, &at) != NULL;
    pthread_mutex_unlock(&chunk_lock);
    /* A reservation keeps the source range mapped (it reads back as zeros): no hole another
     * mapping could take. */
    if (!hak_os_move(from, n * CHUNK, to, reserved)) return false;
    if (reserved) {
        hak_chunk_free(from, n, 0);
    } else {
        pthread_mutex_lock(&chunk_lock);
        used_bytes -= n * CHUNK;
        pthread_mutex_unlock(&chunk_lock);
    }
    return true;
}

void hak_chunk_trim(void)
{
    pthread_mutex_lock(&chunk_lock);
    purge_run(hak_os_now_ms(), true);
    pthread_mutex_unlock(&chunk_lock);
}

size_t hak_chunk_dirty_count(void)
{
    pthread_mutex_lock(&chunk_lock);
    size_t n = dirty_chunks;
    pthread_mutex_unlock(&chunk_lock);
    return n;
}
