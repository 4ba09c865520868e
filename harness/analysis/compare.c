/* Comparison of two variants by the decision procedure (see compare.h). No SQL here: the runs
 * come from store/runs.h. */
#include "analysis/compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/rank_shift.h"
#include "analysis/stats.h"
#include "store/calibrations.h"
#include "store/runs.h"
#include "store/sessions.h"

const char *memory_metric_name(memory_metric m)
{
    return m == MEMORY_PEAK_RSS ? "peak RSS" : "RSS after free";
}

int comparison_memory_change(const comparison *c, memory_metric *which)
{
    int best = -1;
    for (int m = 0; m < MEMORY_METRICS; m++) {
        verdict_t v = c->memory[m].verdict;
        if (!verdict_is_change(v) || (best >= 0 && c->memory[best].verdict == VERDICT_REGRESSION))
            continue;
        if (best < 0 || v == VERDICT_REGRESSION) best = m;
    }
    if (best >= 0 && which) *which = (memory_metric)best;
    return best < 0 ? -1 : (int)c->memory[best].verdict;
}

/* The metrics a run can carry, in the order values[] holds them. */
enum { M_PRIMARY, M_PEAK_RSS, M_RSS_AFTER, NVALUES };

/* One workload's runs, sorted into sides and block pairs. pa/pb[i] pair up in block pblock[i]
 * (block order); a/b hold every ok run with its block in ablock/bblock. */
typedef struct {
    double *a[NVALUES], *b[NVALUES], *pa[NVALUES], *pb[NVALUES];
    int64_t *ablock[NVALUES], *bblock[NVALUES], *pblock[NVALUES];
    int na[NVALUES], nb[NVALUES], npairs[NVALUES];
    int64_t *fail_block[2]; /* blocks of the runs of A [0] and B [1] that did not end ok */
    int nfail[2];
    int64_t last_block;
} samples;

static void samples_free(samples *s)
{
    for (int m = 0; m < NVALUES; m++) {
        free(s->a[m]), free(s->b[m]), free(s->pa[m]), free(s->pb[m]);
        free(s->ablock[m]), free(s->bblock[m]), free(s->pblock[m]);
    }
    free(s->fail_block[0]);
    free(s->fail_block[1]);
    memset(s, 0, sizeof *s);
}

static int samples_alloc(samples *s, int n)
{
    size_t nd = (size_t)(n > 0 ? n : 1);
    memset(s, 0, sizeof *s);
    int ok = (s->fail_block[0] = malloc(nd * sizeof(int64_t))) != NULL;
    ok &= (s->fail_block[1] = malloc(nd * sizeof(int64_t))) != NULL;
    for (int m = 0; m < NVALUES; m++) {
        ok &= (s->a[m] = malloc(nd * sizeof(double))) != NULL;
        ok &= (s->b[m] = malloc(nd * sizeof(double))) != NULL;
        ok &= (s->pa[m] = malloc(nd * sizeof(double))) != NULL;
        ok &= (s->pb[m] = malloc(nd * sizeof(double))) != NULL;
        ok &= (s->ablock[m] = malloc(nd * sizeof(int64_t))) != NULL;
        ok &= (s->bblock[m] = malloc(nd * sizeof(int64_t))) != NULL;
        ok &= (s->pblock[m] = malloc(nd * sizeof(int64_t))) != NULL;
    }
    if (ok) return 0;
    samples_free(s);
    return -1;
}

/* The value of metric m of a run, if it has one. An ok run without a value is left out rather
 * than read as 0; a measured 0 (a starved run that did no work) is data and stays in. */
static int sample_value(const store_sample *r, int m, double *v)
{
    int has = m == M_PRIMARY ? r->has_value : m == M_PEAK_RSS ? r->has_rss : r->has_rss_after;
    *v = m == M_PRIMARY ? r->value : m == M_PEAK_RSS ? r->rss_kb : r->rss_after_kb;
    return has && *v >= 0;
}

