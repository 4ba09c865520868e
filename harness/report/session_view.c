/* Reading a report_data (see report_internal.h): which variants are A and B, a cell, the unit,
 * how an outcome reads. Both writers use it; it calls neither. */
#include "report/report_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

const char *report_unit(const report_data *r)
{
    return strcmp(r->session.metric, "instructions") == 0 ? "instructions" : "ops/s";
}

const report_variant *report_a(const report_data *r)
{
    return &r->variants[r->a];
}

const report_variant *report_b(const report_data *r)
{
    return &r->variants[r->b];
}

const report_cell *report_cell_at(const report_data *r, int w, int v)
{
    return &r->cells[w * r->nvariants + v];
}

/* A file name from a workload or spec: anything but [A-Za-z0-9._-] becomes '_'. */
void report_safe_name(char *dst, size_t len, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < len; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[i] = (isalnum(c) || c == '.' || c == '_' || c == '-') ? (char)c : '_';
    }
    dst[i] = '\0';
}

const char *report_base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

void report_plot_stem(char *dst, size_t len, const char *out_path)
{
    size_t n = strlen(out_path);
    if (n > 3 && strcmp(out_path + n - 3, ".md") == 0) n -= 3;
    snprintf(dst, len, "%.*s", (int)n, out_path);
}

const char *report_signal_name(int sig)
{
    static const struct {
        int sig;
        const char *name;
    } names[] = {{4, "SIGILL"},  {6, "SIGABRT"},  {7, "SIGBUS"},  {8, "SIGFPE"},
                 {9, "SIGKILL"}, {11, "SIGSEGV"}, {15, "SIGTERM"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].sig == sig) return names[i].name;
    return "signal";
}

void report_outcome_text(char *buf, size_t len, const report_failure *fl)
{
    if (strcmp(fl->status, "oom") == 0)
        snprintf(buf, len, "were killed for exceeding the memory cap");
    else if (strcmp(fl->status, "crash") == 0)
        snprintf(buf, len, "crashed (%s, signal %d)", report_signal_name(fl->signal), fl->signal);
    else if (strcmp(fl->status, "timeout") == 0)
        snprintf(buf, len, "hit the time limit");
    else if (strcmp(fl->status, "corrupt") == 0)
        snprintf(buf, len, "detected corrupted memory (exit 3)");
    else if (strcmp(fl->status, "bad-output") == 0)
        snprintf(buf, len, "printed no valid RESULT line");
    else if (strcmp(fl->status, "build-failed") == 0)
        snprintf(buf, len, "could not be built");
    else
        snprintf(buf, len, "failed (exit %d)", fl->exit_code);
}

const comparison *report_cmp(const report_data *r, int w)
{
    return r->has_cmp[w] ? &r->cmp[w] : NULL;
}

int report_verdict_is(const report_data *r, int w, verdict_t v)
{
    return r->has_cmp[w] && r->cmp[w].primary.verdict == v;
}

int report_has_numbers(const report_data *r, int w)
{
    return r->has_cmp[w] && r->cmp[w].primary.n_a > 0 && r->cmp[w].primary.n_b > 0;
}

int report_memory_verdicts(const report_data *r, int w, report_memory out[2])
{
    if (!r->has_cmp[w]) return 0;
    int n = 0;
    for (int m = 0; m < MEMORY_METRICS; m++) {
        const metric_comparison *mc = &r->cmp[w].memory[m];
        if (mc->n_a == 0 || mc->n_b == 0 || !verdict_is_change(mc->verdict)) continue;
        out[n++] = (report_memory){memory_metric_name((memory_metric)m),
                                   mc->verdict == VERDICT_REGRESSION, mc->median_a, mc->median_b};
    }
    return n;
}
