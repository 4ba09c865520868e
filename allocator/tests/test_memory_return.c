/* Memory goes back to the OS: 1 GiB of small blocks (mixed tiny sizes), of page runs
 * (8 KiB-1 MiB) or of large blocks (> 1 MiB), every page written, is allocated and freed;
 * after an idle wait past the allocator's purge delay (PURGE_DELAY_MS of the build, passed as
 * T_PURGE_DELAY_MS) and one more allocation of the same kind (of a small size, enough of them
 * to pass the thread cache), resident memory
 * (/proc/self/statm) must
 *   - have fallen by at least 90% of the peak increase when everything was freed, also when
 *     another thread frees the blocks after the allocating thread exited (remote frees to
 *     orphaned slabs);
 *   - be within the live bytes + 10% when only 90% was freed (a tenth of each size stays): an
 *     idle process ends near its live size.
 * Small blocks idle too: 1 GiB of 64 B or 4 KiB blocks, those in 9 (or 4) of every 10 64 KiB
 * (512 KiB) stretches of address space freed, then the idle wait and one block of a size not
 * used before (so the allocator's slow path runs): RSS within the live bytes + 10%.
 * Nothing special is called (no hak_trim, no malloc_trim): the plain path must return the
 * memory by itself. Each case runs in a forked child under an address-space cap, so a leaking
 * allocator fails the case instead of eating the machine. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "t_alloc.h"

#define GIB ((size_t)1 << 30)
#define TOTAL_BYTES GIB
#define CAP_EXTRA (3 * GIB)
#define CHILD_TIMEOUT_S 240
#define FREE_STRIDE 7
#define KEEP_EVERY 10 /* the partial case keeps one round of the sizes in ten */
#ifndef T_PURGE_DELAY_MS
#define T_PURGE_DELAY_MS 0 /* glibc: nothing to wait for */
#endif
/* Past the delay, with room for a coarse clock and a loaded machine. */
#define IDLE_WAIT_MS (T_PURGE_DELAY_MS + T_PURGE_DELAY_MS / 4 + 300)

static const size_t small_sizes[] = {16, 24, 32, 48, 64, 64, 80, 96, 128, 160, 192, 256, 320, 512};
static const size_t page_run_sizes[] = {9000, 20000, 65536, 100000, 300 * 1024, 1000000};
static const size_t large_sizes[] = {1536 * 1024, 3 << 20, 5 << 20, 9 << 20, 17 << 20};
#define COUNT(a) (sizeof a / sizeof a[0])
/* The set of the case being run (each case runs in its own child). */
static const size_t *sizes = small_sizes;
static size_t nsizes = COUNT(small_sizes);

/* Written by the child, read by the parent (MAP_SHARED). */
struct rss_report {
    size_t baseline, peak, after;
    size_t blocks;
    size_t live; /* bytes of the blocks kept */
};

enum how_freed {
    FREED_BY_ALLOCATING_THREAD,
    FREED_BY_OTHER_THREAD_AFTER_OWNER_EXIT,
    NINE_TENTHS_FREED, /* by the allocating thread; one round of sizes in KEEP_EVERY stays */
};

struct job {
    void **ptrs;
    size_t count;
    int failed;
    int keep_some; /* free_all leaves one round of the sizes in KEEP_EVERY */
};

static int cap_address_space(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long pages = 0;
    if (f == NULL || fscanf(f, "%lu", &pages) != 1) return -1;
    fclose(f);
    rlim_t cap = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + CAP_EXTRA;
    struct rlimit rl = {cap, cap};
    return setrlimit(RLIMIT_AS, &rl);
}

static void *allocate_all(void *arg)
{
    struct job *j = arg;
    for (size_t i = 0; i < j->count; i++) {
        size_t n = sizes[i % nsizes];
        char *p = T_MALLOC(n);
        if (p == NULL) {
            j->failed = 1;
            j->count = i;
            break;
        }
        if (n > 4096) memset(p, (int)i, n);
        p[0] = (char)i;
        p[n - 1] = (char)i;
        j->ptrs[i] = p;
    }
    return NULL;
}

