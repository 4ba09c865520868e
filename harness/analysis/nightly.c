/* Gathering the nightly report's data (see nightly.h). */
#include "analysis/nightly.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/changepoint.h"
#include "store/db.h"
#include "analysis/stats.h"

#define NIGHTLY_RESAMPLES 4000

static void text(sqlite3_stmt *st, int col, char *out, size_t len)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    snprintf(out, len, "%s", s ? (const char *)s : "");
}

/* The revision a session built `spec` at ('' for peers or when unknown). */
static void session_revision(sqlite3 *db, int64_t session, const char *spec, char rev[41],
                             int *dirty)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT b.revision, b.dirty FROM session_variants v "
                                      "JOIN builds b ON b.id = v.build_id "
                                      "WHERE v.session_id = ?1 AND v.spec = ?2");
    sqlite3_bind_int64(st, 1, session);
    sqlite3_bind_text(st, 2, spec, -1, SQLITE_STATIC);
    rev[0] = '\0';
    if (dirty) *dirty = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        text(st, 0, rev, 41);
        if (dirty) *dirty = sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
}

typedef struct {
    double *ops, *rss;
    int n, nrss, failed;
} samples;

static int load_samples(sqlite3 *db, int64_t session, const char *variant, const char *workload,
                        samples *s)
{
    memset(s, 0, sizeof *s);
    sqlite3_stmt *st = db_prepare(db, "SELECT status, ops_per_sec, peak_rss_kb FROM runs "
                                      "WHERE session_id = ?1 AND variant = ?2 AND workload = ?3 "
                                      "AND purpose = 'measure' ORDER BY seq");
    sqlite3_bind_int64(st, 1, session);
    sqlite3_bind_text(st, 2, variant, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, workload, -1, SQLITE_STATIC);
    int cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (s->n == cap) {
            cap = cap ? 2 * cap : 16;
            double *o = realloc(s->ops, (size_t)cap * sizeof *o);
            double *r = o ? realloc(s->rss, (size_t)cap * sizeof *r) : NULL;
            if (o) s->ops = o;
            if (r) s->rss = r;
            if (!o || !r) {
                sqlite3_finalize(st);
                return -1;
            }
        }
        const unsigned char *status = sqlite3_column_text(st, 0);
        if (!status || strcmp((const char *)status, "ok") != 0 ||
            sqlite3_column_type(st, 1) == SQLITE_NULL) {
            s->failed++;
            continue;
        }
        s->ops[s->n++] = sqlite3_column_double(st, 1);
        if (sqlite3_column_type(st, 2) != SQLITE_NULL)
            s->rss[s->nrss++] = sqlite3_column_double(st, 2);
    }
    sqlite3_finalize(st);
    return 0;
}

static void samples_free(samples *s)
{
    free(s->ops);
    free(s->rss);
}

/* Two sessions are not interleaved, so the runs are not paired: an unpaired bootstrap of the
 * ratio of medians and Mann-Whitney, then compare's own verdict rule (compare_decide). */
static void compare_unpaired(const samples *a, const samples *b, double delta, uint64_t seed,
                             comparison *c)
{
    c->n_a = a->n;
    c->n_b = b->n;
    c->failed_a = a->failed;
    c->failed_b = b->failed;
    c->pairs = 0;
    c->median_a = a->n ? stats_median(a->ops, (size_t)a->n) : NAN;
    c->median_b = b->n ? stats_median(b->ops, (size_t)b->n) : NAN;
    c->rss_a_kb = a->nrss ? stats_median(a->rss, (size_t)a->nrss) : NAN;
    c->rss_b_kb = b->nrss ? stats_median(b->rss, (size_t)b->nrss) : NAN;
    c->outliers_a = (int)stats_outliers(a->ops, (size_t)a->n, NULL);
    c->outliers_b = (int)stats_outliers(b->ops, (size_t)b->n, NULL);
    c->change = c->median_b / c->median_a - 1;
    double lo = NAN, hi = NAN;
    if (a->n > 0 && b->n > 0)
        stats_bootstrap_ratio_ci(a->ops, (size_t)a->n, b->ops, (size_t)b->n, 0, NIGHTLY_RESAMPLES,
                                 0.95, seed, &lo, &hi);
    c->ci_lo = lo - 1;
    c->ci_hi = hi - 1;
    c->p = a->n > 0 && b->n > 0 ? stats_mann_whitney_p(a->ops, (size_t)a->n, b->ops, (size_t)b->n)
                                : 1.0;
    c->delta = delta;
    c->verdict = compare_decide(c);
}

