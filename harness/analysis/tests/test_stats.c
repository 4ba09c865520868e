/* Known answers for harness/analysis/stats.c. Small samples are hand-computed (the arithmetic is in
 * the comments); p-values are SciPy 1.10.1's (Debian python3-scipy 1.10.1-2), computed with
 * scipy.stats.wilcoxon(x, y, zero_method='wilcox', correction=True, method=...) and
 * scipy.stats.mannwhitneyu(x, y, alternative='two-sided', use_continuity=True, method=...). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>

#include "analysis/stats.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define P_TOL 1e-9

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

static void bootstrap_is_deterministic_for_a_seed(void **state)
{
    (void)state;
    double a[] = {101, 97, 120, 88, 104, 99, 93, 110, 102, 95};
    double b[] = {96, 99, 112, 90, 98, 91, 97, 100, 93, 94};
    double lo1, hi1, lo2, hi2, lo3, hi3;
    stats_bootstrap_ratio_ci(a, N(a), b, N(b), 1, 2000, 0.95, 42, &lo1, &hi1);
    stats_bootstrap_ratio_ci(a, N(a), b, N(b), 1, 2000, 0.95, 42, &lo2, &hi2);
    stats_bootstrap_ratio_ci(a, N(a), b, N(b), 1, 2000, 0.95, 43, &lo3, &hi3);
    assert_true(lo1 == lo2 && hi1 == hi2);
    assert_true(lo1 != lo3 || hi1 != hi3);
    assert_true(lo1 < hi1);
}

static void paired_bootstrap_of_a_constant_ratio_is_that_ratio(void **state)
{
    (void)state;
    /* b = 1.1 a pair by pair: every resample's median(b*) / median(a*) is 1.1 */
    double a[] = {101, 97, 120, 88, 104, 99, 93, 110, 102, 95, 131, 84};
    double b[N(a)];
    for (size_t i = 0; i < N(a); i++)
        b[i] = 1.1 * a[i];
    double lo, hi;
    stats_bootstrap_ratio_ci(a, N(a), b, N(b), 1, 2000, 0.95, 7, &lo, &hi);
    assert_float_equal(lo, 1.1, 1e-12);
    assert_float_equal(hi, 1.1, 1e-12);
}

static void unpaired_bootstrap_brackets_the_sample_ratio(void **state)
{
    (void)state;
    double a[] = {100, 96, 104, 99, 101, 95, 103, 98, 102, 97, 105};
    double b[] = {149, 157, 150, 144, 153, 146, 151, 148, 155, 147};
    double lo, hi;
    stats_bootstrap_ratio_ci(a, N(a), b, N(b), 0, 2000, 0.95, 1, &lo, &hi);
    double ratio = stats_median(b, N(b)) / stats_median(a, N(a));
    assert_true(lo < ratio && ratio < hi);
    assert_true(lo > 1.4 && hi < 1.6);
}

/* The fraction of 95% intervals that contain the true ratio (1: both samples come from the same
 * distribution) over many simulated data sets must be near 95%. */
static uint64_t lcg_next(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 11;
}

static double noisy_value(uint64_t *s)
{
    /* sum of three uniforms: a bell around 100 with +-30% tails, like this machine's noise */
    double u = 0;
    for (int k = 0; k < 3; k++)
        u += (double)lcg_next(s) * 0x1p-53;
    return 100 * (1 + 0.2 * (u - 1.5));
}

static void bootstrap_interval_covers_about_95_percent(void **state)
{
    (void)state;
    enum { SETS = 300, NS = 15 };
    uint64_t s = 12345;
    int covered = 0;
    for (int k = 0; k < SETS; k++) {
        double a[NS], b[NS], lo, hi;
        for (int i = 0; i < NS; i++) {
            a[i] = noisy_value(&s);
            b[i] = noisy_value(&s);
        }
        stats_bootstrap_ratio_ci(a, NS, b, NS, 1, 2000, 0.95, (uint64_t)k, &lo, &hi);
        covered += lo <= 1.0 && 1.0 <= hi;
    }
    double coverage = (double)covered / SETS;
    assert_true(coverage >= 0.88 && coverage <= 0.99);
}

