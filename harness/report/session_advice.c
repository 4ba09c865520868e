/* The judgment part of a report: severity, the title's finding, the TL;DR (the largest
 * practically significant changes first, memory included, then failures, in numbers), the
 * ranked next steps with their expected outcomes, and the commands that reproduce the session.
 * Every figure is read from the report_data; nothing here measures or guesses a number.
 *
 * A next step's expected outcome says what its commands print when they do what the step says:
 * "prints `TEXT`" (or "print `TEXT`"); harness/commands/tests/test_run_ab.sh runs every step of
 * its reports and checks that each exits 0 and prints TEXT. */
#include "report/report_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/markdown.h"

/* The workload whose change is the headline: the worst regression, else the largest
 * improvement; -1 when no workload differs beyond the noise band. */
static int headline_workload(const report_data *r)
{
    int best = -1;
    for (int pass = 0; pass < 2 && best < 0; pass++) {
        verdict_t want = pass == 0 ? VERDICT_REGRESSION : VERDICT_IMPROVEMENT;
        for (int w = 0; w < r->nworkloads; w++) {
            if (!report_verdict_is(r, w, want)) continue;
            if (best < 0 ||
                fabs(report_cmp(r, w)->primary.change) > fabs(report_cmp(r, best)->primary.change))
                best = w;
        }
    }
    return best;
}

const char *report_severity(const report_data *r, report_verdict v)
{
    switch (v) {
    case REPORT_FAILED:
        return "high";
    case REPORT_REGRESSION: {
        int w = headline_workload(r);
        return (w >= 0 && report_cmp(r, w)->primary.change <= -0.10) ? "high" : "medium";
    }
    case REPORT_INCONCLUSIVE:
        return "low";
    default:
        return "none";
    }
}

/* The first counter of workload w that both builds count and that moved by
 * REPORT_COUNTER_NOTABLE or more, beyond the spread of its runs. Counters are sorted by change,
 * two-sided ones first, so it is the workload's best. */
static const report_counter *notable_counter(const report_data *r, int w)
{
    for (int i = 0; i < r->ncounters[w]; i++) {
        const report_counter *c = &r->counters[w][i];
        if (c->one_sided || !c->beyond_spread) continue;
        /* A rare event (mid_allocs once per 40000 operations) cannot explain a throughput
         * change, however much its count moved. */
        if (c->per_op && fmax(c->a, c->b) < REPORT_COUNTER_MIN_RATE) continue;
        if (c->score >= log(REPORT_COUNTER_NOTABLE)) return c;
    }
    return NULL;
}

void report_write_counter_change(FILE *f, const report_counter *c, const char *workload)
{
    char x[32], a[32], b[32];
    md_si(a, sizeof a, c->a);
    md_si(b, sizeof b, c->b);
    md_cell(f, c->name);
    fprintf(f, " on ");
    md_cell(f, workload);
    const char *unit = c->per_op ? " per operation" : "";
    if (c->a > 0 && c->b > 0) {
        md_times(x, sizeof x, c->b / c->a);
        fprintf(f, ": %s%s (%s → %s", x, unit, a, b);
    } else {
        fprintf(f, ": %s → %s%s (", a, b, unit);
    }
    if (c->beyond_spread)
        fprintf(f, "%smedians of %d and %d runs whose ranges do not overlap)",
                c->a > 0 && c->b > 0 ? ", " : "", c->n_a, c->n_b);
    else
        fprintf(f, "%s)", c->a > 0 && c->b > 0 ? "" : "medians");
}

void report_top_counter(const report_data *r, const report_counter **top, int *workload)
{
    *top = NULL;
    *workload = -1;
    /* The evidence for the headline comes from the headline's workload when it has any. */
    int head = headline_workload(r);
    if (head >= 0 && (*top = notable_counter(r, head)) != NULL) {
        *workload = head;
        return;
    }
    for (int w = 0; w < r->nworkloads; w++) {
        const report_counter *c = notable_counter(r, w);
        if (c && (!*top || c->score > (*top)->score)) {
            *top = c;
            *workload = w;
        }
    }
}

/* A practically significant change: a throughput verdict beyond the noise band, or a memory
 * verdict; ranked by the size of the change (|log| of the ratio). */
typedef struct {
    int w;
    int memory; /* 0: throughput (r->cmp), 1: mem */
    report_memory mem;
    int worse; /* B is worse */
    double size;
} finding;

static int cmp_finding(const void *x, const void *y)
{
    const finding *a = x, *b = y;
    if (a->size != b->size) return a->size > b->size ? -1 : 1;
    if (a->worse != b->worse) return a->worse ? -1 : 1;
    return a->w - b->w;
}

