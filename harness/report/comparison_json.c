/* A comparison as JSON (hakbench-compare/2): the sessions and specs, the metric, whether the
 * runs come from mixed machines and B's machine, and per workload the verdict with every figure
 * behind it: the primary metric's fields at the top (as in version 1), the look and level that
 * decided it, and each memory metric as an object of its own. */
#include <stdio.h>

#include "report/comparison.h"
#include "util/json.h"

/* The figures of one metric (shared by the primary fields and the memory objects). */
static void put_metric(json_t *o, const metric_comparison *m)
{
    json_object_set_new(o, "verdict", json_text(verdict_name(m->verdict)));
    json_object_set_new(o, "n_a", json_integer(m->n_a));
    json_object_set_new(o, "n_b", json_integer(m->n_b));
    json_object_set_new(o, "pairs", json_integer(m->pairs));
    json_object_set_new(o, "median_a", json_number(m->median_a));
    json_object_set_new(o, "median_b", json_number(m->median_b));
    json_object_set_new(o, "change", json_number(m->change));
    json_object_set_new(o, "ci_lo", json_number(m->ci_lo));
    json_object_set_new(o, "ci_hi", json_number(m->ci_hi));
    json_object_set_new(o, "alpha", json_number(m->alpha));
    json_object_set_new(o, "coverage", json_number(m->coverage));
    json_object_set_new(o, "p", json_number(m->p));
}

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
    json_object_set_new(doc, "procedure_version", json_integer(PROCEDURE_VERSION));
    json_t *list = json_array();
    for (int i = 0; i < v->n; i++) {
        const comparison *c = &v->cmp[i];
        json_t *o = json_object();
        json_object_set_new(o, "workload", json_text(c->workload));
        put_metric(o, &c->primary);
        json_object_set_new(o, "failed_a", json_integer(c->failed_a));
        json_object_set_new(o, "failed_b", json_integer(c->failed_b));
        json_object_set_new(o, "ratio_of_medians", json_number(c->ratio_of_medians));
        json_object_set_new(o, "paired", json_boolean(c->paired));
        json_object_set_new(o, "look", json_integer(c->look));
        json_object_set_new(o, "looks", json_integer(c->looks));
        json_object_set_new(o, "delta", json_number(c->delta));
        json_object_set_new(o, "calibrated", json_boolean(c->calibrated));
        json_object_set_new(o, "outliers_a", json_integer(c->outliers_a));
        json_object_set_new(o, "outliers_b", json_integer(c->outliers_b));
        static const char *const keys[MEMORY_METRICS] = {"peak_rss_kb", "rss_after_free_kb"};
        json_t *mem = json_object();
        for (int m = 0; m < MEMORY_METRICS; m++) {
            if (c->memory[m].n_a == 0 || c->memory[m].n_b == 0) continue;
            json_t *mo = json_object();
            put_metric(mo, &c->memory[m]);
            json_object_set_new(mem, keys[m], mo);
        }
        json_object_set_new(o, "memory", mem);
        json_array_append_new(list, o);
    }
    json_object_set_new(doc, "comparisons", list);
    return json_write(f, doc);
}
