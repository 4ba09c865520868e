/* Gathers one session's report (see report.h): the rows come from the store, the numbers from
 * analysis/, commit subjects from git. The store orders every list, so two loads of the same
 * session give the same report_data. */
#include "report/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/profiles.h"
#include "util/revlist.h"

static int find_variant(const report_data *r, const char *spec)
{
    for (int v = 0; v < r->nvariants; v++)
        if (strcmp(r->variants[v].spec, spec) == 0) return v;
    return -1;
}

static int find_workload(const report_data *r, const char *name)
{
    for (int w = 0; w < r->nworkloads; w++)
        if (strcmp(r->workloads[w], name) == 0) return w;
    return -1;
}

static report_cell *cell_of(report_data *r, const char *variant, const char *workload)
{
    int v = find_variant(r, variant), w = find_workload(r, workload);
    return v < 0 || w < 0 ? NULL : &r->cells[w * r->nvariants + v];
}

static int load_variants(store *db, report_data *r)
{
    r->nvariants = store_session_variants(db, r->session.id, &r->variants);
    if (r->nvariants < 0) return -1;
    r->subjects = calloc((size_t)r->nvariants + 1, sizeof *r->subjects);
    if (!r->subjects) return -1;
    for (int v = 0; v < r->nvariants; v++) {
        commit_info ci;
        if (r->variants[v].revision[0] && revlist_commit_info(r->variants[v].revision, &ci) == 0)
            snprintf(r->subjects[v], sizeof r->subjects[v], "%s", ci.subject);
    }
    return 0;
}

/* The run summaries of every variant and workload, with the RSS timeline of each one's run
 * with the highest peak. */
static int load_cells(store *db, report_data *r)
{
    int ncells = r->nworkloads * r->nvariants;
    r->cells = calloc((size_t)ncells + 1, sizeof *r->cells);
    if (!r->cells) return -1;
    for (int i = 0; i < ncells; i++)
        run_summary_init(&r->cells[i]);
    store_measured_run *runs = NULL;
    int n = store_session_measured_runs(db, r->session.id, &runs);
    for (int i = 0; i < n; i++) {
        report_cell *c = cell_of(r, runs[i].variant, runs[i].workload);
        if (c) run_summary_add(c, &runs[i]);
    }
    free(runs);
    store_run_value *after = NULL;
    n = store_session_result_metric(db, r->session.id, "rss_after_free_kb", &after);
    for (int i = 0; i < n; i++) {
        report_cell *c = cell_of(r, after[i].variant, after[i].workload);
        if (c) run_summary_add_after_free(c, after[i].value);
    }
    free(after);
    for (int i = 0; i < ncells; i++) {
        report_cell *c = &r->cells[i];
        run_summary_finish(c);
        if (c->rss_seq >= 0) c->rss_n = store_run_rss(db, c->rss_run_id, &c->rss_t_ms, &c->rss_kb);
    }
    return 0;
}

static int load_comparisons(store *db, report_data *r, char *err, size_t errlen)
{
    r->cmp = calloc((size_t)r->nworkloads + 1, sizeof *r->cmp);
    r->has_cmp = calloc((size_t)r->nworkloads + 1, sizeof *r->has_cmp);
    if (!r->cmp || !r->has_cmp) return -1;
    comparison *c = NULL;
    int n = compare_session(db, r->session.id, r->variants[r->a].spec, r->variants[r->b].spec, NULL,
                            -1, &c);
    if (n < 0) {
        snprintf(err, errlen, "comparing %s with %s in session %lld failed", r->variants[r->a].spec,
                 r->variants[r->b].spec, (long long)r->session.id);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        int w = find_workload(r, c[i].workload);
        if (w < 0) continue;
        r->cmp[w] = c[i];
        r->has_cmp[w] = 1;
    }
    free(c);
    return 0;
}

/* Allocator counters (of the last counters runs) and perf stat events (of the measured runs)
 * of A against B, per workload. */
