/* "Where the time goes": the profiles of A and B in a session report (see report_internal.h):
 * per profiled workload the sentence that names the functions carrying the change, the function
 * table, the call chains that gained most, the differential flame graph (an SVG beside the
 * report) and, for single-threaded workloads, callgrind's instructions per operation. */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "report/flamegraph.h"
#include "report/markdown.h"
#include "report/report_internal.h"

/* Function table rows; chains come from analysis/profile_diff.c (at most 3). */
#define FUNCTION_ROWS 10
/* A function "carries" the change when its own share moved by at least this (points of 1). */
#define CARRIES 0.01

/* "hak_malloc", "clear_page (kernel)" */
static void write_frame(FILE *f, const char *folded)
{
    char name[256];
    int kind = profile_frame_display(folded, name, sizeof name);
    md_cell(f, name);
    if (kind == 'i') fprintf(f, " (inline)");
    if (kind == 'k') fprintf(f, " (kernel)");
}

/* A cost as the profile counts it: "34.5%" of the samples, or "12.3" instructions per op. */
static void cost(char *buf, size_t len, const profile_diff *d, double v)
{
    if (d->per_op)
        snprintf(buf, len, "%.1f", v);
    else
        snprintf(buf, len, "%.1f%%", 100 * v);
}

/* "+24.5 pts", "−21.0 pts" (U+2212, as md_pct writes), or "+13.0" per operation */
static void change(char *buf, size_t len, const profile_diff *d, double v)
{
    double x = d->per_op ? v : 100 * v;
    const char *sign = x < 0 && lround(fabs(x) * 10) != 0 ? "−" : "+";
    snprintf(buf, len, "%s%.1f%s", sign, fabs(x), d->per_op ? "" : " pts");
}

/* "hak_malloc 2.5% → 28.6% (+26.1 pts)" */
static void write_function_move(FILE *f, const profile_diff *d, const profile_function *fn)
{
    char a[32], b[32], ch[32];
    cost(a, sizeof a, d, fn->a);
    cost(b, sizeof b, d, fn->b);
    change(ch, sizeof ch, d, fn->change);
    write_frame(f, fn->name);
    fprintf(f, " %s → %s (%s)", a, b, ch);
}

/* ", inside it hak_front_alloc +16.1 pts, hak_spin +10.1 pts (inline)": the inline frames that
 * moved with the function, when any did. */
static void write_inlines(FILE *f, const profile_diff *d, const profile_function *fn,
                          const char *lead)
{
    int n = 0;
    for (int i = 0; i < fn->ninlines; i++) {
        char ch[32], name[256];
        if (lround(fabs(d->per_op ? fn->inlines[i].change : 100 * fn->inlines[i].change) * 10) == 0)
            continue;
        change(ch, sizeof ch, d, fn->inlines[i].change);
        profile_frame_display(fn->inlines[i].name, name, sizeof name);
        fprintf(f, "%s", n++ ? ", " : lead);
        md_cell(f, name);
        fprintf(f, " %s", ch);
    }
    if (n) fprintf(f, " (inline)");
}

void report_write_profile_sentence(FILE *f, const report_data *r, int w)
{
    const report_profile *p = &r->profiles[w];
    const profile_diff *d = p->has_perf ? &p->perf : &p->callgrind;
    const char *unit = d->per_op ? " instructions per operation (callgrind)" : " of the samples";
    const profile_function *grew = profile_top_grower(d);
    fprintf(f, "On ");
    md_cell(f, r->workloads[w]);
    if (!grew || grew->change < (d->per_op ? 0.05 : CARRIES)) {
        fprintf(f, ", no function's own share grew by %s or more.\n\n",
                d->per_op ? "0.05 instructions per operation" : "a point");
        return;
    }
    fprintf(f, " the function that grew most is ");
    write_function_move(f, d, grew);
    fprintf(f, "%s", unit);
    write_inlines(f, d, grew, ", inside it ");
    const profile_function *shrank = NULL;
    for (int i = 0; i < d->nfunctions; i++)
        if (d->functions[i].change < 0 && (!shrank || d->functions[i].change < shrank->change))
            shrank = &d->functions[i];
    if (shrank && -shrank->change >= (d->per_op ? 0.05 : CARRIES)) {
        fprintf(f, "; the one that shrank most ");
        write_function_move(f, d, shrank);
    }
    fprintf(f, ".\n\n");
}

/* Rows whose change shows as 0.0 at the table's precision are left out. */
static int shows(const profile_diff *d, double change)
{
    return lround(fabs(d->per_op ? change : 100 * change) * 10) != 0;
}