int nightly_is_new_regression(const nightly_delta *x)
{
    return x->has_previous &&
           (x->cmp.verdict == VERDICT_REGRESSION ||
            (x->cmp.verdict == VERDICT_FAILED && x->cmp.failed_b > 0 && x->cmp.failed_a == 0));
}

static int load_session(sqlite3 *db, nightly_data *d, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(
        db, "SELECT s.machine_id, s.quick, s.started_at, m.fingerprint, m.cpu_model, m.kernel, "
            "m.hostname, m.cores, s.seed FROM sessions s JOIN machines m ON m.id = s.machine_id "
            "WHERE s.id = ?1 AND s.kind = 'nightly'");
    sqlite3_bind_int64(st, 1, d->today);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        d->machine_id = sqlite3_column_int64(st, 0);
        d->quick = sqlite3_column_int(st, 1);
        text(st, 2, d->today_date, sizeof d->today_date);
        text(st, 3, d->fingerprint, sizeof d->fingerprint);
        text(st, 4, d->cpu_model, sizeof d->cpu_model);
        text(st, 5, d->kernel, sizeof d->kernel);
        text(st, 6, d->hostname, sizeof d->hostname);
        d->cores = sqlite3_column_int(st, 7);
        d->seed = (uint64_t)sqlite3_column_int64(st, 8);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) {
        snprintf(err, errlen, "no nightly session %lld in the database", (long long)d->today);
        return -1;
    }
    /* The previous finished nightly of this machine in the same mode (quick numbers are not
     * comparable with full ones). */
    st = db_prepare(db, "SELECT id, started_at FROM sessions WHERE kind = 'nightly' "
                        "AND machine_id = ?1 AND quick = ?2 AND finished_at IS NOT NULL "
                        "AND id <> ?3 AND (started_at < ?4 OR (started_at = ?4 AND id < ?3)) "
                        "ORDER BY started_at DESC, id DESC LIMIT 1");
    sqlite3_bind_int64(st, 1, d->machine_id);
    sqlite3_bind_int(st, 2, d->quick);
    sqlite3_bind_int64(st, 3, d->today);
    sqlite3_bind_text(st, 4, d->today_date, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        d->previous = sqlite3_column_int64(st, 0);
        text(st, 1, d->previous_date, sizeof d->previous_date);
    }
    sqlite3_finalize(st);
    session_revision(db, d->today, NIGHTLY_PLOT_VARIANT, d->today_rev, &d->today_dirty);
    if (d->previous) session_revision(db, d->previous, NIGHTLY_PLOT_VARIANT, d->previous_rev, NULL);
    return 0;
}

static int load_history(sqlite3 *db, const nightly_data *d, uint64_t seed, nightly_history *h)
{
    sqlite3_stmt *st = db_prepare(
        db, "SELECT s.id, s.started_at, r.ops_per_sec FROM sessions s "
            "JOIN runs r ON r.session_id = s.id WHERE s.kind = 'nightly' AND s.machine_id = ?1 "
            "AND s.quick = ?2 AND (s.finished_at IS NOT NULL OR s.id = ?3) "
            "AND (s.started_at < ?4 OR (s.started_at = ?4 AND s.id <= ?3)) "
            "AND r.variant = ?5 AND r.workload = ?6 AND r.purpose = 'measure' "
            "AND r.status = 'ok' AND r.ops_per_sec IS NOT NULL ORDER BY s.started_at, s.id");
    sqlite3_bind_int64(st, 1, d->machine_id);
    sqlite3_bind_int(st, 2, d->quick);
    sqlite3_bind_int64(st, 3, d->today);
    sqlite3_bind_text(st, 4, d->today_date, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, h->variant, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, h->workload, -1, SQLITE_STATIC);
    int cap = 0, nvals = 0, vcap = 0, status = 0;
    double *vals = NULL;
    int64_t current = -1;
    for (int more = 1; more;) {
        int rc = sqlite3_step(st);
        more = rc == SQLITE_ROW;
        int64_t sid = more ? sqlite3_column_int64(st, 0) : -1;
        if (sid != current && nvals > 0) /* close the previous session's point */
            h->median[h->n - 1] = stats_median(vals, (size_t)nvals);
        if (!more) break;
        if (sid != current) {
            if (h->n == cap) {
                cap = cap ? 2 * cap : 16;
                int64_t *s = realloc(h->session, (size_t)cap * sizeof *s);
                if (s) h->session = s;
                char(*dt)[40] = s ? realloc(h->date, (size_t)cap * sizeof *dt) : NULL;
                if (dt) h->date = dt;
                char(*rv)[41] = dt ? realloc(h->revision, (size_t)cap * sizeof *rv) : NULL;
                if (rv) h->revision = rv;
                double *m = rv ? realloc(h->median, (size_t)cap * sizeof *m) : NULL;
                if (!m) {
                    status = -1;
                    break;
                }
                h->median = m;
            }
            current = sid;
            h->session[h->n] = sid;
            text(st, 1, h->date[h->n], sizeof h->date[h->n]);
            h->n++;
            nvals = 0;
        }
        if (nvals == vcap) {
            vcap = vcap ? 2 * vcap : 16;
            double *v = realloc(vals, (size_t)vcap * sizeof *v);
            if (!v) {
                status = -1;
                break;
            }
            vals = v;
        }
        vals[nvals++] = sqlite3_column_double(st, 2);
    }
    sqlite3_finalize(st);
    free(vals);
    if (status != 0) return -1;
    for (int i = 0; i < h->n; i++)
        session_revision(db, h->session[i], h->variant, h->revision[i], NULL);
    if (h->n > 0) {
        changepoint_opts co;
        changepoint_opts_init(&co);
        co.seed = seed;
        h->cp = malloc((size_t)h->n * sizeof *h->cp);
        if (!h->cp) return -1;
        h->ncp = changepoint_detect(h->median, h->n, &co, h->cp, h->n);
    }
    return 0;
}