/* Strided order: every slab stays partly used until the last pass. */
static void *free_all(void *arg)
{
    struct job *j = arg;
    for (size_t start = 0; start < FREE_STRIDE; start++)
        for (size_t i = start; i < j->count; i += FREE_STRIDE)
            if (!j->keep_some || i / nsizes % KEEP_EVERY != 0) T_FREE(j->ptrs[i]);
    return NULL;
}

static void idle_wait(void)
{
    struct timespec idle = {IDLE_WAIT_MS / 1000, (IDLE_WAIT_MS % 1000) * 1000000L};
    nanosleep(&idle, NULL);
}

/* Past a thread cache: blocks of a small size a thread has cached are served without a look at
 * the clock (in any allocator with thread caches; the stdio of t_rss_bytes caches some too), so
 * this many of them make sure a slow path runs. */
#define SMALL_ROUND 256
#define SMALL_MAX 1024

static void idle_then_allocate_once(void)
{
    idle_wait();
    /* The largest size of the set: the slow path of its tier, where the allocator looks at the
     * clock; a small one SMALL_ROUND times (128 KiB at most), then freed. */
    size_t n = sizes[0];
    for (size_t i = 1; i < nsizes; i++)
        if (sizes[i] > n) n = sizes[i];
    char *volatile p[SMALL_ROUND];
    size_t count = n <= SMALL_MAX ? SMALL_ROUND : 1;
    for (size_t i = 0; i < count; i++)
        if ((p[i] = T_MALLOC(n)) != NULL) p[i][0] = 1;
    for (size_t i = 0; i < count; i++)
        T_FREE(p[i]);
}

static int run_in_thread(void *(*fn)(void *), struct job *j)
{
    pthread_t t;
    if (pthread_create(&t, NULL, fn, j) != 0) return -1;
    return pthread_join(t, NULL);
}