static void wilcoxon_exact_without_ties(void **state)
{
    (void)state;
    /* differences .5 1.1 -.2 1.4 1.9 .6 2.3 2.5: scipy method='exact' -> 0.015625 (= 4/256) */
    double a[] = {1, 2, 3, 4, 5, 6, 7, 8};
    double b[] = {1.5, 3.1, 2.8, 5.4, 6.9, 6.6, 9.3, 10.5};
    assert_float_equal(stats_wilcoxon_signed_rank_p(a, b, N(a)), 0.015625, P_TOL);
    /* swapping A and B gives the same two-sided p */
    assert_float_equal(stats_wilcoxon_signed_rank_p(b, a, N(a)), 0.015625, P_TOL);
}

static void wilcoxon_exact_for_twenty_pairs(void **state)
{
    (void)state;
    /* differences i * (i % 3 ? 1 : -1), i = 1..20: scipy exact -> 0.1230926513671875 */
    double a[20] = {0}, b[20];
    for (int i = 1; i <= 20; i++)
        b[i - 1] = i * (i % 3 ? 1 : -1);
    assert_float_equal(stats_wilcoxon_signed_rank_p(a, b, 20), 0.1230926513671875, P_TOL);
}

static void wilcoxon_drops_zero_differences(void **state)
{
    (void)state;
    /* differences 0 .5 -1 2 2.5 3: the zero goes, exact on 5 -> 0.1875 */
    double a[] = {1, 2, 3, 4, 5, 6};
    double b[] = {1, 2.5, 2, 6, 7.5, 9};
    assert_float_equal(stats_wilcoxon_signed_rank_p(a, b, N(a)), 0.1875, P_TOL);
    assert_float_equal(stats_wilcoxon_signed_rank_p(a, a, N(a)), 1.0, P_TOL);
    assert_float_equal(stats_wilcoxon_signed_rank_p(a, b, 0), 1.0, P_TOL);
}

static void wilcoxon_normal_with_ties(void **state)
{
    (void)state;
    /* scipy method='approx', correction=True -> 0.0630226018309149 */
    double a[] = {10, 10, 10, 10, 10, 10, 10, 10, 10, 10};
    double b[] = {11, 12, 9, 11, 13, 12, 8, 11, 14, 12};
    assert_float_equal(stats_wilcoxon_signed_rank_p(a, b, N(a)), 0.0630226018309149, P_TOL);
}

static void wilcoxon_normal_beyond_25_pairs(void **state)
{
    (void)state;
    /* differences i * (i % 3 ? 1 : -1), i = 1..30, no ties: approx -> 0.1681789797233525 */
    double a[30] = {0}, b[30];
    for (int i = 1; i <= 30; i++)
        b[i - 1] = i * (i % 3 ? 1 : -1);
    assert_float_equal(stats_wilcoxon_signed_rank_p(a, b, 30), 0.1681789797233525, P_TOL);
}

static void mann_whitney_exact_small(void **state)
{
    (void)state;
    /* scipy method='exact': 5 vs 6 -> 0.008658008658008658 (= 4/462); 6 vs 7 -> 0.10139860...;
     * 1..20 vs 8.5..27.5 -> 0.0006675619675571311 */
    double x[] = {12.1, 14.3, 11.8, 15.2, 13.9};
    double y[] = {16.4, 15.9, 17.2, 14.8, 18.1, 16.6};
    assert_float_equal(stats_mann_whitney_p(x, N(x), y, N(y)), 0.008658008658008658, P_TOL);
    assert_float_equal(stats_mann_whitney_p(y, N(y), x, N(x)), 0.008658008658008658, P_TOL);
    double x2[] = {12.1, 14.3, 11.8, 15.2, 13.9, 17.0};
    double y2[] = {16.4, 15.9, 17.2, 14.8, 18.1, 16.6, 12.9};
    assert_float_equal(stats_mann_whitney_p(x2, N(x2), y2, N(y2)), 0.10139860139860139, P_TOL);
    double x3[20], y3[20];
    for (int i = 1; i <= 20; i++) {
        x3[i - 1] = i;
        y3[i - 1] = i + 7.5;
    }
    assert_float_equal(stats_mann_whitney_p(x3, 20, y3, 20), 0.0006675619675571311, P_TOL);
}

