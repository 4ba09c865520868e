/* Export as Bencher Metric Format (bencher.dev): {"<workload>/<variant>": {"throughput":
 * {"value", "lower_value", "upper_value"}, "peak-rss-kib": {...}}}. Throughput is the median
 * ops/s of the ok measured runs (ops per 10^9 instructions with --metric instructions) with its
 * distribution-free 95% interval; peak RSS the median over the measured runs (failed ones
 * included: a leak shows) with the lowest and highest. A foreign document: no "schema" field. */
#include <math.h>
#include <stdio.h>

#include "report/export.h"
#include "report/report.h"
#include "util/json.h"

static json_t *measure(double value, double lo, double hi)
{
    json_t *m = json_object();
    json_object_set_new(m, "value", json_number(value));
    if (isfinite(lo)) json_object_set_new(m, "lower_value", json_number(lo));
    if (isfinite(hi)) json_object_set_new(m, "upper_value", json_number(hi));
    return m;
}

int export_write_bmf(FILE *f, const export_source *src)
{
    report_data r;
    if (export_load_runs(src, &r) != 0) return -1;
    json_t *doc = json_object();
    for (int w = 0; w < r.nworkloads; w++)
        for (int v = 0; v < r.nvariants; v++) {
            const report_cell *c = &r.cells[w * r.nvariants + v];
            if (c->n_measure == 0) continue;
            json_t *bench = json_object();
            if (c->n_ok > 0)
                json_object_set_new(bench, "throughput", measure(c->median, c->lo, c->hi));
            if (isfinite(c->rss_median_kb))
                json_object_set_new(bench, "peak-rss-kib",
                                    measure(c->rss_median_kb, c->rss_min_kb, c->rss_max_kb));
            char name[256];
            snprintf(name, sizeof name, "%s/%s", r.workloads[w], r.variants[v].spec);
            json_object_set_new(doc, name, bench);
        }
    report_free(&r);
    return json_write(f, doc);
}