static int measure(enum how_freed how, struct rss_report *out)
{
    if (cap_address_space() != 0) return 10;
    size_t cycle = 0;
    for (size_t i = 0; i < nsizes; i++)
        cycle += sizes[i];
    size_t count = (TOTAL_BYTES + cycle - 1) / cycle * nsizes;
    /* The pointer array comes from mmap and is resident before the baseline is taken. */
    void **ptrs = mmap(NULL, count * sizeof *ptrs, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (ptrs == MAP_FAILED) return 11;
    struct job j = {ptrs, count, 0, how == NINE_TENTHS_FREED};
    out->baseline = t_rss_bytes();
    if (how == FREED_BY_OTHER_THREAD_AFTER_OWNER_EXIT) {
        if (run_in_thread(allocate_all, &j) != 0) return 12;
    } else {
        allocate_all(&j);
    }
    if (j.failed) {
        fprintf(stderr, "allocation failed after %zu blocks\n", j.count);
        return 13;
    }
    out->peak = t_rss_bytes();
    out->blocks = j.count;
    if (how == FREED_BY_OTHER_THREAD_AFTER_OWNER_EXIT) {
        if (run_in_thread(free_all, &j) != 0) return 12;
    } else {
        free_all(&j);
    }
    idle_then_allocate_once();
    out->after = t_rss_bytes();
    out->live = 0;
    for (size_t i = 0; j.keep_some && i < j.count; i++)
        if (i / nsizes % KEEP_EVERY == 0) out->live += sizes[i % nsizes];
    return 0;
}

struct child_arg {
    enum how_freed how;
    const size_t *sizes;
    size_t nsizes;
    struct rss_report *report;
};

static int child(void *arg)
{
    struct child_arg *a = arg;
    sizes = a->sizes;
    nsizes = a->nsizes;
    return measure(a->how, a->report);
}

/* Zeroed memory the child writes its report into and the parent reads. */
static void *shared_report(size_t size)
{
    void *rep = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    assert_true(rep != MAP_FAILED);
    return rep;
}

/* Runs fn(arg) in a forked child; fails the case unless it exits 0 in time. */
static void run_child_or_fail(int (*fn)(void *), void *arg)
{
    t_child_result r;
    assert_int_equal(t_child_run(fn, arg, CHILD_TIMEOUT_S, &r), 0);
    if (r.timed_out || !r.exited || r.exit_code != 0)
        fail_msg("child %s %d; stderr:\n%s",
                 r.timed_out  ? "timed out"
                 : r.signaled ? "signal"
                              : "exit",
                 r.signaled ? r.sig : r.exit_code, r.err);
}

static void expect_rss_returns(enum how_freed how, const size_t *set, size_t nset)
{
    struct rss_report *rep = shared_report(sizeof *rep);
    struct child_arg a = {how, set, nset, rep};
    run_child_or_fail(child, &a);
    struct rss_report got = *rep;
    munmap(rep, sizeof *rep);
    size_t grown = got.peak - got.baseline;
    size_t kept = got.after > got.baseline ? got.after - got.baseline : 0;
    print_message("%zu blocks: RSS baseline %zu MiB, peak %zu MiB, after free %zu MiB "
                  "(%.1f%% of the increase kept)\n",
                  got.blocks, got.baseline >> 20, got.peak >> 20, got.after >> 20,
                  100.0 * (double)kept / (double)(grown ? grown : 1));
    if (grown < TOTAL_BYTES / 2)
        fail_msg("RSS grew by only %zu MiB for 1 GiB of blocks: the measurement is wrong",
                 grown >> 20);
    if (how == NINE_TENTHS_FREED) {
        print_message("live %zu MiB: RSS %.2fx the live bytes\n", got.live >> 20,
                      (double)kept / (double)got.live);
        if (kept > got.live + got.live / 10)
            fail_msg("RSS kept %zu MiB with %zu MiB live after the idle delay (limit live + 10%%)",
                     kept >> 20, got.live >> 20);
    } else if (kept * 10 > grown) {
        fail_msg("RSS kept %zu MiB of a %zu MiB increase after freeing everything (limit 10%%)",
                 kept >> 20, grown >> 20);
    }
}

/* An idle case of small blocks: one size; those whose address has (p >> stretch_shift) % 10
 * below freed_of_10 are freed; after the wait, one block of other_size. */
struct idle_case {
    size_t size;
    unsigned stretch_shift;
    unsigned freed_of_10;
    size_t other_size;
};

struct idle_report {
    size_t baseline, peak, before_wait, after;
    size_t live;
};

struct idle_arg {
    const struct idle_case *c;
    struct idle_report *report;
};

static int measure_idle(void *arg)
{
    const struct idle_case *c = ((struct idle_arg *)arg)->c;
    struct idle_report *out = ((struct idle_arg *)arg)->report;
    if (cap_address_space() != 0) return 10;
    size_t count = TOTAL_BYTES / c->size;
    void **ptrs = mmap(NULL, count * sizeof *ptrs, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (ptrs == MAP_FAILED) return 11;
    out->baseline = t_rss_bytes();
    for (size_t i = 0; i < count; i++) {
        char *p = T_MALLOC(c->size);
        if (p == NULL) return 13;
        memset(p, (int)i, c->size);
        ptrs[i] = p;
    }
    out->peak = t_rss_bytes();
    for (size_t i = 0; i < count; i++) {
        if (((uintptr_t)ptrs[i] >> c->stretch_shift) % 10 < c->freed_of_10)
            T_FREE(ptrs[i]);
        else
            out->live += T_USABLE_SIZE(ptrs[i]);
    }
    out->before_wait = t_rss_bytes();
    idle_wait();
    char *one = T_MALLOC(c->other_size);
    if (one == NULL) return 13;
    one[0] = 1;
    out->live += T_USABLE_SIZE(one);
    out->after = t_rss_bytes();
    return 0;
}

static void expect_idle_rss_near_live(const struct idle_case *c)
{
    struct idle_report *rep = shared_report(sizeof *rep);
    struct idle_arg a = {c, rep};
    run_child_or_fail(measure_idle, &a);
    struct idle_report got = *rep;
    munmap(rep, sizeof *rep);
    size_t resident = got.after > got.baseline ? got.after - got.baseline : 0;
    print_message("%zu-byte blocks, %u0%% freed: RSS +%zu MiB at the peak, +%zu MiB after the "
                  "frees, +%zu MiB after %d ms idle and one more malloc; live %zu MiB\n",
                  c->size, c->freed_of_10, (got.peak - got.baseline) >> 20,
                  (got.before_wait - got.baseline) >> 20, resident >> 20, IDLE_WAIT_MS,
                  got.live >> 20);
    if (got.peak - got.baseline < TOTAL_BYTES / 2)
        fail_msg("RSS grew by only %zu MiB for 1 GiB of blocks: the measurement is wrong",
                 (got.peak - got.baseline) >> 20);
    if (resident > got.live + got.live / 10)
        fail_msg("RSS is %zu MiB over the baseline after idling, for %zu MiB live (limit +10%%)",
                 resident >> 20, got.live >> 20);
}

#ifdef T_EXPECT_HAKMEM
static void allocator_under_test_is_hakmem(void **state)
{
    (void)state;
    assert_true(t_hakmem_is_active());
}
#endif

static void rss_drops_90_percent_after_freeing_1gib_of_small_blocks(void **state)
{
    (void)state;
    expect_rss_returns(FREED_BY_ALLOCATING_THREAD, small_sizes, COUNT(small_sizes));
}

static void rss_drops_90_percent_when_other_thread_frees_blocks_of_exited_thread(void **state)
{
    (void)state;
    expect_rss_returns(FREED_BY_OTHER_THREAD_AFTER_OWNER_EXIT, small_sizes, COUNT(small_sizes));
}

static void rss_drops_90_percent_after_freeing_1gib_of_page_runs(void **state)
{
    (void)state;
    expect_rss_returns(FREED_BY_ALLOCATING_THREAD, page_run_sizes, COUNT(page_run_sizes));
}

static void rss_drops_90_percent_when_other_thread_frees_page_runs(void **state)
{
    (void)state;
    expect_rss_returns(FREED_BY_OTHER_THREAD_AFTER_OWNER_EXIT, page_run_sizes,
                       COUNT(page_run_sizes));
}

static void rss_drops_90_percent_after_freeing_1gib_of_large_blocks(void **state)
{
    (void)state;
    expect_rss_returns(FREED_BY_ALLOCATING_THREAD, large_sizes, COUNT(large_sizes));
}

static void idle_rss_is_near_live_size_after_freeing_90_percent_of_page_runs(void **state)
{
    (void)state;
    expect_rss_returns(NINE_TENTHS_FREED, page_run_sizes, COUNT(page_run_sizes));
}

static void idle_rss_is_near_live_size_after_freeing_90_percent_of_large_blocks(void **state)
{
    (void)state;
    expect_rss_returns(NINE_TENTHS_FREED, large_sizes, COUNT(large_sizes));
}

static void idle_rss_falls_to_live_after_freeing_90_percent_of_tiny_blocks(void **state)
{
    (void)state;
    static const struct idle_case c = {64, 16, 9, 3000};
    expect_idle_rss_near_live(&c);
}

static void idle_rss_falls_to_live_after_freeing_40_percent_of_tiny_blocks(void **state)
{
    (void)state;
    static const struct idle_case c = {64, 16, 4, 3000};
    expect_idle_rss_near_live(&c);
}

static void idle_rss_falls_to_live_after_freeing_90_percent_of_mid_blocks(void **state)
{
    (void)state;
    static const struct idle_case c = {4096, 19, 9, 100};
    expect_idle_rss_near_live(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#ifdef T_EXPECT_HAKMEM
        cmocka_unit_test(allocator_under_test_is_hakmem),
#endif
        cmocka_unit_test(rss_drops_90_percent_after_freeing_1gib_of_small_blocks),
        cmocka_unit_test(rss_drops_90_percent_when_other_thread_frees_blocks_of_exited_thread),
        cmocka_unit_test(rss_drops_90_percent_after_freeing_1gib_of_page_runs),
        cmocka_unit_test(rss_drops_90_percent_when_other_thread_frees_page_runs),
        cmocka_unit_test(rss_drops_90_percent_after_freeing_1gib_of_large_blocks),
        cmocka_unit_test(idle_rss_is_near_live_size_after_freeing_90_percent_of_page_runs),
        cmocka_unit_test(idle_rss_is_near_live_size_after_freeing_90_percent_of_large_blocks),
        cmocka_unit_test(idle_rss_falls_to_live_after_freeing_90_percent_of_tiny_blocks),
        cmocka_unit_test(idle_rss_falls_to_live_after_freeing_40_percent_of_tiny_blocks),
        cmocka_unit_test(idle_rss_falls_to_live_after_freeing_90_percent_of_mid_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