int nightly_load(sqlite3 *db, int64_t today, nightly_data *d, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    d->today = today;
    if (load_session(db, d, err, errlen) != 0) return -1;
    uint64_t seed = d->seed;
    /* Every variant and workload measured today, in the session's variant order. */
    sqlite3_stmt *st = db_prepare(
        db, "SELECT r.variant, r.workload, min(v.position) FROM runs r "
            "LEFT JOIN session_variants v ON v.session_id = r.session_id AND v.spec = r.variant "
            "WHERE r.session_id = ?1 AND r.purpose = 'measure' GROUP BY r.variant, r.workload "
            "ORDER BY 3, r.variant, r.workload");
    sqlite3_bind_int64(st, 1, today);
    int cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (d->ndeltas == cap) {
            cap = cap ? 2 * cap : 32;
            nightly_delta *x = realloc(d->deltas, (size_t)cap * sizeof *x);
            nightly_history *h = x ? realloc(d->hist, (size_t)cap * sizeof *h) : NULL;
            if (x) d->deltas = x;
            if (!h) {
                sqlite3_finalize(st);
                snprintf(err, errlen, "out of memory");
                return -1;
            }
            d->hist = h;
        }
        nightly_delta *x = &d->deltas[d->ndeltas];
        nightly_history *h = &d->hist[d->nhist];
        memset(x, 0, sizeof *x);
        memset(h, 0, sizeof *h);
        text(st, 0, x->variant, sizeof x->variant);
        text(st, 1, x->workload, sizeof x->workload);
        memcpy(h->variant, x->variant, sizeof h->variant);
        memcpy(h->workload, x->workload, sizeof h->workload);
        d->ndeltas++;
        d->nhist++;
    }
    sqlite3_finalize(st);

    for (int i = 0; i < d->ndeltas; i++) {
        nightly_delta *x = &d->deltas[i];
        samples a, b;
        if (load_samples(db, today, x->variant, x->workload, &b) != 0 ||
            (d->previous && load_samples(db, d->previous, x->variant, x->workload, &a) != 0)) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        if (!d->previous) memset(&a, 0, sizeof a);
        x->has_previous = a.n + a.failed > 0;
        double delta = compare_delta(db, d->machine_id, x->workload, NIGHTLY_DEFAULT_DELTA);
        compare_unpaired(&a, &b, delta, seed + (uint64_t)i, &x->cmp);
        snprintf(x->cmp.workload, sizeof x->cmp.workload, "%s", x->workload);
        samples_free(&a);
        samples_free(&b);
        if (load_history(db, d, seed, &d->hist[i]) != 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
    return 0;
}

void nightly_free(nightly_data *d)
{
    for (int i = 0; i < d->nhist; i++) {
        free(d->hist[i].session);
        free(d->hist[i].date);
        free(d->hist[i].revision);
        free(d->hist[i].median);
        free(d->hist[i].cp);
    }
    free(d->hist);
    free(d->deltas);
    free(d->bisects);
    memset(d, 0, sizeof *d);
}
