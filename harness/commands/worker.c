/* hakbench worker: takes jobs from the queue of a shared database and runs them, one at a time
 * per machine (run/worker.h). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands/commands.h"
#include "commands/options.h"
#include "run/worker.h"
#include "spec/variants.h"
#include "spec/workload_table.h"

static const char usage[] =
    "usage: hakbench worker [--db PATH] [--once | --drain] [options]\n"
    "\n"
    "Takes the jobs `hakbench enqueue` queued in the database, oldest first, among those this\n"
    "machine may take, and runs each as a session, as `hakbench run` would, storing every run\n"
    "with this machine's fingerprint. Only variants and workloads defined in the repository's\n"
    "harness/spec/ files at the job's revision run; anything else fails the job with the reason.\n"
    "One measurement at a time per machine: a second worker waits for the machine lock. While\n"
    "a job runs its lease is renewed; the job of a worker that stopped renewing it (killed, cut\n"
    "off) goes back to the queue, its partial session deleted, until its tries are used up.\n"
    "Without --once or --drain it runs until it is stopped (docs/fleet.md: systemd, ssh).\n"
    "\n"
    "  --db PATH          the shared database (default " STORE_DEFAULT_HELP "), usually\n"
    "                     postgresql://[user@]host/dbname; passwords from ~/.pgpass\n"
    "  --once             run one job (when there is one), then exit\n"
    "  --drain            exit when nothing this machine may take is queued or running\n"
    "  --lock FILE        the machine lock (default /run/lock/hakbench-<fingerprint>.lock);\n"
    "                     workers that share one run one at a time\n"
    "  --heartbeat S      seconds between lease renewals (default 10)\n"
    "  --lease S          a lease not renewed for S seconds runs out (default 60, at least\n"
    "                     twice --heartbeat)\n"
    "  --poll S           seconds between looks at an empty queue (default 10)\n"
    "  --variants-conf F  run the variants of F instead of the repository's\n"
    "  --workloads-conf F run the workloads of F instead of the repository's\n"
    "  -q, --quiet        no log lines\n"
    "  -h, --help         this text\n"
    "\n"
    "Exit status: 0 every job it ran was done (or there was none), 1 a job failed, 2 it could\n"
    "not work (bad arguments, a database error).\n";

int cmd_worker(int argc, char **argv)
{
    enum { OPT_LOCK = 256, OPT_BEAT, OPT_LEASE, OPT_POLL, OPT_VCONF, OPT_WCONF };
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"once", no_argument, NULL, '1'},
                                         {"drain", no_argument, NULL, 'D'},
                                         {"lock", required_argument, NULL, OPT_LOCK},
                                         {"heartbeat", required_argument, NULL, OPT_BEAT},
                                         {"lease", required_argument, NULL, OPT_LEASE},
                                         {"poll", required_argument, NULL, OPT_POLL},
                                         {"variants-conf", required_argument, NULL, OPT_VCONF},
                                         {"workloads-conf", required_argument, NULL, OPT_WCONF},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    worker_opts o;
    worker_opts_init(&o);
    o.location = store_default_location();
    long v;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            o.location = optarg;
            break;
        case '1':
            o.once = 1;
            break;
        case 'D':
            o.drain = 1;
            break;
        case OPT_LOCK:
            o.lock_path = optarg;
            break;
        case OPT_BEAT:
            if (cli_parse_long("worker", "--heartbeat", optarg, 1, 3600, &v)) return 2;
            o.heartbeat_s = (int)v;
            break;
        case OPT_LEASE:
            if (cli_parse_long("worker", "--lease", optarg, 2, 86400, &v)) return 2;
            o.lease_s = (int)v;
            break;
        case OPT_POLL:
            if (cli_parse_long("worker", "--poll", optarg, 1, 3600, &v)) return 2;
            o.poll_s = (int)v;
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
            fputs("see 'hakbench worker --help'\n", stderr);
            return 2;
        }
    }
    if (cli_no_operands("worker", argc, argv) != 0) return 2;
    if (o.once && o.drain) {
        fprintf(stderr, "hakbench worker: --once or --drain, not both\n");
        return 2;
    }
    if (o.lease_s < 2 * o.heartbeat_s) {
        fprintf(stderr,
                "hakbench worker: --lease %d is under twice --heartbeat %d: a late renewal "
                "would give a running job away\n",
                o.lease_s, o.heartbeat_s);
        return 2;
    }
    store *db = cli_open_store("worker", o.location);
    if (!db) return 2;
    int rc = worker_run(db, &o);
    store_close(db);
    return rc;
}
