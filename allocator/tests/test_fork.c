/* fork() while other threads allocate: background threads keep allocating, freeing and passing
 * blocks to each other (so allocator locks and remote-free queues are busy at the moment of the
 * fork); each child must allocate and free in every tier, free blocks the parent's threads
 * allocated, start threads of its own, and exit 0. A child that does not finish within
 * CHILD_TIMEOUT_S is taken for deadlocked and fails the test. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "t_alloc.h"

#ifdef __SANITIZE_ADDRESS__
/* LeakSanitizer would scan every forked child at exit: slow, and hakmem's blocks are not
 * ASan's to track anyway. */
const char *__asan_default_options(void)
{
    return "detect_leaks=0";
}
#endif

#define BACKGROUND_THREADS 4
#define SHARED_SLOTS 256
#define FORKS_PER_CASE 5
#define CHILD_TIMEOUT_S 20

/* A shared block: its size and sequence number head it, a pattern follows. */
struct shared_hdr {
    size_t size;
    uint64_t seq;
};

static _Atomic(struct shared_hdr *) shared[SHARED_SLOTS];
static atomic_int stop;
static pthread_t background[BACKGROUND_THREADS];

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static size_t pick_size(uint64_t r)
{
    switch (r % 64) {
    case 0:
        return T_MID_MAX + 1 + r / 64 % (2 << 20);
    case 1:
    case 2:
    case 3:
        return T_TINY_MAX + 1 + r / 64 % (T_MID_MAX - T_TINY_MAX);
    default:
        return sizeof(struct shared_hdr) + r / 64 % T_TINY_MAX;
    }
}

static struct shared_hdr *make_shared(uint64_t *rng, uint64_t seq)
{
    size_t size = pick_size(rng_next(rng));
    struct shared_hdr *h = T_MALLOC(size);
    if (h == NULL) return NULL;
    h->size = size;
    h->seq = seq;
    t_pattern_fill(h + 1, size - sizeof *h, 7, size, seq);
    return h;
}

/* Returns 0 when the block is intact; frees it either way. */
static int retire_shared(struct shared_hdr *h)
{
    if (h == NULL) return 0;
    int bad = t_pattern_check(h + 1, h->size - sizeof *h, 7, h->size, h->seq) != (size_t)-1;
    if (bad)
        fprintf(stderr, "shared block %p (size %zu, seq %llu) corrupted\n", (void *)h, h->size,
                (unsigned long long)h->seq);
    T_FREE(h);
    return bad;
}

static atomic_int background_errors;

static void *background_worker(void *arg)
{
    uint64_t rng = 0x2545F4914F6CDD1Du * ((uintptr_t)arg + 1);
    uint64_t seq = (uint64_t)(uintptr_t)arg << 40;
    while (!atomic_load(&stop)) {
        /* Short pauses leave the 2-core machine to the children without idling the threads. */
        if (seq % 4 == 0) {
            struct timespec pause = {0, 1000 * 1000};
            nanosleep(&pause, NULL);
        }
        struct shared_hdr *h = make_shared(&rng, seq++);
        if (h == NULL) {
            atomic_fetch_add(&background_errors, 1);
            break;
        }
        struct shared_hdr *old = atomic_exchange(&shared[rng_next(&rng) % SHARED_SLOTS], h);
        if (retire_shared(old)) atomic_fetch_add(&background_errors, 1);
        void *tmp = T_MALLOC(1 + rng_next(&rng) % 4096);
        T_FREE(tmp);
    }
    return NULL;
}

static int start_background(void **state)
{
    (void)state;
    atomic_store(&stop, 0);
    for (uintptr_t i = 0; i < BACKGROUND_THREADS; i++)
        if (pthread_create(&background[i], NULL, background_worker, (void *)i) != 0) return -1;
    /* Let them fill the shared slots and the allocator's caches before the first fork. */
    struct timespec warm = {0, 100 * 1000 * 1000};
    nanosleep(&warm, NULL);
    return 0;
}

static int stop_background(void **state)
{
    (void)state;
    atomic_store(&stop, 1);
    for (int i = 0; i < BACKGROUND_THREADS; i++)
        pthread_join(background[i], NULL);
    int bad = 0;
    for (int i = 0; i < SHARED_SLOTS; i++)
        bad |= retire_shared(atomic_exchange(&shared[i], NULL));
    return bad || atomic_load(&background_errors) ? -1 : 0;
}

