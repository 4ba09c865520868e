/* hakbench nightly: the full suite at HEAD (hakmem variants and peers, every workload) in a
 * session of kind 'nightly', then the report against the previous nightly of this machine with
 * the history and its change points (analysis/nightly.c, report/nightly_markdown.c), and with
 * --bisect a bisect of each new regression (run/bisect.c, report/bisect_markdown.c). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/nightly.h"
#include "commands/commands.h"
#include "commands/options.h"
#include "report/bisect_report.h"
#include "report/nightly_report.h"
#include "run/bisect.h"
#include "run/machine.h"
#include "run/session.h"
#include "spec/variants.h"
#include "spec/workload_table.h"
#include "util/clock.h"
#include "util/revlist.h"

static const char nightly_usage[] =
    "usage: hakbench nightly [--quick] [--bisect] [--db PATH] [--reports-dir DIR] [--runs N]\n"
    "                        [--seed N] [--session N]\n"
    "\n"
    "Runs every workload of " WORKLOADS_CONF " under the hakmem variants default,\n"
    "baseline, fastpath and legacy and the peers system, jemalloc, mimalloc, tcmalloc and\n"
    "tbbmalloc, at the current work tree (HEAD), in a session of kind 'nightly', with the\n"
    "previous nightly's revision of the default build (REV@default) interleaved as the\n"
    "session's A: night over night is a paired comparison by the decision procedure\n"
    "(docs/statistics.md). Then writes DIR/nightly-<YYYY-MM-DD>.md: tonight against the previous\n"
    "nightly of this machine (same fingerprint and mode), the history of every workload with\n"
    "its steps (suspected on their first night, confirmed by a change point of at least delta),\n"
    "failures (a peer whose every run fails the same way is marked as the peer's own), and a\n"
    "gnuplot plot per workload. A peer whose library is not installed is left out.\n"
    "The last line printed is the report's path.\n"
    "\n"
    "  --quick            a smoke run of the same pipeline: quick workload arguments, 3 runs,\n"
    "                     no warm-up or counters runs, no whole-program (app_*) workloads;\n"
    "                     compared only with quick nightlies\n"
    "  --bisect           bisect every new regression of a hakmem variant between the previous\n"
    "                     nightly's revision and today's; the bisect reports are linked\n"
    "  --db PATH          results database (default " STORE_DEFAULT_HELP ")\n"
    "  --reports-dir DIR  where the report and plots go (default reports)\n"
    "  --runs N           blocks per look of the procedure (default 10); peers and the other\n"
    "                     variants run one look, the paired A and B up to 3\n"
    "  --seed N           seeds run order, statistics and change points (default: the date)\n"
    "  --session N        run nothing: write the report (and with --bisect, the bisects) of\n"
    "                     the existing nightly session N again; the same session always gives\n"
    "                     the same report\n"
    "  -h, --help         this text\n"
    "\n"
    "Exit status: 0 no alarm, 1 an alarm about hakmem's own variants (a paired regression or\n"
    "memory regression of the default build, failed runs of a hakmem variant, a step down\n"
    "suspected or confirmed tonight), 2 could not run (bad arguments, database error, a report\n"
    "that cannot be written). Peer failures are shown, never an alarm.\n";

static const char *const nightly_variants[] = {"default",  "baseline", "fastpath",
                                               "legacy",   "system",   "jemalloc",
                                               "mimalloc", "tcmalloc", "tbbmalloc"};
#define NIGHTLY_NVARIANTS ((int)(sizeof nightly_variants / sizeof *nightly_variants))

/* The variants this machine can run: a peer whose library is missing is reported and left
 * out rather than failing every one of its runs. */
static int pick_variants(const char **out)
{
    variant_table vt;
    char err[512];
    if (variants_load(VARIANTS_CONF, &vt, err, sizeof err) != 0) {
        fprintf(stderr, "hakbench nightly: %s\n", err);
        return -1;
    }
    int n = 0;
    for (int i = 0; i < NIGHTLY_NVARIANTS; i++) {
        const variant_def *def = variants_find(&vt, nightly_variants[i]);
        if (!def)
            fprintf(stderr,
                    "hakbench nightly: variant '%s' is not in " VARIANTS_CONF "; left out\n",
                    nightly_variants[i]);
        else if (def->kind == VARIANT_PEER && def->flags[0] && access(def->flags, R_OK) != 0)
            fprintf(stderr, "hakbench nightly: %s (%s) is not installed; left out (make deps)\n",
                    nightly_variants[i], def->flags);
        else
            out[n++] = nightly_variants[i];
    }
    variants_free(&vt);
    return n;
}

/* Every workload of workloads.conf; a quick run leaves out the whole programs (app_*), which
 * hyperfine times with several runs each and which would make the smoke run long. */
