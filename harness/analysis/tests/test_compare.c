/* compare.c and `hakbench compare` on synthetic sessions written through the store into a
 * temporary database: each test states the runs and the verdict they must give. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands/commands.h"
#include "analysis/compare.h"
#include "store/calibrations.h"
#include "store/machines.h"
#include "store/runs.h"
#include "store/sessions.h"

typedef struct {
    char path[64];
    store *db;
    int64_t session;
    int seq;
} fixture;

/* A machine row; the first one added has id 1. */
static int64_t add_machine(fixture *f, const char *fingerprint)
{
    machine_info m = {.cpu_model = "cpu",
                      .cores = 2,
                      .kernel = "k",
                      .governor = "g",
                      .thp = "t",
                      .glibc = "c",
                      .compiler = "cc",
                      .hostname = "h"};
    snprintf(m.fingerprint, sizeof m.fingerprint, "%s", fingerprint);
    return store_machine_id(f->db, &m);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->path, sizeof f->path, "/tmp/test_compare_XXXXXX");
    int fd = mkstemp(f->path);
    if (fd < 0) return -1;
    close(fd);
    unlink(f->path); /* store_open creates the file itself; an empty file is not a database */
    char err[256];
    f->db = store_open(f->path, err, sizeof err);
    if (!f->db) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    if (add_machine(f, "fp1") != 1) return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    store_close(f->db);
    char side[80];
    unlink(f->path);
    snprintf(side, sizeof side, "%s-wal", f->path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", f->path);
    unlink(side);
    free(f);
    return 0;
}

static void new_session_on(fixture *f, const char *metric, int machine)
{
    store_new_session n = {.kind = "run",
                           .command = "test",
                           .machine_id = machine,
                           .seed = 1,
                           .instructions = strcmp(metric, "instructions") == 0};
    f->session = store_session_create(f->db, &n, NULL);
    assert_true(f->session > 0);
}

static void new_session(fixture *f, const char *metric)
{
    new_session_on(f, metric, 1);
}

static void add_run_of(fixture *f, const char *variant, const char *workload, int block,
                       const char *status, double value, int instructions, double rss_kb)
{
    store_run r = {.session_id = f->session,
                   .seq = f->seq++,
                   .variant = variant,
                   .workload = workload,
                   .args = "",
                   .purpose = "measure",
                   .block = block,
                   .status = status,
                   .exit_code = -1,
                   .have_result = !instructions,
                   .ops_per_sec = value,
                   .instructions = instructions ? (long long)value : 0,
                   .ran = 1,
                   .peak_rss_kb = rss_kb,
                   .cpu = -1};
    assert_int_equal(store_run_insert(f->db, &r), 0);
}

static void add_run(fixture *f, const char *variant, int block, const char *status, double value,
                    int instructions)
{
    add_run_of(f, variant, "larson", block, status, value, instructions, 1000);
}

/* A fixed spread in [-1, 1] for run k: noise without a random generator. */
static double wobble(int k)
{
    return ((k * 7919) % 13 - 6) / 6.0;
}

/* blocks of one A and one B run: A = 100M ops/s * (1 + noise), B = A's level * ratio. */
static void add_blocks(fixture *f, int blocks, double ratio, double noise)
{
    for (int k = 0; k < blocks; k++) {
        add_run(f, "A", k, "ok", 100e6 * (1 + noise * wobble(2 * k)), 0);
        add_run(f, "B", k, "ok", 100e6 * ratio * (1 + noise * wobble(2 * k + 1)), 0);
    }
}

static comparison compare_one(fixture *f, double delta)
{
    comparison *c = NULL;
    assert_int_equal(compare_session(f->db, f->session, "A", "B", NULL, delta, &c), 1);
    comparison r = *c;
    free(c);
    return r;
}

