/* The workloads the harness knows (harness/spec/workloads.conf): how to run each in full and quick
 * mode, whether it is single-threaded (instruction-count mode needs that) and whether it is a
 * whole program timed with hyperfine (app_*). Binaries live in build/workloads/. */
#ifndef HAKBENCH_WORKLOAD_TABLE_H
#define HAKBENCH_WORKLOAD_TABLE_H

#include <stddef.h>

/* The table every command reads unless --workloads-conf names another. */
#define WORKLOADS_CONF "harness/spec/workloads.conf"

typedef struct {
    char name[64];
    int app;             /* 1: whole program, timed with hyperfine */
    int threads;         /* threads it uses; 1 = eligible for --metric instructions */
    char program[256];   /* build/workloads/NAME; "" when the args start with the
                            program (kind 'cmd') or are a shell command (app) */
    char full_args[512]; /* command line after the program (or the app command) */
    char quick_args[512];
} workload_def;

typedef struct {
    workload_def *defs;
    int count;
} workload_table;

int workloads_load(const char *path, workload_table *out, char *err, size_t errlen);
void workloads_free(workload_table *t);
const workload_def *workloads_find(const workload_table *t, const char *name);

#endif
