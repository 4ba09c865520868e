/* Writes a session's report as markdown with its plots beside it (see report.h). Layout and the
 * evidence tables live here; the judgment (TL;DR, ranked next steps) is in session_advice.c.
 * Every piece of text that came from outside (specs, stderr, commit subjects, command lines)
 * goes through md_cell or md_code_block. */
#include "report/report_internal.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/markdown.h"
#include "report/plot.h"

static void write_variant_line(FILE *f, const char *role, const report_variant *v,
                               const char *subject)
{
    fprintf(f, "- **%s:** ", role);
    md_cell(f, v->spec);
    if (v->kind[0] == '\0') {
        fprintf(f, " (no build recorded)\n");
        return;
    }
    if (strcmp(v->kind, "peer") == 0) {
        fprintf(f, " (reference allocator%s)\n",
                v->flags[0] || v->name[0] ? ", preloaded library" : "");
        return;
    }
    fprintf(f, " at revision %.12s%s", v->revision[0] ? v->revision : "unknown",
            v->dirty ? " plus local changes" : "");
    if (subject[0]) {
        fprintf(f, " (\"");
        md_cell(f, subject);
        fprintf(f, "\")");
    }
    fprintf(f, ", flags: ");
    md_cell(f, v->flags[0] ? v->flags : "defaults.mk values");
    if (strcmp(v->build_status, "build-failed") == 0) fprintf(f, " — **build failed**");
    fputc('\n', f);
}

static void write_title(FILE *f, const report_data *r, report_verdict verdict)
{
    static const char *const status[] = {"no difference beyond the noise band", "improvement found",
                                         "inconclusive", "regression found", "failures found"};
    fprintf(f, "# ");
    md_cell(f, report_b(r)->spec);
    fprintf(f, " vs ");
    md_cell(f, report_a(r)->spec);
    fprintf(f, ": ");
    report_write_headline(f, r, verdict);
    fprintf(f, "\n\n- **Status:** %s\n", status[verdict]);
    fprintf(f, "- **Severity:** %s\n", report_severity(r, verdict));
    fprintf(f, "- **Date:** %.10s (session %lld, started ", r->session.started_at,
            (long long)r->session.id);
    md_cell(f, r->session.started_at);
    fprintf(f, ", %s",
            r->session.finished_at[0] ? "finished "
                                      : "not finished: still running or the harness stopped");
    md_cell(f, r->session.finished_at);
    fprintf(f, ")\n");
    write_variant_line(f, "A", report_a(r), r->subjects[r->a]);
    write_variant_line(f, "B", report_b(r), r->subjects[r->b]);
    fputc('\n', f);
}

static void write_ci(FILE *f, const comparison *c)
{
    char iv[96];
    md_interval(iv, sizeof iv, c->primary.ci_lo, c->primary.ci_hi, c->primary.alpha);
    fputs(iv, f);
}

static void write_bars_plot(FILE *f, const report_data *r, const report_options *o)
{
    char stem[PATH_MAX], png[PATH_MAX + 16];
    report_plot_stem(stem, sizeof stem, o->out_path);
    snprintf(png, sizeof png, "%s-runs.png", stem);
    int nw = r->nworkloads, nv = r->nvariants;
    plot_bar *bars = calloc((size_t)(nw * nv) + 1, sizeof *bars);
    const char **names = calloc((size_t)nw + 1, sizeof *names);
    int ok = -1;
    if (bars && names) {
        for (int w = 0; w < nw; w++) {
            names[w] = r->workloads[w];
            for (int v = 0; v < nv; v++) {
                const report_cell *c = report_cell_at(r, w, v);
                bars[w * nv + v] =
                    (plot_bar){r->variants[v].spec, c->median, c->lo, c->hi, c->ops, c->n_ok};
            }
        }
        char title[64];
        snprintf(title, sizeof title, "Medians per workload (%s)", report_unit(r));
        ok = plot_bars(png, title, report_unit(r), names, nw, bars, nv);
    }
    free(bars);
    free(names);
    if (ok == 0)
        fprintf(f,
                "![Medians with their 95%% intervals and every run](%s)\n\n"
                "Bars: medians; error bars: distribution-free 95%% interval of the median (the "
                "range of the runs below 6 runs); dots: every measured run, so the noise is "
                "visible.\n\n",
                report_base_name(png));
    else
        fprintf(f, "_Plot unavailable: gnuplot is missing or failed (`make deps`)._\n\n");
}