static int load_counters(store *db, report_data *r)
{
    size_t nw = (size_t)r->nworkloads + 1;
    r->counters = calloc(nw, sizeof *r->counters);
    r->ncounters = calloc(nw, sizeof *r->ncounters);
    r->perf = calloc(nw, sizeof *r->perf);
    r->nperf = calloc(nw, sizeof *r->nperf);
    if (!r->counters || !r->ncounters || !r->perf || !r->nperf) return -1;
    const char *a = r->variants[r->a].spec, *b = r->variants[r->b].spec;
    for (int w = 0; w < r->nworkloads; w++) {
        store_counter_value *cv = NULL;
        int n = store_counters_runs(db, r->session.id, r->workloads[w], a, b, &cv);
        r->ncounters[w] = counters_compare(cv, n, &r->counters[w]);
        free(cv);
        store_event_value *ev = NULL;
        n = store_perf_events(db, r->session.id, r->workloads[w], a, b, &ev);
        r->nperf[w] = events_compare(ev, n, &r->perf[w]);
        free(ev);
    }
    return 0;
}

/* One tool's profiles of A and B on workload w side by side; 1 when both exist. */
static int load_profile_pair(store *db, const report_data *r, int w, const char *tool,
                             profile_diff *d, store_profile *pa, store_profile *pb)
{
    int ga =
        store_profile_get(db, r->session.id, r->variants[r->a].spec, r->workloads[w], tool, pa);
    int gb =
        store_profile_get(db, r->session.id, r->variants[r->b].spec, r->workloads[w], tool, pb);
    int ok = ga == 1 && gb == 1 && profile_diff_build(pa, pb, d) == 0;
    return ok;
}

static int load_profiles(store *db, report_data *r)
{
    r->profiles = calloc((size_t)r->nworkloads + 1, sizeof *r->profiles);
    if (!r->profiles) return -1;
    for (int w = 0; w < r->nworkloads; w++) {
        report_profile *p = &r->profiles[w];
        store_profile pa, pb;
        p->has_perf = load_profile_pair(db, r, w, "perf", &p->perf, &pa, &pb);
        if (p->has_perf) {
            p->samples_a = pa.total;
            p->samples_b = pb.total;
            snprintf(p->args_a, sizeof p->args_a, "%s", pa.args);
            snprintf(p->args_b, sizeof p->args_b, "%s", pb.args);
        }
        store_profile_free(&pa);
        store_profile_free(&pb);
        p->has_callgrind = load_profile_pair(db, r, w, "callgrind", &p->callgrind, &pa, &pb);
        store_profile_free(&pa);
        store_profile_free(&pb);
        r->nprofiled += p->has_perf || p->has_callgrind;
    }
    return 0;
}

static int load_failures(store *db, report_data *r)
{
    r->nfailures = store_session_failures(db, r->session.id, &r->failures);
    if (r->nfailures < 0) return -1;
    r->growth = calloc((size_t)r->nfailures + 1, sizeof *r->growth);
    if (!r->growth) return -1;
    for (int i = 0; i < r->nfailures; i++) {
        int *t = NULL;
        long *kb = NULL;
        int n = r->failures[i].run_id ? store_run_rss(db, r->failures[i].run_id, &t, &kb) : 0;
        rss_growth_of(t, kb, n, &r->growth[i]);
        free(t);
        free(kb);
    }
    return 0;
}

int report_load_runs(store *db, int64_t session_id, report_data *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    int found = store_session_get(db, session_id, &r->session);
    if (found != 1) {
        snprintf(err, errlen,
                 "session %lld does not exist in this database (list them with: hakbench "
                 "sessions --db DB)",
                 (long long)session_id);
        return -1;
    }
    r->nworkloads = store_session_workloads(db, session_id, &r->workloads);
    if (load_variants(db, r) != 0 || r->nworkloads < 0 || load_cells(db, r) != 0) {
        snprintf(err, errlen, "reading session %lld failed", (long long)session_id);
        return -1;
    }
    store_session_run_counts(db, session_id, &r->runs_measure, &r->runs_warmup, &r->runs_counters);
    return 0;
}

