/* The decision procedure (harness/analysis/procedure.c): spending, Holm levels, verdicts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>

#include "analysis/procedure.h"

static void each_look_tests_at_an_equal_share_of_alpha(void **state)
{
    (void)state;
    procedure p = {.looks = 3, .runs_per_look = 10, .alpha = 0.05, .delta = 0.02, .family = 1};
    double sum = 0;
    for (int k = 1; k <= 3; k++) {
        assert_float_equal(procedure_look_alpha(&p, k), 0.05 / 3, 1e-15);
        sum += procedure_look_alpha(&p, k);
    }
    assert_float_equal(sum, 0.05, 1e-15);
    assert_float_equal(procedure_look_alpha(&p, 0), 0, 0);
    assert_float_equal(procedure_look_alpha(&p, 4), 0, 0);
    procedure one = {.looks = 1, .runs_per_look = 20, .alpha = 0.05, .delta = 0.02, .family = 1};
    assert_float_equal(procedure_look_alpha(&one, 1), 0.05, 1e-15);
    assert_int_equal(procedure_blocks_at(&p, 2), 20);
    assert_int_equal(procedure_blocks_at(&p, 0), 0);
}

static void holm_steps_down_and_stops_at_the_first_kept_null(void **state)
{
    (void)state;
    /* m = 4, alpha 0.05: sorted p 0.001 (<= .0125), 0.01 (<= .01667), 0.04 (> .025): stop at
     * level 0.025 for it and for 0.30. */
    double p[] = {0.04, 0.001, 0.30, 0.01};
    double level[4];
    procedure_holm_levels(p, 4, 1, 0.05, level);
    assert_float_equal(level[1], 0.0125, 1e-15);
    assert_float_equal(level[3], 0.05 / 3, 1e-15);
    assert_float_equal(level[0], 0.025, 1e-15);
    assert_float_equal(level[2], 0.025, 1e-15);
    for (int i = 0; i < 4; i++)
        assert_int_equal(p[i] <= level[i], i == 1 || i == 3);
}

static void holm_with_one_workload_is_the_plain_level(void **state)
{
    (void)state;
    double p[] = {0.2}, level[1];
    procedure_holm_levels(p, 1, 1, 0.05, level);
    assert_float_equal(level[0], 0.05, 0);
}

static void holm_family_pads_with_absent_members(void **state)
{
    (void)state;
    /* One workload judged as one of 5: its level is alpha / 5, as if it ranked first. */
    double p[] = {0.004}, level[1];
    procedure_holm_levels(p, 1, 5, 0.05, level);
    assert_float_equal(level[0], 0.01, 1e-15);
    double two[] = {0.3, 0.001}, lv[2];
    procedure_holm_levels(two, 2, 5, 0.05, lv);
    assert_float_equal(lv[1], 0.01, 1e-15);
    assert_float_equal(lv[0], 0.0125, 1e-15); /* rank 2 of 5, not rejected */
}

static rank_shift shift(double est, double lo, double hi)
{
    return (rank_shift){
        .n = 10, .estimate = log1p(est), .lo = log1p(lo), .hi = log1p(hi), .level = 0.95, .p = 0.5};
}

static void verdicts_follow_interval_and_delta(void **state)
{
    (void)state;
    rank_shift s;
    s = shift(-0.05, -0.07, -0.03);
    assert_int_equal(procedure_verdict(&s, 0.02, 0), VERDICT_REGRESSION);
    s = shift(0.05, 0.01, 0.09); /* excludes 0, estimate beyond delta */
    assert_int_equal(procedure_verdict(&s, 0.02, 0), VERDICT_IMPROVEMENT);
    s = shift(0.002, -0.01, 0.012);
    assert_int_equal(procedure_verdict(&s, 0.02, 0), VERDICT_EQUIVALENT);
    s = shift(0.008, 0.004, 0.012);
    assert_int_equal(procedure_verdict(&s, 0.02, 0), VERDICT_CHANGED_BELOW_DELTA);
    s = shift(0.01, -0.01, 0.04); /* contains 0 and reaches past delta */
    assert_int_equal(procedure_verdict(&s, 0.02, 0), VERDICT_INCONCLUSIVE);
    s = shift(-0.01, -0.03, -0.002); /* a change, but of unknown size: more runs would tell */
    assert_int_equal(procedure_verdict(&s, 0.02, 0), VERDICT_INCONCLUSIVE);
    s = shift(-0.05, -0.07, -0.03);
    assert_int_equal(procedure_verdict(&s, 0.02, 1), VERDICT_FAILED);
    rank_shift none = {.estimate = NAN, .lo = -INFINITY, .hi = INFINITY};
    assert_int_equal(procedure_verdict(&none, 0.02, 0), VERDICT_INCONCLUSIVE);
}

static void verdict_names_round_trip(void **state)
{
    (void)state;
    for (int v = VERDICT_EQUIVALENT; v <= VERDICT_FAILED; v++)
        assert_int_equal(verdict_parse(verdict_name((verdict_t)v)), v);
    assert_int_equal(verdict_parse("bogus"), -1);
    assert_true(verdict_is_change(VERDICT_REGRESSION) && verdict_is_change(VERDICT_IMPROVEMENT));
    assert_false(verdict_is_change(VERDICT_CHANGED_BELOW_DELTA));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_look_tests_at_an_equal_share_of_alpha),
        cmocka_unit_test(holm_steps_down_and_stops_at_the_first_kept_null),
        cmocka_unit_test(holm_with_one_workload_is_the_plain_level),
        cmocka_unit_test(holm_family_pads_with_absent_members),
        cmocka_unit_test(verdicts_follow_interval_and_delta),
        cmocka_unit_test(verdict_names_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
