/* Profiling runs and the import of what perf and callgrind print (see profile.h). */
#include "run/profile.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run/argbuf.h"
#include "run/executor.h"
#include "util/files.h"
#include "util/subprocess.h"

/* Samples per second of CPU time per thread; dwarf unwinding copies this much of the stack per
 * sample (enough for the allocator's and the workloads' call depths). */
#define PERF_FREQ "1999"
#define PERF_STACK "dwarf,8192"
#define MAX_FRAMES 96
#define MAX_STACK_CHARS 4096

int profile_supported(profile_tool tool, const workload_def *w)
{
    if (w->app) return 0;
    static int perf = -1, callgrind = -1;
    if (tool == PROFILE_PERF) {
        if (perf < 0) {
            char *argv[] = {"perf", "record",    "-q", "-e",   "cpu-clock",
                            "-o",   "/dev/null", "--", "true", NULL};
            char out[512];
            perf = subprocess_run(argv, NULL, out, sizeof out, 0) == 0;
        }
        return perf;
    }
    if (callgrind < 0) {
        /* callgrind_annotate comes with valgrind (and exits 255 on --version) */
        char *argv[] = {"valgrind", "--version", NULL};
        char out[512];
        callgrind = subprocess_run(argv, NULL, out, sizeof out, 0) == 0;
    }
    return callgrind && w->threads == 1;
}

static int cmp_stack(const void *x, const void *y)
{
    return strcmp(((const store_stack *)x)->stack, ((const store_stack *)y)->stack);
}

/* Sorts by stack and merges equal stacks, adding their values. The new count. */
static int sort_merge(store_stack *v, int n)
{
    if (n == 0) return 0;
    qsort(v, (size_t)n, sizeof *v, cmp_stack);
    int k = 0;
    for (int i = 1; i < n; i++) {
        if (strcmp(v[i].stack, v[k].stack) == 0) {
            v[k].value += v[i].value;
            free(v[i].stack);
        } else {
            v[++k] = v[i];
        }
    }
    return k + 1;
}

typedef struct {
    store_stack *v;
    int n, cap, failed;
} stack_list;

static void list_add(stack_list *l, const char *stack, double value)
{
    if (l->failed) return;
    if (l->n == l->cap) {
        int grown = l->cap ? 2 * l->cap : 256;
        store_stack *p = realloc(l->v, (size_t)grown * sizeof *p);
        if (!p) {
            l->failed = 1;
            return;
        }
        l->v = p;
        l->cap = grown;
    }
    char *copy = strdup(stack);
    if (!copy) {
        l->failed = 1;
        return;
    }
    l->v[l->n++] = (store_stack){copy, value};
}

static int list_finish(stack_list *l, store_stack **out)
{
    if (l->failed) {
        for (int i = 0; i < l->n; i++)
            free(l->v[i].stack);
        free(l->v);
        *out = NULL;
        return -1;
    }
    *out = l->v;
    return sort_merge(l->v, l->n);
}

/* The next line of text at *p into buf (cut to its size), *p past it; 0 at the end. */
static int next_line(const char **p, char *buf, size_t size)
{
    if (!*p || !**p) return 0;
    const char *end = strchr(*p, '\n');
    size_t len = end ? (size_t)(end - *p) : strlen(*p);
    snprintf(buf, size, "%.*s", (int)(len < size ? len : size - 1), *p);
    *p = end ? end + 1 : NULL;
    return 1;
}

/* One frame line of perf script ("\t    49e2 hak_slab_take (/path/libhakmem.so)") as the
 * folded name; 0 when the line is no frame. */