static void write_results(FILE *f, const report_data *r, const report_options *o)
{
    fprintf(f, "## Results\n\n");
    fprintf(
        f, "Throughput in %s (higher is better%s), B against A, per workload.\n\n", report_unit(r),
        strcmp(r->session.metric, "instructions") == 0 ? "; instruction counts are inverted" : "");
    fprintf(f, "| Workload | Median A | Median B | Change | Interval (level) | p | Runs ok (A, B) | "
               "Verdict |\n|---|---:|---:|---:|---|---:|---|---|\n");
    for (int w = 0; w < r->nworkloads; w++) {
        const report_cell *ca = report_cell_at(r, w, r->a), *cb = report_cell_at(r, w, r->b);
        const comparison *c = &r->cmp[w];
        char ma[32], mb[32], ch[32] = "n/a", p[32] = "n/a";
        int numbers = r->has_cmp[w] && c->primary.n_a > 0 && c->primary.n_b > 0;
        /* compare's medians when it has them: they are in the session's metric (instructions
         * for --metric instructions), the same figures the TL;DR quotes. */
        md_si(ma, sizeof ma,
              r->has_cmp[w] && c->primary.n_a > 0 ? c->primary.median_a : ca->median);
        md_si(mb, sizeof mb,
              r->has_cmp[w] && c->primary.n_b > 0 ? c->primary.median_b : cb->median);
        if (numbers) {
            md_pct(ch, sizeof ch, c->primary.change);
            md_p(p, sizeof p, c->primary.p);
        }
        fprintf(f, "| ");
        md_cell(f, r->workloads[w]);
        fprintf(f, " | %s | %s | %s | ", ma, mb, ch);
        if (numbers)
            write_ci(f, c);
        else
            fprintf(f, "n/a");
        const char *verdict = r->has_cmp[w] ? verdict_name(c->primary.verdict) : "not compared";
        int loud = r->has_cmp[w] && (c->primary.verdict == VERDICT_REGRESSION ||
                                     c->primary.verdict == VERDICT_FAILED);
        fprintf(f, " | %s | A %d/%d, B %d/%d | %s%s%s |\n", p, ca->n_ok, ca->n_measure, cb->n_ok,
                cb->n_measure, loud ? "**" : "", verdict, loud ? "**" : "");
    }
    fprintf(f, "\nChange: the Hodges-Lehmann shift of the per-block log-ratios; interval: its exact "
               "Wilcoxon interval at the level of the look that decided the workload and of its "
               "Holm rank, so p ≤ 1 − level exactly when it excludes 0. Verdicts "
               "(docs/statistics.md): regression / improvement when the interval excludes 0 and "
               "the change is at least δ (see Environment); equivalent when the interval lies "
               "inside ±δ; changed-below-delta when it lies inside ±δ without 0; inconclusive "
               "otherwise; `failed` when a run of A or B did not end ok.\n\n");
    write_bars_plot(f, r, o);
}

/* With peers: every workload for every variant, as a ratio to glibc (the 'system' peer). */
static void write_peers(FILE *f, const report_data *r)
{
    int sys = -1;
    for (int v = 0; v < r->nvariants; v++)
        if (strcmp(r->variants[v].name, "system") == 0 ||
            strcmp(r->variants[v].spec, "system") == 0)
            sys = v;
    fprintf(f, "## Reference allocators\n\n");
    if (sys < 0) {
        fprintf(f, "The session has no `system` (glibc) runs, so there is nothing to take ratios "
                   "to; run with `--peers` (run_ab.sh) or add `system` to `--variants`.\n\n");
        return;
    }
    fprintf(f, "Median throughput as a ratio to glibc (`system`; its own median in "
               "parentheses). Above 1 is faster than glibc.\n\n| Workload |");
    for (int v = 0; v < r->nvariants; v++) {
        fputc(' ', f);
        md_cell(f, r->variants[v].spec);
        fprintf(f, "%s |", v == r->a ? " (A)" : v == r->b ? " (B)" : "");
    }
    fprintf(f, "\n|---|");
    for (int v = 0; v < r->nvariants; v++)
        fprintf(f, "---:|");
    fputc('\n', f);
    for (int w = 0; w < r->nworkloads; w++) {
        const report_cell *base = report_cell_at(r, w, sys);
        fprintf(f, "| ");
        md_cell(f, r->workloads[w]);
        fprintf(f, " |");
        for (int v = 0; v < r->nvariants; v++) {
            const report_cell *c = report_cell_at(r, w, v);
            char buf[32], abs[32];
            if (c->n_ok == 0) {
                fprintf(f, " %s |", c->n_measure ? "failed" : "n/a");
                continue;
            }
            md_times(buf, sizeof buf, base->n_ok ? c->median / base->median : NAN);
            if (v == sys) {
                md_si(abs, sizeof abs, c->median);
                fprintf(f, " %s (%s) |", buf, abs);
            } else {
                fprintf(f, " %s |", buf);
            }
        }
        fputc('\n', f);
    }
    fputc('\n', f);
}

