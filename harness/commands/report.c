/* hakbench report: the markdown report of one session, with its plots beside it. The data and
 * the writing live in report/ (session_data.c, session_markdown.c); this file parses options, picks
 * the output path and maps the session's verdict to the exit status. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands/commands.h"
#include "commands/options.h"
#include "report/report.h"
#include "util/files.h"

static const char report_usage[] =
    "usage: hakbench report --session N [--out FILE] [--db PATH] [--a SPEC --b SPEC] [--peers]\n"
    "                       [--format markdown|github]\n"
    "\n"
    "Writes the markdown report of a session: verdict, TL;DR, results per workload with 95%\n"
    "intervals, memory, the allocator counters that moved most, failures with their stderr,\n"
    "ranked next steps, the commands to reproduce, and the environment. Plots (gnuplot PNGs,\n"
    "with their data files and scripts) go beside the report. The same session always gives\n"
    "the same report: dates come from the session, never from the clock.\n"
    "\n"
    "  --session N   the session to report on (hakbench sessions lists them)\n"
    "  --out FILE    the report (default reports/<kind>-<session>.md); its folder is created\n"
    "  --db PATH     results database (default " STORE_DEFAULT_HELP ")\n"
    "  --a SPEC      variant A as typed in the session (default: its first variant)\n"
    "  --b SPEC      variant B (default: its second variant)\n"
    "  --peers       always include the table of every variant as ratios to glibc (`system`);\n"
    "                it is included anyway when the session has more than two variants\n"
    "  --format F    markdown (default): the full report with its plots and flame graphs;\n"
    "                github: a short GitHub-flavoured summary for a pull-request comment or\n"
    "                $GITHUB_STEP_SUMMARY (under 60,000 characters, details collapsed, no\n"
    "                files beside it), to --out FILE or stdout\n"
    "  -h, --help    this text\n"
    "\n"
    "Prints the report's path (markdown). Exit status: 0 no regression, 1 a regression (of\n"
    "throughput or memory) or a failed run of A or B, 2 could not report (no such session or\n"
    "database, unwritable path).\n";

int cmd_report(int argc, char **argv)
{
    static const struct option options[] = {
        {"session", required_argument, NULL, 's'}, {"out", required_argument, NULL, 'o'},
        {"db", required_argument, NULL, 'd'},      {"a", required_argument, NULL, 'a'},
        {"b", required_argument, NULL, 'b'},       {"peers", no_argument, NULL, 'p'},
        {"format", required_argument, NULL, 'f'},  {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *db_path = store_default_location(), *out = NULL, *a = NULL, *b = NULL;
    int64_t session = 0;
    int peers = 0, github = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case 's':
            if (cli_parse_session("report", "--session", optarg, &session) != 0) return 2;
            break;
        case 'o':
            out = optarg;
            break;
        case 'd':
            db_path = optarg;
            break;
        case 'a':
            a = optarg;
            break;
        case 'b':
            b = optarg;
            break;
        case 'p':
            peers = 1;
            break;
        case 'f':
            if (strcmp(optarg, "markdown") != 0 && strcmp(optarg, "github") != 0) {
                fprintf(stderr, "hakbench report: --format: '%s' is not markdown or github\n",
                        optarg);
                return 2;
            }
            github = strcmp(optarg, "github") == 0;
            break;
        case 'h':
            fputs(report_usage, stdout);
            return 0;
        default:
            fprintf(stderr, "hakbench report: see hakbench report --help\n");
            return 2;
        }
    }
    if (optind < argc || session == 0 || (a && !b) || (b && !a)) {
        fprintf(stderr, "hakbench report: %s (see hakbench report --help)\n",
                optind < argc  ? "unexpected argument"
                : session == 0 ? "--session N is required"
                               : "--a and --b go together");
        return 2;
    }
    store *db = cli_open_existing_store("report", db_path);
    if (!db) return 2;
    char err[1024];
    report_data r;
    if (report_load(db, session, a, b, &r, err, sizeof err) != 0) {
        fprintf(stderr, "hakbench report: %s\n", err);
        report_free(&r);
        store_close(db);
        return 2;
    }
    char default_out[PATH_MAX];
    if (!out && !github) {
        snprintf(default_out, sizeof default_out, "reports/%s-%lld.md", r.session.kind,
                 (long long)session);
        out = default_out;
    }
    int rc = 2;
    if (out && files_mkdir_parents(out) != 0) {
        fprintf(stderr, "hakbench report: cannot create the folder of %s: %s\n", out,
                strerror(errno));
    } else {
        report_options o = {.out_path = out, .db_path = cli_db_shown(db_path), .peers = peers, .github = github};
        if ((github ? report_write_github(&r, &o, err, sizeof err)
                    : report_write_markdown(&r, &o, err, sizeof err)) != 0) {
            fprintf(stderr, "hakbench report: %s\n", err);
        } else {
            report_verdict v = report_overall(&r);
            if (!github) printf("%s\n", out);
            rc = (v == REPORT_REGRESSION || v == REPORT_FAILED) ? 1 : 0;
        }
    }
    report_free(&r);
    store_close(db);
    return rc;
}
