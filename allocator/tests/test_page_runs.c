/* Blocks of 8 KiB-1 MiB are runs of whole pages that merge with their free neighbours
 * (allocator/src/span.h). What that promises, tested in forked children (fresh heaps):
 *   - a mix of big sizes costs about its live bytes: peak RSS stays within 1.3x the peak live
 *     bytes + 8 MiB (the dirty-page allowance), where per-size-class slabs each hold their own
 *     peak (the design this replaced grew 1.57x, glibc 1.18x; not under sanitizers, whose
 *     shadow memory is resident too);
 *   - realloc grows a block in place into the free pages after it, shrinks it in place, and
 *     moves it (contents intact) when the pages after it are taken;
 *   - blocks from several threads, freed by other threads, stay intact (pattern-checked). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "t_alloc.h"

#define KIB ((size_t)1 << 10)
#define MIB ((size_t)1 << 20)
#define CHILD_TIMEOUT_S 120

static uint64_t rng_next(uint64_t *x)
{
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
    return *x;
}

/* Log-uniform in [8 KiB + 1, 1 MiB]: as many blocks below 64 KiB as above. */
static size_t big_size(uint64_t *x)
{
    unsigned bits = 14 + (unsigned)(rng_next(x) % 7); /* 2^14 .. 2^20 */
    size_t hi = (size_t)1 << bits;
    size_t n = hi / 2 + rng_next(x) % (hi / 2) + 1;
    return n <= 8 * KIB ? 8 * KIB + 1 : n;
}

static void run_child(int (*fn)(void *), void *arg)
{
    t_child_result r;
    assert_int_equal(t_child_run(fn, arg, CHILD_TIMEOUT_S, &r), 0);
    if (r.timed_out || !r.exited || r.exit_code != 0)
        fail_msg("child %s %d; stderr:\n%s",
                 r.timed_out  ? "timed out"
                 : r.signaled ? "died of signal"
                              : "exited with",
                 r.signaled ? r.sig : r.exit_code, r.err);
    if (r.err[0]) print_message("%s", r.err);
}

enum { SLOTS = 256, STEPS = 20000 };

static int mixed_sizes_child(void *arg)
{
    (void)arg;
    static unsigned char *slot[SLOTS];
    static size_t len[SLOTS];
    uint64_t x = 0x9e3779b97f4a7c15u;
    size_t base = t_rss_bytes() / KIB, live = 0, peak_live = 0, peak_rss = base;
    for (int step = 0; step < STEPS; step++) {
        int i = (int)(rng_next(&x) % SLOTS);
        if (slot[i]) {
            if (slot[i][0] != (unsigned char)len[i] || slot[i][len[i] - 1] != (unsigned char)len[i])
                return 3;
            T_FREE(slot[i]);
            live -= len[i];
        }
        len[i] = big_size(&x);
        slot[i] = T_MALLOC(len[i]);
        if (slot[i] == NULL) return 4;
        memset(slot[i], (int)(unsigned char)len[i], len[i]);
        live += len[i];
        if (live > peak_live) peak_live = live;
        if (step % 64 == 0) {
            size_t now = t_rss_bytes() / KIB;
            if (now > peak_rss) peak_rss = now;
        }
    }
    size_t grown = (peak_rss - base) * KIB;
    fprintf(stderr, "peak live %zu KiB, peak RSS growth %zu KiB (%.2fx)\n", peak_live / KIB,
            grown / KIB, (double)grown / (double)peak_live);
    return grown <= peak_live + peak_live * 3 / 10 + 8 * MIB ? 0 : 5;
}

static void peak_rss_of_mixed_big_sizes_stays_near_their_live_bytes(void **state)
{
    (void)state;
    if (T_SANITIZED) skip();
    run_child(mixed_sizes_child, NULL);
}