static void clear_slowdown_is_regression(void **state)
{
    fixture *f = *state;
    new_session(f, "time");
    add_blocks(f, 10, 0.85, 0.02);
    comparison c = compare_one(f, 0.02);
    assert_int_equal(c.primary.verdict, VERDICT_REGRESSION);
    assert_int_equal(c.primary.pairs, 10);
    assert_true(c.primary.change < -0.12 && c.primary.change > -0.18);
    assert_true(c.primary.ci_lo <= c.primary.change && c.primary.change <= c.primary.ci_hi &&
                c.primary.ci_hi < -0.02);
    assert_true(c.primary.p < 0.05);
}

static void clear_speedup_is_improvement(void **state)
{
    fixture *f = *state;
    new_session(f, "time");
    add_blocks(f, 10, 1.15, 0.02);
    assert_int_equal(compare_one(f, 0.02).primary.verdict, VERDICT_IMPROVEMENT);
}

static void identical_noisy_runs_are_equivalent(void **state)
{
    fixture *f = *state;
    new_session(f, "time");
    add_blocks(f, 10, 1.0, 0.005);
    comparison c = compare_one(f, 0.02);
    assert_int_equal(c.primary.verdict, VERDICT_EQUIVALENT);
    assert_true(c.primary.ci_lo >= -0.02 && c.primary.ci_hi <= 0.02);
}

static void tiny_sample_is_inconclusive(void **state)
{
    fixture *f = *state;
    new_session(f, "time");
    add_blocks(f, 2, 0.85, 0.001);
    assert_int_equal(compare_one(f, 0.02).primary.verdict, VERDICT_INCONCLUSIVE);
}

static void overlapping_noisy_samples_are_inconclusive(void **state)
{
    fixture *f = *state;
    new_session(f, "time");
    add_blocks(f, 6, 0.97, 0.2);
    comparison c = compare_one(f, 0.02);
    assert_int_equal(c.primary.verdict, VERDICT_INCONCLUSIVE);
    assert_true(c.primary.ci_lo < -0.02 && c.primary.ci_hi > -0.02);
}

static void crashed_run_makes_it_failed(void **state)
{
    fixture *f = *state;
    new_session(f, "time");
    add_blocks(f, 10, 1.0, 0.005);
    add_run(f, "B", 10, "crash", 0, 0);
    comparison c = compare_one(f, 0.02);
    assert_int_equal(c.primary.verdict, VERDICT_FAILED);
    assert_int_equal(c.failed_a, 0);
    assert_int_equal(c.failed_b, 1);
    assert_int_equal(c.primary.n_b, 10);
}

static void fewer_instructions_is_better_for_b(void **state)
{
    fixture *f = *state;
    new_session(f, "instructions");
    for (int k = 0; k < 8; k++) {
        add_run(f, "A", k, "ok", 1e9 + 1e5 * k, 1);
        add_run(f, "B", k, "ok", 0.9e9 + 1e5 * k, 1);
    }
    comparison c = compare_one(f, 0.02);
    assert_int_equal(c.primary.verdict, VERDICT_IMPROVEMENT);
    assert_true(fabs(c.primary.change - (1 / 0.9 - 1)) < 0.001);
    assert_true(c.primary.ci_lo > 0.02);
}

static void runs_pair_by_block(void **state)
{
    fixture *f = *state;
    new_session(f, "time");
    add_blocks(f, 5, 1.0, 0.01);
    add_run(f, "A", 5, "ok", 100e6, 0); /* a block without B: no pair */
    add_run(f, "B", 6, "ok", 100e6, 0); /* and one without A */
    comparison c = compare_one(f, 0.02);
    assert_int_equal(c.primary.pairs, 5);
    assert_int_equal(c.primary.n_a, 6);
    assert_int_equal(c.primary.n_b, 6);
}

static store_calibration calibration_of(const char *workload, double delta, int looks)
{
    return (store_calibration){.key = {.machine_id = 1,
                                       .workload = workload,
                                       .paired = 1,
                                       .procedure_version = PROCEDURE_VERSION,
                                       .looks = looks,
                                       .runs_per_look = 0,
                                       .holm_family = 1,
                                       .alpha = 0.05},
                               .delta = delta,
                               .trials = 10,
                               .false_positive_rate = 0,
                               .power = 1};
}