/* Every finding of the session, largest first. *out malloc'ed; the count. */
static int findings(const report_data *r, finding **out)
{
    *out = calloc((size_t)r->nworkloads * 3 + 1, sizeof **out);
    if (!*out) return 0;
    int n = 0;
    for (int w = 0; w < r->nworkloads; w++) {
        if (report_verdict_is(r, w, VERDICT_REGRESSION) ||
            report_verdict_is(r, w, VERDICT_IMPROVEMENT)) {
            double ch = report_cmp(r, w)->primary.change;
            (*out)[n++] = (finding){.w = w, .worse = ch < 0, .size = fabs(log1p(ch))};
        }
        report_memory m[2];
        int nm = report_memory_verdicts(r, w, m);
        for (int i = 0; i < nm; i++)
            (*out)[n++] = (finding){.w = w,
                                    .memory = 1,
                                    .mem = m[i],
                                    .worse = m[i].regression,
                                    .size = fabs(log(m[i].b_kb / m[i].a_kb))};
    }
    qsort(*out, (size_t)n, sizeof **out, cmp_finding);
    return n;
}

static int is_a_or_b(const report_data *r, const char *spec)
{
    return strcmp(spec, report_a(r)->spec) == 0 || strcmp(spec, report_b(r)->spec) == 0;
}

/* Workloads with a failed run of A or B, and builds of A or B that failed. */
static int failed_workloads(const report_data *r)
{
    int n = 0;
    for (int w = 0; w < r->nworkloads; w++) {
        int failed = report_verdict_is(r, w, VERDICT_FAILED);
        for (int i = 0; i < r->nfailures && !failed; i++)
            failed = is_a_or_b(r, r->failures[i].variant) &&
                     strcmp(r->failures[i].workload, r->workloads[w]) == 0;
        n += failed;
    }
    return n;
}

/* "+17.8% on tiny_hot" or "peak RSS 15× on larson" */
static void write_finding_short(FILE *f, const report_data *r, const finding *x)
{
    char buf[32];
    if (x->memory) {
        md_times(buf, sizeof buf, x->mem.b_kb / x->mem.a_kb);
        fprintf(f, "%s %s on ", x->mem.what, buf);
    } else {
        md_pct(buf, sizeof buf, report_cmp(r, x->w)->primary.change);
        fprintf(f, "%s on ", buf);
    }
    md_cell(f, r->workloads[x->w]);
}

void report_write_headline(FILE *f, const report_data *r, report_verdict v)
{
    finding *all;
    int n = findings(r, &all);
    int failed = failed_workloads(r), compared = 0, regressions = 0;
    for (int w = 0; w < r->nworkloads; w++)
        compared += report_cmp(r, w) != NULL;
    for (int i = 0; i < n; i++)
        regressions += all[i].worse;
    if (n > 0) {
        write_finding_short(f, r, &all[0]);
        if (all[0].worse)
            fprintf(f, " (%s)", all[0].memory ? "memory regression" : "regression");
        else if (regressions == 0 && failed == 0)
            fprintf(f, ", no regression");
        else if (regressions > 0)
            fprintf(f, ", %d regression%s", regressions, regressions == 1 ? "" : "s");
    } else {
        fprintf(f, "%s", report_verdict_title(v));
    }
    if (failed)
        fprintf(f, "%s%d of %d workloads failed", n > 0 ? "; " : ": ", failed,
                compared > failed ? compared : r->nworkloads);
    free(all);
}

static void write_change_sentence(FILE *f, const report_data *r, int w)
{
    const comparison *c = report_cmp(r, w);
    char ma[32], mb[32], iv[96], p[32];
    md_si(ma, sizeof ma, c->primary.median_a);
    md_si(mb, sizeof mb, c->primary.median_b);
    md_interval(iv, sizeof iv, c->primary.ci_lo, c->primary.ci_hi, c->primary.alpha);
    md_p(p, sizeof p, c->primary.p);
    fprintf(f, "**");
    md_cell(f, report_b(r)->spec);
    fprintf(f, " is %.1f%% %s than ", fabs(c->primary.change) * 100.0,
            c->primary.change < 0 ? "slower" : "faster");
    md_cell(f, report_a(r)->spec);
    fprintf(f, " on ");
    md_cell(f, r->workloads[w]);
    fprintf(f, "** (%s → %s %s, interval %s, p %s%s)", ma, mb, report_unit(r), iv,
            p[0] == '<' ? "" : "= ", p);
}

