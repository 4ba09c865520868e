/* hakbench calibrate: measures the decision procedure itself, on this machine, workload by
 * workload. Every trial is one session made exactly as `hakbench run` (and run_ab.sh) makes it
 * with the same procedure — warm-up, interleaved blocks, looks, Holm levels — and judged by the
 * same code:
 *   A/A   `default` against a second name for the very same build: a change verdict is a false
 *         positive;
 *   slow  `default` against a build slowed by a fault-delay spin sized for THIS workload to
 *         cost 5% (and with --small 2%) of its time: a regression verdict is a detection.
 * The spin is sized from the workload's own figures (mallocs per operation from a counters
 * run, operations per second), checked by a short measured session and resized once when it
 * misses, and the size the trials really measured is printed beside the power.
 * Kinds alternate trial by trial, so the machine's drift hits all of them alike. Stores one
 * calibration per workload, keyed by the procedure (analysis/procedure.h, store/calibrations.h).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analysis/calibration.h"
#include "analysis/compare.h"
#include "commands/commands.h"
#include "commands/options.h"
#include "run/machine.h"
#include "run/session.h"
#include "spec/variants.h"
#include "spec/workload_table.h"
#include "store/calibrations.h"
#include "store/runs.h"
#include "util/clock.h"

#define TARGET_FPR 0.05
#define TARGET_POWER 0.90
#define SLOW_TARGET 0.05  /* the injected slowdown power is stated for */
#define SMALL_TARGET 0.02 /* --small: the second, smaller one */
#define MIN_SPIN_NS 20.0  /* shorter spins are not timed reliably (one spin-loop calibration) */
#define TWIN_NAME "default.aa"
#define SLOW_NAME "default.slow"
#define SMALL_NAME "default.small"
/* A sized delay counts as "about 5%" when it measured within these factors of it (4-6.25%):
 * a band of 0.5-1.5 took larson's -7.5% for 5% and the trials then measured -7.54%. */
#define SIZED_LO 0.8
#define SIZED_HI 1.25
/* Blocks of the session that checks a sized delay: 10 pairs of larson gave intervals 20 points
 * wide, too coarse to resize by. */
#define CHECK_BLOCKS 20
#define CHECK_ROUNDS 3 /* resizings at most before the trials */

static const char calibrate_usage[] =
    "usage: hakbench calibrate [--workloads LIST] [--trials N] [--quick] [--looks K] [--runs N]\n"
    "                          [--alpha A] [--delta D] [--family M] [--small] [--seed N]\n"
    "                          [--db PATH]\n"
    "\n"
    "Measures the decision procedure (docs/statistics.md) on this machine: for each workload,\n"
    "N A/A comparisons (the default build against itself) and N comparisons of default\n"
    "against a copy slowed by a fault-delay spin sized for that workload to cost 5% (and\n"
    "with --small also 2%), each a full session judged exactly as `hakbench run` judges it.\n"
    "Prints per workload:\n"
    "  false_positive_rate= and its 95% Clopper-Pearson interval (A/A trials called a\n"
    "                        regression or improvement; target <= 5%)\n"
    "  power=                and its interval (slowed trials called a regression; target\n"
    "                        >= 90%), injected_change= the slowdown the trials measured\n"
    "  power_small=          (with --small) the same for the 2% spin\n"
    "  aa_noise_p95=         95th percentile of the A/A |change|; aa_ci_halfwidth_median=\n"
    "  seconds_per_comparison_median= and _max=\n"
    "and stores them as this machine's calibration of that procedure: later comparisons of the\n"
    "same procedure (quick or not, looks, runs, alpha, family) report them and use its delta.\n"
    "\n"
    "  --workloads LIST  workloads to calibrate (default larson; --workload too)\n"
    "  --trials N        comparisons of each kind per workload (default 30)\n"
    "  --quick           the workloads' quick arguments\n"
    "  --looks K         the procedure's looks (default 3)\n"
    "  --runs N          blocks per look (default 10)\n"
    "  --alpha A         false-positive budget of a comparison (default 0.05)\n"
    "  --delta D         smallest change that matters, in percent (default 2)\n"
    "  --family M        judge each workload as one of M in its Holm family (default 1;\n"
    "                    run_ab.sh's default compares 5 workloads: use 5 to calibrate it)\n"
    "  --small           also inject the 2% slowdown and state power for it\n"
    "  --seed N          first session seed (default: from the clock)\n"
    "  --db PATH         results database (default " STORE_DEFAULT_HELP ")\n"
    "  -h, --help        this text\n"
    "\n"
    "Exit status: 0 targets met on every workload, 1 measured but a target missed, 2 could\n"
    "not calibrate.\n";