static void write_rss_plot(FILE *f, const report_data *r, const report_options *o, int w)
{
    const report_cell *c[2] = {report_cell_at(r, w, r->a), report_cell_at(r, w, r->b)};
    const report_variant *v[2] = {report_a(r), report_b(r)};
    if (c[0]->rss_n == 0 && c[1]->rss_n == 0) return;
    char stem[PATH_MAX], safe[64], png[PATH_MAX + 96], label[2][200], title[160];
    report_plot_stem(stem, sizeof stem, o->out_path);
    report_safe_name(safe, sizeof safe, r->workloads[w]);
    snprintf(png, sizeof png, "%s-rss-%s.png", stem, safe);
    plot_series s[2];
    for (int i = 0; i < 2; i++) {
        snprintf(label[i], sizeof label[i], "%s (run %d)", v[i]->spec, c[i]->rss_seq);
        s[i] = (plot_series){label[i], c[i]->rss_t_ms, c[i]->rss_kb, c[i]->rss_n};
    }
    snprintf(title, sizeof title, "RSS over time: %s", r->workloads[w]);
    if (plot_lines(png, title, "seconds", "RSS (MiB)", s, 2) == 0) {
        fprintf(f, "![RSS over time on ");
        md_cell(f, r->workloads[w]);
        fprintf(f, "](%s)\n\n", report_base_name(png));
    } else {
        fprintf(f, "_RSS plot of ");
        md_cell(f, r->workloads[w]);
        fprintf(f, " unavailable: gnuplot is missing or failed._\n\n");
    }
}

static void write_memory(FILE *f, const report_data *r, const report_options *o)
{
    fprintf(f, "## Memory\n\n");
    fprintf(f, "Median peak RSS of the measured runs (failed runs included: a leak shows), and "
               "the RSS a workload reports after freeing everything (`rss_after_free_kb`: does "
               "memory go back to the OS?).\n\n");
    fprintf(f, "| Workload | Peak RSS A | Peak RSS B | B/A | Highest peak B | RSS after free A | "
               "RSS after free B |\n|---|---:|---:|---:|---:|---:|---:|\n");
    int any_samples = 0;
    for (int w = 0; w < r->nworkloads; w++) {
        const report_cell *ca = report_cell_at(r, w, r->a), *cb = report_cell_at(r, w, r->b);
        char pa[32], pb[32], x[32], mx[32], fa[32], fb[32];
        md_kib(pa, sizeof pa, ca->rss_median_kb);
        md_kib(pb, sizeof pb, cb->rss_median_kb);
        md_times(x, sizeof x, cb->rss_median_kb / ca->rss_median_kb);
        md_kib(mx, sizeof mx, cb->rss_max_kb);
        md_kib(fa, sizeof fa, ca->after_free_kb);
        md_kib(fb, sizeof fb, cb->after_free_kb);
        fprintf(f, "| ");
        md_cell(f, r->workloads[w]);
        fprintf(f, " | %s | %s | %s | %s | %s | %s |\n", pa, pb, x, mx, fa, fb);
        if (ca->rss_n || cb->rss_n) any_samples = 1;
    }
    fprintf(f, "\n");
    if (!any_samples) {
        fprintf(f, "No RSS timelines were stored for A or B in this session.\n\n");
        return;
    }
    fprintf(f, "RSS over time of the run with the highest peak of each variant:\n\n");
    for (int w = 0; w < r->nworkloads; w++)
        write_rss_plot(f, r, o, w);
}

/* "0.0023 (0.0021 … 0.0025)": the median and the range of the runs, the range only when the
 * runs differ. */
static void write_median_range(FILE *f, double median, double lo, double hi)
{
    char m[32], l[32], h[32];
    md_si(m, sizeof m, median);
    md_si(l, sizeof l, lo);
    md_si(h, sizeof h, hi);
    if (strcmp(l, h) == 0)
        fprintf(f, "%s", m);
    else
        fprintf(f, "%s (%s … %s)", m, l, h);
}

