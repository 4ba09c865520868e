#include "run/measure.h"

#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run/argbuf.h"
#include "run/executor.h"
#include "store/runs.h"
#include "util/files.h"
#include "util/subprocess.h"

/* hyperfine runs per harness run of a whole-program workload. */
#define APP_RUNS_FULL 3
#define APP_RUNS_QUICK 1

/* Software events (page faults, context switches) and hardware counters, in the order tried;
 * only those this machine counts are used. */
static const char PERF_CANDIDATES[] = "page-faults,minor-faults,major-faults,context-switches,"
                                      "cpu-migrations,task-clock,cycles,instructions,branches,"
                                      "branch-misses,cache-references,cache-misses";

/* Parses `perf stat -x,` output: "value,unit,event,..." lines; NULL out when none counted. */
static int parse_perf(const char *text, char names[][48], double *values, int max)
{
    int n = 0;
    const char *line = text;
    while (line && *line && n < max) {
        const char *next = strchr(line, '\n');
        char buf[256];
        size_t len = next ? (size_t)(next - line) : strlen(line);
        if (len >= sizeof buf) len = sizeof buf - 1;
        memcpy(buf, line, len);
        buf[len] = '\0';
        line = next ? next + 1 : NULL;
        char *f0 = buf, *c1 = strchr(f0, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
        if (!c2 || buf[0] == '#') continue;
        *c1 = '\0';
        char *event = c2 + 1;
        event[strcspn(event, ",")] = '\0';
        char *end;
        double v = strtod(f0, &end);
        if (end == f0 || *end || !event[0]) continue;
        snprintf(names[n], 48, "%s", event);
        values[n++] = v;
    }
    return n;
}

const char *measure_probe_perf(void)
{
    static int probed;
    static char events[512];
    if (probed) return events[0] ? events : NULL;
    probed = 1;
    char *argv[] = {"perf", "stat", "-x,", "-e", (char *)PERF_CANDIDATES, "--", "true", NULL};
    char out[4096];
    if (subprocess_run(argv, NULL, out, sizeof out, 0) != 0) return NULL;
    char names[32][48];
    double values[32];
    int n = parse_perf(out, names, values, 32);
    size_t used = 0;
    for (int i = 0; i < n; i++)
        used += (size_t)snprintf(events + used, sizeof events - used, "%s%s", used ? "," : "",
                                 names[i]);
    return events[0] ? events : NULL;
}

int measure_perf_has(const char *events, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = events; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
        if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0')) return 1;
    return 0;
}

typedef struct {
    char name[64][48];
    double value[64];
    const char *source[64];
    int n;
} metric_list;

static void metric_add(metric_list *m, const char *source, const char *name, double v)
{
    if (m->n >= 64) return;
    snprintf(m->name[m->n], sizeof m->name[0], "%.47s", name);
    m->value[m->n] = v;
    m->source[m->n++] = source;
}

/* perf stat reports a workload killed by a signal only as "NAME: Segmentation fault" on its
 * stderr and then exits 0; recover the crash from that line. */
static void recover_perf_signal(exec_result *r, const char *name)
{
    if (r->signal || r->exit_code != 0 ||
        (strcmp(r->status, "ok") != 0 && strcmp(r->status, "bad-output") != 0))
        return;
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    for (int sig = 1; sig < NSIG; sig++) {
        char pattern[160];
        snprintf(pattern, sizeof pattern, "%.64s: %s", base, strsignal(sig));
        if (strstr(r->stderr_tail, pattern)) {
            r->signal = sig;
            r->exit_code = -1;
            snprintf(r->status, sizeof r->status, "crash");
            return;
        }
    }
}

/* The allocator's counters file: "name value" lines (HAKMEM_STATS_FILE). */
static int read_counters(const char *path, store_counter *out, int max)
{
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f) return 0;
    int n = 0;
    while (n < max && fscanf(f, "%127s %lf", out[n].name, &out[n].value) == 2)
        n++;
    fclose(f);
    return n;
}

#define MAX_COUNTERS 256