/* Sorts rows (block by block, as the store returns them) into the two sides and the pairs. */
static int gather(const store_sample *rows, int n, samples *s)
{
    if (samples_alloc(s, n) != 0) return -1;
    for (int m = 0; m < NVALUES; m++) {
        int64_t block = INT64_MIN;
        int have_a = 0, have_b = 0;
        double va = 0, vb = 0;
        for (int i = 0; i < n; i++) {
            const store_sample *r = &rows[i];
            if (r->pair_key != block) {
                block = r->pair_key;
                have_a = have_b = 0;
            }
            if (r->pair_key > s->last_block) s->last_block = r->pair_key;
            double v;
            if (!r->ok) {
                int side = !r->is_a;
                if (m == M_PRIMARY) s->fail_block[side][s->nfail[side]++] = r->pair_key;
                continue;
            }
            if (!sample_value(r, m, &v)) continue;
            if (r->is_a) {
                s->ablock[m][s->na[m]] = r->pair_key;
                s->a[m][s->na[m]++] = v;
            } else {
                s->bblock[m][s->nb[m]] = r->pair_key;
                s->b[m][s->nb[m]++] = v;
            }
            /* The first ok run of each side in a block makes the pair. */
            if (r->is_a ? have_a : have_b) continue;
            if (r->is_a)
                have_a = 1, va = v;
            else
                have_b = 1, vb = v;
            if (have_a && have_b) {
                s->pblock[m][s->npairs[m]] = block;
                s->pa[m][s->npairs[m]] = va;
                s->pb[m][s->npairs[m]++] = vb;
            }
        }
    }
    return 0;
}

/* How many of the first n values lie in blocks up to limit (blocks ascend). */
static int upto(const int64_t *block, int n, int64_t limit)
{
    int k = 0;
    while (k < n && block[k] <= limit)
        k++;
    return k;
}

static double safe_log(double v)
{
    return log(v > 0 ? v : 1e-300);
}

/* The rank shift of metric m over the blocks up to limit, at level alpha, oriented so that + is
 * better for B (sign -1 for lower-is-better metrics). Fills the descriptive fields of out too. */
static int metric_shift(const samples *s, int m, int64_t limit, int paired, double sign,
                        double alpha, metric_comparison *out)
{
    int na = upto(s->ablock[m], s->na[m], limit), nb = upto(s->bblock[m], s->nb[m], limit);
    int np = upto(s->pblock[m], s->npairs[m], limit);
    out->n_a = na;
    out->n_b = nb;
    out->pairs = np;
    out->median_a = na ? stats_median(s->a[m], (size_t)na) : NAN;
    out->median_b = nb ? stats_median(s->b[m], (size_t)nb) : NAN;
    out->alpha = alpha;
    rank_shift r;
    int rc;
    if (paired) {
        double *d = malloc((size_t)(np ? np : 1) * sizeof *d);
        if (!d) return -1;
        for (int i = 0; i < np; i++)
            d[i] = sign * (safe_log(s->pb[m][i]) - safe_log(s->pa[m][i]));
        rc = rank_shift_paired(d, (size_t)np, alpha, &r);
        free(d);
    } else {
        double *x = malloc((size_t)(na ? na : 1) * sizeof *x);
        double *y = malloc((size_t)(nb ? nb : 1) * sizeof *y);
        rc = x && y ? 0 : -1;
        for (int i = 0; rc == 0 && i < na; i++)
            x[i] = sign * safe_log(s->a[m][i]);
        for (int i = 0; rc == 0 && i < nb; i++)
            y[i] = sign * safe_log(s->b[m][i]);
        if (rc == 0) rc = rank_shift_unpaired(x, (size_t)na, y, (size_t)nb, alpha, &r);
        free(x);
        free(y);
    }
    if (rc != 0) return -1;
    out->change = expm1(r.estimate);
    /* An unbounded interval (too few runs for the level) stays unbounded on both sides. */
    out->ci_lo = isinf(r.lo) ? -INFINITY : expm1(r.lo);
    out->ci_hi = expm1(r.hi);
    out->coverage = r.level;
    out->p = r.p;
    out->verdict = VERDICT_INCONCLUSIVE;
    return 0;
}

/* The metric's verdict from its fields (the interval back in log space). */
static verdict_t metric_verdict(const metric_comparison *mc, double delta, int failed)
{
    rank_shift r = {.estimate = log1p(mc->change),
                    .lo = isinf(mc->ci_lo) ? -INFINITY : log1p(mc->ci_lo),
                    .hi = log1p(mc->ci_hi)};
    return procedure_verdict(&r, delta, failed);
}

/* One look over a family of workloads (idx[0..k)) for metric m: p first, then Holm levels, then
 * each interval and verdict at its level. */
