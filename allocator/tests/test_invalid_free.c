/* Frees hakmem must refuse. Each case runs in a forked child that must die of SIGABRT with a
 * message naming the pointer, rather than corrupt the heap, crash elsewhere or carry on:
 *   every build   a pointer hakmem never allocated -> "hakmem: free(): invalid pointer 0x...";
 *                 double and interior frees of page runs (8 KiB-1 MiB blocks), except a
 *                 double free by another thread of a run in the first thread's cache; a tiny
 *                 or mid block freed twice in a row by its thread (the thread cache's head)
 *   -DT_SECURE_LEVEL=2 or 3 (HAKMEM_SECURE=2 or 3): frees of interior pointers of tiny and
 *                 mid blocks and their double frees while the block is free (in another
 *                 thread's cache, on a remote list), also by another thread
 *   -DT_DEBUG_CHECKS (linked with the HAKMEM_BUILD_RELEASE=0 library): all of these in each
 *                 tier (large blocks too).
 * Valid frees must never trip the checks (the first case). */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "t_alloc.h"

#define MIB ((size_t)1 << 20)
#define DEATH_TIMEOUT_S 20

static const char invalid_msg[] = "hakmem: free(): invalid pointer 0x";

static int free_it(void *p)
{
    T_FREE(p);
    return 0;
}

static void expect_invalid_free(void *ptr)
{
    t_child_result r;
    assert_int_equal(t_child_run(free_it, ptr, DEATH_TIMEOUT_S, &r), 0);
    t_assert_aborted_naming(&r, ptr, invalid_msg);
}

#ifdef T_EXPECT_HAKMEM
static void allocator_under_test_is_hakmem(void **state)
{
    (void)state;
    assert_true(t_hakmem_is_active());
}
#endif

/* All tiers, plain and over-aligned blocks (which may start inside a larger underlying block),
 * freed in an order unlike allocation order: no check may fire on a valid free. */
static int valid_churn(void *arg)
{
    (void)arg;
    enum { N = 3000 };
    static void *blocks[N];
    uint64_t x = 88172645463325252u;
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < N; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            size_t n = i % 100 == 0  ? 300 * 1024 + x % MIB
                       : i % 10 == 0 ? 1025 + x % 60000
                                     : 1 + x % 1024;
            blocks[i] = T_MALLOC(n);
            if (blocks[i] == NULL) return 1;
            memset(blocks[i], 0x11, n);
        }
        for (int i = 0; i < N; i++) {
            int j = (int)((uint64_t)i * 7919 % N);
            T_FREE(blocks[j]);
        }
    }
    return 0;
}

static void valid_frees_in_every_tier_do_not_abort(void **state)
{
    (void)state;
    t_child_result r;
    assert_int_equal(t_child_run(valid_churn, NULL, DEATH_TIMEOUT_S, &r), 0);
    if (!r.exited || r.exit_code != 0)
        fail_msg("valid frees: child %s %d; stderr:\n%s", r.signaled ? "died of signal" : "exit",
                 r.signaled ? r.sig : r.exit_code, r.err);
}

static void free_of_stack_address_aborts_with_invalid_pointer(void **state)
{
    (void)state;
    char frame[256];
    memset(frame, 0, sizeof frame);
    expect_invalid_free(frame + 64);
}

static char static_array[64 * 1024];

static void free_of_static_array_address_aborts_with_invalid_pointer(void **state)
{
    (void)state;
    expect_invalid_free(static_array + 4096 + 48);
}

