/* hakbench site: the static history site of a database (report/site.h), like `asv publish`. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands/commands.h"
#include "commands/options.h"
#include "report/site.h"

static const char site_usage[] =
    "usage: hakbench site --out DIR [--db PATH]\n"
    "\n"
    "Writes a static site of the database into DIR, to open as DIR/index.html without a server:\n"
    "every workload x variant of the nightly history with its latest median and a sparkline, a\n"
    "page per workload with every nightly's runs, medians and change points (each night linked\n"
    "to its report), and every A/B and nightly report rendered as HTML with its plots. The\n"
    "history is that of the latest finished nightly's machine and mode.\n"
    "\n"
    "  --out DIR     the site's folder (created; files in it are overwritten)\n"
    "  --db PATH     database (default " STORE_DEFAULT_PATH ")\n"
    "  -h, --help    this text\n"
    "\n"
    "Prints the path of index.html. Exit status: 0 written, 2 bad arguments, no database or an\n"
    "unwritable folder.\n";

int cmd_site(int argc, char **argv)
{
    static const struct option options[] = {{"out", required_argument, NULL, 'o'},
                                            {"db", required_argument, NULL, 'd'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    const char *out = NULL, *db_path = STORE_DEFAULT_PATH;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case 'd':
            db_path = optarg;
            break;
        case 'h':
            fputs(site_usage, stdout);
            return 0;
        default:
            fputs("see 'hakbench site --help'\n", stderr);
            return 2;
        }
    }
    if (optind < argc || !out) {
        fprintf(stderr, "hakbench site: %s (see --help)\n",
                optind < argc ? "unexpected argument" : "--out DIR is required");
        return 2;
    }
    store *db = cli_open_existing_store("site", db_path);
    if (!db) return 2;
    char err[1024];
    site_counts n;
    int rc = site_write(db, out, db_path, &n, err, sizeof err);
    store_close(db);
    if (rc != 0) {
        fprintf(stderr, "hakbench site: %s\n", err);
        return 2;
    }
    fprintf(stderr, "hakbench site: %d reports, %d workload pages\n", n.reports, n.workloads);
    printf("%s/index.html\n", out);
    return 0;
}
