/* The address map (allocator/src/segmap.h) in every part of a 57-bit address space: the flat
 * part below 2^47 and the leaves above it (arm64 with 52-bit addresses, x86-64 with 5-level
 * paging). Driven directly, with fabricated addresses (the map only records them; nothing is
 * dereferenced), and with a real mapping above 2^47 when the kernel hands one out (a hint
 * above 2^47 is honoured only with 5-level paging; the case is skipped otherwise). A free of
 * an address hakmem never mapped, high or low, aborts naming it.
 * Built against the release library with the allocator's internal headers (flavor unit). */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "segmap.h"
#include "t_alloc.h"

#define MIB ((uintptr_t)1 << 20)
#define BIT(n) ((uintptr_t)1 << (n))
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* 2 MiB-aligned addresses across the space: low, the 47-bit edge, arm64's 48-bit top, a leaf
 * edge (leaves cover 2^40), 52-bit, 5-level paging's top. */
static const uintptr_t fabricated[] = {
    BIT(40), BIT(47) - 8 * MIB, BIT(47), BIT(47) + 2 * MIB,  BIT(48) - 2 * MIB,
    BIT(48), BIT(52) - 6 * MIB, BIT(52), BIT(56) + 10 * MIB, BIT(57) - 6 * MIB,
};

static unsigned kind_at(uintptr_t a)
{
    return hak_segmap_kind((const void *)a);
}

static void marks_and_clears_every_part_of_a_57_bit_space(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(fabricated); i++) {
        uintptr_t a = fabricated[i];
        for (uintptr_t x = a - 2 * MIB; x < a + 8 * MIB; x += 2 * MIB)
            if (kind_at(x) != HAK_SEG_NONE) fail_msg("%#lx is marked before the test", x);
        assert_true(hak_segmap_set((void *)a, 6 * MIB, HAK_SEG_SPAN));
        for (uintptr_t off = 0; off < 6 * MIB; off += MIB / 2)
            if (kind_at(a + off + 17) != HAK_SEG_SPAN)
                fail_msg("%#lx + %#lx: kind %u, want span", a, off + 17, kind_at(a + off + 17));
        if (kind_at(a - 1) != HAK_SEG_NONE || kind_at(a + 6 * MIB) != HAK_SEG_NONE)
            fail_msg("%#lx: the neighbours of a 6 MiB range are marked", a);
        assert_true(hak_segmap_set((void *)a, 6 * MIB, HAK_SEG_NONE));
        for (uintptr_t off = 0; off < 6 * MIB; off += 2 * MIB)
            if (kind_at(a + off) != HAK_SEG_NONE) fail_msg("%#lx: not cleared", a + off);
    }
}

static void a_range_across_a_leaf_edge_is_marked_in_both_leaves(void **state)
{
    (void)state;
    uintptr_t edge = BIT(50);
    assert_true(hak_segmap_set((void *)(edge - 4 * MIB), 8 * MIB, HAK_SEG_LARGE));
    assert_int_equal(kind_at(edge - 4 * MIB), HAK_SEG_LARGE);
    assert_int_equal(kind_at(edge - 1), HAK_SEG_LARGE);
    assert_int_equal(kind_at(edge), HAK_SEG_LARGE);
    assert_int_equal(kind_at(edge + 4 * MIB - 1), HAK_SEG_LARGE);
    assert_int_equal(kind_at(edge + 4 * MIB), HAK_SEG_NONE);
    assert_true(hak_segmap_set((void *)(edge - 4 * MIB), 8 * MIB, HAK_SEG_NONE));
    assert_int_equal(kind_at(edge), HAK_SEG_NONE);
}

static void addresses_from_2_pow_57_are_never_ours(void **state)
{
    (void)state;
    static const uintptr_t beyond[] = {BIT(57), BIT(60), UINTPTR_MAX & ~(2 * MIB - 1)};
    for (size_t i = 0; i < COUNT(beyond); i++) {
        assert_false(hak_segmap_set((void *)beyond[i], 2 * MIB, HAK_SEG_SUPERSLAB));
        assert_int_equal(kind_at(beyond[i]), HAK_SEG_NONE);
        assert_true(hak_segmap_set((void *)beyond[i], 2 * MIB, HAK_SEG_NONE));
    }
    /* A range that would reach 2^57 marks nothing. */
    assert_false(hak_segmap_set((void *)(BIT(57) - 2 * MIB), 4 * MIB, HAK_SEG_SPAN));
    assert_int_equal(kind_at(BIT(57) - 2 * MIB), HAK_SEG_NONE);
}

static void clearing_a_high_range_without_a_leaf_works(void **state)
{
    (void)state;
    assert_true(hak_segmap_set((void *)(BIT(55) + 64 * MIB), 4 * MIB, HAK_SEG_NONE));
    assert_int_equal(kind_at(BIT(55) + 64 * MIB), HAK_SEG_NONE);
}

static void a_real_mapping_above_2_pow_47_is_found(void **state)
{
    (void)state;
    size_t len = 4 * MIB;
    void *hint = (void *)BIT(50);
    uint8_t *p = mmap(hint, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(p != MAP_FAILED);
    if ((uintptr_t)p < BIT(47)) {
        munmap(p, len);
        print_message("the kernel gave %p for a hint at 2^50 (4-level paging)\n", (void *)p);
        skip();
    }
    uint8_t *a = (uint8_t *)(((uintptr_t)p + 2 * MIB - 1) & ~(2 * MIB - 1));
    memset(a, 0x5a, 2 * MIB); /* a + 2 MiB lies inside the 4 MiB mapping */
    assert_true(hak_segmap_set(a, 2 * MIB, HAK_SEG_SUPERSLAB));
    assert_int_equal(hak_segmap_kind(a + 12345), HAK_SEG_SUPERSLAB);
    assert_true(hak_segmap_set(a, 2 * MIB, HAK_SEG_NONE));
    assert_int_equal(hak_segmap_kind(a), HAK_SEG_NONE);
    munmap(p, len);
}

static int free_it(void *p)
{
    free(p);
    return 0;
}

static void free_of_an_unmapped_high_address_aborts_naming_it(void **state)
{
    (void)state;
    static const uintptr_t addrs[] = {BIT(47) + 4096, BIT(52) + 64, BIT(57) + 64};
    for (size_t i = 0; i < COUNT(addrs); i++) {
        t_child_result r;
        assert_int_equal(t_child_run(free_it, (void *)addrs[i], 20, &r), 0);
        if (!r.signaled || r.sig != SIGABRT || !strstr(r.err, "invalid pointer") ||
            !t_text_names_pointer(r.err, (void *)addrs[i]))
            fail_msg("free(%#lx): signal %d, stderr:\n%s", addrs[i], r.sig, r.err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(marks_and_clears_every_part_of_a_57_bit_space),
        cmocka_unit_test(a_range_across_a_leaf_edge_is_marked_in_both_leaves),
        cmocka_unit_test(addresses_from_2_pow_57_are_never_ours),
        cmocka_unit_test(clearing_a_high_range_without_a_leaf_works),
        cmocka_unit_test(a_real_mapping_above_2_pow_47_is_found),
        cmocka_unit_test(free_of_an_unmapped_high_address_aborts_naming_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