static void calibration_of_the_same_procedure_sets_delta(void **state)
{
    fixture *f = *state;
    /* Two calibrations of a one-look procedure (what these sessions are): the later counts. A
     * calibration of another procedure (3 looks) or workload does not. */
    store_calibration older = calibration_of("larson", 0.01, 1),
                      newer = calibration_of("larson", 0.20, 1),
                      other = calibration_of("larson", 0.30, 3);
    assert_int_equal(store_calibration_insert(f->db, &older), 0);
    assert_int_equal(store_calibration_insert(f->db, &newer), 0);
    assert_int_equal(store_calibration_insert(f->db, &other), 0);
    new_session(f, "time");
    add_blocks(f, 10, 0.85, 0.02);
    comparison c = compare_one(f, -1);
    assert_int_equal(c.calibrated, 1);
    assert_float_equal(c.delta, 0.20, 1e-12);
    /* a regression against the default 2%, but -15% lies inside the calibrated 20%: a real
     * change, smaller than what matters */
    assert_int_equal(c.primary.verdict, VERDICT_CHANGED_BELOW_DELTA);
    /* a delta given by the user wins */
    c = compare_one(f, 0.02);
    assert_int_equal(c.calibrated, 0);
    assert_int_equal(c.primary.verdict, VERDICT_REGRESSION);
}

/* A session measured by the procedure: A and B its first two variants, C a reference. */
static void new_procedure_session(fixture *f, int looks, int runs_per_look)
{
    store_new_session n = {.kind = "run",
                           .command = "test",
                           .machine_id = 1,
                           .seed = 1,
                           .procedure_version = PROCEDURE_VERSION,
                           .looks = looks,
                           .runs_per_look = runs_per_look,
                           .alpha = 0.05,
                           .delta = 0.02,
                           .holm_family = 1};
    f->session = store_session_create(f->db, &n, NULL);
    assert_true(f->session > 0);
    assert_int_equal(store_session_add_variant(f->db, f->session, 0, "A", 0), 0);
    assert_int_equal(store_session_add_variant(f->db, f->session, 1, "B", 0), 0);
    assert_int_equal(store_session_add_variant(f->db, f->session, 2, "C", 0), 0);
}

/* Blocks from..to of A and B on a workload: B = A * ratio, with noise. */
static void add_workload_blocks(fixture *f, const char *workload, int from, int to, double ratio,
                                double noise, double rss_b)
{
    for (int k = from; k <= to; k++) {
        add_run_of(f, "A", workload, k, "ok", 100e6 * (1 + noise * wobble(2 * k)), 0, 1000);
        add_run_of(f, "B", workload, k, "ok", 100e6 * ratio * (1 + noise * wobble(2 * k + 1)), 0,
                   rss_b);
    }
}

static const comparison *find(const comparison *c, int n, const char *workload)
{
    for (int i = 0; i < n; i++)
        if (strcmp(c[i].workload, workload) == 0) return &c[i];
    fail_msg("no comparison of %s", workload);
    return NULL;
}

/* The session's A and B are judged look by look: a clear change decides at the first look (a
 * session then measures no more of it), a noisy one at a later look; the interval is the
 * look's, at a level below alpha. */
