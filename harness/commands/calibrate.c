/* hakbench calibrate: measures the harness itself on one workload. N A/A comparisons (the
 * `default` build against itself) give the noise band delta and the false-positive rate; N
 * comparisons of `default` against `slow5` (a fault delay worth about 5%) give the power. Each
 * comparison is a full session as `hakbench run --runs R --max-runs M` makes it (warm-up,
 * interleaved blocks, more blocks when inconclusive, here all at once), so the figures describe
 * what run/compare do with as many runs. Stores delta in the calibrations table, from where compare_delta raises
 * the band of later comparisons.
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

#include "commands/commands.h"
#include "analysis/compare.h"
#include "store/db.h"
#include "run/session.h"
#include "spec/variants.h"

#define DEFAULT_DELTA 0.02
#define DELTA_QUANTILE 0.95 /* of the A/A |change|: the band A/A noise stays within */
#define TARGET_FPR 0.05
#define TARGET_POWER 0.90
#define TARGET_SECONDS 180.0
#define SLOW5_NEAR 0.05 /* the slowdown slow5 is meant to cause */
#define TWIN_NAME "default.aa"
#define VARIANTS_CONF "harness/spec/variants.conf"
#define CAL_RUNS 20     /* measured runs per variant in each comparison */
#define CAL_MAX_RUNS 50 /* ... grown to this, in one go, when the verdict is inconclusive */
#define CAL_STR_(x) #x
#define CAL_STR(x) CAL_STR_(x)

static const char calibrate_usage[] =
    "usage: hakbench calibrate [--workload W] [--trials N] [--runs N] [--max-runs N] [--quick]\n"
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
    "  --workload W   workload to calibrate (default larson)\n"
    "  --trials N     comparisons of each kind (default 10)\n"
    "  --runs N       measured runs per variant in each comparison (default " CAL_STR(CAL_RUNS) ")\n"
    "  --max-runs N   inconclusive comparisons grow to N runs per variant (default\n"
    "                 " CAL_STR(CAL_MAX_RUNS) " with the default runs, else 5/2 x runs)\n"
    "  --quick        the workload's quick arguments\n"
    "  --seed N       first session seed (default: from the clock); trials use N, N+1, ...\n"
    "  --db PATH      results database (default " DB_DEFAULT_PATH ")\n"
    "  -h, --help     this text\n"
    "\n"
    "Exit status: 0 targets met, 1 measured but a target missed, 2 could not calibrate.\n";

typedef struct {
    comparison cmp;
    double seconds;
    int64_t session;
} trial;

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

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One comparison: a session of default and `b`, then its statistics for the workload.
 * Returns 0, or -1 when the session could not run or a build failed. */
static int run_trial(sqlite3 *db, const session_opts *base, const char *b, uint64_t seed, trial *t)
{
    const char *variants[] = {"default", b};
    session_opts o = *base;
    o.variants = variants;
    o.nvariants = 2;
    o.seed = seed;
    int build_failed = 0;
    double t0 = now_s();
    if (session_run(db, &o, &t->session, &build_failed) != 0) return -1;
    if (build_failed) {
        fprintf(stderr, "hakbench calibrate: building default or %s failed (session %lld)\n", b,
                (long long)t->session);
        return -1;
    }
    comparison *c = NULL;
    int n = compare_session(db, t->session, "default", b, o.workloads[0], DEFAULT_DELTA, seed, &c);
    t->seconds = now_s() - t0;
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

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* q-quantile of v (sorted in place), interpolating between order statistics. */
static double quantile(double *v, int n, double q)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    double h = q * (n - 1);
    int lo = (int)h;
    return lo + 1 < n ? v[lo] + (h - lo) * (v[lo + 1] - v[lo]) : v[n - 1];
}

/* How far an A/A interval stays from 0 (0 when it holds 0): the part of the A/A spread that the
 * confidence interval does not already account for. */
static double aa_miss(const comparison *c)
{
    return fmax(0, fmax(c->ci_lo, -c->ci_hi));
}

