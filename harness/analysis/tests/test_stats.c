/* Known answers for harness/analysis/stats.c, hand-computed (the arithmetic is in the
 * comments). The rank tests and intervals are rank_shift's, checked against SciPy by
 * test_rank_shift_scipy.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>

#include "analysis/stats.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void median_of_odd_and_even_samples(void **state)
{
    (void)state;
    double odd[] = {10, 11, 9, 10, 12, 10, 30}; /* sorted 9 10 10 10 11 12 30 */
    double even[] = {3, 1, 4, 1, 5, 9, 2, 6};   /* sorted 1 1 2 3 4 5 6 9 */
    assert_float_equal(stats_median(odd, N(odd)), 10.0, 1e-12);
    assert_float_equal(stats_median(even, N(even)), 3.5, 1e-12);
    assert_true(isnan(stats_median(odd, 0)));
}

static void mad_is_scaled_median_absolute_deviation(void **state)
{
    (void)state;
    /* |x - 3.5| sorted: .5 .5 1.5 1.5 2.5 2.5 2.5 5.5 -> median 2.0 -> 2.0 * 1.4826 */
    double even[] = {3, 1, 4, 1, 5, 9, 2, 6};
    assert_float_equal(stats_mad(even, N(even)), 2.9652, 1e-12);
    /* |x - 10| sorted: 0 0 0 1 1 2 20 -> median 1 */
    double odd[] = {10, 11, 9, 10, 12, 10, 30};
    assert_float_equal(stats_mad(odd, N(odd)), 1.4826, 1e-12);
}

static void outlier_is_far_by_modified_z_score(void **state)
{
    (void)state;
    /* median 10, MAD 1.4826: 30 scores 20 / 1.4826 = 13.5 > 3.5; 12 scores 1.35 */
    double x[] = {10, 11, 9, 10, 12, 10, 30};
    int out[N(x)];
    assert_int_equal(stats_outliers(x, N(x), out), 1);
    for (size_t i = 0; i < N(x); i++)
        assert_int_equal(out[i], i == 6);
    /* |dev| would have to exceed 3.5 * 2.9652 = 10.4: none here */
    double even[] = {3, 1, 4, 1, 5, 9, 2, 6};
    assert_int_equal(stats_outliers(even, N(even), NULL), 0);
}

static void outliers_with_zero_mad_use_mean_absolute_deviation(void **state)
{
    (void)state;
    /* MAD 0; mean |dev| = 1/5, scale 0.2 * 1.253314 = 0.2507; 6 scores 3.99 > 3.5 */
    double x[] = {5, 5, 6, 5, 5};
    int out[N(x)];
    assert_int_equal(stats_outliers(x, N(x), out), 1);
    assert_int_equal(out[2], 1);
    double same[] = {7, 7, 7, 7};
    assert_int_equal(stats_outliers(same, N(same), NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(median_of_odd_and_even_samples),
        cmocka_unit_test(mad_is_scaled_median_absolute_deviation),
        cmocka_unit_test(outlier_is_far_by_modified_z_score),
        cmocka_unit_test(outliers_with_zero_mad_use_mean_absolute_deviation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
