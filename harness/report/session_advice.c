/* The judgment part of a report: severity, the TL;DR (biggest finding first, in numbers), the
 * ranked next steps with their expected outcomes, and the commands that reproduce the session.
 * Every figure is read from the report_data; nothing here measures or guesses a number. */
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
            if (!r->has_cmp[w] || r->cmp[w].primary.verdict != want) continue;
            if (best < 0 || fabs(r->cmp[w].primary.change) > fabs(r->cmp[best].primary.change))
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
        return (w >= 0 && r->cmp[w].primary.change <= -0.10) ? "high" : "medium";
    }
    case REPORT_INCONCLUSIVE:
        return "low";
    default:
        return "none";
    }
}

/* The first counter of workload w that moved by REPORT_COUNTER_NOTABLE or more. Counters are
 * sorted by change, those of both variants before those of one, so it is the workload's best. */
static const report_counter *notable_counter(const report_data *r, int w)
{
    for (int i = 0; i < r->ncounters[w]; i++) {
        const report_counter *c = &r->counters[w][i];
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
        fprintf(f, ": %s%s (%s → %s)", x, unit, a, b);
    } else {
        fprintf(f, ": only in %s (%s → %s%s)", c->a > 0 ? "A" : "B", a, b, unit);
    }
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
        if (!c) continue;
        if (!*top || (isinf((*top)->score) && !isinf(c->score)) ||
            (isinf(c->score) == isinf((*top)->score) && c->score > (*top)->score)) {
            *top = c;
            *workload = w;
        }
    }
}