static void write_memory_sentence(FILE *f, const report_data *r, const finding *x)
{
    char times[32], a[32], b[32];
    md_times(times, sizeof times, x->mem.b_kb / x->mem.a_kb);
    md_kib(a, sizeof a, x->mem.a_kb);
    md_kib(b, sizeof b, x->mem.b_kb);
    fprintf(f, "**Memory %s on ", x->mem.regression ? "regression" : "improvement");
    md_cell(f, r->workloads[x->w]);
    fprintf(f, ": %s %s** (median %s → %s%s)", x->mem.what, times, a, b,
            strcmp(x->mem.what, "peak RSS") == 0 ? ", failed runs included" : "");
}

/* Without a memory verdict, the workload where B's median peak RSS moved most against A's, when
 * by 1.5x or more either way: a move the runs could not yet decide is still worth a look. */
static void write_undecided_memory(FILE *f, const report_data *r)
{
    int mem = -1;
    double mem_x = 1.0;
    for (int w = 0; w < r->nworkloads; w++) {
        double x =
            report_cell_at(r, w, r->b)->rss_median_kb / report_cell_at(r, w, r->a)->rss_median_kb;
        if (isnan(x) || isinf(x) || x <= 0) continue;
        if (fabs(log(x)) > fabs(log(mem_x))) {
            mem = w;
            mem_x = x;
        }
    }
    if (mem < 0 || (mem_x < 1.5 && mem_x > 1 / 1.5)) return;
    char x[32], a[32], b[32];
    md_times(x, sizeof x, mem_x);
    md_kib(a, sizeof a, report_cell_at(r, mem, r->a)->rss_median_kb);
    md_kib(b, sizeof b, report_cell_at(r, mem, r->b)->rss_median_kb);
    fprintf(f, "- Peak RSS %s %s on ", mem_x > 1 ? "grew" : "shrank to", x);
    md_cell(f, r->workloads[mem]);
    const comparison *c = report_cmp(r, mem);
    fprintf(f, " (median %s → %s; not decided: %s).\n", a, b,
            c ? verdict_name(c->memory[MEMORY_PEAK_RSS].verdict) : "not compared");
}

/* Findings beyond this many are summed up in one line. */
#define TLDR_FINDINGS 5

