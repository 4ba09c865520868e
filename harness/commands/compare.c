/* hakbench compare: the statistics of two variants measured in one session, one row per
 * workload, as a text table or JSON. The numbers come from compare_session (compare.c); this
 * file picks the session, guards against mixed machines and prints. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "analysis/compare.h"
#include "commands/options.h"
#include "store/sessions.h"
#include "store/store.h"

#define DEFAULT_DELTA 0.02

static const char compare_usage[] =
    "usage: hakbench compare A B [--session N] [--baseline-session M] [--workload W]\n"
    "                            [--delta PCT] [--db PATH] [--force] [--format text|json]\n"
    "\n"
    "Compares variant B against variant A (specs as given to `hakbench run`) in one session,\n"
    "per workload: medians, the change (the median of the B/A ratios of the interleaved\n"
    "blocks, whose two runs share the machine's drift; the ratio of the medians when there\n"
    "are too few pairs), a 95% bootstrap confidence interval of the change, a rank-test\n"
    "p-value (Wilcoxon signed-rank on the pairs, Mann-Whitney U without pairs), MAD outliers\n"
    "and a verdict:\n"
    "  regression / improvement  the interval lies beyond -delta / +delta and p < 0.05\n"
    "  equivalent                the interval lies within [-delta, +delta]\n"
    "  inconclusive              neither: measure more runs\n"
    "  failed                    a measured run of A or B did not end ok (crash, oom, ...)\n"
    "A positive change is always better for B (for --metric instructions: fewer instructions).\n"
    "\n"
    "  --session N      the session (default: the latest one that measured both A and B;\n"
    "                   with --baseline-session, the latest one that measured B)\n"
    "  --baseline-session M\n"
    "                   take A's runs from session M instead (A and B may then be the same\n"
    "                   spec, e.g. last week's default against today's). Those runs were not\n"
    "                   interleaved: nothing pairs, p is Mann-Whitney's, and machine drift\n"
    "                   between the sessions counts as change\n"
    "  --workload W     only this workload\n"
    "  --delta PCT      noise band in percent (default 2, raised per workload to the latest\n"
    "                   `hakbench calibrate` figure of this machine)\n"
    "  --db PATH        results database (default " STORE_DEFAULT_PATH ")\n"
    "  --force          compare even when the runs come from different machines (different\n"
    "                   fingerprints, e.g. after hakbench merge); the output says so\n"
    "  --format FMT     text (default) or json\n"
    "  -h, --help       this text\n"
    "\n"
    "Exit status: 0 no regression, 1 a regression or a failed run, 2 could not compare.\n";

/* 12345678 -> "12.35M": ops/s and instruction counts both read best with an SI prefix. */
static void format_si(double v, char *buf, size_t len)
{
    static const char prefix[] = " kMGT";
    if (isnan(v)) {
        snprintf(buf, len, "-");
        return;
    }
    int k = 0;
    while (fabs(v) >= 1000 && k < 4) {
        v /= 1000;
        k++;
    }
    if (k)
        snprintf(buf, len, "%.2f%c", v, prefix[k]);
    else
        snprintf(buf, len, "%.2f", v);
}

static void format_pct(double v, char *buf, size_t len)
{
    if (isnan(v))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%+.1f%%", 100 * v);
}

