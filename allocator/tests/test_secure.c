/* The mitigations of the hardened builds (allocator/README.md, "Hardening"), one test each;
 * every one fails on the default build (each misuse goes unnoticed there).
 *   -DT_SECURE_LEVEL=1 (HAKMEM_SECURE=1): encoded links, shuffled fresh blocks, guard pages,
 *                      misaligned frees
 *   -DT_SECURE_LEVEL=2 (HAKMEM_SECURE=2): also canaries, large blocks unmapped on free;
 *                      =3: also filled freed bytes (small blocks and page runs)
 * The misuses run in forked children, which must die with a message naming the block (or, for
 * the guard page, of SIGSEGV). Double and interior frees of small blocks: test_invalid_free's
 * secure flavor (level 3).
 * Layout known to these tests (allocator/README.md, "Map"): tiny slabs are 64 KiB and mid ones
 * 512 KiB, each aligned to its size; a free block's first word links it to the next one. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "t_alloc.h"

#define DEATH_TIMEOUT_S 20
#define TINY_SLAB ((uintptr_t)64 * 1024)
#define MID_SLAB ((uintptr_t)512 * 1024)
#define SECURE_FILL 0xdf /* HAK_SECURE_FILL */

/* The block a child names (a MAP_SHARED page, so the parent reads what the child wrote). */
static void *volatile *named;

/* Runs fn(&arg) in a child, which must abort with needle in its message, naming the pointer it
 * stored in *named. */
static void expect_abort_naming_named(int (*fn)(void *), size_t arg, const char *needle)
{
    t_child_result r;
    *named = NULL;
    assert_int_equal(t_child_run(fn, &arg, DEATH_TIMEOUT_S, &r), 0);
    t_assert_aborted_naming(&r, *named, needle);
}

static void allocator_under_test_is_hakmem(void **state)
{
    (void)state;
    assert_true(t_hakmem_is_active());
}

/* A write through a dangling pointer replaces a free block's link with an address the
 * attacker chose; the next malloc of that class would hand it out. */
static char forged_target[4096] __attribute__((aligned(64)));

static int forge_link_child(void *arg)
{
    size_t size = *(const size_t *)arg;
    void *a = T_MALLOC(size), *b = T_MALLOC(size);
    if (!a || !b) return 3;
    T_FREE(b);
    T_FREE(a); /* a is the head of its list, linked to b */
    *(void **)a = forged_target;
    *named = a;
    void *first = T_MALLOC(size);
    void *second = T_MALLOC(size);
    return first == a && second == (void *)forged_target ? 0 : 1;
}

static void overwritten_free_list_link_aborts_naming_block(void **state)
{
    (void)state;
    expect_abort_naming_named(forge_link_child, 48, "corrupted free-list link in block");
    expect_abort_naming_named(forge_link_child, 3000, "corrupted free-list link in block");
}

/* The link is not the plain next address, so reading a freed block leaks no heap address. */
static void free_list_links_are_not_plain_addresses(void **state)
{
    (void)state;
    for (size_t size = 16; size <= 4096; size *= 4) {
        void *a = T_MALLOC(size), *b = T_MALLOC(size);
        T_FREE(b);
        T_FREE(a);
        assert_true(*(void **)a != b);
        assert_ptr_equal(T_MALLOC(size), a);
        assert_ptr_equal(T_MALLOC(size), b);
        T_FREE(a);
        T_FREE(b);
    }
}

/* A pointer into a block that is not 16-byte aligned: the release build would cache it as a
 * block and hand it out, overlapping its neighbour. */
static int misaligned_free_child(void *arg)
{
    size_t off = *(const size_t *)arg;
    char *p = T_MALLOC(64);
    if (!p) return 3;
    *named = p + off;
    T_FREE(p + off);
    return 0;
}

static void misaligned_free_aborts_naming_pointer(void **state)
{
    (void)state;
    expect_abort_naming_named(misaligned_free_child, 1, "hakmem: free(): invalid pointer");
    expect_abort_naming_named(misaligned_free_child, 8, "hakmem: free(): invalid pointer");
}

