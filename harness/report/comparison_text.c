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
    fprintf(f, "\n%-18s %10s %10s %8s %18s %8s %12s %8s %6s  %s\n", "workload", "median A",
            "median B", "change", "95% CI", "p", "pairs/runs", "outliers", "delta", "verdict");
    for (int i = 0; i < n; i++) {
        char ma[32], mb[32], ch[32], lo[32], hi[32], ci[80], runs[48], outl[48], d[32];
        format_si(c[i].median_a, ma, sizeof ma);
        format_si(c[i].median_b, mb, sizeof mb);
        format_pct(c[i].change, ch, sizeof ch);
        format_pct(c[i].ci_lo, lo, sizeof lo);
        format_pct(c[i].ci_hi, hi, sizeof hi);
        snprintf(ci, sizeof ci, "[%s, %s]", lo, hi);
        snprintf(runs, sizeof runs, "%d/%d+%d", c[i].pairs, c[i].n_a, c[i].n_b);
        snprintf(outl, sizeof outl, "%d+%d", c[i].outliers_a, c[i].outliers_b);
        snprintf(d, sizeof d, "%.1f%%", 100 * c[i].delta);
        fprintf(f, "%-18s %10s %10s %8s %18s %8.4f %12s %8s %6s  %s", c[i].workload, ma, mb, ch, ci,
                c[i].p, runs, outl, d, verdict_name(c[i].verdict));
        if (c[i].verdict == VERDICT_FAILED)
            fprintf(f, " (%d of A, %d of B not ok)", c[i].failed_a, c[i].failed_b);
        fprintf(f, "\n");
    }
    /* Say what to do about a weak answer, as hyperfine does for outliers. */
    for (int i = 0; i < n; i++) {
        if (c[i].outliers_a + c[i].outliers_b > 0)
            fprintf(f,
                    "note: %s: %d outlier(s) in A, %d in B (MAD test): other load on the machine "
                    "can cause them\n",
                    c[i].workload, c[i].outliers_a, c[i].outliers_b);
        if (c[i].verdict == VERDICT_INCONCLUSIVE)
            fprintf(f,
                    "note: %s: inconclusive: measure more runs, e.g. hakbench run --variants "
                    "%s,%s --workloads %s --runs %d\n",
                    c[i].workload, a, b, c[i].workload, 2 * (c[i].n_a > 5 ? c[i].n_a : 5));
        if (c[i].verdict == VERDICT_FAILED)
            fprintf(f, "note: %s: failed runs: see hakbench export --session %lld\n", c[i].workload,
                    (long long)session);
    }
}
