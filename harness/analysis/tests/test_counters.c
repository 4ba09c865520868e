/* analysis/counters.c: counters as evidence. A change counts only beyond the spread of three
 * runs a side; a counter one build never counts is one-sided and ranked after the others. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/counters.h"

/* name, value, ops, is_b: three counters runs of A and three of B, 1000 operations each */
static const store_counter_value rows[] = {
    {"fast_path_hits", 0, 1000, 0, 1},   {"fast_path_hits", 0, 1000, 0, 2},
    {"fast_path_hits", 0, 1000, 0, 3},   {"fast_path_hits", 990, 1000, 1, 4},
    {"fast_path_hits", 995, 1000, 1, 5}, {"fast_path_hits", 999, 1000, 1, 6},
    {"refills", 10, 1000, 0, 1},         {"refills", 12, 1000, 0, 2},
    {"refills", 11, 1000, 0, 3},         {"refills", 400, 1000, 1, 4},
    {"refills", 410, 1000, 1, 5},        {"refills", 390, 1000, 1, 6},
    {"remote_frees", 10, 1000, 0, 1},    {"remote_frees", 30, 1000, 0, 2},
    {"remote_frees", 20, 1000, 0, 3},    {"remote_frees", 25, 1000, 1, 4},
    {"remote_frees", 40, 1000, 1, 5},    {"remote_frees", 35, 1000, 1, 6},
};

static void ranks_two_sided_changes_first_and_judges_the_spread(void **state)
{
    (void)state;
    counter_change *c = NULL;
    int n = counters_compare(rows, (int)(sizeof rows / sizeof *rows), &c);
    assert_int_equal(n, 3);
    assert_string_equal(c[0].name, "refills");
    assert_true(c[0].per_op && c[0].beyond_spread && !c[0].one_sided);
    assert_float_equal(c[0].a, 0.011, 1e-12);
    assert_float_equal(c[0].b_lo, 0.39, 1e-12);
    /* 20 -> 35 per 1000 is 1.75x, but the runs overlap (10..30 against 25..40) */
    assert_string_equal(c[1].name, "remote_frees");
    assert_false(c[1].beyond_spread);
    assert_string_equal(c[2].name, "fast_path_hits");
    assert_true(c[2].one_sided);
    assert_false(c[2].beyond_spread);
    free(c);
}

static void one_run_a_side_has_no_spread(void **state)
{
    (void)state;
    const store_counter_value two[] = {{"refills", 10, 1000, 0, 1}, {"refills", 400, 1000, 1, 2}};
    counter_change *c = NULL;
    assert_int_equal(counters_compare(two, 2, &c), 1);
    assert_false(c[0].beyond_spread);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ranks_two_sided_changes_first_and_judges_the_spread),
        cmocka_unit_test(one_run_a_side_has_no_spread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