#if T_SECURE_LEVEL >= 2
/* One byte written just past the requested size (flipped, so it surely differs from whatever
 * was there: a blind write hits the canary byte's value with a chance of 1/256). */
static int overflow_child(void *arg)
{
    size_t size = *(const size_t *)arg;
    unsigned char *p = T_MALLOC(size);
    if (!p) return 3;
    memset(p, 0x41, size);
    p[size] ^= 1;
    *named = p;
    T_FREE(p);
    return 0;
}

static void one_byte_overflow_is_caught_on_free(void **state)
{
    (void)state;
    static const size_t sizes[] = {0, 1, 13, 16, 24, 100, 1000, 1021, 1024, 3000, 8189};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        expect_abort_naming_named(overflow_child, sizes[i],
                                  "buffer overflow past the end of block");
}

#endif

/* Writing all the requested bytes (and a realloc in place) trips nothing. */
static void writes_within_the_requested_size_are_not_overflows(void **state)
{
    (void)state;
    for (size_t size = 0; size <= 8192; size += size < 64 ? 1 : 61) {
        unsigned char *p = T_MALLOC(size);
        assert_non_null(p);
        assert_true(T_USABLE_SIZE(p) >= size);
        memset(p, 0xff, T_USABLE_SIZE(p));
        p = T_REALLOC(p, size / 2 + 1);
        assert_non_null(p);
        memset(p, 0xff, size / 2 + 1);
        T_FREE(p);
    }
}

#if T_SECURE_LEVEL >= 3
static void freed_bytes_are_filled(void **state)
{
    (void)state;
    static const size_t sizes[] = {24, 200, 1000, 5000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = sizes[i];
        unsigned char *p = T_MALLOC(n);
        memset(p, 0x11, n);
        T_FREE(p);
        /* The first two words hold the free list's link and the freed tag. */
        for (size_t k = 2 * sizeof(void *); k < n; k++)
            if (p[k] != SECURE_FILL)
                fail_msg("size %zu: byte %zu is 0x%02x after free", n, k, p[k]);
    }
}

/* Level 3 fills freed page runs (8 KiB - 1 MiB) whole: nothing in them is metadata. */
static void freed_page_runs_are_filled(void **state)
{
    (void)state;
    static const size_t sizes[] = {16384, 65536, 300000, 1 << 20};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = sizes[i];
        unsigned char *p = T_MALLOC(n);
        assert_non_null(p);
        memset(p, 0x11, n);
        T_FREE(p);
        for (size_t k = 0; k < n; k++)
            if (p[k] != SECURE_FILL)
                fail_msg("size %zu: byte %zu is 0x%02x after free", n, k, p[k]);
    }
}
#endif

#if T_SECURE_LEVEL >= 2
/* A freed large block (above 1 MiB) is unmapped: a read through the dangling pointer faults. */
static int large_use_after_free_child(void *arg)
{
    size_t n = *(const size_t *)arg;
    volatile unsigned char *p = T_MALLOC(n);
    if (!p) return 3;
    p[0] = 1;
    p[n - 1] = 2;
    *named = (void *)p;
    T_FREE((void *)p);
    return p[n / 2] == 0x5a ? 4 : 0;
}

static void freed_large_blocks_are_unmapped(void **state)
{
    (void)state;
    static const size_t sizes[] = {(size_t)2 << 20, (size_t)5 << 20, (size_t)9 << 20};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        t_child_result r;
        assert_int_equal(
            t_child_run(large_use_after_free_child, (void *)&sizes[i], DEATH_TIMEOUT_S, &r), 0);
        if (!r.signaled || r.sig != SIGSEGV)
            fail_msg("size %zu: read after free: child %s %d, want SIGSEGV", sizes[i],
                     r.signaled ? "died of signal" : "exited with",
                     r.signaled ? r.sig : r.exit_code);
    }
}

/* A new large block never holds what a freed one held (each is a fresh mapping), also
 * through realloc's moves. */