static int judge_family(samples *s, const compare_input *in, const int *idx, int k, int m,
                        int64_t limit, const compare_design *d, double alpha, comparison *out)
{
    if (k == 0) return 0;
    double *p = calloc((size_t)k, sizeof *p), *level = calloc((size_t)k, sizeof *level);
    if (!p || !level) {
        free(p);
        free(level);
        return -1;
    }
    double sign = m == M_PRIMARY && !d->instructions ? 1 : -1;
    int rc = 0;
    for (int j = 0; j < k && rc == 0; j++) {
        metric_comparison tmp = {.p = 1};
        rc = metric_shift(&s[idx[j]], m, limit, d->paired, sign, alpha, &tmp);
        p[j] = tmp.p;
    }
    if (rc == 0)
        procedure_holm_levels(p, (size_t)k, (size_t)(d->proc.family > 1 ? d->proc.family : 1),
                              alpha, level);
    for (int j = 0; j < k && rc == 0; j++) {
        comparison *c = &out[idx[j]];
        metric_comparison *mc = m == M_PRIMARY ? &c->primary : &c->memory[m - 1];
        rc = metric_shift(&s[idx[j]], m, limit, d->paired, sign, level[j], mc);
        int measured = mc->n_a > 0 && mc->n_b > 0;
        if (rc == 0 && (m == M_PRIMARY || measured))
            mc->verdict = metric_verdict(mc, in[idx[j]].delta,
                                         m == M_PRIMARY && (c->failed_a || c->failed_b));
        else if (rc == 0)
            mc->verdict = VERDICT_INCONCLUSIVE;
    }
    free(p);
    free(level);
    return rc;
}

/* Failed runs of each side in blocks up to limit. */
static void count_failed(const samples *s, int64_t limit, comparison *c)
{
    c->failed_a = upto(s->fail_block[0], s->nfail[0], limit);
    c->failed_b = upto(s->fail_block[1], s->nfail[1], limit);
}

int compare_rows(const compare_input *in, int m, const compare_design *d, comparison *out)
{
    samples *s = calloc((size_t)(m ? m : 1), sizeof *s);
    int *decided = calloc((size_t)(m ? m : 1), sizeof *decided);
    int *idx = malloc((size_t)(m ? m : 1) * sizeof *idx);
    int rc = s && decided && idx ? 0 : -1;
    for (int w = 0; rc == 0 && w < m; w++) {
        rc = gather(in[w].rows, in[w].n, &s[w]);
        memset(&out[w], 0, sizeof out[w]);
        snprintf(out[w].workload, sizeof out[w].workload, "%s", in[w].workload);
        out[w].paired = d->paired;
        out[w].delta = in[w].delta;
        out[w].calibrated = in[w].calibrated;
        out[w].looks = d->sequential ? d->proc.looks : 1;
    }
    int looks = d->sequential ? d->proc.looks : 1;
    for (int look = 1; rc == 0 && look <= looks; look++) {
        int64_t limit =
            d->sequential && d->paired ? procedure_blocks_at(&d->proc, look) : INT64_MAX;
        double alpha = d->sequential ? procedure_look_alpha(&d->proc, look) : d->proc.alpha;
        int k = 0;
        for (int w = 0; w < m; w++)
            if (!decided[w]) {
                count_failed(&s[w], limit, &out[w]);
                idx[k++] = w;
            }
        if (k == 0) break;
        rc = judge_family(s, in, idx, k, M_PRIMARY, limit, d, alpha, out);
        /* Decided now: a verdict, the last look, or no data beyond this look (the session
         * stopped measuring it here). */
        int nd = 0;
        for (int j = 0; rc == 0 && j < k; j++) {
            int w = idx[j];
            if (out[w].primary.verdict == VERDICT_INCONCLUSIVE && look < looks &&
                s[w].last_block > limit)
                continue;
            decided[w] = look;
            out[w].look = look;
            idx[nd++] = w;
        }
        for (int mm = M_PEAK_RSS; rc == 0 && mm < NVALUES; mm++)
            rc = judge_family(s, in, idx, nd, mm, limit, d, alpha, out);
        for (int j = 0; rc == 0 && j < nd; j++) {
            comparison *c = &out[idx[j]];
            const samples *sw = &s[idx[j]];
            c->ratio_of_medians = d->instructions ? c->primary.median_a / c->primary.median_b - 1
                                                  : c->primary.median_b / c->primary.median_a - 1;
            c->outliers_a = (int)stats_outliers(sw->a[M_PRIMARY], (size_t)c->primary.n_a, NULL);
            c->outliers_b = (int)stats_outliers(sw->b[M_PRIMARY], (size_t)c->primary.n_b, NULL);
        }
    }
    for (int w = 0; s && w < m; w++)
        samples_free(&s[w]);
    free(s);
    free(decided);
    free(idx);
    return rc;
}

double compare_delta(store *s, int64_t machine_id, const char *workload, int quick,
                     const compare_design *d, double default_delta, int *calibrated)
{
    store_calibration_key key = {.machine_id = machine_id,
                                 .workload = workload,
                                 .quick = quick,
                                 .paired = d->paired,
                                 .procedure_version = PROCEDURE_VERSION,
                                 .looks = d->sequential ? d->proc.looks : 1,
                                 .runs_per_look = d->sequential ? d->proc.runs_per_look : 0,
                                 .holm_family = d->proc.family > 1 ? d->proc.family : 1,
                                 .alpha = d->proc.alpha};
    store_calibration cal;
    *calibrated = store_calibration_find(s, &key, &cal) == 1;
    return *calibrated ? cal.delta : default_delta;
}