/* The noise band: the DELTA_QUANTILE of aa_miss over every trial but `skip` (-1: none skipped),
 * at least DEFAULT_DELTA. Sampling noise within a session is the interval's business; delta is
 * for what the interval misses (drift between sessions, a systematic A/A offset), so adding the
 * raw A/A |change| to it would count the sampling noise twice and cost power for nothing. */
static double noise_band(const trial *aa, int n, int skip, double *scratch)
{
    int m = 0;
    for (int i = 0; i < n; i++)
        if (i != skip && !isnan(aa_miss(&aa[i].cmp))) scratch[m++] = aa_miss(&aa[i].cmp);
    double d = m ? quantile(scratch, m, DELTA_QUANTILE) : DEFAULT_DELTA;
    return d > DEFAULT_DELTA ? d : DEFAULT_DELTA;
}

/* The DELTA_QUANTILE of the A/A |change|: the spread of point estimates, for the record. */
static double aa_spread(const trial *aa, int n, double *scratch)
{
    int m = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(aa[i].cmp.change)) scratch[m++] = fabs(aa[i].cmp.change);
    return m ? quantile(scratch, m, DELTA_QUANTILE) : NAN;
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

static int parse_count(const char *opt, const char *arg, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno || *end || v < 1 || v > 1000) {
        fprintf(stderr, "hakbench calibrate: %s wants a number from 1 to 1000, not '%s'\n", opt,
                arg);
        return -1;
    }
    *out = (int)v;
    return 0;
}

/* Stores the figures; returns 0 or -1. */
static int store_calibration(sqlite3 *db, const char *workload, double delta, double fpr,
                             double power, int trials)
{
    char now[32];
    db_now(now, sizeof now);
    int64_t machine = db_machine_id(db, NULL, 0);
    if (machine < 0) return -1;
    sqlite3_stmt *st = db_prepare(db, "INSERT INTO calibrations (machine_id, workload, delta,"
                                      " false_positive_rate, power, trials, created_at)"
                                      " VALUES (?, ?, ?, ?, ?, ?, ?)");
    sqlite3_bind_int64(st, 1, machine);
    sqlite3_bind_text(st, 2, workload, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 3, delta);
    sqlite3_bind_double(st, 4, fpr);
    sqlite3_bind_double(st, 5, power);
    sqlite3_bind_int(st, 6, trials);
    sqlite3_bind_text(st, 7, now, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "hakbench calibrate: storing the calibration: %s\n", sqlite3_errmsg(db));
        return -1;
    }
    return 0;
}

