/* Gathering the nightly report's data (see nightly.h). */
#include "analysis/nightly.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stats.h"
#include "store/builds.h"
#include "store/runs.h"
#include "util/clock.h"

int nightly_previous_revision(store *s, int64_t machine_id, int quick, char rev[41])
{
    store_session now = {.id = 0, .machine_id = machine_id, .quick = quick};
    clock_utc_iso(now.started_at, sizeof now.started_at);
    int64_t prev;
    char date[40];
    rev[0] = '\0';
    if (store_previous_nightly(s, &now, &prev, date) != 1) return 0;
    store_variant_revision(s, prev, NIGHTLY_PLOT_VARIANT, rev, NULL);
    return rev[0] != '\0';
}

int nightly_is_alarm(const nightly_delta *x)
{
    if (!x->hakmem) return 0;
    if (x->cmp.failed_b > 0) return 1;
    if (!x->paired) return 0;
    return x->cmp.primary.verdict == VERDICT_REGRESSION ||
           comparison_memory_change(&x->cmp, NULL) == VERDICT_REGRESSION;
}

int nightly_count_alarms(const nightly_data *d)
{
    int n = 0;
    for (int i = 0; i < d->ndeltas; i++)
        n += nightly_is_alarm(&d->deltas[i]);
    for (int i = 0; i < d->nhist; i++) {
        const nightly_history *h = &d->hist[i];
        if (!h->hakmem) continue;
        /* Tonight's step of the paired variant is its paired verdict, counted above. */
        int paired = d->paired_spec[0] && strcmp(h->variant, NIGHTLY_PLOT_VARIANT) == 0;
        for (int k = 0; k < h->nsteps; k++)
            n += h->steps[k].new_tonight && h->steps[k].after < h->steps[k].before &&
                 !(paired && h->steps[k].state == STEP_SUSPECTED);
    }
    return n;
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
    /* The paired pair: tonight's A is REV@default, its B default. */
    char a[160], b[160];
    if (store_session_variant_at(s, today, 0, a, sizeof a) == 1 &&
        store_session_variant_at(s, today, 1, b, sizeof b) == 1 &&
        strcmp(b, NIGHTLY_PLOT_VARIANT) == 0 && strstr(a, "@" NIGHTLY_PLOT_VARIANT))
        snprintf(d->paired_spec, sizeof d->paired_spec, "%s", a);
    return 0;
}

/* The steps of a history: change points whose segment medians differ by delta or more
 * (confirmed; new tonight when the segment after it is exactly min_size nights long), then the
 * last night when it departs from the last segment's median (without itself) by delta or more
 * (suspected). */
static int find_steps(nightly_history *h, double delta, int min_size)
{
    h->steps = calloc((size_t)h->ncp + 1, sizeof *h->steps);
    if (!h->steps) return -1;
    for (int k = 0; k < h->ncp; k++) {
        double before = h->segments[k].median, after = h->segments[k + 1].median;
        if (!(fabs(after / before - 1) >= delta)) continue;
        int at = h->segments[k + 1].from;
        h->steps[h->nsteps++] = (nightly_step){.at = at,
                                               .before = before,
                                               .after = after,
                                               .state = STEP_CONFIRMED,
                                               .new_tonight = h->n - at == min_size};
    }
    const changepoint_segment *last = &h->segments[h->ncp];
    int n_in = h->n - 1 - last->from; /* nights of the last segment before tonight */
    if (n_in >= 1) {
        double ref = stats_median(h->median + last->from, (size_t)n_in);
        double tonight = h->median[h->n - 1];
        if (fabs(tonight / ref - 1) >= delta)
            h->steps[h->nsteps++] = (nightly_step){.at = h->n - 1,
                                                   .before = ref,
                                                   .after = tonight,
                                                   .state = STEP_SUSPECTED,
                                                   .new_tonight = 1};
    }
    return 0;
}

