/* Ownership under thread churn: no remote free is ever stranded. Short-lived threads of three
 * kinds pass tiny and mid blocks to each other through a shared array of slots: swappers
 * (allocate, swap into a slot, free what was there), bursters (allocate a burst into the slots,
 * then exit at once, so nearly all their blocks are freed after their heap went to the pool) and
 * consumers (empty slots and free, allocate little). Every thread's last key destructor runs
 * after hakmem's thread-exit hook and still allocates into the slots and frees from them. Threads
 * live in rolling generations, so frees race with their owners' exits and with the reuse of the
 * owners' heaps by new threads. Every block carries a pattern checked before its free.
 * Then the main thread frees what is left and calls hak_trim(): the allocator's counters must
 * show every slab and SuperSlab the run created given back (a block stranded on a list nobody
 * looks at keeps its slab), the heap records reused (no more made than threads alive at once,
 * plus the exit heap), and deliveries to heaps without a thread processed by their freers. */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "t_alloc.h"

#define SLOTS 2048
#define CONCURRENT 4
#if defined(__SANITIZE_THREAD__)
#define THREADS 48
#define OPS 1500
#elif T_SANITIZED
#define THREADS 96
#define OPS 3000
#else
#define THREADS 400
#define OPS 6000
#endif
#define BURST 3000
#define LATE_BLOCKS 8

/* A block starts with its size and tag; the pattern fills the rest. */
struct blk {
    uint64_t size;
    uint64_t tag;
};

static _Atomic(struct blk *) slots[SLOTS];
static atomic_ulong errors, failed_allocs;
static pthread_key_t late_key;

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* 80% tiny, 20% mid: slab tiers only, so the slab counters account for every block. */
static size_t pick_size(uint64_t r)
{
    if (r % 5 != 0) return sizeof(struct blk) + r / 5 % (T_TINY_MAX - sizeof(struct blk) + 1);
    return T_TINY_MAX + 1 + r / 5 % (T_MID_MAX - T_TINY_MAX);
}

static struct blk *make_block(uint64_t *rng, uint64_t tag)
{
    size_t size = pick_size(rng_next(rng));
    struct blk *b = T_MALLOC(size);
    if (b == NULL) {
        atomic_fetch_add(&failed_allocs, 1);
        return NULL;
    }
    b->size = size;
    b->tag = tag;
    t_pattern_fill(b + 1, size - sizeof *b, tag, size, 3);
    return b;
}

static void retire(struct blk *b)
{
    if (b == NULL) return;
    if (t_pattern_check(b + 1, b->size - sizeof *b, b->tag, b->size, 3) != (size_t)-1 &&
        atomic_fetch_add(&errors, 1) < 5)
        fprintf(stderr, "block %p (size %llu, tag %llx) corrupted\n", (void *)b,
                (unsigned long long)b->size, (unsigned long long)b->tag);
    T_FREE(b);
}

static void swap_into_slot(struct blk *b, uint64_t r)
{
    retire(atomic_exchange(&slots[r % SLOTS], b));
}

/* Runs after hakmem's exit hook (late_key is created after the allocator's key). */
static void late_destructor(void *arg)
{
    uint64_t rng = (uintptr_t)arg * 0x9E3779B97F4A7C15u | 1;
    for (int i = 0; i < LATE_BLOCKS; i++) {
        struct blk *b = make_block(&rng, (uintptr_t)arg << 32 | 0x80000000u | (unsigned)i);
        if (b) swap_into_slot(b, rng_next(&rng));
    }
    retire(atomic_exchange(&slots[rng_next(&rng) % SLOTS], NULL));
}

static void swapper(uint64_t id, uint64_t *rng)
{
    struct blk *kept[16] = {0};
    unsigned ops = 200 + (unsigned)(rng_next(rng) % OPS);
    for (unsigned i = 0; i < ops; i++) {
        struct blk *b = make_block(rng, id << 32 | i);
        if (b == NULL) break;
        uint64_t r = rng_next(rng);
        if (r % 8 == 0) {
            retire(kept[r / 8 % 16]);
            kept[r / 8 % 16] = b;
        } else {
            swap_into_slot(b, r / 8);
        }
    }
    for (int i = 0; i < 16; i++)
        retire(kept[i]);
}

static void burster(uint64_t id, uint64_t *rng)
{
    for (unsigned i = 0; i < BURST; i++) {
        struct blk *b = make_block(rng, id << 32 | i);
        if (b == NULL) break;
        swap_into_slot(b, rng_next(rng));
    }
}

static void consumer(uint64_t id, uint64_t *rng)
{
    for (unsigned i = 0; i < OPS; i++) {
        uint64_t r = rng_next(rng);
        retire(atomic_exchange(&slots[r % SLOTS], NULL));
        if (r % 16 == 0) {
            struct blk *b = make_block(rng, id << 32 | i);
            if (b) swap_into_slot(b, rng_next(rng));
        }
    }
}

static void *worker(void *arg)
{
    uint64_t id = (uintptr_t)arg;
    uint64_t rng = (id + 1) * 0x2545F4914F6CDD1Du;
    pthread_setspecific(late_key, arg);
    switch (id % 3) {
    case 0:
        swapper(id, &rng);
        break;
    case 1:
        burster(id, &rng);
        break;
    default:
        consumer(id, &rng);
        break;
    }
    return NULL;
}