/* Everything about one run, stored in one transaction (store_run_insert). */
static int record_run(const measure_ctx *ctx, const measure_job *job, const char *args,
                      const exec_result *r, int cpu, long long instructions, int have_result,
                      const metric_list *m, const char *counters_file)
{
    store_metric metrics[64];
    for (int i = 0; i < m->n; i++)
        metrics[i] = (store_metric){m->source[i], m->name[i], m->value[i]};
    store_counter *counters = calloc(MAX_COUNTERS, sizeof *counters);
    if (!counters) return -1;
    int ran = strcmp(r->status, "build-failed") != 0;
    store_run row = {.session_id = ctx->session_id,
                     .seq = job->seq,
                     .build_id = job->build_id,
                     .variant = job->variant,
                     .workload = job->workload->name,
                     .args = args,
                     .purpose = job->purpose,
                     .block = job->block,
                     .status = r->status,
                     .signal = r->signal,
                     .exit_code = r->signal ? -1 : r->exit_code,
                     .have_result = have_result,
                     .ops = r->ops,
                     .seconds = r->seconds,
                     .ops_per_sec = r->ops_per_sec,
                     .instructions = instructions,
                     .ran = ran,
                     .wall_s = r->wall_s,
                     .user_s = r->user_s,
                     .sys_s = r->sys_s,
                     .peak_rss_kb = r->peak_rss_kb,
                     .minor_faults = r->minor_faults,
                     .major_faults = r->major_faults,
                     .vol_ctxsw = r->vol_ctxsw,
                     .invol_ctxsw = r->invol_ctxsw,
                     .cpu = cpu,
                     .result_line = r->result_line,
                     .stderr_tail = r->stderr_tail,
                     .metrics = metrics,
                     .nmetrics = m->n,
                     .counters = counters,
                     .ncounters = read_counters(counters_file, counters, MAX_COUNTERS),
                     .sample_t_ms = r->sample_t_ms,
                     .sample_rss_kb = r->sample_rss_kb,
                     .nsamples = r->nsamples};
    int rc = store_run_insert(ctx->db, &row);
    free(counters);
    return rc;
}

int measure_record_build_failure(const measure_ctx *ctx, const measure_job *job,
                                 const char *log_tail)
{
    exec_result *r = calloc(1, sizeof *r);
    snprintf(r->status, sizeof r->status, "build-failed");
    r->exit_code = -1;
    snprintf(r->stderr_tail, sizeof r->stderr_tail, "%s", log_tail);
    metric_list *m = calloc(1, sizeof *m);
    int rc = record_run(ctx, job, "", r, -1, 0, 0, m, NULL);
    free(m);
    free(r);
    return rc;
}