/* Two-sided counters that changed by REPORT_COUNTER_SHOWN or more, then the one-sided ones
 * in a sentence of their own. */
static void write_counter_table(FILE *f, const report_counter *c, int n, int max)
{
    int shown = 0;
    while (shown < n && shown < max && !c[shown].one_sided &&
           c[shown].score >= log(REPORT_COUNTER_SHOWN))
        shown++;
    if (shown == 0) {
        fprintf(f, "No counter that both builds count changed by more than %.0f%%.\n\n",
                (REPORT_COUNTER_SHOWN - 1) * 100);
    } else {
        fprintf(f, "| Counter | A: median (range) | B: median (range) | B/A | Beyond the spread "
                   "|\n|---|---:|---:|---:|---|\n");
        for (int i = 0; i < shown; i++) {
            char x[32];
            md_times(x, sizeof x, c[i].b / c[i].a);
            fprintf(f, "| ");
            md_cell(f, c[i].name);
            fprintf(f, "%s | ", c[i].per_op ? " per op" : "");
            write_median_range(f, c[i].a, c[i].a_lo, c[i].a_hi);
            fprintf(f, " | ");
            write_median_range(f, c[i].b, c[i].b_lo, c[i].b_hi);
            fprintf(f, " | %s | %s |\n", x,
                    c[i].beyond_spread ? "yes"
                    : c[i].n_a < COUNTERS_MIN_RUNS || c[i].n_b < COUNTERS_MIN_RUNS
                        ? "no spread: too few runs"
                        : "no: the runs overlap");
        }
        fputc('\n', f);
    }
    int one = 0;
    for (int i = 0; i < n; i++) {
        if (!c[i].one_sided) continue;
        char a[32], b[32];
        md_si(a, sizeof a, c[i].a);
        md_si(b, sizeof b, c[i].b);
        fprintf(f, "%s",
                one++ ? ", "
                      : "Counted by one build only (they say which path a build "
                        "takes, not why it is faster or slower): ");
        md_cell(f, c[i].name);
        fprintf(f, " (A %s, B %s%s)", a, b, c[i].per_op ? " per op" : "");
    }
    if (one) fprintf(f, ".\n\n");
}

static const report_counter *find_counter(const report_counter *c, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(c[i].name, name) == 0) return &c[i];
    return NULL;
}

/* SuperSlabs mapped minus returned: memory the allocator kept at exit (the seed's leak). */
static void write_superslabs_kept(FILE *f, const report_counter *c, int n)
{
    const report_counter *mapped = find_counter(c, n, "superslabs_mapped");
    const report_counter *returned = find_counter(c, n, "superslabs_returned");
    if (!mapped) return;
    double ka = mapped->a - (returned ? returned->a : 0);
    double kb = mapped->b - (returned ? returned->b : 0);
    if (ka == kb) return;
    fprintf(f, "SuperSlabs mapped and never returned by exit: A %.0f of %.0f, B %.0f of %.0f.\n\n",
            ka, mapped->a, kb, mapped->b);
}

/* Counters runs of one variant on one workload: the most any pair had. */
static int counters_runs_per_variant(const report_data *r)
{
    int most = 0;
    for (int w = 0; w < r->nworkloads; w++)
        for (int i = 0; i < r->ncounters[w]; i++) {
            const report_counter *c = &r->counters[w][i];
            if (c->n_a > most) most = c->n_a;
            if (c->n_b > most) most = c->n_b;
        }
    return most;
}

