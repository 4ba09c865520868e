/* executor.c: RESULT line parsing, and every outcome of a child run, provoked with the fake
 * workload (build/tests/harness/fake_workload). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "run/executor.h"
#include "util/utf8.h"

#define FAKE "build/tests/harness/fake_workload"

static exec_result *res;

static int setup(void **state)
{
    (void)state;
    res = calloc(1, sizeof *res);
    return res ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(res);
    return 0;
}

static int run_fake(const char *mode, const char *arg, double limit_s, long mem_mb)
{
    char *argv[] = {FAKE, (char *)mode, (char *)arg, NULL};
    exec_request req = {.argv = argv,
                        .time_limit_s = limit_s,
                        .mem_limit_kb = mem_mb * 1024,
                        .cpu = -1,
                        .sample_ms = 10};
    return exec_run(&req, res);
}

static double field(const char *name)
{
    for (int i = 0; i < res->nfields; i++)
        if (strcmp(res->field_name[i], name) == 0) return res->field_value[i];
    return -1;
}

static void parse_result_reads_core_and_extra_fields(void **state)
{
    (void)state;
    assert_int_equal(exec_parse_result("RESULT workload=larson ops=1000 seconds=2.5 "
                                       "ops_per_sec=400 threads=4 mode=fast live_bytes=1e6",
                                       res),
                     0);
    assert_true(res->ops == 1000 && res->seconds == 2.5 && res->ops_per_sec == 400);
    assert_int_equal(res->nfields, 2); /* mode=fast is text, not stored */
    assert_true(field("threads") == 4 && field("live_bytes") == 1e6);
}

static void parse_result_rejects_missing_core_field(void **state)
{
    (void)state;
    assert_int_equal(exec_parse_result("RESULT workload=x ops=1 seconds=2", res), -1);
    assert_int_equal(exec_parse_result("RESULT ops=1 seconds=2 ops_per_sec=3", res), -1);
}

static void parse_result_rejects_malformed_values(void **state)
{
    (void)state;
    assert_int_equal(exec_parse_result("RESULT workload=x ops=abc seconds=1 ops_per_sec=1", res),
                     -1);
    assert_int_equal(exec_parse_result("RESULT workload=x ops=-5 seconds=1 ops_per_sec=1", res),
                     -1);
    assert_int_equal(exec_parse_result("RESULT workload=x ops=1 seconds=1 ops_per_sec=nan", res),
                     -1);
    assert_int_equal(exec_parse_result("RESULT workload=x ops=1 junk seconds=1 ops_per_sec=1", res),
                     -1);
    assert_int_equal(exec_parse_result("RESULTS workload=x ops=1 seconds=1 ops_per_sec=1", res),
                     -1);
}

static void ok_run_reports_result_and_rusage(void **state)
{
    (void)state;
    assert_int_equal(run_fake("ok", NULL, 10, 256), 0);
    assert_string_equal(res->status, "ok");
    assert_int_equal(res->exit_code, 0);
    assert_true(res->ops_per_sec == 10000 && field("extra") == 5);
    assert_true(res->wall_s > 0 && res->wall_s < 10);
    assert_true(res->peak_rss_kb > 0);
    assert_true(res->minor_faults > 0);
}

static void crash_reports_the_signal(void **state)
{
    (void)state;
    run_fake("crash", NULL, 10, 256);
    assert_string_equal(res->status, "crash");
    assert_int_equal(res->signal, 11);
}

static void memory_cap_kills_a_leak_as_oom(void **state)
{
    (void)state;
    run_fake("leak", NULL, 20, 64);
    assert_string_equal(res->status, "oom");
    assert_true(res->wall_s < 20);
}

static void memory_cap_covers_the_whole_process_group(void **state)
{
    (void)state;
    run_fake("fork-leak", NULL, 20, 64);
    assert_string_equal(res->status, "oom");
}

static void time_limit_gives_timeout(void **state)
{
    (void)state;
    run_fake("hang", NULL, 0.3, 256);
    assert_string_equal(res->status, "timeout");
    assert_true(res->wall_s >= 0.3 && res->wall_s < 2.0);
}

static void sigterm_ignored_escalates_to_sigkill(void **state)
{
    (void)state;
    run_fake("ignore-term", NULL, 0.2, 256);
    assert_string_equal(res->status, "timeout");
    assert_int_equal(res->signal, 9);
}

static void exit_3_is_corrupt_with_stderr_kept(void **state)
{
    (void)state;
    run_fake("corrupt", NULL, 10, 256);
    assert_string_equal(res->status, "corrupt");
    assert_int_equal(res->exit_code, 3);
    assert_non_null(strstr(res->stderr_tail, "block 0x1234 corrupted"));
}

static void missing_or_invalid_result_is_bad_output(void **state)
{
    (void)state;
    run_fake("noresult", NULL, 10, 256);
    assert_string_equal(res->status, "bad-output");
    run_fake("badresult", NULL, 10, 256);
    assert_string_equal(res->status, "bad-output");
    run_fake("tworesults", NULL, 10, 256);
    assert_string_equal(res->status, "bad-output");
}

