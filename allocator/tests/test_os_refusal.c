/* The OS refusing memory: each case runs in a forked child whose address space is capped
 * (RLIMIT_AS = what it uses now + HEADROOM), so mmap fails for real. Allocation must then return
 * NULL with errno ENOMEM (posix_memalign: return ENOMEM), leave existing blocks intact, never
 * crash, and work again once memory has been freed. */
#include <errno.h>
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

#define MIB ((size_t)1 << 20)
#define HEADROOM (96 * MIB)
#define CHILD_TIMEOUT_S 60

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fprintf(stderr, "\n");                                                                 \
            return 1;                                                                              \
        }                                                                                          \
    } while (0)

static int cap_address_space(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long pages = 0;
    if (f == NULL || fscanf(f, "%lu", &pages) != 1) return -1;
    fclose(f);
    rlim_t cap = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + HEADROOM;
    struct rlimit rl = {cap, cap};
    return setrlimit(RLIMIT_AS, &rl);
}

static void run_capped(int (*fn)(void *))
{
    t_child_result r;
    assert_int_equal(t_child_run(fn, NULL, CHILD_TIMEOUT_S, &r), 0);
    if (r.timed_out) fail_msg("child hung under the memory cap; stderr:\n%s", r.err);
    if (!r.exited || r.exit_code != 0)
        fail_msg("child %s %d under the memory cap; stderr:\n%s",
                 r.signaled ? "died of signal" : "exited with", r.signaled ? r.sig : r.exit_code,
                 r.err);
}

#ifdef T_EXPECT_HAKMEM
static void allocator_under_test_is_hakmem(void **state)
{
    (void)state;
    assert_true(t_hakmem_is_active());
}
#endif

static int large_malloc_child(void *arg)
{
    (void)arg;
    CHECK(cap_address_space() == 0, "setrlimit failed");
    static const size_t sizes[] = {4 * HEADROOM, 2 * HEADROOM, HEADROOM + MIB};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        errno = 0;
        void *p = T_MALLOC(sizes[i]);
        CHECK(p == NULL, "malloc(%zu) beyond the cap returned %p", sizes[i], p);
        CHECK(errno == ENOMEM, "malloc(%zu): errno %d, want ENOMEM", sizes[i], errno);
    }
    void *small = T_MALLOC(64);
    CHECK(small != NULL, "malloc(64) failed after refused large requests");
    T_FREE(small);
    return 0;
}

static void large_malloc_beyond_cap_fails_with_enomem(void **state)
{
    (void)state;
    run_capped(large_malloc_child);
}

/* Allocates blocks of one size until the allocator says no, chaining them through their first
 * word; checks the refusal, frees everything, and allocates again. */
static int exhaust_size(size_t size)
{
    CHECK(cap_address_space() == 0, "setrlimit failed");
    void *head = NULL;
    size_t count = 0;
    size_t limit = 4 * HEADROOM / size + 1000;
    for (;;) {
        errno = 0;
        void **p = T_MALLOC(size);
        if (p == NULL) break;
        *p = head;
        head = p;
        CHECK(++count < limit, "size %zu: %zu blocks allocated, more than the cap allows", size,
              count);
    }
    CHECK(errno == ENOMEM, "size %zu: NULL after %zu blocks with errno %d, want ENOMEM", size,
          count, errno);
    CHECK(count > 0, "size %zu: not even one block under the cap", size);
    while (head != NULL) {
        void *next = *(void **)head;
        T_FREE(head);
        head = next;
    }
    for (int i = 0; i < 100; i++) {
        void *p = T_MALLOC(size);
        CHECK(p != NULL, "size %zu: malloc failed after freeing everything", size);
        T_FREE(p);
    }
    return 0;
}

static int exhaust_tiny_child(void *arg)
{
    (void)arg;
    return exhaust_size(48);
}

static int exhaust_mid_child(void *arg)
{
    (void)arg;
    return exhaust_size(48 * 1024);
}

