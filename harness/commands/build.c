/* hakbench build (build one variant spec, print its library) and hakbench variants (list the
 * variants and workloads the harness knows). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "builds/builder.h"
#include "commands/commands.h"
#include "store/db.h"
#include "spec/variants.h"
#include "spec/workload_table.h"

static const char build_usage[] =
    "usage: hakbench build SPEC [--db PATH] [--variants-conf F] [-q]\n"
    "\n"
    "Builds the allocator a variant spec names (NAME, REV or REV@NAME) and prints the path of\n"
    "its library (for LD_PRELOAD) on stdout. Other revisions build in a git worktree under\n"
    "build/worktrees/ and are cached in build/libs/<sha>-<flaghash>/. The build is recorded in\n"
    "the database. The system allocator prints an empty line.\n"
    "\n"
    "  --db PATH            database (default " DB_DEFAULT_PATH ")\n"
    "  --variants-conf F    default harness/spec/variants.conf\n"
    "  -q, --quiet          no progress on stderr\n"
    "  -h, --help           this text\n"
    "Exit status: 0 built, 2 bad spec, build failure (log tail on stderr) or database error.\n"
    "Example: ./hakbench build HEAD~1@fastpath\n";

static const char variants_usage[] =
    "usage: hakbench variants [--variants-conf F] [--workloads-conf F]\n"
    "\n"
    "Lists the variants (harness/spec/variants.conf) and workloads (harness/spec/workloads.conf).\n"
    "A variant spec on the command line is NAME, REV (the 'default' build at a git revision)\n"
    "or REV@NAME, e.g. main@baseline, HEAD~3, mimalloc.\n";

int cmd_build(int argc, char **argv)
{
    enum { OPT_VCONF = 256 };
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"variants-conf", required_argument, NULL, OPT_VCONF},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db_path = DB_DEFAULT_PATH, *conf = "harness/spec/variants.conf";
    int quiet = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            db_path = optarg;
            break;
        case OPT_VCONF:
            conf = optarg;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            fputs(build_usage, stdout);
            return 0;
        default:
            fputs("see 'hakbench build --help'\n", stderr);
            return 2;
        }
    }
    if (argc - optind != 1) {
        fprintf(stderr, "hakbench build: expected one variant spec (see --help)\n");
        return 2;
    }
    char err[1024];
    variant_table vt;
    variant_spec spec;
    if (variants_load(conf, &vt, err, sizeof err) != 0) {
        fprintf(stderr, "hakbench: %s\n", err);
        return 2;
    }
    if (variant_spec_parse(argv[optind], &vt, &spec, err, sizeof err) != 0) {
        fprintf(stderr, "hakbench: %s\n", err);
        variants_free(&vt);
        return 2;
    }
    int rc = 2;
    sqlite3 *db = db_open(db_path, err, sizeof err);
    build_result b;
    if (!db) {
        fprintf(stderr, "hakbench: %s\n", err);
    } else if (builder_build(db, &spec, quiet, &b) == 0) {
        if (b.ok) {
            printf("%s\n", b.library);
            rc = 0;
        } else {
            fprintf(stderr, "hakbench build: %s failed to build; the end of the log:\n%s\n",
                    spec.spec, b.log_tail);
        }
    }
    if (db) db_close(db);
    variants_free(&vt);
    return rc;
}

int cmd_variants(int argc, char **argv)
{
    enum { OPT_VCONF = 256, OPT_WCONF };
    static const struct option opts[] = {{"variants-conf", required_argument, NULL, OPT_VCONF},
                                         {"workloads-conf", required_argument, NULL, OPT_WCONF},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *vconf = "harness/spec/variants.conf", *wconf = "harness/spec/workloads.conf";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_VCONF:
            vconf = optarg;
            break;
        case OPT_WCONF:
            wconf = optarg;
            break;
        case 'h':
            fputs(variants_usage, stdout);
            return 0;
        default:
            fputs("see 'hakbench variants --help'\n", stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "hakbench variants: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    char err[1024];
    variant_table vt;
    workload_table wt;
    if (variants_load(vconf, &vt, err, sizeof err) != 0) {
        fprintf(stderr, "hakbench: %s\n", err);
        return 2;
    }
    if (workloads_load(wconf, &wt, err, sizeof err) != 0) {
        fprintf(stderr, "hakbench: %s\n", err);
        variants_free(&vt);
        return 2;
    }
    printf("variants (%s):\n", vconf);
    for (int i = 0; i < vt.count; i++) {
        const variant_def *d = &vt.defs[i];
        const char *settings = d->kind == VARIANT_PEER && !d->flags[0] ? "(system allocator)"
                               : d->flags[0]                           ? d->flags
                                                                       : "(defaults.mk)";
        printf("  %-10s %-6s %-40s %s\n", d->name, d->kind == VARIANT_PEER ? "peer" : "hakmem",
               settings, d->description);
    }
    printf("\nworkloads (%s):\n", wconf);
    for (int i = 0; i < wt.count; i++) {
        const workload_def *w = &wt.defs[i];
        printf("  %-18s %-4s %2d thread%s  %s\n", w->name,
               w->app          ? "app"
               : w->program[0] ? "bin"
                               : "cmd",
               w->threads, w->threads == 1 ? " " : "s", w->full_args);
    }
    variants_free(&vt);
    workloads_free(&wt);
    return 0;
}
