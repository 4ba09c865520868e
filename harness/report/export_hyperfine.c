/* Export in hyperfine's JSON shape (hyperfine --export-json), so tools that read hyperfine
 * results read hakbench's: {"results": [{"command", "mean", "stddev", "median", "user",
 * "system", "min", "max", "times", "exit_codes", "parameters"}]}, one result per variant and
 * workload, over its measured runs: times are their wall-clock seconds (ok runs), exit_codes
 * every measured run's (a crash is 128 + its signal). command is the workload's command line as
 * run, with the variant in "parameters". A foreign document: no "schema" field. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stats.h"
#include "report/export.h"
#include "util/json.h"

typedef struct {
    int variant, workload, args, purpose, status, wall, user, sys, signal, exit_code;
} columns;

static const char *text_at(const store_table *t, int row, int col)
{
    const store_value *v = store_table_at(t, row, col);
    return v->kind == STORE_TEXT ? v->s : "";
}

static double real_at(const store_table *t, int row, int col)
{
    const store_value *v = store_table_at(t, row, col);
    return v->kind == STORE_REAL ? v->r : v->kind == STORE_INT ? (double)v->i : NAN;
}

static double mean_of(const double *x, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += x[i];
    return n ? s / n : NAN;
}

static json_t *result_of(const store_table *t, const columns *c, int first)
{
    const char *variant = text_at(t, first, c->variant), *workload = text_at(t, first, c->workload);
    double *times = calloc((size_t)t->nrows + 1, sizeof *times);
    double *user = calloc((size_t)t->nrows + 1, sizeof *user);
    double *sys = calloc((size_t)t->nrows + 1, sizeof *sys);
    json_t *jt = json_array(), *codes = json_array();
    int n = 0;
    const char *command = text_at(t, first, c->args);
    for (int i = first; times && user && sys && i < t->nrows; i++) {
        if (strcmp(text_at(t, i, c->purpose), "measure") != 0 ||
            strcmp(text_at(t, i, c->variant), variant) != 0 ||
            strcmp(text_at(t, i, c->workload), workload) != 0)
            continue;
        double sig = real_at(t, i, c->signal), code = real_at(t, i, c->exit_code);
        json_array_append_new(codes, json_integer(isfinite(sig) && sig > 0 ? 128 + (int)sig
                                                  : isfinite(code)         ? (int)code
                                                                           : -1));
        if (strcmp(text_at(t, i, c->status), "ok") != 0 || !isfinite(real_at(t, i, c->wall)))
            continue;
        times[n] = real_at(t, i, c->wall);
        user[n] = real_at(t, i, c->user);
        sys[n] = real_at(t, i, c->sys);
        json_array_append_new(jt, json_number(times[n]));
        n++;
    }
    json_t *r = json_object();
    json_object_set_new(r, "command", json_text(command));
    double mean = mean_of(times, n), var = 0;
    for (int i = 0; i < n; i++)
        var += (times[i] - mean) * (times[i] - mean);
    json_object_set_new(r, "mean", json_number(mean));
    json_object_set_new(r, "stddev", n > 1 ? json_number(sqrt(var / (n - 1))) : json_null());
    json_object_set_new(r, "median", n ? json_number(stats_median(times, (size_t)n)) : json_null());
    json_object_set_new(r, "user", json_number(mean_of(user, n)));
    json_object_set_new(r, "system", json_number(mean_of(sys, n)));
    double lo = NAN, hi = NAN;
    for (int i = 0; i < n; i++) {
        if (!(times[i] >= lo)) lo = times[i];
        if (!(times[i] <= hi)) hi = times[i];
    }
    json_object_set_new(r, "min", json_number(lo));
    json_object_set_new(r, "max", json_number(hi));
    json_object_set_new(r, "times", jt);
    json_object_set_new(r, "exit_codes", codes);
    json_t *params = json_object();
    json_object_set_new(params, "variant", json_text(variant));
    json_object_set_new(params, "workload", json_text(workload));
    json_object_set_new(r, "parameters", params);
    free(times);
    free(user);
    free(sys);
    return r;
}

int export_write_hyperfine(FILE *f, const export_source *src)
{
    const store_table *t = src->runs;
    columns c = {store_table_column(t, "variant"), store_table_column(t, "workload"),
                 store_table_column(t, "args"),    store_table_column(t, "purpose"),
                 store_table_column(t, "status"),  store_table_column(t, "wall_s"),
                 store_table_column(t, "user_s"),  store_table_column(t, "sys_s"),
                 store_table_column(t, "signal"),  store_table_column(t, "exit_code")};
    json_t *results = json_array();
    /* one result per (variant, workload), in the order of their first measured run */
    for (int i = 0; i < t->nrows; i++) {
        if (strcmp(text_at(t, i, c.purpose), "measure") != 0) continue;
        int seen = 0;
        for (int j = 0; j < i && !seen; j++)
            seen = strcmp(text_at(t, j, c.purpose), "measure") == 0 &&
                   strcmp(text_at(t, j, c.variant), text_at(t, i, c.variant)) == 0 &&
                   strcmp(text_at(t, j, c.workload), text_at(t, i, c.workload)) == 0;
        if (!seen) json_array_append_new(results, result_of(t, &c, i));
    }
    json_t *doc = json_object();
    json_object_set_new(doc, "results", results);
    return json_write(f, doc);
}