static int exhaust_large_child(void *arg)
{
    (void)arg;
    return exhaust_size(MIB);
}

static void exhausting_tiny_blocks_fails_with_enomem_then_recovers(void **state)
{
    (void)state;
    run_capped(exhaust_tiny_child);
}

static void exhausting_mid_blocks_fails_with_enomem_then_recovers(void **state)
{
    (void)state;
    run_capped(exhaust_mid_child);
}

static void exhausting_large_blocks_fails_with_enomem_then_recovers(void **state)
{
    (void)state;
    run_capped(exhaust_large_child);
}

static int calloc_child(void *arg)
{
    (void)arg;
    CHECK(cap_address_space() == 0, "setrlimit failed");
    errno = 0;
    void *p = T_CALLOC(2 * HEADROOM / 16, 16);
    CHECK(p == NULL && errno == ENOMEM, "calloc beyond the cap: %p errno %d", p, errno);
    return 0;
}

static void calloc_beyond_cap_fails_with_enomem(void **state)
{
    (void)state;
    run_capped(calloc_child);
}

static int realloc_child(void *arg)
{
    (void)arg;
    /* Called through a pointer: the compiler would otherwise assume the failed call freed p. */
    void *(*volatile realloc_fn)(void *, size_t) = T_REALLOC;
    CHECK(cap_address_space() == 0, "setrlimit failed");
    static const size_t from[] = {100, 8000, 2 * MIB};
    for (size_t i = 0; i < sizeof from / sizeof from[0]; i++) {
        unsigned char *p = T_MALLOC(from[i]);
        CHECK(p != NULL, "malloc(%zu) failed under the cap", from[i]);
        t_pattern_fill(p, from[i], 9, from[i], i);
        errno = 0;
        void *q = realloc_fn(p, 2 * HEADROOM);
        CHECK(q == NULL && errno == ENOMEM, "realloc(%zu -> beyond the cap): %p errno %d", from[i],
              q, errno);
        CHECK(t_pattern_check(p, from[i], 9, from[i], i) == (size_t)-1,
              "realloc failure damaged the original %zu-byte block", from[i]);
        T_FREE(p);
    }
    return 0;
}

static void realloc_beyond_cap_fails_with_enomem_and_keeps_block(void **state)
{
    (void)state;
    run_capped(realloc_child);
}

static int aligned_child(void *arg)
{
    (void)arg;
    CHECK(cap_address_space() == 0, "setrlimit failed");
    void *p = NULL;
    int rc = T_POSIX_MEMALIGN(&p, 4096, 2 * HEADROOM);
    CHECK(rc == ENOMEM, "posix_memalign beyond the cap returned %d, want ENOMEM", rc);
    errno = 0;
    p = T_ALIGNED_ALLOC(MIB, 2 * HEADROOM);
    CHECK(p == NULL && errno == ENOMEM, "aligned_alloc beyond the cap: %p errno %d", p, errno);
    errno = 0;
    p = T_MEMALIGN(64, 2 * HEADROOM);
    CHECK(p == NULL && errno == ENOMEM, "memalign beyond the cap: %p errno %d", p, errno);
    return 0;
}

static void aligned_allocs_beyond_cap_fail_with_enomem(void **state)
{
    (void)state;
    run_capped(aligned_child);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#ifdef T_EXPECT_HAKMEM
        cmocka_unit_test(allocator_under_test_is_hakmem),
#endif
        cmocka_unit_test(large_malloc_beyond_cap_fails_with_enomem),
        cmocka_unit_test(exhausting_tiny_blocks_fails_with_enomem_then_recovers),
        cmocka_unit_test(exhausting_mid_blocks_fails_with_enomem_then_recovers),
        cmocka_unit_test(exhausting_large_blocks_fails_with_enomem_then_recovers),
        cmocka_unit_test(calloc_beyond_cap_fails_with_enomem),
        cmocka_unit_test(realloc_beyond_cap_fails_with_enomem_and_keeps_block),
        cmocka_unit_test(aligned_allocs_beyond_cap_fail_with_enomem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