static void print_text(int64_t session_a, int64_t session, const char *a, const char *b,
                       const char *metric, int machines, const comparison *c, int n)
{
    int instr = strcmp(metric, "instructions") == 0;
    if (session_a == session)
        printf("session %lld: A = %s, B = %s", (long long)session, a, b);
    else
        printf("A = %s (session %lld), B = %s (session %lld), not interleaved", a,
               (long long)session_a, b, (long long)session);
    printf("; metric %s (%s is better)\n", instr ? "instructions" : "ops/s",
           instr ? "lower" : "higher");
    if (machines > 1)
        printf("WARNING: the runs come from %d different machines (--force): the numbers are "
               "not comparable\n",
               machines);
    printf("\n%-18s %10s %10s %8s %18s %8s %12s %8s %6s  %s\n", "workload", "median A", "median B",
           "change", "95% CI", "p", "pairs/runs", "outliers", "delta", "verdict");
    for (int i = 0; i < n; i++) {
        char ma[32], mb[32], ch[32], lo[32], hi[32], ci[80], runs[48], outl[48], d[32];
        format_si(c[i].median_a, ma, sizeof ma);
        format_si(c[i].median_b, mb, sizeof mb);
        format_pct(c[i].change, ch, sizeof ch);
        format_pct(c[i].ci_lo, lo, sizeof lo);
        format_pct(c[i].ci_hi, hi, sizeof hi);
        snprintf(ci, sizeof ci, "[%s, %s]", lo, hi);
        snprintf(runs, sizeof runs, "%d/%d+%d", c[i].pairs, c[i].n_a, c[i].n_b);
        snprintf(outl, sizeof outl, "%d+%d", c[i].outliers_a, c[i].outliers_b);
        snprintf(d, sizeof d, "%.1f%%", 100 * c[i].delta);
        printf("%-18s %10s %10s %8s %18s %8.4f %12s %8s %6s  %s", c[i].workload, ma, mb, ch, ci,
               c[i].p, runs, outl, d, verdict_name(c[i].verdict));
        if (c[i].verdict == VERDICT_FAILED)
            printf(" (%d of A, %d of B not ok)", c[i].failed_a, c[i].failed_b);
        printf("\n");
    }
    /* Say what to do about a weak answer, as hyperfine does for outliers. */
    for (int i = 0; i < n; i++) {
        if (c[i].outliers_a + c[i].outliers_b > 0)
            printf("note: %s: %d outlier(s) in A, %d in B (MAD test): other load on the machine "
                   "can cause them\n",
                   c[i].workload, c[i].outliers_a, c[i].outliers_b);
        if (c[i].verdict == VERDICT_INCONCLUSIVE)
            printf("note: %s: inconclusive: measure more runs, e.g. hakbench run --variants "
                   "%s,%s --workloads %s --runs %d\n",
                   c[i].workload, a, b, c[i].workload, 2 * (c[i].n_a > 5 ? c[i].n_a : 5));
        if (c[i].verdict == VERDICT_FAILED)
            printf("note: %s: failed runs: see hakbench export --session %lld\n", c[i].workload,
                   (long long)session);
    }
}

static void json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            printf("\\u%04x", *s);
        else
            putchar(*s);
    }
    putchar('"');
}

static void json_number(const char *key, double v)
{
    printf(", \"%s\": ", key);
    if (isfinite(v))
        printf("%.10g", v);
    else
        printf("null");
}

static void print_json(int64_t session_a, int64_t session, const char *a, const char *b,
                       const char *metric, int machines, const comparison *c, int n)
{
    printf("{\"session\": %lld, \"baseline_session\": %lld, \"a\": ", (long long)session,
           (long long)session_a);
    json_string(a);
    printf(", \"b\": ");
    json_string(b);
    printf(", \"metric\": ");
    json_string(metric);
    printf(", \"machines\": %d, \"mixed_machines\": %s, \"comparisons\": [", machines,
           machines > 1 ? "true" : "false");
    for (int i = 0; i < n; i++) {
        printf("%s\n  {\"workload\": ", i ? "," : "");
        json_string(c[i].workload);
        printf(", \"verdict\": \"%s\", \"n_a\": %d, \"n_b\": %d, \"failed_a\": %d, "
               "\"failed_b\": %d, \"pairs\": %d",
               verdict_name(c[i].verdict), c[i].n_a, c[i].n_b, c[i].failed_a, c[i].failed_b,
               c[i].pairs);
        json_number("median_a", c[i].median_a);
        json_number("median_b", c[i].median_b);
        json_number("change", c[i].change);
        json_number("ratio_of_medians", c[i].ratio_of_medians);
        json_number("ci_lo", c[i].ci_lo);
        json_number("ci_hi", c[i].ci_hi);
        json_number("p", c[i].p);
        json_number("delta", c[i].delta);
        json_number("rss_a_kb", c[i].rss_a_kb);
        json_number("rss_b_kb", c[i].rss_b_kb);
        printf(", \"outliers_a\": %d, \"outliers_b\": %d}", c[i].outliers_a, c[i].outliers_b);
    }
    printf("\n]}\n");
}