static int load_workloads(int quick, const char ***names)
{
    workload_table wt;
    char err[512];
    if (workloads_load(WORKLOADS_CONF, &wt, err, sizeof err) != 0) {
        fprintf(stderr, "hakbench nightly: %s\n", err);
        return -1;
    }
    /* The names outlive the table: one block holds the pointers and the strings. */
    size_t size = (size_t)wt.count * (sizeof(char *) + sizeof wt.defs[0].name);
    const char **list = malloc(size ? size : 1);
    if (!list) {
        workloads_free(&wt);
        return -1;
    }
    char *strings = (char *)(list + wt.count);
    int n = 0;
    for (int i = 0; i < wt.count; i++) {
        if (quick && wt.defs[i].app) continue;
        char *s = strings + (size_t)n * sizeof wt.defs[0].name;
        memcpy(s, wt.defs[i].name, sizeof wt.defs[0].name);
        list[n++] = s;
    }
    workloads_free(&wt);
    *names = list;
    return n;
}

/* Bisects each new regression of a hakmem variant between the two nightlies' revisions. */
static void bisect_regressions(store *db, nightly_data *d, const bisect_opts *base,
                               const char *reports_dir, const char *db_shown)
{
    if (!d->previous) return;
    for (int i = 0; i < d->ndeltas; i++) {
        const nightly_delta *x = &d->deltas[i];
        if (!nightly_is_alarm(x)) continue;
        if (!d->previous_rev[0] || !d->today_rev[0] || strcmp(d->previous_rev, d->today_rev) == 0) {
            fprintf(stderr,
                    "hakbench nightly: %s under %s regressed, but the previous nightly ran the "
                    "same revision: nothing to bisect (a change of the machine or noise)\n",
                    x->workload, x->variant);
            continue;
        }
        if (d->today_dirty) {
            fprintf(stderr,
                    "hakbench nightly: %s under %s regressed, but today's build has local "
                    "changes: bisect needs committed revisions (commit, then run `hakbench "
                    "bisect --good %.12s --bad HEAD --workloads %s --variants %s`)\n",
                    x->workload, x->variant, d->previous_rev, x->workload, x->variant);
            continue;
        }
        nightly_bisect *grown = realloc(d->bisects, (size_t)(d->nbisects + 1) * sizeof *grown);
        if (!grown) return;
        d->bisects = grown;
        nightly_bisect *nb = &d->bisects[d->nbisects++];
        memset(nb, 0, sizeof *nb);
        snprintf(nb->variant, sizeof nb->variant, "%s", x->variant);
        snprintf(nb->workload, sizeof nb->workload, "%s", x->workload);
        bisect_opts o = *base;
        o.good = d->previous_rev;
        o.bad = d->today_rev;
        o.workload = x->workload;
        o.variant = x->variant;
        bisect_result r;
        fprintf(stderr, "hakbench nightly: bisecting %s under %s between %.12s and %.12s\n",
                x->workload, x->variant, d->previous_rev, d->today_rev);
        nb->status = bisect_run(db, &o, &r);
        if (nb->status == 0) {
            char err[512];
            nb->found = r.found;
            nb->confirmed = r.confirmed;
            snprintf(nb->culprit, sizeof nb->culprit, "%s", r.culprit);
            report_bisect_path(nb->report, sizeof nb->report, reports_dir);
            if (report_bisect_write(nb->report, &r, db_shown, err, sizeof err) != 0) {
                fprintf(stderr, "hakbench nightly: %s\n", err);
                nb->status = -1;
            } else {
                fprintf(stderr, "hakbench nightly: %s %.12s; %s\n",
                        r.confirmed ? "first bad commit" : "unconfirmed candidate", r.culprit,
                        nb->report);
            }
        }
        bisect_result_free(&r);
    }
}

/* The measuring part: the full suite at the work tree in a new nightly session. */
static int run_suite(store *db, const char *command, int quick, int runs, uint64_t seed,
                     int64_t *today, int *build_failed)
{
    /* The previous nightly's revision of the default build goes first: A of the paired
     * comparison, default (B) second. */
    const char *variants[NIGHTLY_NVARIANTS + 1];
    const char **workloads = NULL;
    char prev_rev[41], prev_spec[80];
    int64_t machine = machine_id(db);
    int have_prev = machine >= 0 && nightly_previous_revision(db, machine, quick, prev_rev);
    snprintf(prev_spec, sizeof prev_spec, "%s@" NIGHTLY_PLOT_VARIANT, prev_rev);
    if (have_prev) variants[0] = prev_spec;
    int nv = pick_variants(variants + have_prev);
    if (nv > 0) nv += have_prev;
    int nw = nv > 0 ? load_workloads(quick, &workloads) : -1;
    if (nv <= 0 || nw <= 0) {
        free(workloads);
        return -1;
    }
    /* Default seed: the date, so one night's run order differs from the next one's. */
    char now[40];
    clock_utc_iso(now, sizeof now);
    if (!seed)
        seed = (uint64_t)(strtol(now, NULL, 10) * 10000 + strtol(now + 5, NULL, 10) * 100 +
                          strtol(now + 8, NULL, 10));
    session_opts so;
    session_opts_init(&so);
    so.kind = "nightly";
    so.command = command;
    so.variants = variants;
    so.nvariants = nv;
    so.workloads = workloads;
    so.nworkloads = nw;
    so.quick = quick;
    if (runs) so.proc.runs_per_look = runs;
    so.warmup = quick ? 0 : 1;
    so.counters = !quick;
    so.seed = seed;
    so.note = quick ? "nightly (quick)" : "nightly";
    int rc = session_run(db, &so, today, build_failed);
    free(workloads);
    if (rc == 0 && *build_failed)
        fprintf(stderr, "hakbench nightly: a variant did not build; its runs are recorded as "
                        "build-failed\n");
    return rc;
}

