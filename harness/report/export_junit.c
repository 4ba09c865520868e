/* Export as a JUnit XML report (CI systems show it as test results): one <testsuite> for the
 * session, one <testcase> per workload, named after it, in the class "hakbench.<B>_vs_<A>" (the
 * session's first two variants). A regression (of throughput or memory) and failed runs of A or B
 * are a <failure> with the change or the outcome in its message; an inconclusive comparison
 * passes with a note in <system-out>. A session of one variant fails only on failed runs. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/export.h"
#include "report/markdown.h"
#include "report/report.h"
#include "util/xml.h"

/* Why workload w fails, into why; 0 when it passes. */
static int failure_of(const report_data *r, int w, char *why, size_t len)
{
    int n = 0;
    why[0] = '\0';
    for (int i = 0; i < r->nfailures; i++) {
        const report_failure *fl = &r->failures[i];
        if (strcmp(fl->workload, r->workloads[w]) != 0) continue;
        if (r->nvariants >= 2 && strcmp(fl->variant, r->variants[r->a].spec) != 0 &&
            strcmp(fl->variant, r->variants[r->b].spec) != 0)
            continue;
        size_t used = strlen(why);
        snprintf(why + used, len - used, "%s%d of %d runs of %s: %s", n++ ? "; " : "", fl->count,
                 fl->of, fl->variant, fl->status);
    }
    if (n) return 1;
    if (r->cmp && r->has_cmp[w] && r->cmp[w].primary.verdict == VERDICT_REGRESSION) {
        const metric_comparison *c = &r->cmp[w].primary;
        char ch[32], iv[96];
        md_pct(ch, sizeof ch, c->change);
        md_interval(iv, sizeof iv, c->ci_lo, c->ci_hi, c->alpha);
        snprintf(why, len, "regression: %s (interval %s, δ ±%.1f%%)", ch, iv,
                 r->cmp[w].delta * 100);
        return 1;
    }
    memory_metric m;
    if (r->cmp && r->has_cmp[w] && comparison_memory_change(&r->cmp[w], &m) == VERDICT_REGRESSION) {
        const metric_comparison *c = &r->cmp[w].memory[m];
        char x[32];
        md_times(x, sizeof x, c->median_b / c->median_a);
        snprintf(why, len, "regression: %s %s (memory, median %.0f KiB → %.0f KiB)",
                 memory_metric_name(m), x, c->median_a, c->median_b);
        return 1;
    }
    return 0;
}

int export_write_junit(FILE *f, const export_source *src)
{
    /* A and B are the session's first two variants, when it has two */
    report_data r;
    if (export_load_runs(src, &r) != 0) return -1;
    int two = r.nvariants >= 2;
    if (two) {
        char err[512];
        report_free(&r);
        if (report_load(src->db, src->session->id, NULL, NULL, &r, err, sizeof err) != 0) {
            fprintf(stderr, "hakbench export: %s\n", err);
            report_free(&r);
            return -1;
        }
    }
    char cls[400], why[2048];
    if (two)
        snprintf(cls, sizeof cls, "hakbench.%s_vs_%s", r.variants[r.b].spec, r.variants[r.a].spec);
    else
        snprintf(cls, sizeof cls, "hakbench.%s", r.nvariants ? r.variants[0].spec : "session");
    int failures = 0;
    for (int w = 0; w < r.nworkloads; w++)
        failures += failure_of(&r, w, why, sizeof why);
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    fprintf(f,
            "  <testsuite name=\"hakbench session %lld\" tests=\"%d\" failures=\"%d\" "
            "errors=\"0\" timestamp=\"",
            (long long)r.session.id, r.nworkloads, failures);
    xml_text(f, r.session.started_at);
    fprintf(f, "\">\n");
    for (int w = 0; w < r.nworkloads; w++) {
        fprintf(f, "    <testcase classname=\"");
        xml_text(f, cls);
        fprintf(f, "\" name=\"");
        xml_text(f, r.workloads[w]);
        fprintf(f, "\">");
        if (failure_of(&r, w, why, sizeof why)) {
            fprintf(f, "\n      <failure message=\"");
            xml_text(f, why);
            fprintf(f, "\" type=\"%s\"/>\n    ",
                    strstr(why, "regression") == why ? "regression" : "failed-runs");
        } else if (two && r.has_cmp[w]) {
            char ch[32];
            md_pct(ch, sizeof ch, r.cmp[w].primary.change);
            fprintf(f, "\n      <system-out>%s: %s</system-out>\n    ",
                    verdict_name(r.cmp[w].primary.verdict), ch);
        }
        fprintf(f, "</testcase>\n");
    }
    fprintf(f, "  </testsuite>\n</testsuites>\n");
    report_free(&r);
    return 0;
}
