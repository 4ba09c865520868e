/* hakbench calibrate: measures the harness itself on one workload. N A/A comparisons (the
 * `default` build against itself) give the noise band delta and the false-positive rate; N
 * comparisons of `default` against `slow5` (a fault delay worth about 5%) give the power. Each
 * comparison is a full session as `hakbench run --runs R --max-runs M` makes it (warm-up,
 * interleaved blocks, more blocks when inconclusive, here all at once), so the figures describe
 * what run/compare do with as many runs. Stores delta in the calibrations table, from where
 * compare_delta raises the band of later comparisons.
 *
 * Why CAL_RUNS and CAL_MAX_RUNS: a 5% slowdown is called a regression only when the whole
 * interval lies beyond the 2% band, so the interval must resolve about 3%; with larson's
 * per-run noise on a 2-core machine (a few % per 1.5 s run) that takes some 50 pairs, which is
 * what fits in TARGET_SECONDS (about 3.2 s per block of two runs). An inconclusive comparison
 * gets all its remaining blocks at once (extend_once): two looks at the verdict, not one per
 * block, so optional stopping does not inflate the false-positive rate. */
#include <errno.h>
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
#include "store/calibrations.h"
#include "util/clock.h"

#define DEFAULT_DELTA 0.02
#define TARGET_FPR 0.05
#define TARGET_POWER 0.90
#define TARGET_SECONDS 180.0
#define SLOW5_NEAR 0.05 /* the slowdown slow5 is meant to cause */
#define TWIN_NAME "default.aa"
#define CAL_RUNS 20     /* measured runs per variant in each comparison */
#define CAL_MAX_RUNS 50 /* ... grown to this, in one go, when the verdict is inconclusive */
#define CAL_STR_(x) #x
#define CAL_STR(x) CAL_STR_(x)

static const char calibrate_usage[] =
    "usage: hakbench calibrate [--workloads W] [--trials N] [--runs N] [--max-runs N] [--quick]\n"
    "                          [--seed N] [--db PATH]\n"
    "\n"
    "Measures how well this machine and harness tell variants apart on workload W: N A/A\n"
    "comparisons (the `default` build against itself) and N comparisons of `default`\n"
    "against `slow5` (a fault delay sized to slow larson by about 5%), each a full session\n"
    "like `hakbench run --runs R --max-runs M` with its warm-up and interleaved blocks,\n"
    "except that an inconclusive comparison gets all its extra blocks at once (two looks at\n"
    "the verdict: looking after every block would inflate the false positives). Prints\n"
    "  delta=                the noise band: the 95th percentile of how far the A/A\n"
    "                        confidence intervals miss 0 (what they do not account for),\n"
    "                        at least 2%; stored for this machine and workload, later\n"
    "                        comparisons use it\n"
    "  aa_change_p95=        the 95th percentile of the A/A |change| (spread of estimates)\n"
    "  aa_ci_halfwidth_median=  half the width of a typical A/A interval: changes much\n"
    "                        smaller than this cannot be resolved with these runs\n"
    "  false_positive_rate=  share of A/A comparisons that claimed a regression or an\n"
    "                        improvement, each judged with the band of the other A/A\n"
    "                        trials (target <= 5%)\n"
    "  power=                share of slow5 comparisons found to be a regression (target\n"
    "                        >= 90%)\n"
    "  slow5_change_median=  the slowdown slow5 really caused (power is for that size)\n"
    "  seconds_per_comparison_median= and _max=  (target: each within 180 s)\n"
    "  runs= max_runs=       R and M: the figures hold for comparisons with that many runs\n"
    "\n"
    "  --workloads W  the workload to calibrate, one (default larson; --workload too)\n"
    "  --trials N     comparisons of each kind (default 10)\n"
    "  --runs N       measured runs per variant in each comparison (default " CAL_STR(
        CAL_RUNS) ")\n"
                  "  --max-runs N   inconclusive comparisons grow to N runs per variant (default\n"
                  "                 " CAL_STR(
                      CAL_MAX_RUNS) " with the default runs, else 5/2 x runs)\n"
                                    "  --quick        the workload's quick arguments\n"
                                    "  --seed N       first session seed (default: from the "
                                    "clock); trials use N, N+1, ...\n"
                                    "  --db PATH      results database (default " STORE_DEFAULT_HELP
                                    ")\n"
                                    "  -h, --help     this text\n"
                                    "\n"
                                    "Exit status: 0 targets met, 1 measured but a target missed, 2 "
                                    "could not calibrate.\n";

typedef calibration_trial trial;

/* A copy of variants.conf with TWIN_NAME, a second name for the `default` build: the A/A
 * comparison needs two specs (runs are told apart by spec) that build the very same library
 * (the builder caches by flags, so the twin reuses default's build). */
