/* E-divisive change points on synthetic series: a step is found where it is, pure noise and a
 * single spike give none. Noise is Gaussian, deterministic for a seed. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "analysis/changepoint.h"

#define N 40

static double gauss(uint64_t *s)
{
    /* xorshift64* then Box-Muller: enough for test noise, and the same on every machine. */
    double u[2];
    for (int k = 0; k < 2; k++) {
        *s ^= *s >> 12;
        *s ^= *s << 25;
        *s ^= *s >> 27;
        u[k] = ((*s * 0x2545F4914F6CDD1DULL) >> 11) * (1.0 / 9007199254740992.0);
    }
    return sqrt(-2.0 * log(u[0] + 1e-300)) * cos(2.0 * M_PI * u[1]);
}

/* ops/s-like levels with 5% noise. */
static void noise_series(double *y, int n, double level, uint64_t seed)
{
    uint64_t s = seed * 0x9e3779b97f4a7c15ULL + 1;
    for (int i = 0; i < n; i++)
        y[i] = level * (1.0 + 0.05 * gauss(&s));
}

static void step_is_found_where_it_is(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        double y[N];
        noise_series(y, N, 4.0e6, seed);
        for (int i = 25; i < N; i++)
            y[i] *= 0.85; /* a 15% slowdown from index 25 on */
        changepoint_opts o;
        changepoint_opts_init(&o);
        int cp[8];
        int k = changepoint_detect(y, N, &o, cp, 8);
        assert_int_equal(k, 1);
        assert_in_range(cp[0], 23, 27);
    }
}

static void two_steps_are_both_found(void **state)
{
    (void)state;
    double y[60];
    noise_series(y, 60, 1000.0, 7);
    for (int i = 20; i < 60; i++)
        y[i] *= i < 40 ? 1.3 : 0.8;
    changepoint_opts o;
    changepoint_opts_init(&o);
    int cp[8];
    int k = changepoint_detect(y, 60, &o, cp, 8);
    assert_int_equal(k, 2);
    assert_in_range(cp[0], 18, 22);
    assert_in_range(cp[1], 38, 42);
}

static void pure_noise_has_no_change_point(void **state)
{
    (void)state;
    for (uint64_t seed = 11; seed <= 16; seed++) {
        double y[N];
        noise_series(y, N, 4.0e6, seed);
        changepoint_opts o;
        changepoint_opts_init(&o);
        o.seed = seed;
        int cp[8];
        assert_int_equal(changepoint_detect(y, N, &o, cp, 8), 0);
    }
}

static void single_spike_is_not_a_change_point(void **state)
{
    (void)state;
    for (int at = 0; at < N; at++) {
        double y[N];
        noise_series(y, N, 4.0e6, 21);
        y[at] *= 0.2; /* one run 5x slower, as when the machine was busy */
        changepoint_opts o;
        changepoint_opts_init(&o);
        int cp[8];
        assert_int_equal(changepoint_detect(y, N, &o, cp, 8), 0);
    }
}

static void same_seed_gives_same_answer(void **state)
{
    (void)state;
    double y[N];
    noise_series(y, N, 100.0, 5);
    for (int i = 20; i < N; i++)
        y[i] += 4.0;
    changepoint_opts o;
    changepoint_opts_init(&o);
    int a[8], b[8];
    int ka = changepoint_detect(y, N, &o, a, 8);
    int kb = changepoint_detect(y, N, &o, b, 8);
    assert_int_equal(ka, kb);
    for (int i = 0; i < ka; i++)
        assert_int_equal(a[i], b[i]);
}

static void series_shorter_than_two_segments_has_none(void **state)
{
    (void)state;
    double y[5] = {1, 1, 9, 9, 9};
    changepoint_opts o;
    changepoint_opts_init(&o);
    int cp[2];
    assert_int_equal(changepoint_detect(y, 5, &o, cp, 2), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(step_is_found_where_it_is),
        cmocka_unit_test(two_steps_are_both_found),
        cmocka_unit_test(pure_noise_has_no_change_point),
        cmocka_unit_test(single_spike_is_not_a_change_point),
        cmocka_unit_test(same_seed_gives_same_answer),
        cmocka_unit_test(series_shorter_than_two_segments_has_none),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
