/* hakbench bisect: the first commit between a good and a bad revision that slowed a workload
 * down (run/bisect.c searches, report/bisect_markdown.c writes the report). Runs in the git
 * repository of the current directory, whichever that is. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "commands/commands.h"
#include "commands/options.h"
#include "report/bisect_report.h"
#include "run/bisect.h"
#include "spec/variants.h"
#include "spec/workload_table.h"
#include "util/revlist.h"

static const char bisect_usage[] =
    "usage: hakbench bisect --good REV --bad REV [--workloads W] [--variants NAME]\n"
    "                       [--delta PCT] [--quick] [--runs N] [--looks K] [--db PATH]\n"
    "                       [--reports-dir DIR] [--seed N]\n"
    "\n"
    "Finds the first first-parent commit in GOOD..BAD at which the workload got slower than at\n"
    "GOOD (or crashed). First it measures BAD against GOOD: when that is not a regression there\n"
    "is nothing to bisect, and it stops (exit 2) saying so. Each step builds REV@NAME (cached)\n"
    "and measures it interleaved against GOOD in one session with the decision procedure's\n"
    "looks (docs/statistics.md): regression or failure: bad; equivalent, below delta or an\n"
    "improvement: good; still inconclusive after the last look: skipped, like a commit that\n"
    "does not build (git bisect's 125), never taken for good. A commit whose library is byte\n"
    "for byte GOOD's (a change outside the allocator) is good without runs. The culprit is\n"
    "confirmed against its parent. Every step, with its interval, is stored in the database\n"
    "(bisect_steps) and a report is written to DIR/bisect-<UTC timestamp>.md. The last line\n"
    "printed is\n"
    "  first bad commit: <sha> <subject>\n"
    "or, when the confirmation did not show the regression (a step misled by noise),\n"
    "  unconfirmed candidate: <sha> <subject>\n"
    "Works in the git repository of the current directory.\n"
    "\n"
    "  --good REV         a revision without the regression\n"
    "  --bad REV          a later revision with it\n"
    "  --workloads W      one workload of " WORKLOADS_CONF " (default larson;\n"
    "                     --workload too)\n"
    "  --variants NAME    one hakmem variant of " VARIANTS_CONF " (default 'default';\n"
    "                     --variant too)\n"
    "  --delta PCT        the smallest regression sought, in percent (default 2; --threshold\n"
    "                     too)\n"
    "  --quick            quick workload arguments (a smoke bisect)\n"
    "  --runs N           blocks per look of each step (default 10)\n"
    "  --looks K          looks per step at most (default 3)\n"
    "  --db PATH          results database (default " STORE_DEFAULT_HELP ")\n"
    "  --reports-dir DIR  where the report goes (default reports)\n"
    "  --seed N           seeds run order and statistics (default 1)\n"
    "  -h, --help         this text\n"
    "\n"
    "Exit status: 0 first bad commit found and confirmed; 1 the search ended without a\n"
    "confirmed answer (the confirmation did not reproduce the regression, or skipped commits\n"
    "hide the exact one); 2 could not bisect (BAD is no regression against GOOD, bad\n"
    "arguments, a revision that does not exist, a good revision that does not build, database\n"
    "error).\n";

int cmd_bisect(int argc, char **argv)
{
    static const struct option opts[] = {{"good", required_argument, NULL, 'g'},
                                         {"bad", required_argument, NULL, 'b'},
                                         {"workloads", required_argument, NULL, 'w'},
                                         {"workload", required_argument, NULL, 'w'},
                                         {"variants", required_argument, NULL, 'v'},
                                         {"variant", required_argument, NULL, 'v'},
                                         {"delta", required_argument, NULL, 't'},
                                         {"threshold", required_argument, NULL, 't'},
                                         {"quick", no_argument, NULL, 'q'},
                                         {"runs", required_argument, NULL, 'r'},
                                         {"looks", required_argument, NULL, 'l'},
                                         {"db", required_argument, NULL, 'd'},
                                         {"reports-dir", required_argument, NULL, 'o'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    bisect_opts o;
    bisect_opts_init(&o);
    const char *db_arg = NULL, *reports_arg = "reports";
    long v;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'g':
            o.good = optarg;
            break;
        case 'b':
            o.bad = optarg;
            break;
        case 'w':
            if (cli_parse_one("bisect", "--workloads", optarg, &o.workload) != 0) return 2;
            break;
        case 'v':
            if (cli_parse_one("bisect", "--variants", optarg, &o.variant) != 0) return 2;
            break;
        case 't':
            if (cli_parse_delta("bisect", optarg, &o.proc.delta) != 0) return 2;
            break;
        case 'q':
            o.quick = 1;
            break;
        case 'r':
            if (cli_parse_long("bisect", "--runs", optarg, 3, 1000, &v) != 0) return 2;
            o.proc.runs_per_look = (int)v;
            break;
        case 'l':
            if (cli_parse_long("bisect", "--looks", optarg, 1, 20, &v) != 0) return 2;
            o.proc.looks = (int)v;
            break;
        case 'd':
            db_arg = optarg;
            break;
        case 'o':
            reports_arg = optarg;
            break;
        case 's':
            if (cli_parse_u64("bisect", "--seed", optarg, &o.seed) != 0) return 2;
            break;
        case 'h':
            fputs(bisect_usage, stdout);
            return 0;
        default:
            fputs(bisect_usage, stderr);
            return 2;
        }
    }
    if (!o.good || !o.bad || optind != argc) {
        fprintf(stderr, "hakbench bisect: %s\n%s",
                optind != argc ? "unexpected argument (every input is an option)"
                               : "both --good REV and --bad REV are required",
                bisect_usage);
        return 2;
    }
    o.command = cli_command_line(argc, argv);

    cli_checkout where;
    if (cli_enter_checkout("bisect", db_arg, reports_arg, &where) != 0) return 2;
    const char *reports_dir = where.reports_dir, *db_shown = where.db_shown;

    char err[512];
    store *db = cli_open_store("bisect", where.db_path);
    if (!db) return 2;
    bisect_result r;
    int ran = bisect_run(db, &o, &r);
    store_close(db);
    if (ran != 0) {
        bisect_result_free(&r);
        return 2;
    }
    char report[PATH_MAX + 64];
    report_bisect_path(report, sizeof report, reports_dir);
    if (report_bisect_write(report, &r, db_shown, err, sizeof err) != 0)
        fprintf(stderr, "hakbench bisect: %s\n", err);
    else
        printf("report: %s\n", report);
    int status = 0;
    if (!r.reproduced) {
        printf("not reproduced: %.12s is no regression against %.12s on %s (see the report)\n",
               r.bad, r.good, r.workload);
        status = 2;
    } else if (!r.found) {
        printf("the first bad commit could be any of:\n");
        for (int i = 0; i < r.ncandidates; i++)
            printf("%s\n", r.candidates[i]);
        printf("(skipped commits that do not build hide which one)\n");
        status = 1;
    } else {
        commit_info ci;
        if (revlist_commit_info(r.culprit, &ci) != 0) ci.subject[0] = '\0';
        /* An unconfirmed answer gets another name: a script reading "first bad commit:" must
         * not act on a step that noise may have decided. */
        if (!r.confirmed) {
            fprintf(stderr, "hakbench bisect: the confirmation against the parent did not show "
                            "the regression: a step may have been misled by noise (try more "
                            "--runs, or an idler machine)\n");
            status = 1;
        }
        printf("%s: %s %s\n", r.confirmed ? "first bad commit" : "unconfirmed candidate", r.culprit,
               ci.subject);
    }
    bisect_result_free(&r);
    return status;
}