int report_load(store *db, int64_t session_id, const char *a, const char *b, report_data *r,
                char *err, size_t errlen)
{
    if (report_load_runs(db, session_id, r, err, errlen) != 0) return -1;
    if (r->nvariants < 2 && (!a || !b)) {
        snprintf(err, errlen, "session %lld has %d variant(s); a report compares two",
                 (long long)session_id, r->nvariants);
        return -1;
    }
    r->a = a ? find_variant(r, a) : 0;
    r->b = b ? find_variant(r, b) : 1;
    if (r->a < 0 || r->b < 0 || r->a == r->b) {
        char known[1024] = "";
        for (int v = 0; v < r->nvariants; v++) {
            size_t len = strlen(known);
            snprintf(known + len, sizeof known - len, "%s%s", v ? ", " : "", r->variants[v].spec);
        }
        snprintf(err, errlen, "%s: pick two different variants of session %lld (it has: %s)",
                 r->a < 0   ? a
                 : r->b < 0 ? b
                            : "A and B are the same",
                 (long long)session_id, known);
        return -1;
    }
    if (load_comparisons(db, r, err, errlen) != 0) return -1;
    if (load_counters(db, r) != 0 || load_profiles(db, r) != 0 || load_failures(db, r) != 0) {
        snprintf(err, errlen, "reading session %lld failed", (long long)session_id);
        return -1;
    }
    return 0;
}

void report_free(report_data *r)
{
    for (int i = 0; r->cells && i < r->nworkloads * r->nvariants; i++)
        run_summary_free(&r->cells[i]);
    for (int w = 0; w < r->nworkloads; w++) {
        if (r->counters) free(r->counters[w]);
        if (r->perf) free(r->perf[w]);
    }
    for (int w = 0; r->profiles && w < r->nworkloads; w++) {
        profile_diff_free(&r->profiles[w].perf);
        profile_diff_free(&r->profiles[w].callgrind);
    }
    free(r->profiles);
    free(r->cells);
    free(r->counters);
    free(r->ncounters);
    free(r->perf);
    free(r->nperf);
    free(r->workloads);
    free(r->variants);
    free(r->subjects);
    free(r->cmp);
    free(r->has_cmp);
    free(r->failures);
    free(r->growth);
    memset(r, 0, sizeof *r);
}

static int is_ab_failure(const report_data *r, const report_failure *f)
{
    return strcmp(f->variant, r->variants[r->a].spec) == 0 ||
           strcmp(f->variant, r->variants[r->b].spec) == 0;
}

report_verdict report_overall(const report_data *r)
{
    int failed = strcmp(r->variants[r->a].build_status, "build-failed") == 0 ||
                 strcmp(r->variants[r->b].build_status, "build-failed") == 0;
    for (int i = 0; i < r->nfailures; i++)
        if (is_ab_failure(r, &r->failures[i])) failed = 1;
    int seen[VERDICT_FAILED + 1] = {0};
    for (int w = 0; w < r->nworkloads; w++)
        if (r->has_cmp[w]) {
            seen[r->cmp[w].primary.verdict]++;
            if (comparison_memory_change(&r->cmp[w], NULL) == VERDICT_REGRESSION)
                seen[VERDICT_REGRESSION]++;
        }
    if (failed || seen[VERDICT_FAILED]) return REPORT_FAILED;
    if (seen[VERDICT_REGRESSION]) return REPORT_REGRESSION;
    /* a decided workload outranks the undecided ones: +17.8% on one and two inconclusive
     * others is an improvement found */
    if (seen[VERDICT_IMPROVEMENT]) return REPORT_IMPROVEMENT;
    if (seen[VERDICT_INCONCLUSIVE]) return REPORT_INCONCLUSIVE;
    return REPORT_EQUIVALENT;
}

const char *report_verdict_title(report_verdict v)
{
    static const char *const titles[] = {"equivalent", "improvement", "inconclusive", "regression",
                                         "failures"};
    return titles[v];
}