int cmd_calibrate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"workload", required_argument, NULL, 'w'}, {"trials", required_argument, NULL, 't'},
        {"runs", required_argument, NULL, 'r'},     {"max-runs", required_argument, NULL, 'm'},
        {"quick", no_argument, NULL, 'q'},
        {"seed", required_argument, NULL, 's'},     {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},           {0, 0, 0, 0}};
    const char *db_path = DB_DEFAULT_PATH, *workload = "larson";
    int trials = 10, runs = 0, max_runs = 0, quick = 0, c;
    uint64_t seed = (uint64_t)time(NULL);
    char *end;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'w':
            workload = optarg;
            break;
        case 't':
            if (parse_count("--trials", optarg, &trials) != 0) return 2;
            break;
        case 'r':
            if (parse_count("--runs", optarg, &runs) != 0) return 2;
            break;
        case 'm':
            if (parse_count("--max-runs", optarg, &max_runs) != 0) return 2;
            break;
        case 'q':
            quick = 1;
            break;
        case 's':
            seed = strtoull(optarg, &end, 10);
            if (*end || !optarg[0]) {
                fprintf(stderr, "hakbench calibrate: --seed wants a number, not '%s'\n", optarg);
                return 2;
            }
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
    char err[512];
    sqlite3 *db = db_open(db_path, err, sizeof err);
    if (!db) {
        fprintf(stderr, "hakbench calibrate: %s\n", err);
        unlink(conf);
        return 2;
    }
    char command[1024];
    size_t used = 0;
    command[0] = '\0';
    for (int i = 0; i < argc && used < sizeof command; i++)
        used += (size_t)snprintf(command + used, sizeof command - used, "%s%s", i ? " " : "",
                                 i ? argv[i] : "hakbench calibrate");
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
    base.runs = runs ? runs : CAL_RUNS;
    if (!max_runs) max_runs = runs ? runs * 5 / 2 : CAL_MAX_RUNS;
    base.max_runs = max_runs > base.runs ? max_runs : base.runs;
    base.extend_once = 1;

    trial *aa = calloc((size_t)trials, sizeof *aa), *slow = calloc((size_t)trials, sizeof *slow);
    int status = 2;
    if (!aa || !slow) goto out;
    fprintf(stderr,
            "calibrate: %s%s, %d A/A and %d slow5 comparisons of %d runs per variant (%d when "
            "inconclusive), seeds from %llu\n",
            workload, quick ? " (quick)" : "", trials, trials, base.runs, base.max_runs,
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

    double *scratch = malloc(2 * (size_t)trials * sizeof *scratch);
    if (!scratch) goto out;
    double spread = aa_spread(aa, trials, scratch);
    double delta = noise_band(aa, trials, -1, scratch);
    /* Each A/A trial is judged against the band of the others (leave-one-out): a band fitted to
     * the very trial it judges would flatter the false-positive rate. */
    int false_pos = 0, found = 0;
    for (int i = 0; i < trials; i++) {
        aa[i].cmp.delta = noise_band(aa, trials, i, scratch);
        slow[i].cmp.delta = delta;
        verdict_t va = compare_decide(&aa[i].cmp);
        false_pos += va == VERDICT_REGRESSION || va == VERDICT_IMPROVEMENT;
        found += compare_decide(&slow[i].cmp) == VERDICT_REGRESSION;
    }
    /* The resolution: changes well inside the A/A interval's half-width cannot be told apart. */
    for (int i = 0; i < trials; i++)
        scratch[i] = (aa[i].cmp.ci_hi - aa[i].cmp.ci_lo) / 2;
    double halfwidth = quantile(scratch, trials, 0.5);
    /* Power means "for a slowdown of this size": show the size slow5 really had. */
    for (int i = 0; i < trials; i++)
        scratch[i] = slow[i].cmp.change;
    double slow_change = quantile(scratch, trials, 0.5);
    for (int i = 0; i < trials; i++) {
        scratch[2 * i] = aa[i].seconds;
        scratch[2 * i + 1] = slow[i].seconds;
    }
    double fpr = (double)false_pos / trials, power = (double)found / trials;
    double med_s = quantile(scratch, 2 * trials, 0.5); /* sorts scratch */
    double max_s = scratch[2 * trials - 1];
    free(scratch);

    printf("workload=%s%s\n", workload, quick ? " (quick)" : "");
    printf("delta=%.4f\n", delta);
    printf("aa_change_p95=%.4f\n", spread);
    printf("aa_ci_halfwidth_median=%.4f\n", halfwidth);
    printf("false_positive_rate=%.3f\n", fpr);
    printf("power=%.3f\n", power);
    printf("slow5_change_median=%.4f\n", slow_change);
    printf("seconds_per_comparison_median=%.1f\n", med_s);
    printf("seconds_per_comparison_max=%.1f\n", max_s);
    printf("trials=%d\n", trials);
    printf("runs=%d\nmax_runs=%d\n", base.runs, base.max_runs);
    /* Power is only "power for about 5%" when slow5 slowed the workload by about 5%. */
    int sized = slow_change <= -SLOW5_NEAR / 2 && slow_change >= -1.5 * SLOW5_NEAR;
    if (!sized)
        printf("note: slow5 changed %s by %+.1f%% (median), not about %.0f%%: the power above "
               "is for that size of change; retune FAULT_DELAY_NS / FAULT_DELAY_EVERY of slow5 "
               "in harness/spec/variants.conf\n",
               workload, 100 * slow_change, -100 * SLOW5_NEAR);
    if (store_calibration(db, workload, delta, fpr, power, trials) != 0) goto out;
    int met = fpr <= TARGET_FPR && power >= TARGET_POWER && max_s <= TARGET_SECONDS && sized;
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
    db_close(db);
    unlink(conf);
    return status;
}