/* One point per nightly session: the median of its ok runs; then the change points of the
 * series, the medians of the segments between them, and its steps. */
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
    rc = h->n > 0 ? find_steps(h, d->today.delta, co.min_size) : 0;
out:
    free(runs);
    free(vals);
    free(cp);
    return rc;
}

static int is_peer_spec(store *s, int64_t session, const char *spec)
{
    char rev[41];
    int dirty = 0;
    /* Builds of hakmem variants carry a revision; a peer's has none. */
    store_variant_revision(s, session, spec, rev, &dirty);
    return rev[0] == '\0';
}

static int load_failures(store *s, nightly_data *d)
{
    store_failure *f = NULL;
    int n = store_session_failures(s, d->today.id, &f);
    if (n < 0) return -1;
    d->failures = calloc((size_t)(n > 0 ? n : 1), sizeof *d->failures);
    if (!d->failures) {
        free(f);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        nightly_failure *x = &d->failures[d->nfailures++];
        snprintf(x->variant, sizeof x->variant, "%s", f[i].variant);
        snprintf(x->workload, sizeof x->workload, "%s", f[i].workload);
        snprintf(x->status, sizeof x->status, "%s", f[i].status);
        x->count = f[i].count;
        x->of = f[i].of;
        x->hakmem = !is_peer_spec(s, d->today.id, f[i].variant);
        x->own_problem = !x->hakmem && f[i].count == f[i].of;
    }
    free(f);
    return 0;
}

int nightly_load(store *s, int64_t today, nightly_data *d, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    if (load_sessions(s, d, today, err, errlen) != 0) return -1;
    /* Every variant and workload measured today, in the session's variant order; the paired A
     * (REV@default) is part of the default build's comparison, not a variant of its own. */
    store_pair *pairs = NULL;
    int n = store_session_pairs(s, today, &pairs);
    d->deltas = calloc((size_t)(n > 0 ? n : 1), sizeof *d->deltas);
    d->hist = calloc((size_t)(n > 0 ? n : 1), sizeof *d->hist);
    if (n < 0 || !d->deltas || !d->hist || load_failures(s, d) != 0) {
        free(pairs);
        snprintf(err, errlen, "out of memory or database error reading nightly %lld",
                 (long long)today);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        if (d->paired_spec[0] && strcmp(pairs[i].variant, d->paired_spec) == 0) continue;
        nightly_delta *x = &d->deltas[d->ndeltas++];
        nightly_history *h = &d->hist[d->nhist++];
        snprintf(x->variant, sizeof x->variant, "%s", pairs[i].variant);
        snprintf(x->workload, sizeof x->workload, "%s", pairs[i].workload);
        memcpy(h->variant, x->variant, sizeof h->variant);
        memcpy(h->workload, x->workload, sizeof h->workload);
        x->hakmem = h->hakmem = !is_peer_spec(s, today, x->variant);
        x->paired = d->paired_spec[0] && strcmp(x->variant, NIGHTLY_PLOT_VARIANT) == 0;
        comparison *c = NULL;
        int got;
        if (x->paired)
            got = compare_session(s, today, d->paired_spec, x->variant, x->workload, -1, &c);
        else /* without a previous nightly, session 0 has no runs: nothing to compare */
            got = d->previous ? compare_sessions(s, d->previous, today, x->variant, x->variant,
                                                 x->workload, -1, &c)
                              : 0;
        if (got < 0 || load_history(s, d, h) != 0) {
            free(c);
            free(pairs);
            snprintf(err, errlen, "reading nightly %lld failed", (long long)today);
            return -1;
        }
        if (got == 1) x->cmp = c[0];
        free(c);
        x->has_previous = got == 1 && x->cmp.primary.n_a + x->cmp.failed_a > 0;
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
        free(d->hist[i].steps);
    }
    free(d->hist);
    free(d->deltas);
    free(d->failures);
    free(d->bisects);
    memset(d, 0, sizeof *d);
}