static void no_result_line_mode_accepts_exit_0(void **state)
{
    (void)state;
    char *argv[] = {FAKE, "noresult", NULL};
    exec_request req = {.argv = argv, .time_limit_s = 10, .cpu = -1, .no_result_line = 1};
    exec_run(&req, res);
    assert_string_equal(res->status, "ok");
}

static void other_exit_code_is_error(void **state)
{
    (void)state;
    run_fake("exit", "7", 10, 256);
    assert_string_equal(res->status, "error");
    assert_int_equal(res->exit_code, 7);
}

static void missing_program_cannot_start(void **state)
{
    (void)state;
    char *argv[] = {"build/tests/harness/no_such_program", NULL};
    exec_request req = {.argv = argv, .time_limit_s = 10, .cpu = -1};
    assert_int_equal(exec_run(&req, res), -1);
    assert_string_equal(res->status, "error");
    assert_non_null(strstr(res->stderr_tail, "no_such_program"));
}

static void stderr_tail_keeps_the_end(void **state)
{
    (void)state;
    run_fake("flood", NULL, 10, 256);
    assert_string_equal(res->status, "ok");
    size_t n = strlen(res->stderr_tail);
    assert_true(n > 1000 && n < sizeof res->stderr_tail);
    assert_string_equal(res->stderr_tail + n - 10, "LAST LINE\n");
}

/* The tail is cut at a byte count, and must not keep the last bytes of a character whose first
 * one was dropped: stored text stays valid UTF-8. */
static void stderr_tail_never_splits_a_character(void **state)
{
    (void)state;
    run_fake("flood-utf8", NULL, 10, 256);
    assert_string_equal(res->status, "ok");
    const unsigned char *t = (const unsigned char *)res->stderr_tail;
    size_t n = strlen(res->stderr_tail);
    assert_true(n >= sizeof res->stderr_tail - 4);
    for (size_t i = 0, len; i < n; i += len) {
        len = utf8_sequence(t + i, n - i);
        if (len == 0) fail_msg("invalid UTF-8 at byte %zu of the tail", i);
    }
    assert_string_equal(res->stderr_tail + n - 10, "LAST LINE\n");
}

static void rss_timeline_follows_growth(void **state)
{
    (void)state;
    run_fake("grow", "40", 20, 512);
    assert_string_equal(res->status, "ok");
    assert_true(res->nsamples >= 10);
    assert_true(res->peak_rss_kb >= 40 * 1024);
    long first = res->sample_rss_kb[0], max = 0;
    for (int i = 0; i < res->nsamples; i++) {
        if (i) assert_true(res->sample_t_ms[i] > res->sample_t_ms[i - 1]);
        if (res->sample_rss_kb[i] > max) max = res->sample_rss_kb[i];
    }
    assert_true(max > first + 20 * 1024);
}

static void extra_environment_reaches_the_child(void **state)
{
    (void)state;
    char *argv[] = {FAKE, "env", "HAKBENCH_TEST_VAR", NULL};
    const char *env[] = {"HAKBENCH_TEST_VAR=yes", NULL};
    exec_request req = {.argv = argv, .extra_env = env, .time_limit_s = 10, .cpu = -1};
    exec_run(&req, res);
    assert_string_equal(res->status, "ok");
}

static void pinning_runs_on_the_cpu(void **state)
{
    (void)state;
    char *argv[] = {FAKE, "cpu", NULL};
    exec_request req = {.argv = argv, .time_limit_s = 10, .cpu = 0};
    exec_run(&req, res);
    assert_string_equal(res->status, "ok");
    assert_true(field("cpu") == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_result_reads_core_and_extra_fields),
        cmocka_unit_test(parse_result_rejects_missing_core_field),
        cmocka_unit_test(parse_result_rejects_malformed_values),
        cmocka_unit_test(ok_run_reports_result_and_rusage),
        cmocka_unit_test(crash_reports_the_signal),
        cmocka_unit_test(memory_cap_kills_a_leak_as_oom),
        cmocka_unit_test(memory_cap_covers_the_whole_process_group),
        cmocka_unit_test(time_limit_gives_timeout),
        cmocka_unit_test(sigterm_ignored_escalates_to_sigkill),
        cmocka_unit_test(exit_3_is_corrupt_with_stderr_kept),
        cmocka_unit_test(missing_or_invalid_result_is_bad_output),
        cmocka_unit_test(no_result_line_mode_accepts_exit_0),
        cmocka_unit_test(other_exit_code_is_error),
        cmocka_unit_test(missing_program_cannot_start),
        cmocka_unit_test(stderr_tail_keeps_the_end),
        cmocka_unit_test(stderr_tail_never_splits_a_character),
        cmocka_unit_test(rss_timeline_follows_growth),
        cmocka_unit_test(extra_environment_reaches_the_child),
        cmocka_unit_test(pinning_runs_on_the_cpu),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
