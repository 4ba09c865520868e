/* Where the time goes: a profiling run of one variant on one workload, after the measured runs
 * (hakbench run --profile). perf: `perf record -e cpu-clock --call-graph dwarf` (a software
 * event: it works without hardware counters) around the workload, which runs under the
 * variant's LD_PRELOAD, then `perf script` folded into stacks with inline frames resolved
 * from the debug info. callgrind (single-threaded workloads): instructions per function, with
 * the workload's quick arguments, as callgrind is some 50x slower. Both are stored in the
 * profiles table (store/profiles.h), so a report needs nothing but the database. */
#ifndef HAKBENCH_PROFILE_H
#define HAKBENCH_PROFILE_H

#include <stddef.h>

#include "run/measure.h"
#include "store/profiles.h"

typedef enum { PROFILE_PERF, PROFILE_CALLGRIND } profile_tool;

/* 1 when the tool can profile the workload here: perf record works (probed once), or
 * callgrind is installed and the workload runs one thread; never for whole programs (app). */
int profile_supported(profile_tool tool, const workload_def *w);

/* Runs the job's variant on its workload under the tool, within the context's time limit and
 * memory cap, and stores what it found (outcome in status). 0 when stored or when the run left
 * nothing to store, -1 on a database error. */
int profile_run(const measure_ctx *ctx, const measure_job *job, profile_tool tool, char *status,
                size_t len);

/* `perf script -F comm,ip,sym,dso` output -> folded stacks, root first, sorted by stack with
 * one entry each; inlined frames end in "_[i]", kernel frames in "_[k]", frames without a
 * symbol are "[dso]". Samples of the `env` and `perf` processes are left out. *out malloc'ed
 * (free each stack); count, or -1 out of memory. */
int profile_fold_perf_script(const char *text, store_stack **out);
/* `callgrind_annotate --inclusive=no` output -> one "stack" per function (its name), the value
 * its own instructions; sorted, one entry each. Count, or -1. */
int profile_parse_callgrind(const char *text, store_stack **out);

#endif