static int frame_name(const char *line, char *name, size_t len)
{
    while (*line == ' ' || *line == '\t')
        line++;
    if (!isxdigit((unsigned char)*line)) return 0;
    while (isxdigit((unsigned char)*line))
        line++;
    while (*line == ' ')
        line++;
    const char *open = strrchr(line, '(');
    const char *close = open ? strchr(open, ')') : NULL;
    if (!open || !close || open == line) return 0;
    size_t symlen = (size_t)(open - line);
    while (symlen > 0 && line[symlen - 1] == ' ')
        symlen--;
    char dso[PATH_MAX];
    snprintf(dso, sizeof dso, "%.*s", (int)(close - open - 1), open + 1);
    const char *base = strrchr(dso, '/');
    base = base ? base + 1 : dso;
    if ((symlen == 0 || strncmp(line, "[unknown]", symlen) == 0) && base[0] == '[')
        snprintf(name, len, "%.200s", base); /* "[unknown]": perf knows no object either */
    else if (symlen == 0 || strncmp(line, "[unknown]", symlen) == 0)
        snprintf(name, len, "[%.200s]", base);
    else if (strcmp(dso, "inlined") == 0)
        snprintf(name, len, "%.*s_[i]", (int)symlen, line);
    else if (strcmp(dso, "[kernel.kallsyms]") == 0)
        snprintf(name, len, "%.*s_[k]", (int)symlen, line);
    else
        snprintf(name, len, "%.*s", (int)symlen, line);
    for (char *p = name; *p; p++)
        if (*p == ';') *p = ':';
    return 1;
}

static void flush_sample(stack_list *l, char frames[][256], int n, int skip)
{
    if (n == 0 || skip) return;
    char stack[MAX_STACK_CHARS];
    size_t used = 0;
    stack[0] = '\0';
    for (int i = n - 1; i >= 0 && used < sizeof stack; i--)
        used += (size_t)snprintf(stack + used, sizeof stack - used, "%s%s", i == n - 1 ? "" : ";",
                                 frames[i]);
    list_add(l, stack, 1);
}

int profile_fold_perf_script(const char *text, store_stack **out)
{
    stack_list l = {0};
    static char frames[MAX_FRAMES][256];
    int n = 0, skip = 0;
    char buf[PATH_MAX + 512];
    for (const char *line = text; next_line(&line, buf, sizeof buf);) {
        if (buf[0] == '\0') {
            flush_sample(&l, frames, n, skip);
            n = 0;
        } else if (buf[0] != '\t' && buf[0] != ' ') {
            /* A sample's header: its command name (the workload's after exec). */
            flush_sample(&l, frames, n, skip);
            n = 0;
            size_t c = strlen(buf);
            while (c > 0 && buf[c - 1] == ' ')
                buf[--c] = '\0';
            skip = strcmp(buf, "env") == 0 || strcmp(buf, "perf") == 0 ||
                   strcmp(buf, "perf-exec") == 0;
        } else if (n < MAX_FRAMES && frame_name(buf, frames[n], sizeof frames[n])) {
            n++;
        }
    }
    flush_sample(&l, frames, n, skip);
    return list_finish(&l, out);
}

int profile_parse_callgrind(const char *text, store_stack **out)
{
    stack_list l = {0};
    int in_functions = 0;
    char buf[PATH_MAX + 512];
    for (const char *line = text; next_line(&line, buf, sizeof buf);) {
        /* The function table follows its header "Ir  file:function". */
        if (strstr(buf, "file:function")) {
            in_functions = 1;
            continue;
        }
        if (!in_functions) continue;
        /* "236,000,085 (65.63%)  /src/tiny_hot.c:main [/build/workloads/tiny_hot]" */
        char digits[64];
        size_t d = 0;
        const char *p = buf;
        while (*p == ' ')
            p++;
        for (; (isdigit((unsigned char)*p) || *p == ',') && d + 1 < sizeof digits; p++)
            if (*p != ',') digits[d++] = *p;
        digits[d] = '\0';
        const char *paren = strstr(p, ") ");
        if (d == 0 || !paren) continue;
        char where[PATH_MAX + 256];
        snprintf(where, sizeof where, "%s", paren + 2);
        char *obj = strstr(where, " [");
        if (obj) *obj = '\0';
        char *start = where;
        while (*start == ' ')
            start++;
        char *colon = strrchr(start, ':');
        const char *fn = colon ? colon + 1 : start;
        if (!*fn) continue;
        list_add(&l, fn, strtod(digits, NULL));
    }
    return list_finish(&l, out);
}

static void free_stacks(store_stack *v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i].stack);
    free(v);
}

/* Runs a helper (perf script, callgrind_annotate) into a file and reads it back; NULL when it
 * failed. */
