/* hakbench merge: imports another machine's (or another checkout's) results database into this
 * one (store/merge.h). Machine rows keep their fingerprint, which is what keeps comparisons
 * (compare, nightly history) within one machine. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "commands/options.h"
#include "store/merge.h"

static const char merge_usage[] =
    "usage: hakbench merge OTHER.db [--db PATH]\n"
    "\n"
    "Imports every session of OTHER.db that this database does not have yet (matched by uuid),\n"
    "with its runs, metrics, counters, RSS samples and bisect steps; machines are matched by\n"
    "fingerprint and builds by (variant, revision, dirty, flags, library hash). Calibrations\n"
    "are imported unless an identical one exists. Merging the same file twice adds nothing.\n"
    "OTHER.db is only read.\n"
    "\n"
    "  --db PATH   the database to merge into (default " STORE_DEFAULT_PATH ")\n"
    "  -h, --help  this text\n"
    "\n"
    "Exit status: 0 merged (possibly nothing new), 2 could not merge (nothing is changed).\n";

int cmd_merge(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    const char *db_path = STORE_DEFAULT_PATH;
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
    char real_other[PATH_MAX], real_db[PATH_MAX];
    if (!realpath(other, real_other)) {
        fprintf(stderr, "hakbench merge: %s: no such file\n", other);
        return 2;
    }
    if (realpath(db_path, real_db) && strcmp(real_db, real_other) == 0) {
        fprintf(stderr, "hakbench merge: %s is the database being merged into; nothing to do\n",
                other);
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
           other, db_path, n.sessions, n.runs, n.bisect_steps, n.present, n.machines, n.builds);
    status = 0;
out:
    store_close(db);
    return status;
}
