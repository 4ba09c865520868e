/* hakbench build: builds one variant spec and prints its library. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "builds/builder.h"
#include "commands/commands.h"
#include "commands/options.h"
#include "spec/variants.h"
#include "store/store.h"

static const char build_usage[] =
    "usage: hakbench build SPEC [--db PATH] [--variants-conf F] [-q]\n"
    "\n"
    "Builds the allocator a variant spec names (NAME, REV or REV@NAME) and prints the path of\n"
    "its library (for LD_PRELOAD) on stdout. Other revisions build in a git worktree under\n"
    "build/worktrees/ and are cached in build/libs/<sha>-<flaghash>/. The build is recorded in\n"
    "the database. The system allocator prints an empty line.\n"
    "\n"
    "  --db PATH            database (default " STORE_DEFAULT_HELP ")\n"
    "  --variants-conf F    default " VARIANTS_CONF "\n"
    "  -q, --quiet          no progress on stderr\n"
    "  -h, --help           this text\n"
    "Exit status: 0 built; 1 it does not build (recorded as build-failed, the end of the log on\n"
    "stderr); 2 a bad spec or a database error.\n"
    "Example: ./hakbench build HEAD~1@fastpath\n";

int cmd_build(int argc, char **argv)
{
    enum { OPT_VCONF = 256 };
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"variants-conf", required_argument, NULL, OPT_VCONF},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db_path = store_default_location(), *conf = VARIANTS_CONF;
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
    store *db = cli_open_store("build", db_path);
    build_result b;
    if (db && builder_build(db, &spec, quiet, &b) == 0) {
        if (b.ok) {
            printf("%s\n", b.library);
            rc = 0;
        } else {
            fprintf(stderr, "hakbench build: %s failed to build; the end of the log:\n%s\n",
                    spec.spec, b.log_tail);
            rc = 1;
        }
    }
    store_close(db);
    variants_free(&vt);
    return rc;
}