static void write_where(FILE *f, const report_data *r, const report_options *o)
{
    fprintf(f, "## Where the difference comes from\n\n");
    report_write_profiles(f, r, o);
    int any = 0;
    for (int w = 0; w < r->nworkloads; w++)
        if (r->ncounters[w] > 0) any = 1;
    if (!any) {
        fprintf(f, "Allocator counters were not collected for A and B in this session (they "
                   "come from the extra `counters` runs of hakmem variants, with "
                   "`HAKMEM_STATS_FILE`).\n\n");
    } else {
        const report_counter *top = NULL;
        int top_w = -1;
        report_top_counter(r, &top, &top_w);
        if (!top)
            fprintf(f,
                    "No allocator counter that both builds count moved by %.1f× or more between "
                    "A and B beyond the spread of their runs (counting only events that happen "
                    "at least once per %.0f operations).\n\n",
                    REPORT_COUNTER_NOTABLE, 1 / REPORT_COUNTER_MIN_RATE);
        if (top) {
            fprintf(f, "The counter that moved most: ");
            report_write_counter_change(f, top, r->workloads[top_w]);
            fprintf(f, ".\n\n");
        }
        fprintf(f,
                "Allocator counters of the counters runs (`HAKMEM_STATS_FILE`; %d per variant "
                "and workload in this session), per operation where that makes sense: the "
                "median and the range of the runs, the biggest changes first (under %.0f%% "
                "left out). A change is evidence only beyond the spread: when the ranges of A's "
                "and B's runs do not overlap.\n\n",
                counters_runs_per_variant(r), (REPORT_COUNTER_SHOWN - 1) * 100);
        for (int w = 0; w < r->nworkloads; w++) {
            if (r->ncounters[w] == 0) continue;
            fprintf(f, "### ");
            md_cell(f, r->workloads[w]);
            fprintf(f, "\n\n");
            write_counter_table(f, r->counters[w], r->ncounters[w], 8);
            write_superslabs_kept(f, r->counters[w], r->ncounters[w]);
        }
    }
    int perf = 0;
    for (int w = 0; w < r->nworkloads; w++)
        if (r->nperf[w] > 0) perf = 1;
    if (perf) {
        fprintf(f, "### perf stat events per operation (medians of the measured runs)\n\n");
        for (int w = 0; w < r->nworkloads; w++) {
            if (r->nperf[w] == 0) continue;
            fprintf(f, "**");
            md_cell(f, r->workloads[w]);
            fprintf(f, "**\n\n");
            write_counter_table(f, r->perf[w], r->nperf[w], 6);
        }
    }
}

static void write_growth(FILE *f, const rss_growth *g)
{
    if (g->n == 0) {
        fprintf(f, "No RSS samples were stored for this run.\n\n");
        return;
    }
    char a[32], b[32], rate[32];
    double span = g->peak_s - g->first_s;
    md_kib(a, sizeof a, g->first_kb);
    md_kib(b, sizeof b, g->peak_kb);
    md_kib(rate, sizeof rate, span > 0 ? (g->peak_kb - g->first_kb) / span : NAN);
    fprintf(f,
            "RSS went from %s at %.2f s to its peak of %s at %.2f s (%s per second; %d samples) "
            "before the run ended.\n\n",
            a, g->first_s, b, g->peak_s, rate, g->n);
}

static void write_failures(FILE *f, const report_data *r)
{
    fprintf(f, "## Failures\n\n");
    int builds = 0;
    for (int v = 0; v < r->nvariants; v++)
        if (strcmp(r->variants[v].build_status, "build-failed") == 0) builds++;
    if (r->nfailures == 0 && builds == 0) {
        fprintf(f, "None: every run ended ok (%d measured, %d warm-up, %d counters runs).\n\n",
                r->runs_measure, r->runs_warmup, r->runs_counters);
        return;
    }
    if (r->nfailures > 0) {
        fprintf(f, "| Variant | Workload | Outcome | Runs | Signal / exit | Peak RSS |\n"
                   "|---|---|---|---:|---|---:|\n");
        for (int i = 0; i < r->nfailures; i++) {
            const report_failure *fl = &r->failures[i];
            char rss[32];
            md_kib(rss, sizeof rss, fl->peak_rss_kb);
            fprintf(f, "| ");
            md_cell(f, fl->variant);
            fprintf(f, " | ");
            md_cell(f, fl->workload);
            fprintf(f, " | %s | %d of %d | ", fl->status, fl->count, fl->of);
            if (fl->signal > 0)
                fprintf(f, "%s (%d)", report_signal_name(fl->signal), fl->signal);
            else if (fl->exit_code >= 0)
                fprintf(f, "exit %d", fl->exit_code);
            else
                fprintf(f, "n/a");
            fprintf(f, " | %s |\n", rss);
        }
        fputc('\n', f);
    }
    for (int i = 0; i < r->nfailures; i++) {
        const report_failure *fl = &r->failures[i];
        char what[96];
        report_outcome_text(what, sizeof what, fl);
        fprintf(f, "### ");
        md_cell(f, fl->variant);
        fprintf(f, " on ");
        md_cell(f, fl->workload);
        fprintf(f, ": %s\n\n%d of %d runs %s. Example: run %d, ", fl->status, fl->count, fl->of,
                what, fl->seq);
        md_cell(f, fl->args);
        fprintf(f, ".\n\n");
        write_growth(f, &r->growth[i]);
        if (fl->stderr_tail[0]) {
            fprintf(f, "Last lines of its stderr:\n\n");
            md_code_block(f, "text", fl->stderr_tail);
            fputc('\n', f);
        } else {
            fprintf(f, "Its stderr was empty.\n\n");
        }
    }
    for (int v = 0; v < r->nvariants; v++) {
        if (strcmp(r->variants[v].build_status, "build-failed") != 0) continue;
        fprintf(f, "### Build of ");
        md_cell(f, r->variants[v].spec);
        fprintf(f, " failed\n\nEnd of the build log:\n\n");
        md_code_block(f, "text", r->variants[v].log_tail);
        fputc('\n', f);
    }
}