void report_write_tldr(FILE *f, const report_data *r, report_verdict v)
{
    fprintf(f, "## TL;DR\n\n");
    finding *all;
    int n = findings(r, &all);
    for (int i = 0; i < n && i < TLDR_FINDINGS; i++) {
        fprintf(f, "- ");
        if (all[i].memory)
            write_memory_sentence(f, r, &all[i]);
        else
            write_change_sentence(f, r, all[i].w);
        const profile_function *grew = !all[i].memory && r->profiles[all[i].w].has_perf
                                           ? profile_top_grower(&r->profiles[all[i].w].perf)
                                           : NULL;
        if (grew) {
            char name[256];
            profile_frame_display(grew->name, name, sizeof name);
            fprintf(f, "; in the profile ");
            md_cell(f, name);
            fprintf(f, " grew most, %.1f%% → %.1f%% of the samples", 100 * grew->a, 100 * grew->b);
            if (grew->ninlines > 0 && grew->inlines[0].change > 0) {
                profile_frame_display(grew->inlines[0].name, name, sizeof name);
                fprintf(f, " (inline ");
                md_cell(f, name);
                fprintf(f, " %+.1f points)", 100 * grew->inlines[0].change);
            }
        }
        fprintf(f, ".\n");
    }
    if (n > TLDR_FINDINGS) {
        fprintf(f, "- Also:");
        for (int i = TLDR_FINDINGS; i < n; i++) {
            fprintf(f, "%s ", i > TLDR_FINDINGS ? "," : "");
            write_finding_short(f, r, &all[i]);
        }
        fprintf(f, ".\n");
    }
    if (n == 0) {
        int biggest = -1;
        for (int w = 0; w < r->nworkloads; w++)
            if (report_has_numbers(r, w) &&
                (biggest < 0 || fabs(report_cmp(r, w)->primary.change) >
                                    fabs(report_cmp(r, biggest)->primary.change)))
                biggest = w;
        if (biggest >= 0) {
            const comparison *c = report_cmp(r, biggest);
            char ch[32], iv[96];
            md_pct(ch, sizeof ch, c->primary.change);
            md_interval(iv, sizeof iv, c->primary.ci_lo, c->primary.ci_hi, c->primary.alpha);
            fprintf(f,
                    "- No workload differs beyond the noise band with confidence; the largest "
                    "change is %s on ",
                    ch);
            md_cell(f, r->workloads[biggest]);
            fprintf(f, " (interval %s, %s).\n", iv, verdict_name(c->primary.verdict));
        }
    }
    int memory_found = 0;
    for (int i = 0; i < n; i++)
        memory_found |= all[i].memory;
    free(all);
    if (!memory_found) write_undecided_memory(f, r);

    for (int i = 0; i < r->nfailures; i++) {
        const report_failure *fl = &r->failures[i];
        if (!is_a_or_b(r, fl->variant)) continue;
        char what[96];
        report_outcome_text(what, sizeof what, fl);
        fprintf(f, "- %d of %d runs of ", fl->count, fl->of);
        md_cell(f, fl->variant);
        fprintf(f, " on ");
        md_cell(f, fl->workload);
        fprintf(f, " %s.\n", what);
    }
    for (int v2 = 0; v2 < r->nvariants; v2++) {
        if (strcmp(r->variants[v2].build_status, "build-failed") != 0) continue;
        fprintf(f, "- ");
        md_cell(f, r->variants[v2].spec);
        fprintf(f, " failed to build (log in Failures).\n");
    }

    const report_counter *top;
    int top_w;
    report_top_counter(r, &top, &top_w);
    if (top && v != REPORT_EQUIVALENT) {
        fprintf(f, "- Counter that moved most: ");
        report_write_counter_change(f, top, r->workloads[top_w]);
        fprintf(f, ".\n");
    }

    int count[VERDICT_FAILED + 1] = {0}, compared = 0;
    for (int w = 0; w < r->nworkloads; w++)
        if (report_cmp(r, w)) {
            count[report_cmp(r, w)->primary.verdict]++;
            compared++;
        }
    fprintf(f, "- Verdicts over %d workload%s:", compared, compared == 1 ? "" : "s");
    static const verdict_t order[] = {VERDICT_FAILED,       VERDICT_REGRESSION,
                                      VERDICT_IMPROVEMENT,  VERDICT_CHANGED_BELOW_DELTA,
                                      VERDICT_INCONCLUSIVE, VERDICT_EQUIVALENT};
    for (size_t i = 0, first = 1; i < sizeof order / sizeof order[0]; i++) {
        if (count[order[i]] == 0) continue;
        fprintf(f, "%s %d %s", first ? "" : ",", count[order[i]], verdict_name(order[i]));
        first = 0;
    }
    fprintf(f, " (%d measured runs in all).\n\n", r->runs_measure);
}

/* A word for a shell command line: bare when it is plainly safe, else single-quoted. */
static void shell_word(FILE *f, const char *s)
{
    if (*s &&
        strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./~@^:=,+-") ==
            strlen(s)) {
        fputs(s, f);
        return;
    }
    fputc('\'', f);
    for (; *s; s++)
        if (*s == '\'')
            fputs("'\\''", f);
        else
            fputc(*s, f);
    fputc('\'', f);
}

/* "make clean; make FLAGS TARGET" for a hakmem variant. */
static void make_line(FILE *f, const report_variant *v, const char *target, int clean)
{
    fprintf(f, "%smake %s%s%s", clean ? "make clean; " : "", v->flags, v->flags[0] ? " " : "",
            target);
}

static int is_hakmem(const report_variant *v)
{
    return strcmp(v->kind, "hakmem") == 0;
}

/* The command line without the environment assignments the harness put in front of it
 * (LD_PRELOAD=/abs/path/libhakmem.so ...): the reproduce commands set their own. */
