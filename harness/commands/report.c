/* hakbench report: the markdown report of one session, with its plots beside it. The data and
 * the writing live in report_data.c and report_markdown.c; this file parses options, picks the
 * output path and maps the session's verdict to the exit status. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands/commands.h"
#include "store/db.h"
#include "report/report.h"

static const char report_usage[] =
    "usage: hakbench report --session N [--out FILE] [--db PATH] [--a SPEC --b SPEC] [--peers]\n"
    "\n"
    "Writes the markdown report of a session: verdict, TL;DR, results per workload with 95%\n"
    "intervals, memory, the allocator counters that moved most, failures with their stderr,\n"
    "ranked next steps, the commands to reproduce, and the environment. Plots (gnuplot PNGs,\n"
    "with their data files and scripts) go beside the report. The same session always gives\n"
    "the same report: dates come from the session, never from the clock.\n"
    "\n"
    "  --session N   the session to report on (ids: sqlite3 DB 'SELECT id, command FROM "
    "sessions')\n"
    "  --out FILE    the report (default reports/<kind>-<session>.md); its folder is created\n"
    "  --db PATH     results database (default " DB_DEFAULT_PATH ")\n"
    "  --a SPEC      variant A as typed in the session (default: its first variant)\n"
    "  --b SPEC      variant B (default: its second variant)\n"
    "  --peers       always include the table of every variant as ratios to glibc (`system`);\n"
    "                it is included anyway when the session has more than two variants\n"
    "  -h, --help    this text\n"
    "\n"
    "Prints the report's path. Exit status: 0 no regression, 1 a regression or a failed run of A\n"
    "or B, 2 could not report (no such session or database, unwritable path).\n";

/* Creates the folders leading to path (like mkdir -p on its dirname). */
static int make_parents(const char *path)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) return 0;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(dir, 0777) != 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    return (mkdir(dir, 0777) != 0 && errno != EEXIST) ? -1 : 0;
}

int cmd_report(int argc, char **argv)
{
    static const struct option options[] = {
        {"session", required_argument, NULL, 's'}, {"out", required_argument, NULL, 'o'},
        {"db", required_argument, NULL, 'd'},      {"a", required_argument, NULL, 'a'},
        {"b", required_argument, NULL, 'b'},       {"peers", no_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    const char *db_path = DB_DEFAULT_PATH, *out = NULL, *a = NULL, *b = NULL;
    long long session = 0;
    int peers = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case 's': {
            char *end;
            session = strtoll(optarg, &end, 10);
            if (*end || session <= 0) {
                fprintf(stderr, "hakbench report: --session wants a session id, got '%s'\n",
                        optarg);
                return 2;
            }
            break;
        }
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
    /* A report reads an existing database; opening a missing path would create an empty one. */
    if (access(db_path, R_OK) != 0) {
        fprintf(stderr, "hakbench report: %s: %s (run `hakbench run` first or pass --db)\n",
                db_path, strerror(errno));
        return 2;
    }
    char err[1024];
    sqlite3 *db = db_open(db_path, err, sizeof err);
    if (!db) {
        fprintf(stderr, "hakbench report: %s\n", err);
        return 2;
    }
    report_data r;
    if (report_load(db, session, a, b, &r, err, sizeof err) != 0) {
        fprintf(stderr, "hakbench report: %s\n", err);
        report_free(&r);
        db_close(db);
        return 2;
    }
    char default_out[PATH_MAX];
    if (!out) {
        snprintf(default_out, sizeof default_out, "reports/%s-%lld.md", r.kind, session);
        out = default_out;
    }
    int rc = 2;
    if (make_parents(out) != 0) {
        fprintf(stderr, "hakbench report: cannot create the folder of %s: %s\n", out,
                strerror(errno));
    } else {
        report_options o = {.out_path = out, .db_path = db_path, .peers = peers};
        if (report_write_markdown(&r, &o, err, sizeof err) != 0) {
            fprintf(stderr, "hakbench report: %s\n", err);
        } else {
            report_verdict v = report_overall(&r);
            printf("%s\n", out);
            rc = (v == REPORT_REGRESSION || v == REPORT_FAILED) ? 1 : 0;
        }
    }
    report_free(&r);
    db_close(db);
    return rc;
}