int cmd_compare(int argc, char **argv)
{
    static const struct option opts[] = {{"session", required_argument, NULL, 's'},
                                         {"workload", required_argument, NULL, 'w'},
                                         {"baseline-session", required_argument, NULL, 'B'},
                                         {"delta", required_argument, NULL, 'D'},
                                         {"db", required_argument, NULL, 'd'},
                                         {"force", no_argument, NULL, 'f'},
                                         {"format", required_argument, NULL, 'F'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    const char *db_path = STORE_DEFAULT_PATH, *workload = NULL, *format = "text";
    int64_t session = 0, session_a = 0;
    double delta = DEFAULT_DELTA;
    int force = 0, c;
    char *end;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (cli_parse_session("compare", "--session", optarg, &session) != 0) return 2;
            break;
        case 'B':
            if (cli_parse_session("compare", "--baseline-session", optarg, &session_a) != 0)
                return 2;
            break;
        case 'w':
            workload = optarg;
            break;
        case 'D':
            delta = strtod(optarg, &end) / 100;
            if (*end || !(delta > 0 && delta < 1)) {
                fprintf(stderr,
                        "hakbench compare: --delta wants a percentage between 0 and 100 "
                        "(e.g. 2), not '%s'\n",
                        optarg);
                return 2;
            }
            break;
        case 'd':
            db_path = optarg;
            break;
        case 'f':
            force = 1;
            break;
        case 'F':
            format = optarg;
            if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0) {
                fprintf(stderr, "hakbench compare: --format is text or json, not '%s'\n", optarg);
                return 2;
            }
            break;
        case 'h':
            fputs(compare_usage, stdout);
            return 0;
        default:
            fputs(compare_usage, stderr);
            return 2;
        }
    }
    if (argc - optind != 2) {
        fprintf(stderr, "hakbench compare: expected two variant specs A and B\n%s", compare_usage);
        return 2;
    }
    const char *a = argv[optind], *b = argv[optind + 1];
    if (strcmp(a, b) == 0 && (!session_a || session_a == session)) {
        fprintf(stderr,
                "hakbench compare: A and B are both '%s'; name two different variants (or take "
                "A from another session with --baseline-session)\n",
                a);
        return 2;
    }
    store *db = cli_open_store("compare", db_path);
    if (!db) return 2;
    int status = 2;
    comparison *res = NULL;
    if (!session && session_a) {
        session = store_latest_session_of(db, b, session_a);
        if (!session) {
            fprintf(stderr,
                    "hakbench compare: no session in %s besides %lld measured '%s'; measure it "
                    "first: hakbench run --variants %s --workloads larson\n",
                    db_path, (long long)session_a, b, b);
            goto out;
        }
    } else if (!session) {
        session = store_latest_session_with(db, a, b);
        if (!session) {
            fprintf(stderr,
                    "hakbench compare: no session in %s measured both '%s' and '%s'; measure "
                    "them first: hakbench run --variants %s,%s --workloads larson\n",
                    db_path, a, b, a, b);
            goto out;
        }
    }
    if (!session_a) session_a = session;
    store_session info;
    for (int k = 0; k < 2; k++) {
        int64_t sid = k ? session : session_a;
        const char *spec = k ? b : a;
        if (store_session_get(db, sid, &info) != 1) {
            fprintf(stderr,
                    "hakbench compare: %s has no session %lld (hakbench sessions lists "
                    "them)\n",
                    db_path, (long long)sid);
            goto out;
        }
        if (!store_session_has_variant(db, sid, spec)) {
            fprintf(stderr,
                    "hakbench compare: session %lld has no measured runs of '%s' (see "
                    "hakbench export --session %lld)\n",
                    (long long)sid, spec, (long long)sid);
            goto out;
        }
    }
    /* info is B's session: its seed seeds the bootstrap, its metric is the comparison's. */
    const char *metric = info.metric;
    int machines = store_count_fingerprints(db, session_a, session);
    if (machines > 1 && !force) {
        fprintf(stderr,
                "hakbench compare: sessions %lld and %lld ran on %d different machines "
                "(fingerprints differ); their numbers are not comparable (--force compares "
                "anyway, flagged)\n",
                (long long)session_a, (long long)session, machines);
        goto out;
    }
    int n = compare_sessions(db, session_a, session, a, b, workload, delta, info.seed, &res);
    if (n < 0) goto out;
    if (n == 0) {
        fprintf(stderr,
                "hakbench compare: no workload was measured under '%s' (session %lld) and '%s' "
                "(session %lld)%s%s\n",
                a, (long long)session_a, b, (long long)session, workload ? " named " : "",
                workload ? workload : "");
        goto out;
    }
    if (strcmp(format, "json") == 0)
        print_json(session_a, session, a, b, metric, machines, res, n);
    else
        print_text(session_a, session, a, b, metric, machines, res, n);
    status = 0;
    for (int i = 0; i < n; i++)
        if (res[i].verdict == VERDICT_REGRESSION || res[i].verdict == VERDICT_FAILED) status = 1;
out:
    free(res);
    store_close(db);
    return status;
}
