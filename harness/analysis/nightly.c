/* Gathering the nightly report's data (see nightly.h). */
#include "analysis/nightly.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stats.h"
#include "store/builds.h"
#include "store/runs.h"

int nightly_is_new_regression(const nightly_delta *x)
{
    return x->has_previous &&
           (x->cmp.verdict == VERDICT_REGRESSION ||
            (x->cmp.verdict == VERDICT_FAILED && x->cmp.failed_b > 0 && x->cmp.failed_a == 0));
}

static int load_sessions(store *s, nightly_data *d, int64_t today, char *err, size_t errlen)
{
    if (store_session_get(s, today, &d->today) != 1 || strcmp(d->today.kind, "nightly") != 0) {
        snprintf(err, errlen, "no nightly session %lld in the database", (long long)today);
        return -1;
    }
    store_previous_nightly(s, &d->today, &d->previous, d->previous_date);
    store_variant_revision(s, today, NIGHTLY_PLOT_VARIANT, d->today_rev, &d->today_dirty);
    if (d->previous)
        store_variant_revision(s, d->previous, NIGHTLY_PLOT_VARIANT, d->previous_rev, NULL);
    return 0;
}

/* One point per nightly session: the median of its ok runs; then the change points of the
 * series and the medians of the segments between them. */
static int load_history(store *s, const nightly_data *d, nightly_history *h)
{
    store_history_run *runs = NULL;
    int nruns = store_nightly_history(s, &d->today, h->variant, h->workload, &runs);
    if (nruns < 0) return -1;
    size_t cap = (size_t)(nruns > 0 ? nruns : 1);
    h->session = malloc(cap * sizeof *h->session);
    h->date = malloc(cap * sizeof *h->date);
    h->revision = malloc(cap * sizeof *h->revision);
    h->median = malloc(cap * sizeof *h->median);
    double *vals = malloc(cap * sizeof *vals);
    int *cp = malloc(cap * sizeof *cp);
    h->segments = malloc((cap + 1) * sizeof *h->segments);
    int rc = -1;
    if (!h->session || !h->date || !h->revision || !h->median || !vals || !cp || !h->segments)
        goto out;
    for (int i = 0; i < nruns;) {
        int j = i, m = 0;
        for (; j < nruns && runs[j].session_id == runs[i].session_id; j++)
            vals[m++] = runs[j].ops_per_sec;
        h->session[h->n] = runs[i].session_id;
        snprintf(h->date[h->n], sizeof h->date[h->n], "%s", runs[i].started_at);
        store_variant_revision(s, runs[i].session_id, h->variant, h->revision[h->n], NULL);
        h->median[h->n++] = stats_median(vals, (size_t)m);
        i = j;
    }
    changepoint_opts co;
    changepoint_opts_init(&co);
    co.seed = d->today.seed;
    h->ncp = h->n > 0 ? changepoint_detect(h->median, h->n, &co, cp, h->n) : 0;
    changepoint_segments(h->median, h->n, cp, h->ncp, h->segments);
    rc = 0;
out:
    free(runs);
    free(vals);
    free(cp);
    return rc;
}

int nightly_load(store *s, int64_t today, nightly_data *d, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    if (load_sessions(s, d, today, err, errlen) != 0) return -1;
    /* Every variant and workload measured today, in the session's variant order. */
    store_pair *pairs = NULL;
    int n = store_session_pairs(s, today, &pairs);
    d->deltas = calloc((size_t)(n > 0 ? n : 1), sizeof *d->deltas);
    d->hist = calloc((size_t)(n > 0 ? n : 1), sizeof *d->hist);
    if (n < 0 || !d->deltas || !d->hist) {
        free(pairs);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (int i = 0; i < n; i++) {
        nightly_delta *x = &d->deltas[d->ndeltas++];
        nightly_history *h = &d->hist[d->nhist++];
        snprintf(x->variant, sizeof x->variant, "%s", pairs[i].variant);
        snprintf(x->workload, sizeof x->workload, "%s", pairs[i].workload);
        memcpy(h->variant, x->variant, sizeof h->variant);
        memcpy(h->workload, x->workload, sizeof h->workload);
        double delta = compare_delta(s, d->today.machine_id, x->workload, NIGHTLY_DEFAULT_DELTA);
        /* Without a previous nightly, session 0 has no runs: A's side stays empty. */
        if (compare_workload(s, d->previous, x->variant, today, x->variant, x->workload,
                             strcmp(d->today.metric, "instructions") == 0, delta, d->today.seed,
                             &x->cmp) != 0 ||
            load_history(s, d, h) != 0) {
            free(pairs);
            snprintf(err, errlen, "reading nightly %lld failed", (long long)today);
            return -1;
        }
        x->has_previous = x->cmp.n_a + x->cmp.failed_a > 0;
    }
    free(pairs);
    return 0;
}

void nightly_free(nightly_data *d)
{
    for (int i = 0; i < d->nhist; i++) {
        free(d->hist[i].session);
        free(d->hist[i].date);
        free(d->hist[i].revision);
        free(d->hist[i].median);
        free(d->hist[i].segments);
    }
    free(d->hist);
    free(d->deltas);
    free(d->bisects);
    memset(d, 0, sizeof *d);
}