static int realloc_child(void *arg)
{
    (void)arg;
    unsigned char *p = T_MALLOC(20000);
    if (p == NULL) return 2;
    memset(p, 0x5a, 20000);
    unsigned char *q = T_REALLOC(p, 40000);
    if (q != p) return 3; /* the pages after a fresh heap's first run are free */
    memset(q + 20000, 0x5b, 20000);
    unsigned char *r = T_REALLOC(q, 12000);
    if (r != q) return 4;                   /* shrinking never moves */
    unsigned char *taker = T_MALLOC(20000); /* takes the pages the shrink gave back */
    if (taker == NULL) return 5;
    memset(taker, 0x66, 20000);
    unsigned char *s = T_REALLOC(r, 60000);
    if (s == NULL) return 6;
    for (size_t i = 0; i < 12000; i++)
        if (s[i] != 0x5a) return 7;
    for (size_t i = 0; i < 20000; i++)
        if (taker[i] != 0x66) return 8;
    T_FREE(s);
    T_FREE(taker);
    return 0;
}

static void realloc_grows_and_shrinks_page_runs_in_place(void **state)
{
    (void)state;
    run_child(realloc_child, NULL);
}

/* Threads allocate page runs and hand each to the next thread, which checks and frees it:
 * frees into other threads' arenas, while those threads allocate. */
enum { THREADS = 4, HANDOFFS = 4000 };

struct ring {
    pthread_mutex_t lock;
    unsigned char *box[THREADS];
    size_t box_len[THREADS];
    int failed;
};

struct worker {
    struct ring *ring;
    int id;
};

static uint64_t pattern_of(size_t n, int id)
{
    return (uint64_t)n * 31 + (uint64_t)id;
}

static void *handoff_worker(void *arg)
{
    struct worker *w = arg;
    struct ring *ring = w->ring;
    uint64_t x = 0x2545f4914f6cdd1du + (uint64_t)w->id;
    for (int k = 0; k < HANDOFFS; k++) {
        size_t n = big_size(&x);
        unsigned char *p = T_MALLOC(n);
        if (p == NULL) {
            __atomic_store_n(&ring->failed, 1, __ATOMIC_RELAXED);
            break;
        }
        t_pattern_fill(p, n, (uint64_t)w->id, n, pattern_of(n, w->id));
        int to = (w->id + 1) % THREADS;
        pthread_mutex_lock(&ring->lock);
        unsigned char *old = ring->box[to];
        size_t old_len = ring->box_len[to];
        ring->box[to] = p;
        ring->box_len[to] = n;
        pthread_mutex_unlock(&ring->lock);
        if (old) {
            int from = (to + THREADS - 1) % THREADS;
            if (t_pattern_check(old, old_len, (uint64_t)from, old_len, pattern_of(old_len, from)) !=
                (size_t)-1)
                __atomic_store_n(&ring->failed, 2, __ATOMIC_RELAXED);
            T_FREE(old);
        }
    }
    return NULL;
}

static int handoff_child(void *arg)
{
    (void)arg;
    static struct ring ring = {.lock = PTHREAD_MUTEX_INITIALIZER};
    struct worker w[THREADS];
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct worker){&ring, i};
        if (pthread_create(&t[i], NULL, handoff_worker, &w[i]) != 0) return 2;
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < THREADS; i++)
        T_FREE(ring.box[i]);
    return ring.failed ? 10 + ring.failed : 0;
}

static void page_runs_freed_by_other_threads_stay_intact(void **state)
{
    (void)state;
    run_child(handoff_child, NULL);
}

#ifdef T_EXPECT_HAKMEM
static void allocator_under_test_is_hakmem(void **state)
{
    (void)state;
    assert_true(t_hakmem_is_active());
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
        cmocka_unit_test(peak_rss_of_mixed_big_sizes_stays_near_their_live_bytes),
        cmocka_unit_test(realloc_grows_and_shrinks_page_runs_in_place),
        cmocka_unit_test(page_runs_freed_by_other_threads_stay_intact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
