/* A comparison as JSON (hakbench-compare/1): the sessions and specs, the metric, whether the
 * runs come from mixed machines and B's machine, and per workload the verdict with every figure
 * behind it. */
#include <stdio.h>

#include "report/comparison.h"
#include "util/json.h"

int comparison_write_json(FILE *f, const comparison_view *v)
{
    json_t *doc = json_document("compare");
    json_object_set_new(doc, "session", json_integer(v->session_b));
    json_object_set_new(doc, "baseline_session", json_integer(v->session_a));
    json_object_set_new(doc, "a", json_text(v->a));
    json_object_set_new(doc, "b", json_text(v->b));
    json_object_set_new(doc, "metric", json_text(v->metric));
    json_object_set_new(doc, "machines", json_integer(v->machines));
    json_object_set_new(doc, "mixed_machines", json_boolean(v->machines > 1));
    json_t *machine = json_object();
    json_object_set_new(machine, "hostname", json_text(v->machine->hostname));
    json_object_set_new(machine, "cpu_model", json_text(v->machine->cpu_model));
    json_object_set_new(machine, "cores", json_integer(v->machine->cores));
    json_object_set_new(machine, "fingerprint", json_text(v->machine->fingerprint));
    json_object_set_new(doc, "machine", machine);
    json_t *list = json_array();
    for (int i = 0; i < v->n; i++) {
        const comparison *c = &v->cmp[i];
        json_t *o = json_object();
        json_object_set_new(o, "workload", json_text(c->workload));
        json_object_set_new(o, "verdict", json_text(verdict_name(c->verdict)));
        json_object_set_new(o, "n_a", json_integer(c->n_a));
        json_object_set_new(o, "n_b", json_integer(c->n_b));
        json_object_set_new(o, "failed_a", json_integer(c->failed_a));
        json_object_set_new(o, "failed_b", json_integer(c->failed_b));
        json_object_set_new(o, "pairs", json_integer(c->pairs));
        json_object_set_new(o, "median_a", json_number(c->median_a));
        json_object_set_new(o, "median_b", json_number(c->median_b));
        json_object_set_new(o, "change", json_number(c->change));
        json_object_set_new(o, "ratio_of_medians", json_number(c->ratio_of_medians));
        json_object_set_new(o, "ci_lo", json_number(c->ci_lo));
        json_object_set_new(o, "ci_hi", json_number(c->ci_hi));
        json_object_set_new(o, "p", json_number(c->p));
        json_object_set_new(o, "delta", json_number(c->delta));
        json_object_set_new(o, "rss_a_kb", json_number(c->rss_a_kb));
        json_object_set_new(o, "rss_b_kb", json_number(c->rss_b_kb));
        json_object_set_new(o, "outliers_a", json_integer(c->outliers_a));
        json_object_set_new(o, "outliers_b", json_integer(c->outliers_b));
        json_array_append_new(list, o);
    }
    json_object_set_new(doc, "comparisons", list);
    return json_write(f, doc);
}