static void write_environment(FILE *f, const report_data *r, const report_options *o)
{
    fprintf(f, "## Environment\n\n| Item | Value |\n|---|---|\n");
    const struct {
        const char *name, *value;
    } rows[] = {{"Machine fingerprint", r->session.machine.fingerprint},
                {"CPU", r->session.machine.cpu_model},
                {"Kernel", r->session.machine.kernel},
                {"CPU governor", r->session.machine.governor},
                {"Transparent huge pages", r->session.machine.thp},
                {"glibc", r->session.machine.glibc},
                {"Compiler", r->session.machine.compiler},
                {"Host", r->session.machine.hostname},
                {"Session", r->session.uuid},
                {"Command", r->session.command},
                {"Database", o->db_path},
                {"Metric", r->session.metric},
                {"Note", r->session.note}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        if (rows[i].value[0] == '\0') continue;
        fprintf(f, "| %s | ", rows[i].name);
        md_cell(f, rows[i].value);
        fprintf(f, " |\n");
        if (i == 1) fprintf(f, "| Cores | %d |\n", r->session.machine.cores);
    }
    fprintf(f, "| Seed (run order, bootstrap) | %llu |\n", (unsigned long long)r->session.seed);
    fprintf(f, "| Mode | %s |\n", r->session.quick ? "quick (short workload arguments)" : "full");
    fprintf(f, "| Runs | %d measured, %d warm-up (discarded), %d counters |\n", r->runs_measure,
            r->runs_warmup, r->runs_counters);
    fprintf(f, "| Noise band δ |");
    for (int w = 0, first = 1; w < r->nworkloads; w++) {
        if (!r->has_cmp[w]) continue;
        fprintf(f, "%s ", first ? "" : ",");
        md_cell(f, r->workloads[w]);
        fprintf(f, " ±%.1f%%", r->cmp[w].delta * 100.0);
        first = 0;
    }
    fprintf(f, " |\n\n");

    fprintf(f, "| Variant | Role | Kind | Revision | Commit subject | Flags / library | "
               "Library sha256 | Build |\n|---|---|---|---|---|---|---|---|\n");
    for (int v = 0; v < r->nvariants; v++) {
        const report_variant *x = &r->variants[v];
        fprintf(f, "| ");
        md_cell(f, x->spec);
        fprintf(f, " | %s | %s | %.12s%s | ",
                v == r->a   ? "A"
                : v == r->b ? "B"
                            : "reference",
                x->kind[0] ? x->kind : "n/a", x->revision[0] ? x->revision : "n/a",
                x->dirty ? " (dirty)" : "");
        md_cell(f, r->subjects[v][0] ? r->subjects[v] : "n/a");
        fprintf(f, " | ");
        md_cell(f, x->flags[0] ? x->flags : "defaults");
        fprintf(f, " | %.16s | %s |\n", x->library_hash[0] ? x->library_hash : "n/a",
                x->build_status[0] ? x->build_status : "n/a");
    }
    fputc('\n', f);
}

int report_write_markdown(const report_data *r, const report_options *o, char *err, size_t errlen)
{
    FILE *f = md_open(o->out_path, "--out", err, errlen);
    if (!f) return -1;
    report_verdict verdict = report_overall(r);
    write_title(f, r, verdict);
    report_write_tldr(f, r, verdict);
    write_results(f, r, o);
    if (o->peers || r->nvariants > 2) write_peers(f, r);
    write_memory(f, r, o);
    write_where(f, r, o);
    write_failures(f, r);
    report_write_next_steps(f, r, verdict, o);
    report_write_reproduce(f, r, o);
    write_environment(f, r, o);
    return md_close(f, o->out_path, err, errlen);
}
