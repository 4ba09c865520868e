/* hakbench run: variants x workloads into a new session; prints "session N" last. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands/options.h"
#include "commands/commands.h"
#include "run/session.h"
#include "spec/variants.h"
#include "spec/workload_table.h"
#include "store/runs.h"
#include "store/store.h"

static const char usage[] =
    "usage: hakbench run --variants A,B[,...] --workloads W1,W2|all [options]\n"
    "\n"
    "Runs every workload under every variant in randomized interleaved blocks (each block runs\n"
    "every variant once, in a random order) after discarded warm-up runs, and stores every run\n"
    "in the database. The blocks come in looks of the decision procedure (docs/statistics.md):\n"
    "after each look the first two variants (A and B) are compared, and only the workloads\n"
    "whose verdict is still inconclusive get the next look's blocks, of A and B only (further\n"
    "variants, e.g. peers, are references: one look). Prints the session id as the last line:\n"
    "'session N'.\n"
    "\n"
    "  --variants LIST      variant specs: NAME, REV or REV@NAME (see 'hakbench variants')\n"
    "  --workloads LIST     workload names from workloads.conf, or 'all'\n"
    "  --runs N             blocks per look: measured runs of each variant (default 10)\n"
    "  --looks K            looks at most (default 3; 1: a fixed number of runs)\n"
    "  --alpha A            false-positive budget of the comparison (default 0.05)\n"
    "  --delta PCT          smallest change that matters, in percent (default 2)\n"
    "  --warmup N           discarded runs per variant and workload first (default 1)\n"
    "  --quick              the workloads' short arguments (0.2-0.5 s per run)\n"
    "  --db PATH            database (default " STORE_DEFAULT_HELP ")\n"
    "  --pin, --no-pin      pin single-threaded workloads to the fastest CPU, found by a\n"
    "                       short probe at the start (default on: CPUs of a VM may differ\n"
    "                       twofold, and an unpinned run lands on either)\n"
    "  --metric time|instructions\n"
    "                       instructions: count instructions with callgrind (single-threaded\n"
    "                       workloads only; deterministic, slow)\n"
    "  --counters, --no-counters\n"
    "                       extra runs per hakmem variant and workload that collect the\n"
    "                       allocator's counters (default on)\n"
    "  --counters-runs N    counters runs of each, interleaved (default 3: their spread is\n"
    "                       the noise a counter change must exceed)\n"
    "  --profile, --no-profile\n"
    "                       after the measured runs, profile the first two variants on every\n"
    "                       workload where they are not equivalent: perf record -e cpu-clock\n"
    "                       with call graphs, and callgrind (quick arguments) on\n"
    "                       single-threaded ones; one run each, under the time limit\n"
    "                       (default off; run_ab.sh turns it on)\n"
    "  --time-limit S       kill a run after S seconds: 'timeout' (default 120; at least 900\n"
    "                       with --metric instructions, callgrind being ~50x slower)\n"
    "  --mem-limit MB       kill a run above MB of memory: 'oom' (default 2048)\n"
    "  --seed N             seed of the run order (default: from the clock, stored)\n"
    "  --note TEXT          free text stored with the session\n"
    "  --variants-conf F    default " VARIANTS_CONF "\n"
    "  --workloads-conf F   default " WORKLOADS_CONF "\n"
    "  -q, --quiet          no progress on stderr\n"
    "  -h, --help           this text\n"
    "\n"
    "Exit status: 0 the session ran and every run ended ok; 1 it ran, and some runs crashed,\n"
    "ran out of memory, timed out or printed no result (stored as results: the session is\n"
    "complete); 2 bad arguments, a variant that does not build, or a database error.\n"
    "Example: hakbench run --variants baseline,fastpath --workloads larson --quick\n";

static int expand_all(const session_opts *o, char ***names, int *count)
{
    workload_table wt;
    char err[512];
    if (workloads_load(o->workloads_conf, &wt, err, sizeof err) != 0) {
        fprintf(stderr, "hakbench: %s\n", err);
        return -1;
    }
    *names = calloc((size_t)wt.count + 1, sizeof **names);
    *count = 0;
    for (int i = 0; i < wt.count; i++) {
        const workload_def *w = &wt.defs[i];
        /* 'all' in instruction mode means every workload that mode can measure. */
        if (o->instructions && (w->app || w->threads != 1)) continue;
        (*names)[(*count)++] = strdup(w->name);
    }
    workloads_free(&wt);
    return 0;
}

