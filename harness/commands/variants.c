/* hakbench variants: lists the variants and workloads the harness knows. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands/commands.h"
#include "commands/options.h"
#include "spec/variants.h"
#include "spec/workload_table.h"

static const char variants_usage[] =
    "usage: hakbench variants [--variants-conf F] [--workloads-conf F]\n"
    "\n"
    "Lists the variants (" VARIANTS_CONF ") and workloads (" WORKLOADS_CONF ").\n"
    "A variant spec on the command line is NAME, REV (the 'default' build at a git revision)\n"
    "or REV@NAME, e.g. main@baseline, HEAD~3, mimalloc.\n";

int cmd_variants(int argc, char **argv)
{
    enum { OPT_VCONF = 256, OPT_WCONF };
    static const struct option opts[] = {{"variants-conf", required_argument, NULL, OPT_VCONF},
                                         {"workloads-conf", required_argument, NULL, OPT_WCONF},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *vconf = VARIANTS_CONF, *wconf = WORKLOADS_CONF;
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
    if (cli_no_operands("variants", argc, argv) != 0) return 2;
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