int cmd_nightly(int argc, char **argv)
{
    static const struct option opts[] = {{"quick", no_argument, NULL, 'q'},
                                         {"bisect", no_argument, NULL, 'b'},
                                         {"db", required_argument, NULL, 'd'},
                                         {"reports-dir", required_argument, NULL, 'o'},
                                         {"runs", required_argument, NULL, 'r'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"session", required_argument, NULL, 'S'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    const char *db_arg = NULL, *reports_arg = "reports";
    int quick = 0, bisect = 0;
    long runs = 0;
    int64_t session_arg = 0;
    uint64_t seed = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'q':
            quick = 1;
            break;
        case 'b':
            bisect = 1;
            break;
        case 'd':
            db_arg = optarg;
            break;
        case 'o':
            reports_arg = optarg;
            break;
        case 'r':
            if (cli_parse_long("nightly", "--runs", optarg, 1, 1000, &runs) != 0) return 2;
            break;
        case 's':
            if (cli_parse_u64("nightly", "--seed", optarg, &seed) != 0) return 2;
            break;
        case 'S':
            if (cli_parse_session("nightly", "--session", optarg, &session_arg) != 0) return 2;
            break;
        case 'h':
            fputs(nightly_usage, stdout);
            return 0;
        default:
            fputs(nightly_usage, stderr);
            return 2;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "hakbench nightly: unexpected argument '%s'\n%s", argv[optind],
                nightly_usage);
        return 2;
    }
    /* A static buffer: copy it, the bisects below build command lines of their own. */
    char command[4096];
    snprintf(command, sizeof command, "%s", cli_command_line(argc, argv));

    cli_checkout where;
    if (cli_enter_checkout("nightly", db_arg, reports_arg, &where) != 0) return 2;
    const char *reports_dir = where.reports_dir, *db_shown = where.db_shown;

    char err[512];
    store *db = cli_open_store("nightly", where.db_path);
    if (!db) return 2;
    int64_t today = session_arg;
    int build_failed = 0;
    int status = 2;
    nightly_data d;
    memset(&d, 0, sizeof d);
    if (!today && run_suite(db, command, quick, (int)runs, seed, &today, &build_failed) != 0)
        goto out;
    if (nightly_load(db, today, &d, err, sizeof err) != 0) {
        fprintf(stderr, "hakbench nightly: %s\n", err);
        goto out;
    }
    if (bisect) {
        bisect_opts bo;
        bisect_opts_init(&bo);
        bo.quick = d.today.quick;
        bo.seed = d.today.seed;
        /* The bisect looks for what tonight's procedure judged. */
        if (d.today.delta > 0) bo.proc.delta = d.today.delta;
        if (d.today.runs_per_look > 0) bo.proc.runs_per_look = d.today.runs_per_look;
        bo.command = command;
        bisect_regressions(db, &d, &bo, reports_dir, db_shown);
    }
    char report[PATH_MAX + 32];
    snprintf(report, sizeof report, "%s/nightly-%.10s.md", reports_dir, d.today.started_at);
    if (nightly_write_report(&d, report, db_shown, err, sizeof err) != 0) {
        fprintf(stderr, "hakbench nightly: %s\n", err);
        goto out;
    }
    int alarms = nightly_count_alarms(&d), peer_own = 0;
    for (int i = 0; i < d.nfailures; i++)
        peer_own += d.failures[i].own_problem;
    status = build_failed || alarms ? 1 : 0;
    printf("nightly session %lld: %d alarm(s) about hakmem's variants, %d peer failure(s) of the "
           "peer's own%s\n",
           (long long)today, alarms, peer_own,
           d.previous ? "" : " (first nightly on this machine)");
    printf("%s\n", report);
out:
    nightly_free(&d);
    store_close(db);
    return status;
}