static void write_function_table(FILE *f, const profile_diff *d, const char *what)
{
    /* callgrind counts by function symbol: no inline frames */
    int inlines = !d->per_op;
    fprintf(f, "| Function | %s A | %s B | Change |%s\n|---|---:|---:|---:|%s\n", what, what,
            inlines ? " Inline frames that moved most |" : "", inlines ? "---|" : "");
    for (int i = 0; i < d->nfunctions && i < FUNCTION_ROWS && shows(d, d->functions[i].change);
         i++) {
        const profile_function *fn = &d->functions[i];
        char a[32], b[32], ch[32];
        cost(a, sizeof a, d, fn->a);
        cost(b, sizeof b, d, fn->b);
        change(ch, sizeof ch, d, fn->change);
        fprintf(f, "| ");
        write_frame(f, fn->name);
        fprintf(f, " | %s | %s | %s |", a, b, ch);
        if (inlines) {
            fputc(' ', f);
            write_inlines(f, d, fn, "");
            fprintf(f, " |");
        }
        fputc('\n', f);
    }
    fputc('\n', f);
}

static void write_chains(FILE *f, const profile_diff *d)
{
    if (d->nchains == 0) return;
    fprintf(f, "Call chains that gained most (caller → callee; the last frame's own share):\n\n");
    for (int i = 0; i < d->nchains; i++) {
        const profile_chain *c = &d->chains[i];
        fprintf(f, "%d. ", i + 1);
        for (int k = 0; k < c->nframes; k++) {
            if (k) fprintf(f, " → ");
            if (!c->frames[k][0]) {
                fprintf(f, "…");
                continue;
            }
            write_frame(f, c->frames[k]);
        }
        char a[32], b[32], ch[32];
        cost(a, sizeof a, d, c->a);
        cost(b, sizeof b, d, c->b);
        change(ch, sizeof ch, d, c->b - c->a);
        fprintf(f, ": %s → %s (%s)\n", a, b, ch);
    }
    fputc('\n', f);
}

/* The flame graph's file: <report stem>-flame-<workload>.svg */
static void flame_path(const report_options *o, const char *workload, char *dst, size_t len)
{
    char stem[PATH_MAX], safe[64];
    report_plot_stem(stem, sizeof stem, o->out_path);
    report_safe_name(safe, sizeof safe, workload);
    snprintf(dst, len, "%s-flame-%s.svg", stem, safe);
}

static void write_flamegraph(FILE *f, const report_data *r, const report_options *o, int w)
{
    char svg[PATH_MAX + 128], title[512];
    flame_path(o, r->workloads[w], svg, sizeof svg);
    snprintf(title, sizeof title, "%s vs %s on %s: differential flame graph", report_b(r)->spec,
             report_a(r)->spec, r->workloads[w]);
    if (flamegraph_write_svg(svg, title, &r->profiles[w].perf) == 0) {
        fprintf(f, "Differential flame graph (width: B's samples; red grew, blue shrank): [");
        md_cell(f, report_base_name(svg));
        fprintf(f, "](%s)\n\n", report_base_name(svg));
    } else {
        fprintf(f, "_The flame graph could not be written beside the report._\n\n");
    }
}

/* o NULL: no flame graph (a summary without files beside it) */
static void write_workload(FILE *f, const report_data *r, const report_options *o, int w)
{
    const report_profile *p = &r->profiles[w];
    fprintf(f, "### ");
    md_cell(f, r->workloads[w]);
    fprintf(f, ": where the time goes\n\n");
    if (p->has_perf) {
        fprintf(f,
                "`perf record -e cpu-clock --call-graph dwarf` of one run each (%.0f samples of "
                "A, %.0f of B), inline frames resolved from the debug info; each function's "
                "own share of its variant's samples (its inline frames included, the ones "
                "that moved most named), the largest changes first:\n\n",
                p->samples_a, p->samples_b);
        write_function_table(f, &p->perf, "Self");
        write_chains(f, &p->perf);
        if (o) write_flamegraph(f, r, o, w);
    }
    if (p->has_callgrind) {
        fprintf(f, "Instructions per operation by function (callgrind, one run each with the "
                   "quick arguments; exact, whatever the load):\n\n");
        write_function_table(f, &p->callgrind, "Instr/op");
    }
}

void report_write_profiles(FILE *f, const report_data *r, const report_options *o)
{
    if (r->nprofiled == 0) {
        fprintf(f, "No profiles in this session: `hakbench run --profile` (on in run_ab.sh) "
                   "profiles A and B on every workload where they are not equivalent.\n\n");
        return;
    }
    for (int w = 0; w < r->nworkloads; w++)
        if (r->profiles[w].has_perf || r->profiles[w].has_callgrind)
            report_write_profile_sentence(f, r, w);
    for (int w = 0; w < r->nworkloads; w++)
        if (r->profiles[w].has_perf || r->profiles[w].has_callgrind) write_workload(f, r, o, w);
}