static void looks_are_replayed_as_the_session_made_them(void **state)
{
    fixture *f = *state;
    new_procedure_session(f, 3, 10);
    add_workload_blocks(f, "clear", 1, 10, 0.80, 0.01, 1000);
    add_workload_blocks(f, "noisy", 1, 30, 1.00, 0.08, 1000);
    comparison *c = NULL;
    int n = compare_session(f->db, f->session, "A", "B", NULL, -1, &c);
    assert_int_equal(n, 2);
    const comparison *clear = find(c, n, "clear"), *noisy = find(c, n, "noisy");
    assert_int_equal(clear->primary.verdict, VERDICT_REGRESSION);
    assert_int_equal(clear->look, 1);
    assert_int_equal(clear->looks, 3);
    assert_int_equal(clear->primary.pairs, 10);
    /* look 1 tests at 0.05 / 3, Holm with two workloads: 0.0083 for the smaller p */
    assert_float_equal(clear->primary.alpha, 0.05 / 3 / 2, 1e-12);
    assert_true(noisy->look > 1);
    assert_int_equal(noisy->primary.pairs, 10 * noisy->look);
    free(c);
}

/* Any other pair of that session (a reference) is one look over all its blocks at alpha. */
static void a_reference_pair_is_one_fixed_look(void **state)
{
    fixture *f = *state;
    new_procedure_session(f, 3, 6);
    add_workload_blocks(f, "larson", 1, 6, 1.0, 0.01, 1000);
    for (int k = 1; k <= 6; k++)
        add_run_of(f, "C", "larson", k, "ok", 80e6 * (1 + 0.01 * wobble(k)), 0, 1000);
    comparison *c = NULL;
    assert_int_equal(compare_session(f->db, f->session, "A", "C", NULL, -1, &c), 1);
    assert_int_equal(c->looks, 1);
    assert_float_equal(c->primary.alpha, 0.05, 1e-12);
    assert_int_equal(c->primary.verdict, VERDICT_REGRESSION);
    free(c);
}

/* A leak: every run ends ok at the same speed, but B's peak RSS is 6x A's. */
static void leak_is_a_memory_regression(void **state)
{
    fixture *f = *state;
    new_procedure_session(f, 1, 12);
    add_workload_blocks(f, "larson", 1, 12, 1.0, 0.003, 6000);
    comparison *c = NULL;
    assert_int_equal(compare_session(f->db, f->session, "A", "B", NULL, -1, &c), 1);
    assert_int_equal(c->primary.verdict, VERDICT_EQUIVALENT);
    const metric_comparison *m = &c->memory[MEMORY_PEAK_RSS];
    assert_int_equal(m->verdict, VERDICT_REGRESSION);
    assert_float_equal(m->median_b, 6000, 1e-9);
    assert_true(m->change < -0.8); /* less is better: 6x the memory is a change of -83% */
    memory_metric which;
    assert_int_equal(comparison_memory_change(c, &which), VERDICT_REGRESSION);
    assert_int_equal(which, MEMORY_PEAK_RSS);
    assert_int_equal(c->memory[MEMORY_RSS_AFTER_FREE].n_a, 0); /* not reported by this workload */
    free(c);
}

/* Interval and p come from one test: whatever the data, p <= alpha exactly when the interval
 * (at the level it was taken at) excludes 0. */
static void p_and_interval_always_agree(void **state)
{
    fixture *f = *state;
    const double ratios[] = {1.0, 0.99, 0.98, 0.97, 1.02, 0.95};
    for (int i = 0; i < 6; i++) {
        new_session(f, "time");
        add_blocks(f, 6 + 2 * i, ratios[i], 0.02);
        comparison c = compare_one(f, 0.02);
        int excludes = c.primary.ci_lo > 0 || c.primary.ci_hi < 0;
        assert_int_equal(c.primary.p <= c.primary.alpha, excludes);
        assert_true(c.primary.coverage >= 1 - c.primary.alpha - 1e-12);
    }
}

static int run_compare_cli(fixture *f, const char *a, const char *b)
{
    char *argv[] = {"compare", (char *)a, (char *)b, "--db", f->path, NULL};
    return cmd_compare(5, argv);
}

static void compare_command_exit_codes(void **state)
{
    fixture *f = *state;
    new_session(f, "time");
    add_blocks(f, 10, 0.85, 0.02);
    assert_int_equal(run_compare_cli(f, "A", "B"), 1); /* regression */
    assert_int_equal(run_compare_cli(f, "B", "A"), 0); /* the other way: improvement */
    assert_int_equal(run_compare_cli(f, "A", "nosuch"), 2);
}