static void run_generations(unsigned total)
{
    pthread_t running[CONCURRENT];
    for (unsigned i = 0; i < total; i++) {
        if (i >= CONCURRENT) pthread_join(running[i % CONCURRENT], NULL);
        assert_int_equal(
            pthread_create(&running[i % CONCURRENT], NULL, worker, (void *)(uintptr_t)(i + 1)), 0);
    }
    for (unsigned i = 0; i < CONCURRENT && i < total; i++)
        pthread_join(running[i], NULL);
    for (int i = 0; i < SLOTS; i++)
        retire(atomic_exchange(&slots[i], NULL));
}

#ifdef T_LINKS_HAKMEM
static long long live_slabs(const hak_stats *s)
{
    return (long long)s->slabs_created - (long long)s->slabs_returned;
}
static long long live_superslabs(const hak_stats *s)
{
    return (long long)s->superslabs_mapped - (long long)s->superslabs_returned;
}
#endif

static void churn_leaves_no_block_slab_or_heap_behind(void **state)
{
    (void)state;
    /* hakmem's key exists before late_key, so its destructor runs first. */
    T_FREE(T_MALLOC(1));
    assert_int_equal(pthread_key_create(&late_key, late_destructor), 0);
    /* One round first, so that whatever the C library allocates once for threads is there
     * before the counters are read. */
    run_generations(CONCURRENT);
#ifdef T_LINKS_HAKMEM
    hak_trim();
    hak_stats before;
    hak_stats_get(&before);
#endif
    run_generations(THREADS);
    pthread_key_delete(late_key);
    assert_int_equal(atomic_load(&errors), 0);
    assert_int_equal(atomic_load(&failed_allocs), 0);
#ifdef T_LINKS_HAKMEM
    hak_trim();
    hak_stats after;
    hak_stats_get(&after);
    print_message("slabs live %lld -> %lld (created %llu), SuperSlabs mapped %lld -> %lld, heaps "
                  "created %llu (reused %llu), drains of heaps without a thread %llu\n",
                  live_slabs(&before), live_slabs(&after),
                  (unsigned long long)(after.slabs_created - before.slabs_created),
                  live_superslabs(&before), live_superslabs(&after),
                  (unsigned long long)(after.heaps_created - before.heaps_created),
                  (unsigned long long)(after.heaps_reused - before.heaps_reused),
                  (unsigned long long)(after.heap_drains - before.heap_drains));
    /* The run had real work to lose: slabs made and blocks delivered to pooled heaps. */
    assert_true(after.slabs_created - before.slabs_created > THREADS);
    assert_true(after.heap_drains > before.heap_drains);
    assert_true(after.heaps_reused - before.heaps_reused >= THREADS - CONCURRENT);
    /* Nothing left behind. */
    assert_int_equal(live_slabs(&after), live_slabs(&before));
    assert_int_equal(live_superslabs(&after), live_superslabs(&before));
    /* Records reused: one per thread alive at once, the main thread's and the exit heap. */
    assert_true(after.heaps_created <= CONCURRENT + 2);
#endif
}

/* One owner allocates, then exits while a freer is halfway through its blocks: the frees race
 * with the owner's heap going to the pool. */
#if defined(__SANITIZE_THREAD__)
#define RACE_ROUNDS 40
#else
#define RACE_ROUNDS 150
#endif
#define RACE_BLOCKS 2000
static struct blk *race_blocks[RACE_BLOCKS];
static atomic_int race_ready;
static atomic_int race_freed;

static void *race_owner(void *arg)
{
    uint64_t rng = (uintptr_t)arg * 0x9E3779B97F4A7C15u | 1;
    for (int i = 0; i < RACE_BLOCKS; i++)
        if ((race_blocks[i] = make_block(&rng, (uintptr_t)arg << 32 | (unsigned)i)) == NULL) break;
    atomic_store(&race_ready, 1);
    while (atomic_load(&race_freed) < RACE_BLOCKS / 2)
        sched_yield();
    return NULL;
}

static void *race_freer(void *arg)
{
    (void)arg;
    while (!atomic_load(&race_ready))
        sched_yield();
    for (int i = 0; i < RACE_BLOCKS; i++) {
        retire(race_blocks[i]);
        atomic_fetch_add(&race_freed, 1);
    }
    return NULL;
}

static void frees_racing_their_owners_exit_strand_nothing(void **state)
{
    (void)state;
    for (int round = 0; round < RACE_ROUNDS; round++) {
#ifdef T_LINKS_HAKMEM
        hak_stats before;
        hak_stats_get(&before);
#endif
        atomic_store(&race_ready, 0);
        atomic_store(&race_freed, 0);
        pthread_t owner, freer;
        assert_int_equal(pthread_create(&freer, NULL, race_freer, NULL), 0);
        assert_int_equal(pthread_create(&owner, NULL, race_owner, (void *)(uintptr_t)(round + 1)),
                         0);
        pthread_join(owner, NULL);
        pthread_join(freer, NULL);
        assert_int_equal(atomic_load(&errors), 0);
        assert_int_equal(atomic_load(&failed_allocs), 0);
#ifdef T_LINKS_HAKMEM
        /* No hak_trim: both threads are gone, so whatever they freed is home by now. */
        hak_stats after;
        hak_stats_get(&after);
        if (live_slabs(&after) != live_slabs(&before))
            fail_msg("round %d: %lld slabs live before, %lld after", round, live_slabs(&before),
                     live_slabs(&after));
#endif
    }
}

#ifdef T_EXPECT_HAKMEM
static void allocator_under_test_is_hakmem(void **state)
{
    (void)state;
    assert_true(t_hakmem_is_active());
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
#ifdef T_EXPECT_HAKMEM
        cmocka_unit_test(allocator_under_test_is_hakmem),
#endif
        cmocka_unit_test(churn_leaves_no_block_slab_or_heap_behind),
        cmocka_unit_test(frees_racing_their_owners_exit_strand_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