static const char *strip_env(const char *args)
{
    for (;;) {
        size_t name = strspn(args, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
        if (name == 0 || args[name] != '=') return args;
        const char *sp = strchr(args, ' ');
        if (!sp) return args;
        args = sp + 1;
    }
}

/* The workload's program and arguments with larson's program replaced by ./larson_hakmem. */
static int larson_args(const char *args, const char **rest)
{
    args = strip_env(args);
    const char *sp = strchr(args, ' ');
    size_t n = sp ? (size_t)(sp - args) : strlen(args);
    if (n >= 6 && strncmp(args + n - 6, "larson", 6) == 0 && (n == 6 || args[n - 7] == '/')) {
        *rest = sp ? sp + 1 : "";
        return 1;
    }
    return 0;
}

/* The command under a variant: preloaded hakmem or peer library, or plain for glibc. */
static void run_line(FILE *f, const report_variant *v, const char *args)
{
    if (is_hakmem(v))
        fprintf(f, "LD_PRELOAD=./libhakmem.so ");
    else if (v->flags[0] && strcmp(v->flags, "-") != 0) {
        fprintf(f, "LD_PRELOAD=");
        shell_word(f, v->flags);
        fputc(' ', f);
    }
    fprintf(f, "%s\n", strip_env(args));
}

typedef struct {
    char *what, *expect, *cmd;
} step;

typedef struct {
    step s[8];
    int n;
    FILE *what, *expect, *cmd;
    size_t wl, el, cl;
} steps;

static void step_begin(steps *st)
{
    step *s = &st->s[st->n];
    st->what = open_memstream(&s->what, &st->wl);
    st->expect = open_memstream(&s->expect, &st->el);
    st->cmd = open_memstream(&s->cmd, &st->cl);
}

static void step_end(steps *st)
{
    fclose(st->what);
    fclose(st->expect);
    fclose(st->cmd);
    st->n++;
}

static int workload_index(const report_data *r, const char *name)
{
    for (int w = 0; w < r->nworkloads; w++)
        if (strcmp(r->workloads[w], name) == 0) return w;
    return -1;
}

/* The commands that build a hakmem variant's library (nothing for a reference allocator) and
 * run workload w under it with the session's arguments: they print its RESULT line. */
static void write_run_commands(FILE *cmd, const report_data *r, int v, int w)
{
    const report_variant *x = &r->variants[v];
    if (is_hakmem(x)) {
        make_line(cmd, x, "libhakmem.so", 0);
        fputc('\n', cmd);
    }
    run_line(cmd, x, report_cell_at(r, w, v)->args);
}

static void write_step_keep_a(steps *st, const report_data *r, int head)
{
    const report_variant *a = report_a(r);
    int w = head;
    step_begin(st);
    fprintf(st->what, "Keep A (");
    md_cell(st->what, a->spec);
    fprintf(st->what, "): do not ship B as it stands");
    if (head >= 0 && report_verdict_is(r, head, VERDICT_REGRESSION)) {
        char ma[32], mb[32];
        md_si(ma, sizeof ma, report_cmp(r, head)->primary.median_a);
        md_si(mb, sizeof mb, report_cmp(r, head)->primary.median_b);
        fprintf(st->expect, "Restores %s %s on ", ma, report_unit(r));
        md_cell(st->expect, r->workloads[head]);
        fprintf(st->expect, " (B measured %s)", mb);
    } else {
        fprintf(st->expect, "No failed runs:");
        int first = 1;
        for (int i = 0; i < r->nfailures; i++) {
            const report_failure *fl = &r->failures[i];
            if (strcmp(fl->variant, report_b(r)->spec) != 0) continue;
            int fw = workload_index(r, fl->workload);
            const report_cell *c = fw >= 0 ? report_cell_at(r, fw, r->a) : NULL;
            if (w < 0) w = fw;
            fprintf(st->expect, "%s A ran ", first ? "" : ";");
            md_cell(st->expect, fl->workload);
            fprintf(st->expect, " ok in %d of %d measured runs", c ? c->n_ok : 0,
                    c ? c->n_measure : 0);
            first = 0;
        }
        if (first) fprintf(st->expect, " A's runs ended ok");
    }
    if (w < 0) w = 0;
    fprintf(st->expect, ": the commands print A's `RESULT workload=%s` line", r->workloads[w]);
    write_run_commands(st->cmd, r, r->a, w);
    step_end(st);
}

static void write_step_bisect(steps *st, const report_data *r, int w)
{
    const report_variant *a = report_a(r), *b = report_b(r);
    step_begin(st);
    fprintf(st->what, "Bisect between A's and B's revisions on ");
    md_cell(st->what, r->workloads[w]);
    fprintf(st->expect, "The first commit that makes ");
    md_cell(st->expect, r->workloads[w]);
    fprintf(st->expect,
            " regress beyond ±%.1f%%, crash or fail to build, in about log2(commits) "
            "steps: hakbench prints `first bad commit` and its bisect report",
            report_cmp(r, w)->delta * 100.0);
    fprintf(st->cmd, "./hakbench bisect --good %.12s --bad %.12s --workloads ", a->revision,
            b->revision);
    shell_word(st->cmd, r->workloads[w]);
    if (b->name[0]) {
        fprintf(st->cmd, " --variants ");
        shell_word(st->cmd, b->name);
    }
    fputc('\n', st->cmd);
    step_end(st);
}

/* perf's view of B's run on w, where the profile found the change. */
static void write_step_profile(steps *st, const report_data *r, int w, const profile_function *fn)
{
    char symbol[256];
    profile_frame_display(fn->name, symbol, sizeof symbol);
    step_begin(st);
    fprintf(st->what, "Look at B's time on ");
    md_cell(st->what, r->workloads[w]);
    fprintf(st->what, " where its profile grew most: ");
    md_cell(st->what, symbol);
    fprintf(st->what, ", %.1f%% → %.1f%% of the samples", 100 * fn->a, 100 * fn->b);
    if (fn->ninlines > 0) {
        char name[256];
        profile_frame_display(fn->inlines[0].name, name, sizeof name);
        fprintf(st->what, " (most of it inline ");
        md_cell(st->what, name);
        fputc(')', st->what);
    }
    fprintf(st->expect,
            "perf's own report of a run of B prints `%s` among its hottest symbols "
            "(the report's flame graph shows its call chains)",
            symbol);
    const report_variant *b = report_b(r);
    if (is_hakmem(b)) {
        make_line(st->cmd, b, "libhakmem.so", 0);
        fputc('\n', st->cmd);
    }
    fprintf(st->cmd, "perf record -q -e cpu-clock --call-graph dwarf -o /tmp/hakmem-B.perf -- "
                     "env ");
    run_line(st->cmd, b, report_cell_at(r, w, r->b)->args);
    fprintf(st->cmd, "perf report -i /tmp/hakmem-B.perf --stdio --no-children --sort sym "
                     "--percent-limit 1 2>/dev/null | head -n 60\n");
    step_end(st);
}

static void write_step_counter(steps *st, const report_data *r, const report_counter *top, int w)
{
    step_begin(st);
    fprintf(st->what, "Look at the counter that moved most, ");
    report_write_counter_change(st->what, top, r->workloads[w]);
    fprintf(st->expect,
            "Both builds with `HAKMEM_COUNTERS=1` print `%s` in their counters "
            "(`HAKMEM_STATS=1`), A's then B's: the code path behind it is where B ",
            top->name);
    int head = headline_workload(r);
    fprintf(st->expect, "%s",
            head >= 0 && report_verdict_is(r, head, VERDICT_IMPROVEMENT) ? "gains"
                                                                         : "loses or fails");
    for (int i = 0; i < 2; i++) {
        int v = i ? r->b : r->a;
        const report_variant *x = &r->variants[v];
        fprintf(st->cmd, "make %s%sHAKMEM_COUNTERS=1 libhakmem.so\nHAKMEM_STATS=1 ", x->flags,
                x->flags[0] ? " " : "");
        run_line(st->cmd, x, report_cell_at(r, w, v)->args);
    }
    step_end(st);
}

/* The session's --mem-limit (MB), from its command line; 2048, hakbench's default, without. */
static long session_mem_limit_mb(const report_data *r)
{
    const char *m = strstr(r->session.command, "--mem-limit");
    long mb = m ? strtol(m + strlen("--mem-limit") + 1, NULL, 10) : 0;
    return mb > 0 ? mb : 2048;
}

static void write_step_failure(steps *st, const report_data *r, const report_failure *fl)
{
    const report_variant *v =
        strcmp(fl->variant, report_a(r)->spec) == 0 ? report_a(r) : report_b(r);
    char what[96];
    report_outcome_text(what, sizeof what, fl);
    step_begin(st);
    fprintf(st->what, "Reproduce the %s of ", fl->status);
    md_cell(st->what, fl->variant);
    fprintf(st->what, " on ");
    md_cell(st->what, fl->workload);
    fprintf(st->what, " in one run under the same memory cap");
    fprintf(st->expect,
            "The same outcome (%s): hakbench prints `did not end ok` and exits 1; the commented "
            "line then runs it alone, for a debugger or a HAKMEM\\_BUILD\\_RELEASE=0 build",
            what);
    fprintf(st->cmd, "./hakbench run --variants ");
    shell_word(st->cmd, fl->variant);
    fprintf(st->cmd, " --workloads ");
    shell_word(st->cmd, fl->workload);
    fprintf(st->cmd,
            "%s --runs 1 --warmup 0 --no-counters --mem-limit %ld --db "
            "\"$(mktemp -d)/repro.db\" || test $? -eq 1\n",
            r->session.quick ? " --quick" : "", session_mem_limit_mb(r));
    fprintf(st->cmd, "# alone: ");
    if (is_hakmem(v)) {
        make_line(st->cmd, v, "libhakmem.so", 0);
        fprintf(st->cmd, " && ");
    }
    fprintf(st->cmd, "(ulimit -v %ld; ", session_mem_limit_mb(r) * 1024);
    if (is_hakmem(v)) fprintf(st->cmd, "LD_PRELOAD=./libhakmem.so ");
    fprintf(st->cmd, "%s)\n", strip_env(fl->args));
    step_end(st);
}

/* The inconclusive workloads again, in looks as large as all the blocks they got here: the
 * procedure's looks (run_ab.sh's default, 3) stop each workload at the first that decides it. */
static void write_step_more_runs(steps *st, const report_data *r, const report_options *o)
{
    int had = 0;
    for (int w = 0; w < r->nworkloads; w++)
        if (report_verdict_is(r, w, VERDICT_INCONCLUSIVE)) {
            const metric_comparison *c = &report_cmp(r, w)->primary;
            int n = c->n_a < c->n_b ? c->n_a : c->n_b;
            if (n > had) had = n;
        }
    if (had < 3) had = 3;
    char names[512] = "";
    size_t used = 0;
    step_begin(st);
    fprintf(st->what,
            "Measure the inconclusive workloads again, in looks of %d blocks (as many as "
            "they got here):",
            had);
    /* the session's arguments: the short ones (run_ab.sh's default) or --full */
    fprintf(st->cmd, "./run_ab.sh%s --runs %d --workloads ", r->session.quick ? "" : " --full",
            had);
    for (int w = 0, first = 1; w < r->nworkloads; w++) {
        if (!report_verdict_is(r, w, VERDICT_INCONCLUSIVE)) continue;
        fputs(first ? " " : ", ", st->what);
        md_cell(st->what, r->workloads[w]);
        fputs(first ? "" : ",", st->cmd);
        shell_word(st->cmd, r->workloads[w]);
        used += (size_t)snprintf(names + used, used < sizeof names ? sizeof names - used : 0,
                                 "%s%s", first ? "" : "-", r->workloads[w]);
        first = 0;
    }
    char out[640], safe[600];
    report_safe_name(safe, sizeof safe, names);
    snprintf(out, sizeof out, "reports/ab-rerun-%s.md", safe);
    fprintf(st->expect,
            "A report of their own, in up to 3 looks, each workload stopping at the first that "
            "decides it: run\\_ab.sh prints its path, `%s`; a firm verdict unless the true "
            "difference is near ±δ",
            out);
    fprintf(st->cmd, "%s --db ", o->peers ? " --peers" : "");
    shell_word(st->cmd, o->db_path);
    fprintf(st->cmd, " --out %s ", out);
    shell_word(st->cmd, report_a(r)->spec);
    fputc(' ', st->cmd);
    shell_word(st->cmd, report_b(r)->spec);
    /* 1 is an answer (a regression or a failed run), 2 is not */
    fprintf(st->cmd, " || test $? -eq 1\n");
    step_end(st);
}

static void write_step_adopt(steps *st, const report_data *r, int head)
{
    char ch[32];
    md_pct(ch, sizeof ch, report_cmp(r, head)->primary.change);
    step_begin(st);
    fprintf(st->what, "Adopt B (");
    md_cell(st->what, report_b(r)->spec);
    fprintf(st->what, ")");
    fprintf(st->expect, "%s on ", ch);
    md_cell(st->expect, r->workloads[head]);
    fprintf(st->expect,
            ", no workload worse beyond the noise band: the commands print B's "
            "`RESULT workload=%s` line",
            r->workloads[head]);
    write_run_commands(st->cmd, r, r->b, head);
    step_end(st);
}

void report_write_next_steps(FILE *f, const report_data *r, report_verdict v,
                             const report_options *o)
{
    steps st = {.n = 0};
    int head = headline_workload(r);
    int b_failed = 0;
    for (int i = 0; i < r->nfailures; i++)
        if (strcmp(r->failures[i].variant, report_b(r)->spec) == 0) b_failed = 1;
    const report_counter *top;
    int top_w;
    report_top_counter(r, &top, &top_w);

    if (v == REPORT_REGRESSION || (v == REPORT_FAILED && (b_failed || head >= 0)))
        write_step_keep_a(&st, r, head);
    int bisect_w = head >= 0 && report_verdict_is(r, head, VERDICT_REGRESSION) ? head : -1;
    for (int i = 0; bisect_w < 0 && i < r->nfailures; i++)
        if (strcmp(r->failures[i].variant, report_b(r)->spec) == 0)
            bisect_w = workload_index(r, r->failures[i].workload);
    if (bisect_w >= 0 && report_cmp(r, bisect_w) && is_hakmem(report_a(r)) &&
        is_hakmem(report_b(r)) && report_a(r)->revision[0] && report_b(r)->revision[0] &&
        strcmp(report_a(r)->revision, report_b(r)->revision) != 0)
        write_step_bisect(&st, r, bisect_w);
    const profile_function *grew = head >= 0 && r->profiles[head].has_perf
                                       ? profile_top_grower(&r->profiles[head].perf)
                                       : NULL;
    if (grew) write_step_profile(&st, r, head, grew);
    if (top && v != REPORT_EQUIVALENT && is_hakmem(report_a(r)) && is_hakmem(report_b(r)))
        write_step_counter(&st, r, top, top_w);
    for (int i = 0; i < r->nfailures && st.n < 6; i++)
        if (is_a_or_b(r, r->failures[i].variant)) {
            write_step_failure(&st, r, &r->failures[i]);
            break; /* one reproduction is enough to start from */
        }
    int inconclusive = 0;
    for (int w = 0; w < r->nworkloads; w++)
        inconclusive |= report_verdict_is(r, w, VERDICT_INCONCLUSIVE);
    if (inconclusive) write_step_more_runs(&st, r, o);
    if (v == REPORT_IMPROVEMENT && head >= 0) write_step_adopt(&st, r, head);

    fprintf(f, "## Next steps, ranked\n\n");
    if (st.n == 0) {
        fprintf(f, "Nothing to fix: B is within the noise band of A on every workload and no run "
                   "failed.\n\n");
        return;
    }
    fprintf(f, "| # | Step | Expected outcome |\n|---:|---|---|\n");
    for (int i = 0; i < st.n; i++)
        fprintf(f, "| %d | %s | %s |\n", i + 1, st.s[i].what, st.s[i].expect);
    fprintf(f, "\nCommands, by step (from the repository root; they rebuild ./libhakmem.so):\n\n");
    for (int i = 0; i < st.n; i++) {
        char *block = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&block, &len);
        fprintf(m, "# %d\n%s", i + 1, st.s[i].cmd);
        fclose(m);
        md_code_block(f, "sh", block);
        free(block);
        free(st.s[i].what);
        free(st.s[i].expect);
        free(st.s[i].cmd);
    }
    fputc('\n', f);
}