/* A second session measuring one variant at `level` x 100M ops/s. */
static int64_t session_of_a(fixture *f, int machine, double level)
{
    new_session_on(f, "time", machine);
    for (int k = 0; k < 10; k++)
        add_run(f, "A", k, "ok", 100e6 * level * (1 + 0.02 * wobble(k)), 0);
    return f->session;
}

static int run_compare_across(fixture *f, int64_t base, int64_t session, int force)
{
    char sb[24], ss[24];
    snprintf(sb, sizeof sb, "%lld", (long long)base);
    snprintf(ss, sizeof ss, "%lld", (long long)session);
    char *argv[] = {"compare", "A",    "A",     "--baseline-session",     sb,  "--session",
                    ss,        "--db", f->path, force ? "--force" : NULL, NULL};
    return cmd_compare(force ? 10 : 9, argv);
}

/* Last week's A against today's A: no pairs (the sessions were not interleaved), unpaired
 * interval and Mann-Whitney p, and the verdict follows the numbers. */
static void sessions_compare_unpaired(void **state)
{
    fixture *f = *state;
    int64_t base = session_of_a(f, 1, 1.0);
    int64_t now = session_of_a(f, 1, 0.85);
    comparison *c = NULL;
    assert_int_equal(compare_sessions(f->db, base, now, "A", "A", NULL, 0.02, &c), 1);
    assert_int_equal(c->primary.pairs, 0);
    assert_int_equal(c->primary.n_a, 10);
    assert_int_equal(c->primary.n_b, 10);
    assert_true(c->primary.ci_hi < -0.1);
    assert_true(c->primary.p < 0.001);
    assert_int_equal(c->primary.verdict, VERDICT_REGRESSION);
    free(c);
    assert_int_equal(run_compare_across(f, base, now, 0), 1);
    assert_int_equal(run_compare_across(f, now, base, 0), 0);
}

/* Sessions from two machines (merged databases) are refused unless forced. */
static void sessions_of_different_machines_need_force(void **state)
{
    fixture *f = *state;
    assert_int_equal(add_machine(f, "fp2"), 2);
    int64_t base = session_of_a(f, 1, 1.0);
    int64_t other = session_of_a(f, 2, 0.85);
    assert_int_equal(run_compare_across(f, base, other, 0), 2);
    assert_int_equal(run_compare_across(f, base, other, 1), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(clear_slowdown_is_regression, setup, teardown),
        cmocka_unit_test_setup_teardown(clear_speedup_is_improvement, setup, teardown),
        cmocka_unit_test_setup_teardown(identical_noisy_runs_are_equivalent, setup, teardown),
        cmocka_unit_test_setup_teardown(tiny_sample_is_inconclusive, setup, teardown),
        cmocka_unit_test_setup_teardown(overlapping_noisy_samples_are_inconclusive, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(crashed_run_makes_it_failed, setup, teardown),
        cmocka_unit_test_setup_teardown(fewer_instructions_is_better_for_b, setup, teardown),
        cmocka_unit_test_setup_teardown(runs_pair_by_block, setup, teardown),
        cmocka_unit_test_setup_teardown(calibration_of_the_same_procedure_sets_delta, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(compare_command_exit_codes, setup, teardown),
        cmocka_unit_test_setup_teardown(looks_are_replayed_as_the_session_made_them, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_reference_pair_is_one_fixed_look, setup, teardown),
        cmocka_unit_test_setup_teardown(leak_is_a_memory_regression, setup, teardown),
        cmocka_unit_test_setup_teardown(p_and_interval_always_agree, setup, teardown),
        cmocka_unit_test_setup_teardown(sessions_compare_unpaired, setup, teardown),
        cmocka_unit_test_setup_teardown(sessions_of_different_machines_need_force, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