/* The session's metric, machine and procedure; -1 when there is no such session. */
static int session_info(store *st, int64_t session_id, store_session *ss)
{
    int found = store_session_get(st, session_id, ss);
    if (found != 1) {
        if (found == 0)
            fprintf(stderr, "hakbench: compare: no session %lld\n", (long long)session_id);
        return -1;
    }
    return 0;
}

static procedure session_procedure(const store_session *ss)
{
    return (procedure){.looks = ss->looks > 0 ? ss->looks : 1,
                       .runs_per_look = ss->runs_per_look,
                       .alpha = ss->alpha > 0 ? ss->alpha : 0.05,
                       .delta = ss->delta > 0 ? ss->delta : COMPARE_DEFAULT_DELTA,
                       .family = ss->holm_family > 1 ? ss->holm_family : 1};
}

int compare_design_of(store *st, int64_t session_a, const char *a, int64_t session_b, const char *b,
                      compare_design *d)
{
    store_session sa, sb;
    if (session_info(st, session_a, &sa) != 0 || session_info(st, session_b, &sb) != 0) return -1;
    if (strcmp(sa.metric, sb.metric) != 0) {
        fprintf(stderr,
                "hakbench: compare: sessions %lld and %lld measured different metrics (time and "
                "instructions)\n",
                (long long)session_a, (long long)session_b);
        return -1;
    }
    d->proc = session_procedure(&sb);
    d->paired = session_a == session_b;
    d->instructions = strcmp(sb.metric, "instructions") == 0;
    /* Only the session's own A and B were measured look by look; sessions before procedures
     * (version 0) looked after every block, which no fixed design replays: one look. */
    char spec_a[160], spec_b[160];
    d->sequential = d->paired && sb.procedure_version == PROCEDURE_VERSION &&
                    d->proc.runs_per_look > 0 &&
                    store_session_variant_at(st, session_b, 0, spec_a, sizeof spec_a) == 1 &&
                    store_session_variant_at(st, session_b, 1, spec_b, sizeof spec_b) == 1 &&
                    strcmp(spec_a, a) == 0 && strcmp(spec_b, b) == 0;
    return 0;
}

int compare_session(store *st, int64_t session_id, const char *a, const char *b,
                    const char *workload, double delta, comparison **out)
{
    return compare_sessions(st, session_id, session_id, a, b, workload, delta, out);
}

int compare_sessions(store *st, int64_t session_a, int64_t session_b, const char *a, const char *b,
                     const char *workload, double delta, comparison **out)
{
    *out = NULL;
    if (session_a == session_b && strcmp(a, b) == 0) {
        fprintf(stderr, "hakbench: compare: A and B are the same spec '%s'\n", a);
        return -1;
    }
    compare_design d;
    store_session sb;
    if (compare_design_of(st, session_a, a, session_b, b, &d) != 0 ||
        session_info(st, session_b, &sb) != 0)
        return -1;
    /* Calibrate's own trials are judged by the delta they measure with, never by an earlier
     * calibration's. */
    int explicit_delta = delta >= 0;
    if (!explicit_delta && strcmp(sb.kind, "calibrate") == 0) delta = d.proc.delta;
    explicit_delta = delta >= 0;
    char(*names)[64] = NULL;
    int n = store_common_workloads(st, session_a, a, session_b, b, workload, &names);
    if (n < 0) return -1;
    compare_input *in = calloc((size_t)(n ? n : 1), sizeof *in);
    comparison *res = calloc((size_t)(n ? n : 1), sizeof *res);
    int rc = in && res ? 0 : -1;
    for (int i = 0; rc == 0 && i < n; i++) {
        store_sample *rows = NULL;
        int nr =
            store_load_samples(st, session_a, a, session_b, b, names[i], d.instructions, &rows);
        in[i] = (compare_input){.workload = names[i], .rows = rows, .n = nr};
        in[i].delta = explicit_delta ? delta
                                     : compare_delta(st, sb.machine_id, names[i], sb.quick, &d,
                                                     d.proc.delta, &in[i].calibrated);
        if (nr < 0) rc = -1;
    }
    if (rc == 0) rc = compare_rows(in, n, &d, res);
    for (int i = 0; in && i < n; i++)
        free((void *)in[i].rows);
    free(in);
    free(names);
    if (rc != 0) {
        free(res);
        return -1;
    }
    *out = res;
    return n;
}
