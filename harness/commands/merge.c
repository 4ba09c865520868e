/* hakbench merge: imports another machine's (or another checkout's) results database into this
 * one (store/merge.h), across engines too: an SQLite file into a PostgreSQL database or back.
 * Machine rows keep their fingerprint, which is what keeps comparisons (compare, nightly
 * history) within one machine. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "commands/options.h"
#include "store/merge.h"

static const char merge_usage[] =
    "usage: hakbench merge OTHER [--db PATH]\n"
    "\n"
    "Imports every session of OTHER that this database does not have yet (matched by uuid),\n"
    "with its runs, metrics, counters, RSS samples and bisect steps; machines are matched by\n"
    "fingerprint and builds by (variant, revision, dirty, flags, library hash). Calibrations\n"
    "are imported unless an identical one exists. Merging the same database twice adds\n"
    "nothing. OTHER is only read. Either may be an SQLite file or a PostgreSQL database\n"
    "(postgresql://...), in both directions; the job queue is not merged.\n"
    "\n"
    "  --db PATH   the database to merge into (default " STORE_DEFAULT_HELP ")\n"
    "  -h, --help  this text\n"
    "\n"
    "Exit status: 0 merged (possibly nothing new), 2 could not merge (nothing is changed).\n";

/* The same database twice: one file by two names, or one URI. */
static int same_database(const char *a, const char *b)
{
    char ra[PATH_MAX], rb[PATH_MAX];
    if (store_is_server(a) || store_is_server(b)) return strcmp(a, b) == 0;
    return realpath(a, ra) && realpath(b, rb) && strcmp(ra, rb) == 0;
}

int cmd_merge(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    const char *db_path = store_default_location();
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            db_path = optarg;
            break;
        case 'h':
            fputs(merge_usage, stdout);
            return 0;
        default:
            fputs(merge_usage, stderr);
            return 2;
        }
    }
    if (argc - optind != 1) {
        fprintf(stderr, "hakbench merge: expected exactly one OTHER.db argument\n%s", merge_usage);
        return 2;
    }
    const char *other = argv[optind];
    char real_other[PATH_MAX], shown[PATH_MAX];
    store_location_shown(other, shown, sizeof shown);
    if (store_is_server(other)) {
        snprintf(real_other, sizeof real_other, "%s", other);
    } else if (!realpath(other, real_other)) {
        fprintf(stderr, "hakbench merge: %s: no such file\n", other);
        return 2;
    }
    if (same_database(db_path, real_other)) {
        fprintf(stderr, "hakbench merge: %s is the database being merged into; nothing to do\n",
                shown);
        return 2;
    }
    char err[1024];
    if (store_check_mergeable(real_other, err, sizeof err) != 0) {
        fprintf(stderr, "hakbench merge: %s\n", err);
        return 2;
    }
    store *db = cli_open_store("merge", db_path);
    if (!db) return 2;
    store_merge_counts n;
    int status = 2;
    if (store_merge(db, real_other, &n, err, sizeof err) != 0) {
        fprintf(stderr, "hakbench merge: %s\n", err);
        goto out;
    }
    printf("merged %s into %s: %lld new session(s) with %lld run(s) and %lld bisect step(s); "
           "%lld already present; %lld new machine(s), %lld new build(s)\n",
           shown, cli_db_shown(db_path), n.sessions, n.runs, n.bisect_steps, n.present, n.machines,
           n.builds);
    status = 0;
out:
    store_close(db);
    return status;
}