/* A 2 MiB-aligned region hakmem did not map: a mask lookup finds zeros, not a SuperSlab. */
static void free_of_foreign_mmap_address_aborts_with_invalid_pointer(void **state)
{
    (void)state;
    char *region = mmap(NULL, 6 * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(region != MAP_FAILED);
    char *aligned = (char *)(((uintptr_t)region + 2 * MIB - 1) & ~(uintptr_t)(2 * MIB - 1));
    memset(aligned, 0, 2 * MIB);
    expect_invalid_free(aligned + 64);
    expect_invalid_free(aligned + 64 * 1024);
    munmap(region, 6 * MIB);
}

/* Shared with the child (MAP_SHARED), which reports the pointer it passes to free. */
struct bad_free {
    size_t size;
    size_t offset;    /* interior offset; 0 = free the block twice */
    int first_remote; /* the first of the two frees happens in another thread */
    int bad_remote;   /* the faulty free happens in another thread */
    void *named;      /* the pointer handed to the faulty free */
};

static void *free_in_thread(void *p)
{
    T_FREE(p);
    return NULL;
}

static void free_from(void *p, int remote)
{
    pthread_t t;
    if (remote && pthread_create(&t, NULL, free_in_thread, p) == 0)
        pthread_join(t, NULL);
    else
        T_FREE(p);
}

static int bad_free_child(void *arg)
{
    struct bad_free *bf = arg;
    char *p = T_MALLOC(bf->size);
    if (p == NULL) return 3;
    memset(p, 0x22, bf->size);
    bf->named = p + bf->offset;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (bf->offset == 0) free_from(p, bf->first_remote);
    free_from(bf->named, bf->bad_remote);
    return 0;
}

static void expect_bad_free_aborts_from(size_t size, size_t offset, int first_remote,
                                        int bad_remote)
{
    struct bad_free *bf =
        mmap(NULL, sizeof *bf, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    assert_true(bf != MAP_FAILED);
    *bf = (struct bad_free){size, offset, first_remote, bad_remote, NULL};
    t_child_result r;
    assert_int_equal(t_child_run(bad_free_child, bf, DEATH_TIMEOUT_S, &r), 0);
    void *named = bf->named;
    munmap(bf, sizeof *bf);
    if (named == NULL)
        fail_msg("child failed before the bad free (exit %d, signal %d):\n%s", r.exit_code, r.sig,
                 r.err);
    t_assert_aborted_naming(&r, named, "hakmem");
}

static void expect_bad_free_aborts(size_t size, size_t offset)
{
    expect_bad_free_aborts_from(size, offset, 0, 0);
}

/* Page runs (8 KiB-1 MiB) know their live blocks, so every build catches these; a double
 * free by another thread while the block sits in the first thread's cache of small runs is
 * caught by debug builds only (they have no such cache). */
static void double_free_of_page_run_aborts_naming_pointer(void **state)
{
    (void)state;
    expect_bad_free_aborts(20000, 0);
    expect_bad_free_aborts(300 * 1024, 0);
    expect_bad_free_aborts_from(300 * 1024, 0, 0, 1);
    expect_bad_free_aborts_from(20000, 0, 1, 0);
}

static void interior_free_of_page_run_aborts_naming_pointer(void **state)
{
    (void)state;
    expect_bad_free_aborts(20000, 16);
    expect_bad_free_aborts(300 * 1024, 64 * 1024);
    expect_bad_free_aborts_from(300 * 1024, 4096, 0, 1);
}

/* Every build: the second free finds the block at the head of the thread cache's list. */
static void double_free_of_tiny_block_aborts_naming_pointer(void **state)
{
    (void)state;
    expect_bad_free_aborts(48, 0);
}

static void double_free_of_mid_block_aborts_naming_pointer(void **state)
{
    (void)state;
    expect_bad_free_aborts(5000, 0);
}

#if defined(T_DEBUG_CHECKS) || T_SECURE_LEVEL >= 2
/* The block sits in its owner's cache when another thread frees it again. */
static void small_double_free_by_other_thread_aborts_naming_pointer(void **state)
{
    (void)state;
    expect_bad_free_aborts_from(48, 0, 0, 1);
    expect_bad_free_aborts_from(5000, 0, 0, 1);
}

/* The block sits on its slab's remote-free queue when the owner frees it again. */
static void small_double_free_after_remote_free_aborts_naming_pointer(void **state)
{
    (void)state;
    expect_bad_free_aborts_from(48, 0, 1, 0);
    expect_bad_free_aborts_from(5000, 0, 1, 0);
}

static void interior_free_by_other_thread_aborts_naming_pointer(void **state)
{
    (void)state;
    expect_bad_free_aborts_from(256, 16, 0, 1);
}

static void interior_free_of_tiny_block_aborts_naming_pointer(void **state)
{
    (void)state;
    expect_bad_free_aborts(256, 16);
}

static void interior_free_of_mid_block_aborts_naming_pointer(void **state)
{
    (void)state;
    expect_bad_free_aborts(5000, 16);
}
#endif

#ifdef T_DEBUG_CHECKS
static void double_free_of_large_block_aborts_naming_pointer(void **state)
{
    (void)state;
    expect_bad_free_aborts(4 * MIB, 0);
}

static void big_double_free_by_other_thread_aborts_naming_pointer(void **state)
{
    (void)state;
    expect_bad_free_aborts_from(20000, 0, 0, 1);
    expect_bad_free_aborts_from(4 * MIB, 0, 0, 1);
}

static void big_double_free_after_remote_free_aborts_naming_pointer(void **state)
{
    (void)state;
    expect_bad_free_aborts_from(20000, 0, 1, 0);
    expect_bad_free_aborts_from(4 * MIB, 0, 1, 0);
}

static void interior_free_of_large_block_aborts_naming_pointer(void **state)
{
    (void)state;
    expect_bad_free_aborts(4 * MIB, 16);
}

static void page_aligned_interior_free_of_large_block_aborts_naming_pointer(void **state)
{
    (void)state;
    expect_bad_free_aborts(4 * MIB, 64 * 1024);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
#ifdef T_EXPECT_HAKMEM
        cmocka_unit_test(allocator_under_test_is_hakmem),
#endif
        cmocka_unit_test(valid_frees_in_every_tier_do_not_abort),
        cmocka_unit_test(free_of_stack_address_aborts_with_invalid_pointer),
        cmocka_unit_test(free_of_static_array_address_aborts_with_invalid_pointer),
        cmocka_unit_test(free_of_foreign_mmap_address_aborts_with_invalid_pointer),
        cmocka_unit_test(double_free_of_page_run_aborts_naming_pointer),
        cmocka_unit_test(interior_free_of_page_run_aborts_naming_pointer),
        cmocka_unit_test(double_free_of_tiny_block_aborts_naming_pointer),
        cmocka_unit_test(double_free_of_mid_block_aborts_naming_pointer),
#if defined(T_DEBUG_CHECKS) || T_SECURE_LEVEL >= 2
        cmocka_unit_test(small_double_free_by_other_thread_aborts_naming_pointer),
        cmocka_unit_test(small_double_free_after_remote_free_aborts_naming_pointer),
        cmocka_unit_test(interior_free_by_other_thread_aborts_naming_pointer),
        cmocka_unit_test(interior_free_of_tiny_block_aborts_naming_pointer),
        cmocka_unit_test(interior_free_of_mid_block_aborts_naming_pointer),
#endif
#ifdef T_DEBUG_CHECKS
        cmocka_unit_test(double_free_of_large_block_aborts_naming_pointer),
        cmocka_unit_test(big_double_free_by_other_thread_aborts_naming_pointer),
        cmocka_unit_test(big_double_free_after_remote_free_aborts_naming_pointer),
        cmocka_unit_test(interior_free_of_large_block_aborts_naming_pointer),
        cmocka_unit_test(page_aligned_interior_free_of_large_block_aborts_naming_pointer),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