static void mann_whitney_normal_with_ties(void **state)
{
    (void)state;
    /* scipy method='asymptotic' -> 0.014107907274540636 */
    double x[] = {3, 4, 4, 5, 6, 6, 7};
    double y[] = {5, 6, 7, 7, 8, 9, 9, 10};
    assert_float_equal(stats_mann_whitney_p(x, N(x), y, N(y)), 0.014107907274540636, P_TOL);
}

static void mann_whitney_normal_for_large_samples(void **state)
{
    (void)state;
    /* x = i*37 mod 101, y = i*53 mod 103 + .5, i = 1..30, no ties: -> 0.7618283459354748 */
    double x[30], y[30];
    for (int i = 1; i <= 30; i++) {
        x[i - 1] = (i * 37) % 101;
        y[i - 1] = (i * 53) % 103 + 0.5;
    }
    assert_float_equal(stats_mann_whitney_p(x, 30, y, 30), 0.7618283459354748, P_TOL);
}

/* Per-pair ratios: the median of {0.9, 0.95, 1.05} is 0.95, whatever the levels. */
static void median_pair_ratio_known_answer(void **state)
{
    (void)state;
    const double a[] = {100, 200, 400}, b[] = {90, 190, 420};
    assert_float_equal(stats_median_pair_ratio(a, b, 3), 0.95, 1e-12);
    const double z[] = {0, 100}, w[] = {5, 80};
    assert_float_equal(stats_median_pair_ratio(z, w, 2), 0.8, 1e-12); /* a = 0 is skipped */
}

/* B is A minus 10% in every block while the machine's level drifts 3x: the interval of the
 * paired ratio is exactly 0.9, where the ratio of medians would wander with the drift. */
static void pair_ratio_ci_cancels_drift(void **state)
{
    (void)state;
    double a[40], b[40];
    for (int i = 0; i < 40; i++) {
        a[i] = 100e6 * (1 + 2.0 * i / 39);
        b[i] = 0.9 * a[i];
    }
    double lo, hi;
    stats_bootstrap_pair_ratio_ci(a, b, 40, 2000, 0.95, 7, &lo, &hi);
    assert_float_equal(lo, 0.9, 1e-12);
    assert_float_equal(hi, 0.9, 1e-12);
    /* Noisy pairs: the interval holds the sample's median ratio and stays inside the
     * ratios' range; the same seed gives the same interval. */
    for (int i = 0; i < 40; i++)
        b[i] = a[i] * (0.9 + 0.02 * ((i * 7919) % 13 - 6) / 6.0);
    double lo2, hi2;
    stats_bootstrap_pair_ratio_ci(a, b, 40, 2000, 0.95, 7, &lo, &hi);
    stats_bootstrap_pair_ratio_ci(a, b, 40, 2000, 0.95, 7, &lo2, &hi2);
    double m = stats_median_pair_ratio(a, b, 40);
    assert_true(lo <= m && m <= hi);
    assert_true(lo >= 0.88 - 1e-12 && hi <= 0.92 + 1e-12);
    assert_true(lo == lo2 && hi == hi2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(median_of_odd_and_even_samples),
        cmocka_unit_test(mad_is_scaled_median_absolute_deviation),
        cmocka_unit_test(outlier_is_far_by_modified_z_score),
        cmocka_unit_test(outliers_with_zero_mad_use_mean_absolute_deviation),
        cmocka_unit_test(bootstrap_is_deterministic_for_a_seed),
        cmocka_unit_test(paired_bootstrap_of_a_constant_ratio_is_that_ratio),
        cmocka_unit_test(unpaired_bootstrap_brackets_the_sample_ratio),
        cmocka_unit_test(bootstrap_interval_covers_about_95_percent),
        cmocka_unit_test(wilcoxon_exact_without_ties),
        cmocka_unit_test(wilcoxon_exact_for_twenty_pairs),
        cmocka_unit_test(wilcoxon_drops_zero_differences),
        cmocka_unit_test(wilcoxon_normal_with_ties),
        cmocka_unit_test(wilcoxon_normal_beyond_25_pairs),
        cmocka_unit_test(mann_whitney_exact_small),
        cmocka_unit_test(mann_whitney_normal_with_ties),
        cmocka_unit_test(mann_whitney_normal_for_large_samples),
        cmocka_unit_test(median_pair_ratio_known_answer),
        cmocka_unit_test(pair_ratio_ci_cancels_drift),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