/* Allocates and frees sizes from 1 B to 4 MiB, several live at once, checking contents. */
static int churn_every_tier(uint64_t seed)
{
    enum { LIVE = 64 };
    void *live[LIVE] = {0};
    size_t sizes[LIVE] = {0};
    uint64_t rng = seed | 1;
    for (int i = 0; i < 1000; i++) {
        int k = (int)(rng_next(&rng) % LIVE);
        if (live[k] != NULL) {
            if (t_pattern_check(live[k], sizes[k], seed, sizes[k], (uint64_t)k) != (size_t)-1)
                return 1;
            T_FREE(live[k]);
        }
        sizes[k] = i % 500 == 0 ? (4u << 20) : pick_size(rng_next(&rng));
        live[k] = T_MALLOC(sizes[k]);
        if (live[k] == NULL) return 2;
        t_pattern_fill(live[k], sizes[k], seed, sizes[k], (uint64_t)k);
    }
    for (int k = 0; k < LIVE; k++)
        T_FREE(live[k]);
    return 0;
}

static int child_churns(void *arg)
{
    (void)arg;
    return churn_every_tier(12345);
}

static int child_frees_parent_blocks(void *arg)
{
    (void)arg;
    int taken = 0;
    for (int i = 0; i < SHARED_SLOTS; i++) {
        struct shared_hdr *h = atomic_exchange(&shared[i], NULL);
        taken += h != NULL;
        if (retire_shared(h)) return 1;
    }
    if (taken == 0) return 3;
    return churn_every_tier(777);
}

static void *child_thread(void *arg)
{
    return (void *)(intptr_t)churn_every_tier((uint64_t)(uintptr_t)arg);
}

static int child_starts_threads(void *arg)
{
    (void)arg;
    pthread_t t[2];
    for (uintptr_t i = 0; i < 2; i++)
        if (pthread_create(&t[i], NULL, child_thread, (void *)(i + 100)) != 0) return 4;
    int rc = 0;
    for (int i = 0; i < 2; i++) {
        void *ret;
        pthread_join(t[i], &ret);
        rc |= (int)(intptr_t)ret;
    }
    return rc;
}

static void fork_repeatedly(int (*child)(void *))
{
    for (int i = 0; i < FORKS_PER_CASE; i++) {
        t_child_result r;
        assert_int_equal(t_child_run(child, NULL, CHILD_TIMEOUT_S, &r), 0);
        if (r.timed_out)
            fail_msg("fork %d: child still running after %ds (deadlocked?); stderr:\n%s", i,
                     CHILD_TIMEOUT_S, r.err);
        if (!r.exited || r.exit_code != 0)
            fail_msg("fork %d: child %s %d; stderr:\n%s", i,
                     r.signaled ? "died of signal" : "exited with",
                     r.signaled ? r.sig : r.exit_code, r.err);
        struct timespec gap = {0, 5 * 1000 * 1000};
        nanosleep(&gap, NULL);
    }
}

#ifdef T_EXPECT_HAKMEM
static void allocator_under_test_is_hakmem(void **state)
{
    (void)state;
    assert_true(t_hakmem_is_active());
}
#endif

static void forked_child_allocates_and_frees_in_every_tier(void **state)
{
    (void)state;
    fork_repeatedly(child_churns);
}

static void forked_child_frees_blocks_of_parent_threads(void **state)
{
    (void)state;
    fork_repeatedly(child_frees_parent_blocks);
}

static void forked_child_starts_threads_that_allocate(void **state)
{
    (void)state;
    fork_repeatedly(child_starts_threads);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#ifdef T_EXPECT_HAKMEM
        cmocka_unit_test(allocator_under_test_is_hakmem),
#endif
        cmocka_unit_test_setup_teardown(forked_child_allocates_and_frees_in_every_tier,
                                        start_background, stop_background),
        cmocka_unit_test_setup_teardown(forked_child_frees_blocks_of_parent_threads,
                                        start_background, stop_background),
        cmocka_unit_test_setup_teardown(forked_child_starts_threads_that_allocate, start_background,
                                        stop_background),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
