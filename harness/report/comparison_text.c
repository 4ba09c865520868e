/* A comparison as the text table of `hakbench compare`: one row per workload, then what to do
 * about a weak answer, as hyperfine does for outliers. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/comparison.h"

/* 12345678 -> "12.35M": ops/s and instruction counts both read best with an SI prefix. */
static void format_si(double v, char *buf, size_t len)
{
    static const char prefix[] = " kMGT";
    if (isnan(v)) {
        snprintf(buf, len, "-");
        return;
    }
    int k = 0;
    while (fabs(v) >= 1000 && k < 4) {
        v /= 1000;
        k++;
    }
    if (k)
        snprintf(buf, len, "%.2f%c", v, prefix[k]);
    else
        snprintf(buf, len, "%.2f", v);
}

static void format_pct(double v, char *buf, size_t len)
{
    if (isnan(v))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%+.1f%%", 100 * v);
}

/* "[lo, hi]", or "unbounded" when too few runs for the level left an end infinite (a memory
 * row's ends, mapped through 1 / (1 + x) - 1, would otherwise both read -100%). */
static void format_interval(double lo, double hi, char *buf, size_t len)
{
    if (isinf(lo) || isinf(hi)) {
        snprintf(buf, len, "unbounded");
        return;
    }
    char l[32], h[32];
    format_pct(lo, l, sizeof l);
    format_pct(hi, h, sizeof h);
    snprintf(buf, len, "[%s, %s]", l, h);
}

void comparison_write_text(FILE *f, const comparison_view *v)
{
    int64_t session_a = v->session_a, session = v->session_b;
    const char *a = v->a, *b = v->b;
    int machines = v->machines, n = v->n;
    const comparison *c = v->cmp;
    int instr = strcmp(v->metric, "instructions") == 0;
    if (session_a == session)
        fprintf(f, "session %lld: A = %s, B = %s", (long long)session, a, b);
    else
        fprintf(f, "A = %s (session %lld), B = %s (session %lld), not interleaved", a,
                (long long)session_a, b, (long long)session);
    fprintf(f, "; metric %s (%s is better)\n", instr ? "instructions" : "ops/s",
            instr ? "lower" : "higher");
    if (machines > 1)
        fprintf(f,
                "WARNING: the runs come from %d different machines (--force): the numbers are "
                "not comparable\n",
                machines);
    else
        fprintf(f, "machine %s (%s, %d cores), fingerprint %.16s\n", v->machine->hostname,
                v->machine->cpu_model, v->machine->cores, v->machine->fingerprint);
    fprintf(f, "\n%-18s %10s %10s %8s %20s %7s %8s %10s %5s %6s  %s\n", "workload", "median A",
            "median B", "change", "interval", "level", "p", "pairs/runs", "look", "delta",
            "verdict");
    for (int i = 0; i < n; i++) {
        const metric_comparison *m = &c[i].primary;
        char ma[32], mb[32], ch[32], ci[80], lv[32], runs[48], look[16], d[32];
        format_si(m->median_a, ma, sizeof ma);
        format_si(m->median_b, mb, sizeof mb);
        format_pct(m->change, ch, sizeof ch);
        format_interval(m->ci_lo, m->ci_hi, ci, sizeof ci);
        snprintf(lv, sizeof lv, "%.2f%%", 100 * (1 - m->alpha));
        snprintf(runs, sizeof runs, "%d/%d+%d", m->pairs, m->n_a, m->n_b);
        snprintf(look, sizeof look, "%d/%d", c[i].look, c[i].looks);
        snprintf(d, sizeof d, "%.1f%%%s", 100 * c[i].delta, c[i].calibrated ? "c" : "");
        fprintf(f, "%-18s %10s %10s %8s %20s %7s %8.4f %10s %5s %6s  %s", c[i].workload, ma, mb, ch,
                ci, lv, m->p, runs, look, d, verdict_name(m->verdict));
        if (m->verdict == VERDICT_FAILED)
            fprintf(f, " (%d of A, %d of B not ok)", c[i].failed_a, c[i].failed_b);
        fprintf(f, "\n");
        for (int k = 0; k < MEMORY_METRICS; k++) {
            const metric_comparison *mm = &c[i].memory[k];
            if (mm->n_a == 0 || mm->n_b == 0) continue;
            char ka[32], kb[32], kc[32], kci[80];
            format_si(mm->median_a * 1024, ka, sizeof ka);
            format_si(mm->median_b * 1024, kb, sizeof kb);
            /* Shown as B's extra memory, B / A - 1: the change is + for less memory. */
            format_pct(1 / (1 + mm->change) - 1, kc, sizeof kc);
            if (isinf(mm->ci_lo) || isinf(mm->ci_hi))
                format_interval(mm->ci_lo, mm->ci_hi, kci, sizeof kci);
            else
                format_interval(1 / (1 + mm->ci_hi) - 1, 1 / (1 + mm->ci_lo) - 1, kci, sizeof kci);
            fprintf(f, "  %-16s %9sB %9sB %8s %20s %7s %8.4f %10s %5s %6s  %s%s\n",
                    memory_metric_name((memory_metric)k), ka, kb, kc, kci, "", mm->p, "", "", "",
                    verdict_is_change(mm->verdict) ? "memory " : "", verdict_name(mm->verdict));
        }
    }
    fputs("\nchange and interval: Hodges-Lehmann shift of the per-block log-ratios (pairs) or of\n"
          "the two samples, with its exact Wilcoxon (Mann-Whitney) interval at `level`, the\n"
          "level of the look that decided it and of its Holm rank; p <= 1 - level exactly when\n"
          "the interval excludes 0. Memory rows: + means B uses more. delta \"c\": from this\n"
          "machine's calibration of the procedure (docs/statistics.md).\n",
          f);
    /* Say what to do about a weak answer, as hyperfine does for outliers. */
    for (int i = 0; i < n; i++) {
        if (c[i].outliers_a + c[i].outliers_b > 0)
            fprintf(f,
                    "note: %s: %d outlier(s) in A, %d in B (MAD test): other load on the machine "
                    "can cause them\n",
                    c[i].workload, c[i].outliers_a, c[i].outliers_b);
        if (c[i].primary.verdict == VERDICT_INCONCLUSIVE)
            fprintf(f,
                    "note: %s: inconclusive after %d look(s): measure it again with more runs "
                    "per look, e.g. hakbench run --variants %s,%s --workloads %s --runs %d\n",
                    c[i].workload, c[i].look, a, b, c[i].workload,
                    2 * (c[i].primary.pairs > 5 ? c[i].primary.pairs : 5));
        if (c[i].primary.verdict == VERDICT_FAILED)
            fprintf(f, "note: %s: failed runs: see hakbench export --session %lld\n", c[i].workload,
                    (long long)session);
    }
}