static char *helper_output(char *const argv[], const char *path)
{
    if (subprocess_to_file(argv, path) != 0) return NULL;
    char *text = files_read(path);
    unlink(path);
    return text;
}

int profile_run(const measure_ctx *ctx, const measure_job *job, profile_tool tool, char *status,
                size_t len)
{
    const workload_def *w = job->workload;
    /* callgrind: quick arguments, whatever the session's mode (a full run would take minutes) */
    const char *args = tool == PROFILE_CALLGRIND || ctx->quick ? w->quick_args : w->full_args;
    const char *lib = job->library && job->library[0] ? job->library : NULL;
    char data[512], text_file[512], preload_env[PATH_MAX + 16];
    snprintf(data, sizeof data, "%s/profile-%d.data", ctx->tmpdir, job->seq);
    snprintf(text_file, sizeof text_file, "%s/profile-%d.txt", ctx->tmpdir, job->seq);
    argbuf *a = calloc(1, sizeof *a);
    exec_result *r = calloc(1, sizeof *r);
    if (!a || !r) {
        free(a);
        free(r);
        return -1;
    }
    const char *preload = NULL;
    if (tool == PROFILE_PERF) {
        const char *perf[] = {"perf",    "record",       "-q",       "-e", "cpu-clock", "-F",
                              PERF_FREQ, "--call-graph", PERF_STACK, "-o", data,        "--"};
        for (size_t i = 0; i < sizeof perf / sizeof *perf; i++)
            argbuf_push(a, perf[i]);
        /* perf itself must not run under the measured allocator: env sets it for the workload */
        if (lib) {
            snprintf(preload_env, sizeof preload_env, "LD_PRELOAD=%s", lib);
            argbuf_push(a, "env");
            argbuf_push(a, preload_env);
        }
    } else {
        char out_opt[600];
        snprintf(out_opt, sizeof out_opt, "--callgrind-out-file=%s", data);
        argbuf_push(a, "valgrind");
        argbuf_push(a, "--tool=callgrind");
        argbuf_push(a, out_opt);
        preload = lib; /* valgrind passes LD_PRELOAD on to the workload it runs */
    }
    if (w->program[0]) argbuf_push(a, w->program);
    argbuf_push_words(a, args);
    exec_request req = {.argv = a->argv,
                        .preload = preload,
                        .time_limit_s = ctx->time_limit_s,
                        .mem_limit_kb = ctx->mem_limit_kb,
                        .cpu = -1,
                        .sample_ms = 10};
    unlink(data);
    exec_run(&req, r);
    snprintf(status, len, "%s", r->status);

    char *text = NULL;
    if (tool == PROFILE_PERF) {
        char *script[] = {"perf", "script", "-i", data, "-F", "comm,ip,sym,dso", NULL};
        text = helper_output(script, text_file);
    } else {
        char *annotate[] = {
            "callgrind_annotate", "--inclusive=no", "--threshold=100", "--auto=no", data, NULL};
        text = helper_output(annotate, text_file);
    }
    unlink(data);
    store_stack *stacks = NULL;
    int n = text ? (tool == PROFILE_PERF ? profile_fold_perf_script(text, &stacks)
                                         : profile_parse_callgrind(text, &stacks))
                 : 0;
    free(text);
    int rc = 0;
    if (n > 0) {
        char cmdline[2048];
        argbuf_join(a, cmdline, sizeof cmdline);
        if (preload) {
            char full[2048 + PATH_MAX + 16];
            snprintf(full, sizeof full, "LD_PRELOAD=%s %s", preload, cmdline);
            snprintf(cmdline, sizeof cmdline, "%.2047s", full);
        }
        store_new_profile p = {.session_id = ctx->session_id,
                               .variant = job->variant,
                               .workload = w->name,
                               .tool = tool == PROFILE_PERF ? "perf" : "callgrind",
                               .args = cmdline,
                               .status = r->status,
                               .ops = r->ops,
                               .stacks = stacks,
                               .nstacks = n};
        rc = store_profile_insert(ctx->db, &p);
    }
    if (n > 0) free_stacks(stacks, n);
    free(a);
    free(r);
    return rc;
}