int measure_run(const measure_ctx *ctx, const measure_job *job, char *status, size_t len)
{
    const workload_def *w = job->workload;
    const char *args = ctx->quick ? w->quick_args : w->full_args;
    int counters = strcmp(job->purpose, "counters") == 0;
    int instructions = ctx->instructions && !counters;
    /* perf stat runs only in the counters run: as the parent of the workload it would add its
     * own memory to the measured peak RSS and hide the workload's crash signal. */
    int perf_instructions =
        instructions && ctx->perf_events && measure_perf_has(ctx->perf_events, "instructions");
    int use_perf = ctx->perf_events && !w->app && (counters || perf_instructions);
    const char *lib = job->library && job->library[0] ? job->library : NULL;
    char perf_file[512], json_file[512], counters_file[512], env_counters[600];
    snprintf(perf_file, sizeof perf_file, "%s/perf-%d.txt", ctx->tmpdir, job->seq);
    snprintf(json_file, sizeof json_file, "%s/hyperfine-%d.json", ctx->tmpdir, job->seq);
    snprintf(counters_file, sizeof counters_file, "%s/counters-%d.txt", ctx->tmpdir, job->seq);
    snprintf(env_counters, sizeof env_counters, "HAKMEM_STATS_FILE=%s", counters_file);

    argbuf *a = calloc(1, sizeof *a);
    int perf_child = 0;
    char preload_env[PATH_MAX + 16];
    const char *preload = lib;
    char app_cmd[1024];
    if (w->app) {
        /* hyperfine itself runs with the system allocator; the preload goes into the command,
         * which hyperfine runs without a shell (-N: no shell start-up in the figures). */
        preload = NULL;
        if (lib)
            snprintf(app_cmd, sizeof app_cmd, "env LD_PRELOAD=%s %s", lib, args);
        else
            snprintf(app_cmd, sizeof app_cmd, "%s", args);
        char runs[16];
        snprintf(runs, sizeof runs, "%d",
                 counters     ? 1
                 : ctx->quick ? APP_RUNS_QUICK
                              : APP_RUNS_FULL);
        argbuf_push(a, "hyperfine");
        argbuf_push(a, "--runs");
        argbuf_push(a, runs);
        argbuf_push(a, "-N");
        argbuf_push(a, "--style");
        argbuf_push(a, "none");
        argbuf_push(a, "--export-json");
        argbuf_push(a, json_file);
        argbuf_push(a, app_cmd);
    } else {
        if (use_perf) {
            argbuf_push(a, "perf");
            argbuf_push(a, "stat");
            argbuf_push(a, "-x,");
            argbuf_push(a, "-o");
            argbuf_push(a, perf_file);
            argbuf_push(a, "-e");
            /* user-space instructions only: the kernel's share varies between runs */
            argbuf_push(a, perf_instructions ? "instructions:u" : ctx->perf_events);
            argbuf_push(a, "--");
            perf_child = a->argc;
            /* perf must not run under the measured allocator: env sets it for the workload. */
            if (lib) {
                snprintf(preload_env, sizeof preload_env, "LD_PRELOAD=%s", lib);
                argbuf_push(a, "env");
                argbuf_push(a, preload_env);
                preload = NULL;
            }
        } else if (instructions) {
            argbuf_push(a, "valgrind");
            argbuf_push(a, "--tool=callgrind");
            argbuf_push(a, "--callgrind-out-file=/dev/null");
        }
        if (w->program[0]) argbuf_push(a, w->program);
        argbuf_push_words(a, args);
    }

    const char *env[2] = {counters && job->hakmem ? env_counters : NULL, NULL};
    int cpu = ctx->pin_cpu >= 0 && w->threads == 1 ? ctx->pin_cpu : -1;
    exec_request req = {.argv = a->argv,
                        .preload = preload,
                        .extra_env = env,
                        .time_limit_s = ctx->time_limit_s,
                        .mem_limit_kb = ctx->mem_limit_kb,
                        .cpu = cpu,
                        .sample_ms = 10,
                        .no_result_line = w->app};
    exec_result *r = calloc(1, sizeof *r);
    unlink(perf_file);
    unlink(json_file);
    unlink(counters_file);
    exec_run(&req, r);
    if (use_perf) recover_perf_signal(r, a->argv[perf_child]);

    metric_list *m = calloc(1, sizeof *m);
    int ok = strcmp(r->status, "ok") == 0;
    int have_result = ok && !w->app;
    long long icount = 0;
    for (int i = 0; have_result && i < r->nfields; i++)
        metric_add(m, "result", r->field_name[i], r->field_value[i]);
    if (use_perf) {
        char *text = files_read(perf_file);
        char names[32][48];
        double values[32];
        int n = text ? parse_perf(text, names, values, 32) : 0;
        for (int i = 0; i < n; i++)
            metric_add(m, "perf", names[i], values[i]);
        free(text);
    }
    if (instructions && ok) {
        const char *c = strstr(r->stderr_tail, "Collected : ");
        icount = c ? strtoll(c + 12, NULL, 10) : 0;
        for (int i = 0; perf_instructions && i < m->n; i++)
            if (strcmp(m->name[i], "instructions:u") == 0) icount = (long long)m->value[i];
        if (icount <= 0) {
            snprintf(r->status, sizeof r->status, "bad-output");
            have_result = 0;
        } else {
            /* ops per 10^9 instructions: higher is better, like ops/s */
            r->ops_per_sec = r->ops * 1e9 / (double)icount;
        }
    }
    if (w->app && ok) {
        /* hyperfine's export: {"results": [{"command": ..., "mean": s, "stddev": s, ...}]}, one
         * result per command, and this run times one command. */
        json_t *doc = json_load_file(json_file, 0, NULL);
        json_t *result = json_array_get(json_object_get(doc, "results"), 0);
        static const char *const keys[] = {"mean",   "stddev", "median", "user",
                                           "system", "min",    "max"};
        for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
            json_t *v = json_object_get(result, keys[i]);
            if (json_is_number(v)) metric_add(m, "hyperfine", keys[i], json_number_value(v));
        }
        json_t *jmean = json_object_get(result, "mean");
        double mean = json_is_number(jmean) ? json_number_value(jmean) : 0;
        json_decref(doc);
        if (mean > 0) {
            /* whole-program runs per second: higher is better, like ops/s */
            r->ops = counters ? 1 : ctx->quick ? APP_RUNS_QUICK : APP_RUNS_FULL;
            r->seconds = mean;
            r->ops_per_sec = 1.0 / mean;
            have_result = 1;
        } else {
            snprintf(r->status, sizeof r->status, "bad-output");
        }
    }
    char cmdline[2048];
    argbuf_join(a, cmdline, sizeof cmdline);
    if (lib && preload) {
        char full[2048 + PATH_MAX + 16];
        snprintf(full, sizeof full, "LD_PRELOAD=%s %s", lib, cmdline);
        snprintf(cmdline, sizeof cmdline, "%.2047s", full);
    }
    int rc = record_run(ctx, job, cmdline, r, cpu, icount, have_result, m,
                        counters && job->hakmem ? counters_file : NULL);
    snprintf(status, len, "%s", r->status);
    unlink(perf_file);
    unlink(json_file);
    unlink(counters_file);
    free(m);
    free(r);
    free(a);
    return rc;
}
