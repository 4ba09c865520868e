/* hakbench enqueue: one job into the queue of a shared database (store/jobs.h), checked as the
 * workers will check it (run/job_request.h); prints "job N" last. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/procedure.h"
#include "commands/commands.h"
#include "commands/options.h"
#include "run/job_request.h"
#include "store/jobs.h"
#include "util/revlist.h"

static const char usage[] =
    "usage: hakbench enqueue --variants A,B[,...] --workloads W1,W2|all [options]\n"
    "\n"
    "Queues one job for the workers that share the database (hakbench worker): a session's\n"
    "worth of measurements, every workload under every variant in interleaved blocks as\n"
    "`hakbench run` makes them, taken by the first worker whose machine may run it. The names\n"
    "are checked against harness/spec/variants.conf and workloads.conf as the revision has\n"
    "them, and the worker checks them again the same way. Prints 'job N' as the last line;\n"
    "`hakbench jobs` shows the queue.\n"
    "\n"
    "  --variants LIST      variant specs: NAME (a hakmem variant builds at --rev), REV@NAME,\n"
    "                       REV (the default build at REV)\n"
    "  --workloads LIST     workload names, or 'all'\n"
    "  --rev REV            the commit the job builds and reads its conf files at (default\n"
    "                       HEAD: committed work only, local changes do not travel)\n"
    "  --runs N             blocks per look: measured runs of each variant (default 10)\n"
    "  --looks K            looks at most (default 3; 1: a fixed number of runs)\n"
    "  --quick              the workloads' short arguments\n"
    "  --machine FILTER     only a machine whose hostname is FILTER or whose fingerprint starts\n"
    "                       with it (8 characters or more); default any\n"
    "  --tries N            workers that stop renewing the job's lease (killed, cut off) give\n"
    "                       it back; after N tries it fails (default 3)\n"
    "  --note TEXT          free text stored with the job and its session\n"
    "  --db PATH            database (default " STORE_DEFAULT_HELP "), usually\n"
    "                       postgresql://[user@]host/dbname\n"
    "  --variants-conf F    check against F instead (the workers must be given it too)\n"
    "  --workloads-conf F   check against F instead (the workers must be given it too)\n"
    "  -h, --help           this text\n"
    "\n"
    "Exit status: 0 queued; 2 bad arguments, an unknown name or revision, a database error.\n"
    "Example: hakbench enqueue --db postgresql://bench@db/hakmem --variants baseline,fastpath\n"
    "         --workloads larson --quick\n";

int cmd_enqueue(int argc, char **argv)
{
    enum { OPT_VCONF = 256, OPT_WCONF, OPT_NOTE, OPT_REV, OPT_MACHINE, OPT_TRIES, OPT_LOOKS };
    static const struct option opts[] = {{"variants", required_argument, NULL, 'v'},
                                         {"workloads", required_argument, NULL, 'w'},
                                         {"rev", required_argument, NULL, OPT_REV},
                                         {"runs", required_argument, NULL, 'n'},
                                         {"looks", required_argument, NULL, OPT_LOOKS},
                                         {"quick", no_argument, NULL, 'Q'},
                                         {"machine", required_argument, NULL, OPT_MACHINE},
                                         {"tries", required_argument, NULL, OPT_TRIES},
                                         {"note", required_argument, NULL, OPT_NOTE},
                                         {"db", required_argument, NULL, 'd'},
                                         {"variants-conf", required_argument, NULL, OPT_VCONF},
                                         {"workloads-conf", required_argument, NULL, OPT_WCONF},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *variants = NULL, *workloads = NULL, *db_path = store_default_location();
    const char *rev = "HEAD", *machine = "", *note = "", *vconf = NULL, *wconf = NULL;
    long runs = PROCEDURE_DEFAULT_RUNS_PER_LOOK, looks = PROCEDURE_DEFAULT_LOOKS, tries = 3;
    int quick = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'v':
            variants = optarg;
            break;
        case 'w':
            workloads = optarg;
            break;
        case OPT_REV:
            rev = optarg;
            break;
        case 'n':
            if (cli_parse_long("enqueue", "--runs", optarg, 1, 10000, &runs)) return 2;
            break;
        case OPT_LOOKS:
            if (cli_parse_long("enqueue", "--looks", optarg, 1, 20, &looks)) return 2;
            break;
        case 'Q':
            quick = 1;
            break;
        case OPT_MACHINE:
            machine = optarg;
            break;
        case OPT_TRIES:
            if (cli_parse_long("enqueue", "--tries", optarg, 1, 100, &tries)) return 2;
            break;
        case OPT_NOTE:
            note = optarg;
            break;
        case 'd':
            db_path = optarg;
            break;
        case OPT_VCONF:
            vconf = optarg;
            break;
        case OPT_WCONF:
            wconf = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            fputs("see 'hakbench enqueue --help'\n", stderr);
            return 2;
        }
    }
    if (cli_no_operands("enqueue", argc, argv) != 0) return 2;
    if (!variants || !workloads) {
        fprintf(stderr, "hakbench enqueue: --variants and --workloads are required (see --help)\n");
        return 2;
    }
    int n;
    char **vlist = cli_split_list(variants, &n), **wlist = cli_split_list(workloads, &n);
    int empty = !vlist || !wlist;
    free(vlist);
    free(wlist);
    if (empty) {
        fprintf(stderr, "hakbench enqueue: an empty name in --variants or --workloads\n");
        return 2;
    }
    if (machine[0] && strlen(machine) < 8 && strspn(machine, "0123456789abcdef") == strlen(machine))
        fprintf(stderr,
                "hakbench enqueue: note: --machine '%s' matches a hostname only (a "
                "fingerprint prefix needs 8 characters)\n",
                machine);

    char sha[41], dir[] = "/tmp/hakbench-enqueue.XXXXXX", err[1024];
    if (rev[0] == '-' || revlist_resolve(rev, sha) != 0) {
        fprintf(stderr, "hakbench enqueue: --rev: '%s' is not a commit of this repository\n", rev);
        return 2;
    }
    if (!mkdtemp(dir)) {
        perror("hakbench enqueue: mkdtemp");
        return 2;
    }
    job_request r;
    int rc = 2;
    if (job_request_at(&r, sha, vconf, wconf, dir, err, sizeof err) != 0 ||
        job_request_names(&r, variants, workloads, 0, err, sizeof err) != 0) {
        fprintf(stderr, "hakbench enqueue: %s\n", err);
        goto out;
    }
    store *db = cli_open_store("enqueue", db_path);
    if (!db) goto out;
    store_new_job j = {.revision = r.revision,
                       .variants = r.variants,
                       .workloads = r.workloads,
                       .machine = machine,
                       .command = cli_command_line(argc, argv),
                       .note = note,
                       .runs = (int)runs,
                       .looks = (int)looks,
                       .quick = quick,
                       .max_tries = (int)tries};
    char uuid[37];
    int64_t id = store_job_enqueue(db, &j, uuid);
    store_close(db);
    if (id > 0) {
        printf("queued %s x %s, %d run(s) x %d look(s)%s at %.12s%s%s\njob %lld\n", r.variants,
               r.workloads, j.runs, j.looks, quick ? " quick" : "", r.revision,
               machine[0] ? " for " : "", machine, (long long)id);
        rc = 0;
    }
out:
    job_request_remove(dir);
    return rc;
}
