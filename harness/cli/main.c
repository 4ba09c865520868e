/* hakbench: the benchmark and regression harness of hakmem. `hakbench <command> [options]`;
 * main only dispatches to the cmd_*() functions of commands.h (git's builtin/ layout). */
#include <stdio.h>
#include <string.h>

#include "commands/commands.h"
#include "cli/workdir.h"

typedef struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"run", cmd_run, "run variants x workloads, interleaved, into a new session"},
    {"compare", cmd_compare, "statistics and verdicts of two variants in a session"},
    {"calibrate", cmd_calibrate, "measure the harness: false-positive rate, power, delta"},
    {"export", cmd_export, "write a session's raw runs as csv, json or markdown"},
    {"report", cmd_report, "write the markdown report of a session"},
    {"bisect", cmd_bisect, "find the first commit that made a workload slower"},
    {"nightly", cmd_nightly, "run the full suite at HEAD and report its history"},
    {"merge", cmd_merge, "import the sessions of another database"},
    {"build", cmd_build, "build a variant spec and print its library path"},
    {"variants", cmd_variants, "list the variants and workloads"},
};
#define NCOMMANDS (sizeof commands / sizeof *commands)

static void usage(FILE *f)
{
    fputs("usage: hakbench <command> [options]\n\ncommands:\n", f);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\n'hakbench help <command>' or 'hakbench <command> --help' describes a command.\n"
          "Exit status: 0 success, 1 a 'bad' answer (regression, failure found), 2 could not\n"
          "do the job (bad arguments, build failure, database error).\n",
          f);
}

static const command *find(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

/* Edit distance, for "did you mean" on a mistyped command. */
static size_t distance(const char *a, const char *b)
{
    size_t lb = strlen(b), row[64];
    if (lb >= 64) return 64;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; a[i - 1]; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static int unknown(const char *name)
{
    fprintf(stderr, "hakbench: '%s' is not a command; see 'hakbench --help'\n", name);
    const command *best = NULL;
    size_t best_d = 3;
    for (size_t i = 0; i < NCOMMANDS; i++) {
        size_t d = distance(name, commands[i].name);
        if (d < best_d) {
            best_d = d;
            best = &commands[i];
        }
    }
    if (best) fprintf(stderr, "did you mean '%s'?\n", best->name);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
        (strcmp(name, "help") == 0 && argc == 2)) {
        usage(stdout);
        return 0;
    }
    if (strcmp(name, "help") == 0) {
        const command *c = find(argv[2]);
        if (!c) return unknown(argv[2]);
        char *help_argv[] = {(char *)c->name, "--help", NULL};
        return c->fn(2, help_argv);
    }
    const command *c = find(name);
    if (!c) return unknown(name);
    if (workdir_enter_repository(argc - 1, argv + 1, c->fn == cmd_merge) != 0) return 2;
    return c->fn(argc - 1, argv + 1);
}
