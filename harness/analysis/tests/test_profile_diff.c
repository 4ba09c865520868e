/* analysis/profile_diff.c on two small profiles: B spends a third of its samples in an inline
 * spin inside hak_malloc. Functions are symbols with their inline frames named, ordered by
 * |change|; the top grower, the chain into the spin and the tree's inclusive shares follow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "analysis/profile_diff.h"

static store_stack a_stacks[] = {
    {"main;hak_malloc", 30},
    {"main;hak_free", 30},
    {"main;work_[i]", 40},
};
static store_stack b_stacks[] = {
    {"main;hak_malloc", 10},
    {"main;hak_malloc;hak_fault_on_malloc_[i];hak_spin_[i]", 20},
    {"main;hak_free", 10},
    {"main;work_[i]", 20},
};

static void diff_of_the_two(profile_diff *d)
{
    store_profile a = {.tool = "perf", .total = 100, .stacks = a_stacks, .nstacks = 3};
    store_profile b = {.tool = "perf", .total = 60, .stacks = b_stacks, .nstacks = 4};
    assert_int_equal(profile_diff_build(&a, &b, d), 0);
}

static void functions_are_symbols_with_their_inline_frames(void **state)
{
    (void)state;
    profile_diff d;
    diff_of_the_two(&d);
    assert_false(d.per_op);
    /* hak_malloc 30% -> 50% (its spin inside), hak_free 30% -> 16.7%, main 40% -> 33.3% */
    assert_string_equal(d.functions[0].name, "hak_malloc");
    assert_float_equal(d.functions[0].a, 0.30, 1e-9);
    assert_float_equal(d.functions[0].b, 0.50, 1e-9);
    assert_int_equal(d.functions[0].ninlines, 1); /* only frames that end a stack cost */
    assert_string_equal(d.functions[0].inlines[0].name, "hak_spin_[i]");
    assert_float_equal(d.functions[0].inlines[0].change, 20.0 / 60, 1e-9);
    assert_string_equal(d.functions[1].name, "hak_free");
    assert_string_equal(d.functions[2].name, "main"); /* work_[i] is inline in main */
    assert_ptr_equal(profile_top_grower(&d), &d.functions[0]);
    profile_diff_free(&d);
}

static void the_chain_that_gained_most_ends_in_the_spin(void **state)
{
    (void)state;
    profile_diff d;
    diff_of_the_two(&d);
    assert_true(d.nchains >= 1);
    const profile_chain *c = &d.chains[0];
    assert_int_equal(c->nframes, 4);
    assert_string_equal(c->frames[0], "main");
    assert_string_equal(c->frames[1], "hak_malloc");
    assert_string_equal(c->frames[3], "hak_spin_[i]");
    assert_float_equal(c->b - c->a, 20.0 / 60, 1e-9);
    profile_diff_free(&d);
}

static void the_tree_holds_both_sides_inclusive(void **state)
{
    (void)state;
    profile_diff d;
    diff_of_the_two(&d);
    const profile_node *root = &d.nodes[d.first_root];
    assert_string_equal(root->name, "main");
    assert_int_equal(root->next_sibling, -1);
    assert_float_equal(root->a, 1.0, 1e-9);
    assert_float_equal(root->b, 1.0, 1e-9);
    /* children in name order: hak_free, hak_malloc, work_[i] */
    const profile_node *c = &d.nodes[root->first_child];
    assert_string_equal(c->name, "hak_free");
    c = &d.nodes[c->next_sibling];
    assert_string_equal(c->name, "hak_malloc");
    assert_float_equal(c->b, 30.0 / 60, 1e-9);
    profile_diff_free(&d);
}

static void callgrind_compares_per_operation(void **state)
{
    (void)state;
    store_stack sa[] = {{"hak_malloc", 1200}}, sb[] = {{"hak_malloc", 2100}};
    store_profile a = {.tool = "callgrind", .ops = 100, .total = 1200, .stacks = sa, .nstacks = 1};
    store_profile b = {.tool = "callgrind", .ops = 100, .total = 2100, .stacks = sb, .nstacks = 1};
    profile_diff d;
    assert_int_equal(profile_diff_build(&a, &b, &d), 0);
    assert_true(d.per_op);
    assert_float_equal(d.functions[0].a, 12, 1e-9);
    assert_float_equal(d.functions[0].change, 9, 1e-9);
    profile_diff_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(functions_are_symbols_with_their_inline_frames),
        cmocka_unit_test(the_chain_that_gained_most_ends_in_the_spin),
        cmocka_unit_test(the_tree_holds_both_sides_inclusive),
        cmocka_unit_test(callgrind_compares_per_operation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