static void new_large_blocks_hold_no_old_data(void **state)
{
    (void)state;
    for (int round = 0; round < 4; round++) {
        size_t n = ((size_t)3 << 20) + (size_t)round * 4096;
        unsigned char *p = T_MALLOC(n);
        assert_non_null(p);
        memset(p, 0x5a, n);
        p = T_REALLOC(p, 2 * n);
        assert_non_null(p);
        memset(p, 0x5a, 2 * n);
        T_FREE(p);
        unsigned char *q = T_MALLOC(2 * n);
        assert_non_null(q);
        for (size_t k = 0; k < 2 * n; k += 512)
            if (q[k] != 0) fail_msg("round %d: byte %zu of a new block is 0x%02x", round, k, q[k]);
        T_FREE(q);
    }
}
#endif

/* The blocks of a class nothing allocated yet come from a fresh slab (this test runs before
 * any other allocates that class). N: fewer than one refill batch, which the default build
 * carves in address order. */
static int fresh_order_child(void *arg)
{
    (void)arg;
    enum { N = 16 };
    char *p[N];
    for (int i = 0; i < N; i++)
        if (!(p[i] = T_MALLOC(700))) return 3;
    for (int i = 2; i < N; i++)
        if (p[i] - p[i - 1] != p[1] - p[0]) return 0; /* not carved in address order */
    return 1;
}

static void fresh_slab_blocks_come_in_random_order(void **state)
{
    (void)state;
    t_child_result r;
    assert_int_equal(t_child_run(fresh_order_child, NULL, DEATH_TIMEOUT_S, &r), 0);
    if (!r.exited || r.exit_code != 0)
        fail_msg("16 mallocs from a fresh slab: child %s %d (1: evenly spaced addresses)",
                 r.signaled ? "died of signal" : "exited with", r.signaled ? r.sig : r.exit_code);
}

struct slab_overrun {
    size_t size;
    uintptr_t slab;
};

/* A linear overflow from a block to the end of its slab. */
static int slab_overrun_child(void *arg)
{
    const struct slab_overrun *o = arg;
    char *p = T_MALLOC(o->size);
    if (!p) return 3;
    uintptr_t end = ((uintptr_t)p | (o->slab - 1)) + 1;
    *named = p; /* escapes: the writes cannot be dropped as dead */
    memset(p, 0x41, end - (uintptr_t)p);
    return 0;
}

static void expect_overrun_faults(size_t size, uintptr_t slab)
{
    struct slab_overrun o = {size, slab};
    t_child_result r;
    assert_int_equal(t_child_run(slab_overrun_child, &o, DEATH_TIMEOUT_S, &r), 0);
    if (!r.signaled || r.sig != SIGSEGV)
        fail_msg("size %zu: writing up to the slab end: child %s %d, want SIGSEGV", size,
                 r.signaled ? "died of signal" : "exited with", r.signaled ? r.sig : r.exit_code);
}

static void overflow_to_the_end_of_a_slab_hits_a_guard_page(void **state)
{
    (void)state;
    expect_overrun_faults(64, TINY_SLAB);
    expect_overrun_faults(5000, MID_SLAB);
}

int main(void)
{
    named = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (named == MAP_FAILED) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(allocator_under_test_is_hakmem),
        cmocka_unit_test(fresh_slab_blocks_come_in_random_order),
        cmocka_unit_test(overwritten_free_list_link_aborts_naming_block),
        cmocka_unit_test(free_list_links_are_not_plain_addresses),
        cmocka_unit_test(misaligned_free_aborts_naming_pointer),
#if T_SECURE_LEVEL >= 2
        cmocka_unit_test(one_byte_overflow_is_caught_on_free),
#endif
#if T_SECURE_LEVEL >= 2
        cmocka_unit_test(freed_large_blocks_are_unmapped),
        cmocka_unit_test(new_large_blocks_hold_no_old_data),
#endif
#if T_SECURE_LEVEL >= 3
        cmocka_unit_test(freed_bytes_are_filled),
        cmocka_unit_test(freed_page_runs_are_filled),
#endif
        cmocka_unit_test(writes_within_the_requested_size_are_not_overflows),
        cmocka_unit_test(overflow_to_the_end_of_a_slab_hits_a_guard_page),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
