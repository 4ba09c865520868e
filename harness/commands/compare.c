/* hakbench compare: the statistics of two variants measured in one session, one row per
 * workload, as a text table or JSON. The numbers come from compare_sessions (analysis/), the
 * writing from report/comparison.h; this file picks the sessions and guards against mixed
 * machines. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "analysis/compare.h"
#include "commands/options.h"
#include "report/comparison.h"
#include "store/sessions.h"
#include "store/store.h"

static const char compare_usage[] =
    "usage: hakbench compare A B [--session N] [--baseline-session M] [--workloads W1,W2]\n"
    "                            [--delta PCT] [--db PATH] [--force] [--format text|json]\n"
    "\n"
    "Compares variant B against variant A (specs as given to `hakbench run`) per workload by\n"
    "the decision procedure (docs/statistics.md): the Hodges-Lehmann change of the per-block\n"
    "log-ratios (the two runs of an interleaved block share the machine's drift), its exact\n"
    "Wilcoxon signed-rank interval and p from the same test (Mann-Whitney across sessions),\n"
    "taken at the level of the look that decided it and of its Holm rank among the\n"
    "workloads, and a verdict, for throughput and for memory (peak RSS, RSS after free):\n"
    "  regression / improvement  the interval excludes 0 and |change| >= delta\n"
    "  equivalent                the interval lies within (-delta, +delta) and holds 0\n"
    "  changed-below-delta       the interval lies within (-delta, +delta), without 0\n"
    "  inconclusive              anything else: measure more runs\n"
    "  failed                    a measured run of A or B did not end ok (crash, oom, ...)\n"
    "The session's own A and B (its first two variants) are judged look by look as the\n"
    "session measured them; any other pair in one fixed look. A positive change is always\n"
    "better for B (more ops/s; fewer instructions; less memory).\n"
    "\n"
    "  --session N      the session (default: the latest one that measured both A and B;\n"
    "                   with --baseline-session, the latest one that measured B)\n"
    "  --baseline-session M\n"
    "                   take A's runs from session M instead (A and B may then be the same\n"
    "                   spec, e.g. last week's default against today's). Those runs were not\n"
    "                   interleaved: nothing pairs, p is Mann-Whitney's, and machine drift\n"
    "                   between the sessions counts as change\n"
    "  --workloads LIST only these workloads (--workload too)\n"
    "  --delta PCT      smallest change that matters, in percent (default: the delta of this\n"
    "                   machine's calibration of the same procedure, else the session's, 2)\n"
    "  --db PATH        results database (default " STORE_DEFAULT_HELP ")\n"
    "  --force          compare even when the runs come from different machines (different\n"
    "                   fingerprints, e.g. after hakbench merge); the output says so\n"
    "  --format FMT     text (default) or json\n"
    "  -h, --help       this text\n"
    "\n"
    "Exit status: 0 no regression, 1 a regression, a memory regression or a failed run, 2\n"
    "could not compare.\n";

/* Keeps the comparisons of the workloads named in the comma list, in the list's order (each
 * workload's numbers do not depend on which others were compared). The count, -1 for a bad
 * list. */
static int keep_workloads(comparison *c, int n, const char *list)
{
    int count;
    char **names = cli_split_list(list, &count);
    if (!names) {
        fprintf(stderr, "hakbench compare: --workloads: empty name in '%s'\n", list);
        return -1;
    }
    comparison *kept = calloc((size_t)n + 1, sizeof *kept);
    int k = kept ? 0 : -1;
    /* Each comparison is kept once, however often its name is listed. */
    for (int i = 0; kept && i < count; i++)
        for (int j = 0; j < n; j++)
            if (c[j].workload[0] && strcmp(c[j].workload, names[i]) == 0) {
                kept[k++] = c[j];
                c[j].workload[0] = '\0';
            }
    if (kept) memcpy(c, kept, (size_t)k * sizeof *c);
    free(kept);
    free(names);
    return k;
}

int cmd_compare(int argc, char **argv)
{
    static const struct option opts[] = {{"session", required_argument, NULL, 's'},
                                         {"workloads", required_argument, NULL, 'w'},
                                         {"workload", required_argument, NULL, 'w'},
                                         {"baseline-session", required_argument, NULL, 'B'},
                                         {"delta", required_argument, NULL, 'D'},
                                         {"db", required_argument, NULL, 'd'},
                                         {"force", no_argument, NULL, 'f'},
                                         {"format", required_argument, NULL, 'F'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    const char *db_path = store_default_location(), *workloads = NULL, *format = "text";
    int64_t session = 0, session_a = 0;
    double delta = -1;
    int force = 0, c;
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
            workloads = optarg;
            break;
        case 'D':
            if (cli_parse_delta("compare", optarg, &delta) != 0) return 2;
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
                    cli_db_shown(db_path), (long long)session_a, b, b);
            goto out;
        }
    } else if (!session) {
        session = store_latest_session_with(db, a, b);
        if (!session) {
            fprintf(stderr,
                    "hakbench compare: no session in %s measured both '%s' and '%s'; measure "
                    "them first: hakbench run --variants %s,%s --workloads larson\n",
                    cli_db_shown(db_path), a, b, a, b);
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
                    cli_db_shown(db_path), (long long)sid);
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
    /* info is B's session: its metric is the comparison's. */
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
    int n = compare_sessions(db, session_a, session, a, b, NULL, delta, &res);
    if (n < 0) goto out;
    if (workloads && (n = keep_workloads(res, n, workloads)) < 0) goto out;
    if (n == 0) {
        fprintf(stderr,
                "hakbench compare: no workload was measured under '%s' (session %lld) and '%s' "
                "(session %lld)%s%s\n",
                a, (long long)session_a, b, (long long)session, workloads ? " named " : "",
                workloads ? workloads : "");
        goto out;
    }
    comparison_view view = {.session_a = session_a,
                            .session_b = session,
                            .a = a,
                            .b = b,
                            .metric = metric,
                            .machines = machines,
                            .machine = &info.machine,
                            .cmp = res,
                            .n = n};
    if (strcmp(format, "json") == 0)
        comparison_write_json(stdout, &view);
    else
        comparison_write_text(stdout, &view);
    status = 0;
    for (int i = 0; i < n; i++)
        if (res[i].primary.verdict == VERDICT_REGRESSION ||
            res[i].primary.verdict == VERDICT_FAILED ||
            comparison_memory_change(&res[i], NULL) == VERDICT_REGRESSION)
            status = 1;
out:
    free(res);
    store_close(db);
    return status;
}