static void write_change_sentence(FILE *f, const report_data *r, int w)
{
    const comparison *c = &r->cmp[w];
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

static int is_a_or_b(const report_data *r, const char *spec)
{
    return strcmp(spec, report_a(r)->spec) == 0 || strcmp(spec, report_b(r)->spec) == 0;
}

void report_write_tldr(FILE *f, const report_data *r, report_verdict v)
{
    fprintf(f, "## TL;DR\n\n");
    int head = headline_workload(r);
    if (head >= 0) {
        fprintf(f, "- ");
        write_change_sentence(f, r, head);
        int others = 0;
        for (int w = 0; w < r->nworkloads; w++) {
            if (w == head || !r->has_cmp[w] ||
                r->cmp[w].primary.verdict != r->cmp[head].primary.verdict)
                continue;
            char ch[32];
            md_pct(ch, sizeof ch, r->cmp[w].primary.change);
            fprintf(f, "%s ", others++ ? "," : "; also");
            md_cell(f, r->workloads[w]);
            fprintf(f, " %s", ch);
        }
        fprintf(f, ".\n");
    } else {
        int biggest = -1;
        for (int w = 0; w < r->nworkloads; w++)
            if (r->has_cmp[w] && r->cmp[w].primary.n_a > 0 && r->cmp[w].primary.n_b > 0 &&
                (biggest < 0 ||
                 fabs(r->cmp[w].primary.change) > fabs(r->cmp[biggest].primary.change)))
                biggest = w;
        if (biggest >= 0) {
            const comparison *c = &r->cmp[biggest];
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

    /* Memory: the workload where B's median peak RSS moved most against A's. */
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
    if (mem >= 0 && (mem_x >= 1.5 || mem_x <= 1 / 1.5)) {
        char x[32], a[32], b[32];
        md_times(x, sizeof x, mem_x);
        md_kib(a, sizeof a, report_cell_at(r, mem, r->a)->rss_median_kb);
        md_kib(b, sizeof b, report_cell_at(r, mem, r->b)->rss_median_kb);
        fprintf(f, "- Peak RSS %s %s on ", mem_x > 1 ? "grew" : "shrank to", x);
        md_cell(f, r->workloads[mem]);
        fprintf(f, " (median %s → %s).\n", a, b);
    }

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
    for (int v = 0; v < r->nvariants; v++) {
        if (strcmp(r->variants[v].build_status, "build-failed") != 0) continue;
        fprintf(f, "- ");
        md_cell(f, r->variants[v].spec);
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
        if (r->has_cmp[w]) {
            count[r->cmp[w].primary.verdict]++;
            compared++;
        }
    fprintf(f, "- Verdicts over %d workload%s:", compared, compared == 1 ? "" : "s");
    static const verdict_t order[] = {VERDICT_FAILED, VERDICT_REGRESSION, VERDICT_INCONCLUSIVE,
                                      VERDICT_IMPROVEMENT, VERDICT_EQUIVALENT};
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

static void write_step_keep_a(steps *st, const report_data *r, int head)
{
    const report_variant *a = report_a(r);
    step_begin(st);
    fprintf(st->what, "Keep A (");
    md_cell(st->what, a->spec);
    fprintf(st->what, "): do not ship B as it stands");
    if (head >= 0 && r->cmp[head].primary.verdict == VERDICT_REGRESSION) {
        char ma[32], mb[32];
        md_si(ma, sizeof ma, r->cmp[head].primary.median_a);
        md_si(mb, sizeof mb, r->cmp[head].primary.median_b);
        fprintf(st->expect, "Restores %s %s on ", ma, report_unit(r));
        md_cell(st->expect, r->workloads[head]);
        fprintf(st->expect, " (B measured %s)", mb);
    } else {
        fprintf(st->expect, "No failed runs:");
        int first = 1;
        for (int i = 0; i < r->nfailures; i++) {
            const report_failure *fl = &r->failures[i];
            if (strcmp(fl->variant, report_b(r)->spec) != 0) continue;
            int w = workload_index(r, fl->workload);
            const report_cell *c = w >= 0 ? report_cell_at(r, w, r->a) : NULL;
            fprintf(st->expect, "%s A ran ", first ? "" : ";");
            md_cell(st->expect, fl->workload);
            fprintf(st->expect, " ok in %d of %d measured runs", c ? c->n_ok : 0,
                    c ? c->n_measure : 0);
            first = 0;
        }
        if (first) fprintf(st->expect, " A's runs ended ok");
    }
    if (is_hakmem(a)) {
        make_line(st->cmd, a, "libhakmem.so larson_hakmem", 0);
        fputc('\n', st->cmd);
    } else {
        fprintf(st->cmd, "# A is a reference allocator: nothing to build\n");
    }
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
            "steps, with its bisect report",
            r->cmp[w].delta * 100.0);
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

static void write_step_counter(steps *st, const report_data *r, const report_counter *top, int w)
{
    const report_variant *b = report_b(r);
    step_begin(st);
    fprintf(st->what, "Look at the counter that moved most, ");
    report_write_counter_change(st->what, top, r->workloads[w]);
    fprintf(st->expect, "Confirms or rules out the code path behind ");
    md_cell(st->expect, top->name);
    fprintf(st->expect, " as the cause: a fix that addresses it moves the count back");
    const char *args = report_cell_at(r, w, r->b)->args;
    if (is_hakmem(b)) {
        make_line(st->cmd, b, "libhakmem.so", 0);
        fprintf(st->cmd, "\nHAKMEM_STATS=1 ");
        run_line(st->cmd, b, args);
    } else {
        fprintf(st->cmd, "HAKMEM_STATS=1 ");
        run_line(st->cmd, b, args);
    }
    step_end(st);
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
    fprintf(st->what, " alone, under a 2 GiB address-space limit");
    fprintf(st->expect,
            "The same outcome (%s) in one process, ready for a debugger or a "
            "HAKMEM\\_BUILD\\_RELEASE=0 build",
            what);
    if (is_hakmem(v)) {
        make_line(st->cmd, v, "libhakmem.so", 0);
        fputc('\n', st->cmd);
    }
    fprintf(st->cmd, "(ulimit -v 2097152; ");
    if (is_hakmem(v)) fprintf(st->cmd, "LD_PRELOAD=./libhakmem.so ");
    fprintf(st->cmd, "%s)\n", strip_env(fl->args));
    step_end(st);
}

/* More runs for the inconclusive workloads: three times what they got, and the interval
 * narrows by about the square root of that. */
static void write_step_more_runs(steps *st, const report_data *r, const report_options *o)
{
    int had = 0;
    for (int w = 0; w < r->nworkloads; w++)
        if (r->has_cmp[w] && r->cmp[w].primary.verdict == VERDICT_INCONCLUSIVE) {
            int n = r->cmp[w].primary.n_a < r->cmp[w].primary.n_b ? r->cmp[w].primary.n_a
                                                                  : r->cmp[w].primary.n_b;
            if (n > had) had = n;
        }
    if (had < 1) had = 1;
    int want = 3 * had;
    step_begin(st);
    fprintf(st->what, "Measure the inconclusive workloads again with %d runs instead of %d:", want,
            had);
    fprintf(st->cmd, "./run_ab.sh --runs %d --workloads ", want);
    for (int w = 0, first = 1; w < r->nworkloads; w++) {
        if (!r->has_cmp[w] || r->cmp[w].primary.verdict != VERDICT_INCONCLUSIVE) continue;
        fputs(first ? " " : ", ", st->what);
        md_cell(st->what, r->workloads[w]);
        fputs(first ? "" : ",", st->cmd);
        shell_word(st->cmd, r->workloads[w]);
        first = 0;
    }
    fprintf(st->expect,
            "An interval about %.1f× narrower: a firm verdict unless the true difference is "
            "inside ±δ",
            sqrt((double)want / had));
    fprintf(st->cmd, " --db ");
    shell_word(st->cmd, o->db_path);
    fputc(' ', st->cmd);
    shell_word(st->cmd, report_a(r)->spec);
    fputc(' ', st->cmd);
    shell_word(st->cmd, report_b(r)->spec);
    fputc('\n', st->cmd);
    step_end(st);
}

static void write_step_adopt(steps *st, const report_data *r, int head)
{
    char ch[32];
    md_pct(ch, sizeof ch, r->cmp[head].primary.change);
    step_begin(st);
    fprintf(st->what, "Adopt B (");
    md_cell(st->what, report_b(r)->spec);
    fprintf(st->what, ")");
    fprintf(st->expect, "%s on ", ch);
    md_cell(st->expect, r->workloads[head]);
    fprintf(st->expect, ", no workload worse beyond the noise band");
    if (is_hakmem(report_b(r))) {
        make_line(st->cmd, report_b(r), "libhakmem.so larson_hakmem", 0);
        fputc('\n', st->cmd);
    } else {
        fprintf(st->cmd, "# B is a reference allocator: nothing to build\n");
    }
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
    int bisect_w = head >= 0 && r->cmp[head].primary.verdict == VERDICT_REGRESSION ? head : -1;
    for (int i = 0; bisect_w < 0 && i < r->nfailures; i++)
        if (strcmp(r->failures[i].variant, report_b(r)->spec) == 0)
            bisect_w = workload_index(r, r->failures[i].workload);
    if (bisect_w >= 0 && is_hakmem(report_a(r)) && is_hakmem(report_b(r)) &&
        report_a(r)->revision[0] && report_b(r)->revision[0] &&
        strcmp(report_a(r)->revision, report_b(r)->revision) != 0)
        write_step_bisect(&st, r, bisect_w);
    if (top && v != REPORT_EQUIVALENT) write_step_counter(&st, r, top, top_w);
    for (int i = 0; i < r->nfailures && st.n < 6; i++)
        if (is_a_or_b(r, r->failures[i].variant)) {
            write_step_failure(&st, r, &r->failures[i]);
            break; /* one reproduction is enough to start from */
        }
    int inconclusive = 0;
    for (int w = 0; w < r->nworkloads; w++)
        if (r->has_cmp[w] && r->cmp[w].primary.verdict == VERDICT_INCONCLUSIVE) inconclusive = 1;
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
    fprintf(f, "\nCommands, by step:\n\n");
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
    fprintf(m, "%s --out ", o->peers ? " --peers" : "");
    shell_word(m, o->out_path);
    fputc('\n', m);
    fclose(m);
    fprintf(f, "## Reproduce\n\nAt the revisions above (a checkout of another revision: "
               "`git worktree add /tmp/hakmem-REV REV`):\n\n");
    md_code_block(f, "sh", block);
    fputc('\n', f);
    free(block);
}
