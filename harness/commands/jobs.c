/* hakbench jobs: the queue of a database, one line per job (store/jobs.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands/commands.h"
#include "commands/options.h"
#include "store/jobs.h"

static const char usage[] =
    "usage: hakbench jobs [--db PATH]\n"
    "\n"
    "Lists every job of the queue, oldest first: its id, state (queued, running, done,\n"
    "failed), tries, the machine it is for, the worker that took it last, its session, what\n"
    "it measures, and why it failed or went back to the queue.\n"
    "\n"
    "  --db PATH     database (default " STORE_DEFAULT_HELP ")\n"
    "  -h, --help    this text\n"
    "\n"
    "Exit status: 0 listed (possibly none), 2 bad arguments or a database error.\n";

int cmd_jobs(int argc, char **argv)
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
            fputs(usage, stdout);
            return 0;
        default:
            fputs(usage, stderr);
            return 2;
        }
    }
    if (cli_no_operands("jobs", argc, argv) != 0) return 2;
    store *db = cli_open_existing_store("jobs", db_path);
    if (!db) return 2;
    store_job *jobs = NULL;
    int n = store_job_list(db, &jobs);
    store_close(db);
    if (n < 0) return 2;
    printf("%5s  %-7s %5s  %-20s %-16s %7s  %-12s %s\n", "id", "state", "tries", "enqueued",
           "machine", "session", "revision", "variants x workloads (runs x looks)");
    for (int i = 0; i < n; i++) {
        const store_job *j = &jobs[i];
        char tries[16], session[24];
        snprintf(tries, sizeof tries, "%d/%d", j->tries, j->max_tries);
        snprintf(session, sizeof session, "%lld", (long long)j->session_id);
        printf("%5lld  %-7s %5s  %-20s %-16s %7s  %-12.12s %s x %s (%d x %d%s)\n", (long long)j->id,
               j->state, tries, j->enqueued_at, j->machine[0] ? j->machine : "any",
               j->session_id ? session : "-", j->revision, j->variants, j->workloads, j->runs,
               j->looks, j->quick ? " quick" : "");
        if (j->worker[0]) printf("       worker %s, claimed %s\n", j->worker, j->claimed_at);
        if (j->reason[0]) printf("       %s\n", j->reason);
    }
    free(jobs);
    return 0;
}