void report_write_reproduce(FILE *f, const report_data *r, const report_options *o)
{
    char *block = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&block, &len);
    const report_variant *ab[2] = {report_a(r), report_b(r)};
    int larson = workload_index(r, "larson");
    for (int i = 0; i < 2; i++) {
        const report_variant *v = ab[i];
        fprintf(m, "# %s = %s", i ? "B" : "A", v->spec);
        if (is_hakmem(v))
            fprintf(m, " (%s) at revision %.12s%s\n", v->flags[0] ? v->flags : "defaults",
                    v->revision, v->dirty ? " plus local changes" : "");
        else
            fprintf(m, " (reference allocator)\n");
        const char *rest;
        if (is_hakmem(v) && larson >= 0 &&
            larson_args(report_cell_at(r, larson, i ? r->b : r->a)->args, &rest)) {
            make_line(m, v, "larson_hakmem", 1);
            fprintf(m, "; ./larson_hakmem %s\n", rest);
        }
        if (is_hakmem(v)) {
            make_line(m, v, "libhakmem.so", 0);
            fputc('\n', m);
        }
        for (int w = 0; w < r->nworkloads; w++) {
            const char *args = report_cell_at(r, w, i ? r->b : r->a)->args;
            if (args[0]) run_line(m, v, args);
        }
    }
    fprintf(m, "# the session, its comparison and this report\n%s\n", r->session.command);
    fprintf(m, "./hakbench compare ");
    shell_word(m, ab[0]->spec);
    fputc(' ', m);
    shell_word(m, ab[1]->spec);
    fprintf(m, " --session %lld --db ", (long long)r->session.id);
    shell_word(m, o->db_path);
    fprintf(m, "\n./hakbench report --session %lld --db ", (long long)r->session.id);
    shell_word(m, o->db_path);
    fprintf(m, " --a ");
    shell_word(m, ab[0]->spec);
    fprintf(m, " --b ");
    shell_word(m, ab[1]->spec);
    fprintf(m, "%s%s", o->peers ? " --peers" : "", o->github ? " --format github" : "");
    if (o->out_path) {
        fprintf(m, " --out ");
        shell_word(m, o->out_path);
    }
    fputc('\n', m);
    fclose(m);
    fprintf(f, "## Reproduce\n\nAt the revisions above (a checkout of another revision: "
               "`git worktree add /tmp/hakmem-REV REV`):\n\n");
    md_code_block(f, "sh", block);
    fputc('\n', f);
    free(block);
}