typedef calibration_trial trial;

typedef struct {
    store *db;
    session_opts base; /* the procedure, quick mode, workloads conf */
    const char *workload;
    int parallel; /* threads of the workload that really run at once */
    char conf[256];
    calibration_injection slow, small;
    int with_small;
    uint64_t seed;
} calibration_run;

/* A copy of variants.conf with the twin (a second name for `default`, which the builder then
 * reuses: same flags, same library) and the sized slow variants. */
static int write_conf(calibration_run *c)
{
    variant_table t;
    char err[256];
    if (variants_load(VARIANTS_CONF, &t, err, sizeof err) != 0) {
        fprintf(stderr, "hakbench calibrate: %s\n", err);
        return -1;
    }
    const variant_def *def = variants_find(&t, "default");
    if (!def || def->kind != VARIANT_HAKMEM) {
        fprintf(stderr, "hakbench calibrate: " VARIANTS_CONF " must define the hakmem variant "
                        "'default'\n");
        variants_free(&t);
        return -1;
    }
    if (!c->conf[0]) {
        snprintf(c->conf, sizeof c->conf, "%s/hakbench-calibrate-XXXXXX",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        int fd = mkstemp(c->conf);
        if (fd < 0) c->conf[0] = '\0';
        if (fd >= 0) close(fd);
    }
    FILE *out = c->conf[0] ? fopen(c->conf, "w") : NULL;
    FILE *in = fopen(VARIANTS_CONF, "r");
    int rc = -1;
    if (out && in) {
        char line[1024];
        while (fgets(line, sizeof line, in))
            fputs(line, out);
        fprintf(out, "\n%s hakmem %s # calibrate: the default build under a second name\n",
                TWIN_NAME, def->flags);
        const calibration_injection *inj[] = {&c->slow, &c->small};
        const char *names[] = {SLOW_NAME, SMALL_NAME};
        for (int i = 0; i < 2; i++)
            if (inj[i]->delay_ns > 0)
                fprintf(out, "%s hakmem %s%sFAULT_DELAY_NS=%ld FAULT_DELAY_EVERY=%ld # calibrate\n",
                        names[i], def->flags, def->flags[0] ? " " : "", inj[i]->delay_ns,
                        inj[i]->every);
        rc = ferror(out) || ferror(in) ? -1 : 0;
    }
    if (in) fclose(in);
    if (out && fclose(out) != 0) rc = -1;
    if (rc != 0) fprintf(stderr, "hakbench calibrate: cannot write a variants file in /tmp\n");
    variants_free(&t);
    return rc;
}

/* One session of default against b with the procedure (or `blocks` blocks in one look when
 * blocks > 0), and its comparison on the workload. 0, or -1 (message printed). */
static int run_trial(calibration_run *c, const char *b, int blocks, int counters, trial *t)
{
    const char *variants[] = {"default", b};
    const char *workloads[] = {c->workload};
    session_opts o = c->base;
    o.variants = variants;
    o.nvariants = 2;
    o.workloads = workloads;
    o.nworkloads = 1;
    o.counters = counters;
    o.seed = c->seed++;
    if (blocks > 0) {
        o.proc.looks = 1;
        o.proc.runs_per_look = blocks;
    }
    int build_failed = 0;
    double t0 = clock_monotonic_s();
    if (session_run(c->db, &o, &t->session, &build_failed) != 0) return -1;
    if (build_failed) {
        fprintf(stderr, "hakbench calibrate: building default or %s failed (session %lld)\n", b,
                (long long)t->session);
        return -1;
    }
    comparison *cmp = NULL;
    int n = compare_session(c->db, t->session, "default", b, c->workload, -1, &cmp);
    t->seconds = clock_monotonic_s() - t0;
    if (n != 1) {
        fprintf(stderr, "hakbench calibrate: session %lld has no comparison on %s\n",
                (long long)t->session, c->workload);
        free(cmp);
        return -1;
    }
    t->cmp = *cmp;
    free(cmp);
    /* A calibration is only as good as its runs: a crash or timeout is a problem to fix first,
     * not a data point. */
    if (t->cmp.primary.verdict == VERDICT_FAILED) {
        fprintf(stderr,
                "hakbench calibrate: runs of default or %s did not end ok in session %lld (%d of "
                "A, %d of B); see hakbench export --session %lld\n",
                b, (long long)t->session, t->cmp.failed_a, t->cmp.failed_b, (long long)t->session);
        return -1;
    }
    return 0;
}

static void print_trial(const char *kind, int i, const trial *t)
{
    const metric_comparison *m = &t->cmp.primary;
    printf("trial %-2d %-5s session %-5lld change %+6.2f%%  CI [%+6.2f%%, %+6.2f%%]  p %.4f  "
           "pairs %-3d look %d  %-19s %6.1f s\n",
           i + 1, kind, (long long)t->session, 100 * m->change, 100 * m->ci_lo, 100 * m->ci_hi,
           m->p, m->pairs, t->cmp.look, verdict_name(m->verdict), t->seconds);
    fflush(stdout);
}

/* Mallocs per operation from a counters run and operations per second from the measured runs
 * of one short session, then the delays for the targets. 0, or -1 (message printed). */
static int size_delays(calibration_run *c)
{
    trial t;
    if (run_trial(c, TWIN_NAME, 3, 1, &t) != 0) return -1;
    store_counter_value *cv = NULL;
    int n = store_counters_runs(c->db, t.session, c->workload, "default", TWIN_NAME, &cv);
    double mallocs = NAN, ops = NAN;
    for (int i = 0; i < n; i++)
        if (!cv[i].is_b && strcmp(cv[i].name, "malloc_calls") == 0) {
            mallocs = cv[i].value;
            ops = cv[i].ops;
        }
    free(cv);
    double rate = t.cmp.primary.median_a;
    if (calibration_size_injection(mallocs / ops, rate, c->parallel, SLOW_TARGET, MIN_SPIN_NS,
                                   &c->slow) != 0 ||
        calibration_size_injection(mallocs / ops, rate, c->parallel, SMALL_TARGET, MIN_SPIN_NS,
                                   &c->small) != 0) {
        fprintf(stderr,
                "hakbench calibrate: %s: no malloc count or throughput to size the delay from "
                "(session %lld: malloc_calls %g, ops %g, ops/s %g)\n",
                c->workload, (long long)t.session, mallocs, ops, rate);
        return -1;
    }
    if (!c->with_small) c->small.delay_ns = 0;
    fprintf(stderr,
            "calibrate: %s: %.2f mallocs per op at %.3g ops/s on %d thread(s) at once: 5%% is "
            "%.2f ns per malloc (FAULT_DELAY_NS=%ld every %ld)\n",
            c->workload, mallocs / ops, rate, c->parallel, c->slow.per_malloc_ns, c->slow.delay_ns,
            c->slow.every);
    return write_conf(c);
}

/* One check: 0 when the delay measured about 5%, 1 after resizing it, -1 on an error. */
static int check_delay_once(calibration_run *c)
{
    trial t;
    if (run_trial(c, SLOW_NAME, CHECK_BLOCKS, 0, &t) != 0) return -1;
    double got = -t.cmp.primary.change;
    fprintf(stderr, "calibrate: %s: the sized delay measured %+.1f%% in %d pairs\n", c->workload,
            -100 * got, t.cmp.primary.pairs);
    if (got >= SIZED_LO * SLOW_TARGET && got <= SIZED_HI * SLOW_TARGET) return 0;
    double scale = got > 0.001 ? SLOW_TARGET / got : 4;
    calibration_injection *inj[] = {&c->slow, &c->small};
    for (int i = 0; i < 2; i++)
        if (inj[i]->delay_ns > 0)
            calibration_injection_at(inj[i]->per_malloc_ns * scale, MIN_SPIN_NS, inj[i]);
    fprintf(stderr, "calibrate: %s: resized to %.2f ns per malloc (FAULT_DELAY_NS=%ld every %ld)\n",
            c->workload, c->slow.per_malloc_ns, c->slow.delay_ns, c->slow.every);
    return write_conf(c) == 0 ? 1 : -1;
}

/* Measures the sized 5% delay and resizes both delays by target / measured while it is off by
 * more than the sized band, CHECK_ROUNDS times at most: the spin's cost is not exactly its
 * nanoseconds (cache and branch effects around it; threads that do not really run at once on a
 * loaded machine). 0, or -1. */
static int check_delay(calibration_run *c)
{
    for (int round = 0; round < CHECK_ROUNDS; round++) {
        int rc = check_delay_once(c);
        if (rc <= 0) return rc;
    }
    return 0;
}

static void print_rate(const char *name, int k, int n, double rate, double lo, double hi)
{
    printf("%s=%.3f\n%s_interval=%.3f..%.3f (%d of %d)\n", name, rate, name, lo, hi, k, n);
}

/* Calibrates one workload: sizing, trials, figures, the stored row. 1 targets met, 0 missed,
 * -1 could not. */
static int calibrate_workload(calibration_run *c, int trials)
{
    if (size_delays(c) != 0 || check_delay(c) != 0) return -1;
    trial *aa = calloc((size_t)trials, sizeof *aa), *slow = calloc((size_t)trials, sizeof *slow);
    trial *small = calloc((size_t)trials, sizeof *small);
    int rc = aa && slow && small ? 0 : -1;
    int nsmall = c->with_small ? trials : 0;
    for (int i = 0; rc == 0 && i < trials; i++) {
        rc = run_trial(c, TWIN_NAME, 0, 0, &aa[i]);
        if (rc == 0) print_trial("A/A", i, &aa[i]);
        if (rc == 0) rc = run_trial(c, SLOW_NAME, 0, 0, &slow[i]);
        if (rc == 0) print_trial("5%", i, &slow[i]);
        if (rc == 0 && i < nsmall) rc = run_trial(c, SMALL_NAME, 0, 0, &small[i]);
        if (rc == 0 && i < nsmall) print_trial("2%", i, &small[i]);
    }
    calibration_figures f;
    if (rc == 0) rc = calibration_compute(aa, trials, slow, trials, small, nsmall, &f);
    int met = -1;
    if (rc == 0) {
        const procedure *p = &c->base.proc;
        printf("workload=%s%s\n", c->workload, c->base.quick ? " (quick)" : "");
        printf("procedure=%d looks=%d runs_per_look=%d alpha=%g delta=%g family=%d\n",
               PROCEDURE_VERSION, p->looks, p->runs_per_look, p->alpha, p->delta, p->family);
        printf("injected=FAULT_DELAY_NS=%ld FAULT_DELAY_EVERY=%ld (%.2f ns per malloc)\n",
               c->slow.delay_ns, c->slow.every, c->slow.per_malloc_ns);
        print_rate("false_positive_rate", f.false_positives, f.trials, f.false_positive_rate,
                   f.fp_lo, f.fp_hi);
        print_rate("power", f.detected, f.slow_trials, f.power, f.power_lo, f.power_hi);
        printf("injected_change=%.4f\n", f.injected_change);
        if (nsmall) {
            double lo, hi;
            calibration_clopper_pearson(f.small_detected, nsmall, 0.95, &lo, &hi);
            print_rate("power_small", f.small_detected, nsmall, f.power_small, lo, hi);
            printf("injected_small_change=%.4f\n", f.injected_small_change);
        }
        printf("aa_equivalent=%d of %d\n", f.aa_equivalent, f.trials);
        printf("aa_noise_p95=%.4f\n", f.aa_noise_p95);
        printf("aa_ci_halfwidth_median=%.4f\n", f.aa_ci_halfwidth_median);
        printf("seconds_per_comparison_median=%.1f\n", f.seconds_median);
        printf("seconds_per_comparison_max=%.1f\n", f.seconds_max);
        /* Power is "power for 5%" only when the trials measured about 5%. */
        double got = -f.injected_change;
        int sized = got >= SIZED_LO * SLOW_TARGET && got <= SIZED_HI * SLOW_TARGET;
        if (!sized)
            printf("note: the injected delay measured %+.1f%% over the trials, not about -5%%: "
                   "the power above is for that size\n",
                   100 * f.injected_change);
        store_calibration row = {.key = {.machine_id = machine_id(c->db),
                                         .workload = c->workload,
                                         .quick = c->base.quick,
                                         .paired = 1,
                                         .procedure_version = PROCEDURE_VERSION,
                                         .looks = p->looks,
                                         .runs_per_look = p->runs_per_look,
                                         .holm_family = p->family,
                                         .alpha = p->alpha},
                                 .delta = p->delta,
                                 .trials = trials,
                                 .false_positive_rate = f.false_positive_rate,
                                 .false_positive_lo = f.fp_lo,
                                 .false_positive_hi = f.fp_hi,
                                 .power = f.power,
                                 .power_lo = f.power_lo,
                                 .power_hi = f.power_hi,
                                 .injected_change = f.injected_change,
                                 .power_small = f.power_small,
                                 .injected_small_change = f.injected_small_change,
                                 .aa_noise_p95 = f.aa_noise_p95,
                                 .seconds_per_comparison = f.seconds_median};
        if (row.key.machine_id < 0 || store_calibration_insert(c->db, &row) != 0) {
            rc = -1;
        } else {
            met = f.false_positive_rate <= TARGET_FPR && f.power >= TARGET_POWER && sized;
            printf("targets (false_positive_rate <= %.2f, power >= %.2f for a %.0f%% slowdown): "
                   "%s\n\n",
                   TARGET_FPR, TARGET_POWER, 100 * SLOW_TARGET,
                   met     ? "met"
                   : sized ? "missed"
                           : "not shown (the delay was not about 5%)");
        }
    }
    free(aa);
    free(slow);
    free(small);
    return rc == 0 ? met : -1;
}

int cmd_calibrate(int argc, char **argv)
{
    enum { OPT_LOOKS = 256, OPT_ALPHA, OPT_DELTA, OPT_FAMILY, OPT_SMALL };
    static const struct option opts[] = {{"workloads", required_argument, NULL, 'w'},
                                         {"workload", required_argument, NULL, 'w'},
                                         {"trials", required_argument, NULL, 't'},
                                         {"runs", required_argument, NULL, 'r'},
                                         {"looks", required_argument, NULL, OPT_LOOKS},
                                         {"alpha", required_argument, NULL, OPT_ALPHA},
                                         {"delta", required_argument, NULL, OPT_DELTA},
                                         {"family", required_argument, NULL, OPT_FAMILY},
                                         {"small", no_argument, NULL, OPT_SMALL},
                                         {"quick", no_argument, NULL, 'q'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"db", required_argument, NULL, 'd'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    const char *db_path = store_default_location(), *list = "larson";
    long trials = 30, v;
    calibration_run c = {0};
    session_opts_init(&c.base);
    c.seed = (uint64_t)time(NULL);
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'w':
            list = optarg;
            break;
        case 't':
            if (cli_parse_long("calibrate", "--trials", optarg, 1, 1000, &trials) != 0) return 2;
            break;
        case 'r':
            if (cli_parse_long("calibrate", "--runs", optarg, 1, 1000, &v) != 0) return 2;
            c.base.proc.runs_per_look = (int)v;
            break;
        case OPT_LOOKS:
            if (cli_parse_long("calibrate", "--looks", optarg, 1, 20, &v) != 0) return 2;
            c.base.proc.looks = (int)v;
            break;
        case OPT_ALPHA:
            if (cli_parse_double("calibrate", "--alpha", optarg, 1e-6, 0.5, &c.base.proc.alpha))
                return 2;
            break;
        case OPT_DELTA:
            if (cli_parse_delta("calibrate", optarg, &c.base.proc.delta) != 0) return 2;
            break;
        case OPT_FAMILY:
            if (cli_parse_long("calibrate", "--family", optarg, 1, 64, &v) != 0) return 2;
            c.base.proc.family = (int)v;
            break;
        case OPT_SMALL:
            c.with_small = 1;
            break;
        case 'q':
            c.base.quick = 1;
            break;
        case 's':
            if (cli_parse_u64("calibrate", "--seed", optarg, &c.seed) != 0) return 2;
            break;
        case 'd':
            db_path = optarg;
            break;
        case 'h':
            fputs(calibrate_usage, stdout);
            return 0;
        default:
            fputs(calibrate_usage, stderr);
            return 2;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "hakbench calibrate: unexpected argument '%s'\n%s", argv[optind],
                calibrate_usage);
        return 2;
    }
    int nnames = 0;
    char **names = cli_split_list(list, &nnames);
    workload_table wt = {0};
    char err[512];
    if (!names || workloads_load(WORKLOADS_CONF, &wt, err, sizeof err) != 0) {
        fprintf(stderr, "hakbench calibrate: %s\n", !names ? "--workloads has an empty name" : err);
        free(names);
        return 2;
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    for (int i = 0; i < nnames; i++) {
        const workload_def *w = workloads_find(&wt, names[i]);
        if (!w || w->app) {
            fprintf(stderr,
                    "hakbench calibrate: %s '%s' (calibrate injects a delay into malloc "
                    "and sizes it from the allocator's counters: a workload of "
                    "workloads/)\n",
                    w ? "cannot calibrate the whole-program workload" : "unknown workload",
                    names[i]);
            workloads_free(&wt);
            free(names);
            return 2;
        }
    }
    c.db = cli_open_store("calibrate", db_path);
    int status = 2;
    if (!c.db) goto out;
    c.base.kind = "calibrate";
    c.base.command = cli_command_line(argc, argv);
    c.base.quiet = 1;
    fprintf(stderr,
            "calibrate: %d trials of each kind per workload, procedure %d (%d looks of %d "
            "blocks, alpha %g, delta %g, family %d)%s, seeds from %llu\n",
            (int)trials, PROCEDURE_VERSION, c.base.proc.looks, c.base.proc.runs_per_look,
            c.base.proc.alpha, c.base.proc.delta, c.base.proc.family,
            c.base.quick ? ", quick arguments" : "", (unsigned long long)c.seed);
    int all_met = 1;
    for (int i = 0; i < nnames; i++) {
        const workload_def *w = workloads_find(&wt, names[i]);
        c.workload = w->name;
        c.parallel = w->threads < cores ? w->threads : (int)cores;
        if (c.parallel < 1) c.parallel = 1;
        c.slow = c.small = (calibration_injection){0};
        if (write_conf(&c) != 0) goto out;
        c.base.variants_conf = c.conf;
        int met = calibrate_workload(&c, (int)trials);
        if (met < 0) goto out;
        all_met = all_met && met;
    }
    status = all_met ? 0 : 1;
out:
    if (c.conf[0]) unlink(c.conf);
    store_close(c.db);
    workloads_free(&wt);
    free(names);
    return status;
}