int cmd_run(int argc, char **argv)
{
    enum {
        OPT_NO_COUNTERS = 256,
        OPT_COUNTERS_RUNS,
        OPT_NO_PIN,
        OPT_PROFILE,
        OPT_NO_PROFILE,
        OPT_VCONF,
        OPT_WCONF,
        OPT_LOOKS,
        OPT_ALPHA,
        OPT_DELTA,
        OPT_NOTE,
        OPT_TIME,
        OPT_MEM
    };
    static const struct option opts[] = {
        {"variants", required_argument, NULL, 'v'},
        {"workloads", required_argument, NULL, 'w'},
        {"runs", required_argument, NULL, 'n'},
        {"looks", required_argument, NULL, OPT_LOOKS},
        {"alpha", required_argument, NULL, OPT_ALPHA},
        {"delta", required_argument, NULL, OPT_DELTA},
        {"warmup", required_argument, NULL, 'W'},
        {"quick", no_argument, NULL, 'Q'},
        {"db", required_argument, NULL, 'd'},
        {"pin", no_argument, NULL, 'p'},
        {"no-pin", no_argument, NULL, OPT_NO_PIN},
        {"metric", required_argument, NULL, 'm'},
        {"counters", no_argument, NULL, 'c'},
        {"no-counters", no_argument, NULL, OPT_NO_COUNTERS},
        {"counters-runs", required_argument, NULL, OPT_COUNTERS_RUNS},
        {"profile", no_argument, NULL, OPT_PROFILE},
        {"no-profile", no_argument, NULL, OPT_NO_PROFILE},
        {"time-limit", required_argument, NULL, OPT_TIME},
        {"mem-limit", required_argument, NULL, OPT_MEM},
        {"seed", required_argument, NULL, 's'},
        {"note", required_argument, NULL, OPT_NOTE},
        {"variants-conf", required_argument, NULL, OPT_VCONF},
        {"workloads-conf", required_argument, NULL, OPT_WCONF},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    session_opts o;
    session_opts_init(&o);
    const char *variants = NULL, *workloads = NULL, *db_path = store_default_location();
    long v;
    int have_seed = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
        switch (c) {
        case 'v':
            variants = optarg;
            break;
        case 'w':
            workloads = optarg;
            break;
        case 'n':
            if (cli_parse_long("run", "--runs", optarg, 1, 10000, &v)) return 2;
            o.proc.runs_per_look = (int)v;
            break;
        case OPT_LOOKS:
            if (cli_parse_long("run", "--looks", optarg, 1, 20, &v)) return 2;
            o.proc.looks = (int)v;
            break;
        case OPT_ALPHA:
            if (cli_parse_double("run", "--alpha", optarg, 1e-6, 0.5, &o.proc.alpha)) return 2;
            break;
        case OPT_DELTA:
            if (cli_parse_delta("run", optarg, &o.proc.delta)) return 2;
            break;
        case 'W':
            if (cli_parse_long("run", "--warmup", optarg, 0, 1000, &v)) return 2;
            o.warmup = (int)v;
            break;
        case 'Q':
            o.quick = 1;
            break;
        case 'd':
            db_path = optarg;
            break;
        case 'p':
            o.pin = 1;
            break;
        case OPT_NO_PIN:
            o.pin = 0;
            break;
        case 'm':
            if (strcmp(optarg, "time") != 0 && strcmp(optarg, "instructions") != 0) {
                fprintf(stderr, "hakbench run: --metric: '%s' is not time or instructions\n",
                        optarg);
                return 2;
            }
            o.instructions = strcmp(optarg, "instructions") == 0;
            break;
        case 'c':
            o.counters = 1;
            break;
        case OPT_NO_COUNTERS:
            o.counters = 0;
            break;
        case OPT_COUNTERS_RUNS:
            if (cli_parse_long("run", "--counters-runs", optarg, 1, 100, &v)) return 2;
            o.counters_runs = (int)v;
            break;
        case OPT_PROFILE:
            o.profile = 1;
            break;
        case OPT_NO_PROFILE:
            o.profile = 0;
            break;
        case OPT_TIME:
            if (cli_parse_double("run", "--time-limit", optarg, 0.1, 86400, &o.time_limit_s))
                return 2;
            break;
        case OPT_MEM:
            if (cli_parse_long("run", "--mem-limit", optarg, 16, 1L << 24, &v)) return 2;
            o.mem_limit_kb = v * 1024;
            break;
        case 's':
            if (cli_parse_u64("run", "--seed", optarg, &o.seed)) return 2;
            have_seed = 1;
            break;
        case OPT_NOTE:
            o.note = optarg;
            break;
        case OPT_VCONF:
            o.variants_conf = optarg;
            break;
        case OPT_WCONF:
            o.workloads_conf = optarg;
            break;
        case 'q':
            o.quiet = 1;
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            fputs("see 'hakbench run --help'\n", stderr);
            return 2;
        }
    }
    if (cli_no_operands("run", argc, argv) != 0) return 2;
    if (!variants || !workloads) {
        fprintf(stderr, "hakbench run: --variants and --workloads are required (see --help)\n");
        return 2;
    }
    if (!have_seed) o.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 20);

    int nv = 0, nw = 0;
    char **vlist = cli_split_list(variants, &nv);
    char **wlist = NULL;
    int expanded = strcmp(workloads, "all") == 0;
    if (expanded ? expand_all(&o, &wlist, &nw) != 0 : !(wlist = cli_split_list(workloads, &nw))) {
        if (!expanded)
            fprintf(stderr, "hakbench run: --workloads: empty name in '%s'\n", workloads);
        free(vlist);
        return 2;
    }
    if (!vlist) {
        fprintf(stderr, "hakbench run: --variants: empty name in '%s'\n", variants);
        return 2;
    }
    o.variants = (const char *const *)vlist;
    o.nvariants = nv;
    o.workloads = (const char *const *)wlist;
    o.nworkloads = nw;
    char cmdline[4096];
    snprintf(cmdline, sizeof cmdline, "%s", cli_command_line(argc, argv));
    o.command = cmdline;

    int rc = 2;
    store *db = NULL;
    char err[1024];
    if (session_check(&o, err, sizeof err) != 0) {
        fprintf(stderr, "hakbench: %s\n", err); /* no database was created for it */
    } else if ((db = cli_open_store("run", db_path)) != NULL) {
        int64_t session_id = 0;
        int build_failed = 0;
        if (session_run(db, &o, &session_id, &build_failed) == 0) {
            if (build_failed)
                fprintf(stderr,
                        "hakbench run: a variant failed to build (recorded as "
                        "build-failed; see 'hakbench export --session %lld')\n",
                        (long long)session_id);
            int failed = store_count_failed(db, session_id);
            if (failed && !build_failed)
                fprintf(stderr,
                        "hakbench run: %d run(s) did not end ok (crash, oom, timeout, ...); "
                        "they are results: see hakbench report --session %lld\n",
                        failed, (long long)session_id);
            printf("session %lld\n", (long long)session_id);
            rc = build_failed ? 2 : failed ? 1 : 0;
        }
        store_close(db);
    }
    free(vlist);
    if (expanded)
        for (int i = 0; i < nw; i++)
            free(wlist[i]);
    free(wlist);
    return rc;
}