static int write_twin_conf(char *path, size_t len)
{
    variant_table t;
    char err[256];
    if (variants_load(VARIANTS_CONF, &t, err, sizeof err) != 0) {
        fprintf(stderr, "hakbench calibrate: %s\n", err);
        return -1;
    }
    const variant_def *def = variants_find(&t, "default");
    if (!def || def->kind != VARIANT_HAKMEM || !variants_find(&t, "slow5")) {
        fprintf(stderr, "hakbench calibrate: " VARIANTS_CONF " must define the hakmem variants "
                        "'default' and 'slow5'\n");
        variants_free(&t);
        return -1;
    }
    snprintf(path, len, "%s/hakbench-calibrate-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    int fd = mkstemp(path);
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    FILE *in = fopen(VARIANTS_CONF, "r");
    int rc = -1;
    if (out && in) {
        char line[1024];
        while (fgets(line, sizeof line, in))
            fputs(line, out);
        fprintf(out, "\n%s hakmem %s # calibrate: the default build under a second name\n",
                TWIN_NAME, def->flags);
        rc = ferror(out) || ferror(in) ? -1 : 0;
    }
    if (in) fclose(in);
    if (out ? fclose(out) != 0 : (fd >= 0 && close(fd) != 0)) rc = -1;
    if (rc != 0) {
        fprintf(stderr, "hakbench calibrate: cannot write a variants file in %s\n", path);
        unlink(path);
    }
    variants_free(&t);
    return rc;
}

/* One comparison: a session of default and `b`, then its statistics for the workload.
 * Returns 0, or -1 when the session could not run or a build failed. */
static int run_trial(store *db, const session_opts *base, const char *b, uint64_t seed, trial *t)
{
    const char *variants[] = {"default", b};
    session_opts o = *base;
    o.variants = variants;
    o.nvariants = 2;
    o.seed = seed;
    int build_failed = 0;
    double t0 = clock_monotonic_s();
    if (session_run(db, &o, &t->session, &build_failed) != 0) return -1;
    if (build_failed) {
        fprintf(stderr, "hakbench calibrate: building default or %s failed (session %lld)\n", b,
                (long long)t->session);
        return -1;
    }
    comparison *c = NULL;
    int n = compare_session(db, t->session, "default", b, o.workloads[0], DEFAULT_DELTA, seed, &c);
    t->seconds = clock_monotonic_s() - t0;
    if (n != 1) {
        fprintf(stderr, "hakbench calibrate: session %lld has no comparison of %s\n",
                (long long)t->session, o.workloads[0]);
        free(c);
        return -1;
    }
    t->cmp = *c;
    free(c);
    return 0;
}

/* A calibration is only as good as its runs: a crash or timeout of `default`, its twin or slow5
 * is a problem to fix first, not a data point. */
static int trial_failed(const char *b, const trial *t)
{
    if (t->cmp.verdict != VERDICT_FAILED) return 0;
    fprintf(stderr,
            "hakbench calibrate: runs of default or %s did not end ok in session %lld (%d of A, "
            "%d of B); see hakbench export --session %lld\n",
            b, (long long)t->session, t->cmp.failed_a, t->cmp.failed_b, (long long)t->session);
    return 1;
}

static void print_trial(const char *kind, int i, const trial *t)
{
    const comparison *c = &t->cmp;
    printf("trial %-2d %-5s session %-5lld change %+6.2f%%  CI [%+6.2f%%, %+6.2f%%]  p %.4f  "
           "runs %d+%d  %-12s %6.1f s\n",
           i + 1, kind, (long long)t->session, 100 * c->change, 100 * c->ci_lo, 100 * c->ci_hi,
           c->p, c->n_a, c->n_b, verdict_name(c->verdict), t->seconds);
    fflush(stdout);
}

int cmd_calibrate(int argc, char **argv)
{
    static const struct option opts[] = {{"workloads", required_argument, NULL, 'w'},
                                         {"workload", required_argument, NULL, 'w'},
                                         {"trials", required_argument, NULL, 't'},
                                         {"runs", required_argument, NULL, 'r'},
                                         {"max-runs", required_argument, NULL, 'm'},
                                         {"quick", no_argument, NULL, 'q'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"db", required_argument, NULL, 'd'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    const char *db_path = store_default_location(), *workload = "larson";
    long trials = 10, runs = 0, max_runs = 0;
    int quick = 0, c;
    uint64_t seed = (uint64_t)time(NULL);
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'w':
            if (cli_parse_one("calibrate", "--workloads", optarg, &workload) != 0) return 2;
            break;
        case 't':
            if (cli_parse_long("calibrate", "--trials", optarg, 1, 1000, &trials) != 0) return 2;
            break;
        case 'r':
            if (cli_parse_long("calibrate", "--runs", optarg, 1, 1000, &runs) != 0) return 2;
            break;
        case 'm':
            if (cli_parse_long("calibrate", "--max-runs", optarg, 1, 1000, &max_runs) != 0)
                return 2;
            break;
        case 'q':
            quick = 1;
            break;
        case 's':
            if (cli_parse_u64("calibrate", "--seed", optarg, &seed) != 0) return 2;
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
    char conf[256];
    if (write_twin_conf(conf, sizeof conf) != 0) return 2;
    store *db = cli_open_store("calibrate", db_path);
    if (!db) {
        unlink(conf);
        return 2;
    }
    const char *command = cli_command_line(argc, argv);
    const char *workloads[] = {workload};
    session_opts base;
    session_opts_init(&base);
    base.kind = "calibrate";
    base.command = command;
    base.workloads = workloads;
    base.nworkloads = 1;
    base.quick = quick;
    base.quiet = 1;
    base.counters = 0; /* allocator counters tell nothing about noise */
    base.variants_conf = conf;
    base.runs = runs ? (int)runs : CAL_RUNS;
    if (!max_runs) max_runs = runs ? runs * 5 / 2 : CAL_MAX_RUNS;
    base.max_runs = max_runs > base.runs ? (int)max_runs : base.runs;
    base.extend_once = 1;

    trial *aa = calloc((size_t)trials, sizeof *aa), *slow = calloc((size_t)trials, sizeof *slow);
    int status = 2;
    if (!aa || !slow) goto out;
    fprintf(stderr,
            "calibrate: %s%s, %d A/A and %d slow5 comparisons of %d runs per variant (%d when "
            "inconclusive), seeds from %llu\n",
            workload, quick ? " (quick)" : "", (int)trials, (int)trials, base.runs, base.max_runs,
            (unsigned long long)seed);
    /* A/A and slow5 trials alternate, so that drift of the machine hits both alike. */
    for (int i = 0; i < trials; i++) {
        if (run_trial(db, &base, TWIN_NAME, seed + 2 * (uint64_t)i, &aa[i]) != 0) goto out;
        print_trial("A/A", i, &aa[i]);
        if (trial_failed(TWIN_NAME, &aa[i])) goto out;
        if (run_trial(db, &base, "slow5", seed + 2 * (uint64_t)i + 1, &slow[i]) != 0) goto out;
        print_trial("slow5", i, &slow[i]);
        if (trial_failed("slow5", &slow[i])) goto out;
    }

    calibration_figures fig;
    if (calibration_compute(aa, slow, (int)trials, DEFAULT_DELTA, &fig) != 0) goto out;
    printf("workload=%s%s\n", workload, quick ? " (quick)" : "");
    printf("delta=%.4f\n", fig.delta);
    printf("aa_change_p95=%.4f\n", fig.aa_change_p95);
    printf("aa_ci_halfwidth_median=%.4f\n", fig.aa_ci_halfwidth_median);
    printf("false_positive_rate=%.3f\n", fig.false_positive_rate);
    printf("power=%.3f\n", fig.power);
    printf("slow5_change_median=%.4f\n", fig.slow_change_median);
    printf("seconds_per_comparison_median=%.1f\n", fig.seconds_median);
    printf("seconds_per_comparison_max=%.1f\n", fig.seconds_max);
    printf("trials=%ld\n", trials);
    printf("runs=%d\nmax_runs=%d\n", base.runs, base.max_runs);
    /* Power is only "power for about 5%" when slow5 slowed the workload by about 5%. */
    double slow_change = fig.slow_change_median;
    int sized = slow_change <= -SLOW5_NEAR / 2 && slow_change >= -1.5 * SLOW5_NEAR;
    if (!sized)
        printf("note: slow5 changed %s by %+.1f%% (median), not about %.0f%%: the power above "
               "is for that size of change; retune FAULT_DELAY_NS / FAULT_DELAY_EVERY of slow5 "
               "in harness/spec/variants.conf\n",
               workload, 100 * slow_change, -100 * SLOW5_NEAR);
    store_calibration row = {.machine_id = machine_id(db),
                             .workload = workload,
                             .delta = fig.delta,
                             .false_positive_rate = fig.false_positive_rate,
                             .power = fig.power,
                             .trials = (int)trials};
    if (row.machine_id < 0 || store_calibration_insert(db, &row) != 0) goto out;
    int met = fig.false_positive_rate <= TARGET_FPR && fig.power >= TARGET_POWER &&
              fig.seconds_max <= TARGET_SECONDS && sized;
    printf("targets (false_positive_rate <= %.2f, power >= %.2f for a %.0f%% slowdown, each "
           "comparison <= %.0f s): %s\n",
           TARGET_FPR, TARGET_POWER, 100 * SLOW5_NEAR, TARGET_SECONDS,
           met     ? "met"
           : sized ? "missed"
                   : "not shown (slow5 is not a 5% slowdown here)");
    status = met ? 0 : 1;
out:
    free(aa);
    free(slow);
    store_close(db);
    unlink(conf);
    return status;
}
