/* Comparison of two variants (see compare.h): pairs the measured runs the store hands out by
 * interleaving block and applies stats.c. No SQL here: the runs come from store/runs.h. */
#include "analysis/compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stats.h"
#include "store/calibrations.h"
#include "store/runs.h"
#include "store/sessions.h"

#define COMPARE_RESAMPLES 4000
#define COMPARE_LEVEL 0.95
#define COMPARE_ALPHA 0.05
/* Pairs from which the bootstrap resamples pairs instead of each sample on its own. */
#define COMPARE_MIN_PAIRS_BOOTSTRAP 5
/* Pairs from which p comes from Wilcoxon: with 5 pairs its smallest two-sided p is 2/32 =
 * 0.0625, so it could never reach 0.05; Mann-Whitney on 5 + 5 runs can (2/252). */
#define COMPARE_MIN_PAIRS_WILCOXON 6
/* Fewer ok runs on a side give a bootstrap interval of a handful of points: no verdict. */
#define COMPARE_MIN_RUNS 3

const char *verdict_name(verdict_t v)
{
    static const char *const names[] = {"equivalent", "improvement", "regression", "inconclusive",
                                        "failed"};
    return (unsigned)v < sizeof names / sizeof names[0] ? names[v] : "unknown";
}

double compare_delta(store *s, int64_t machine_id, const char *workload, double default_delta)
{
    double delta;
    if (store_calibration_delta(s, machine_id, workload, &delta) == 1 && delta > default_delta)
        return delta;
    return default_delta;
}

/* The measured values of one workload: all ok runs of each side, and the pairs (first ok run of
 * A and of B in each block). */
typedef struct {
    double *a, *b, *pa, *pb, *rss_a, *rss_b;
    int na, nb, npairs, nrss_a, nrss_b, failed_a, failed_b;
} samples;

static void samples_free(samples *s)
{
    free(s->a);
    free(s->b);
    free(s->pa);
    free(s->pb);
    free(s->rss_a);
    free(s->rss_b);
    memset(s, 0, sizeof *s);
}

static int samples_alloc(samples *s, int n)
{
    size_t sz = (size_t)(n > 0 ? n : 1) * sizeof(double);
    memset(s, 0, sizeof *s);
    s->a = malloc(sz), s->b = malloc(sz), s->pa = malloc(sz), s->pb = malloc(sz);
    s->rss_a = malloc(sz), s->rss_b = malloc(sz);
    if (s->a && s->b && s->pa && s->pb && s->rss_a && s->rss_b) return 0;
    samples_free(s);
    return -1;
}

/* Sorts the rows (block by block, as the store returns them) into the two sides and the pairs:
 * a pair is complete when a block has an ok run of both. */
static int gather(const store_sample *rows, int n, samples *s)
{
    if (samples_alloc(s, n) != 0) return -1;
    int64_t block = INT64_MIN;
    int have_a = 0, have_b = 0;
    double block_a = 0, block_b = 0;
    for (int i = 0; i < n; i++) {
        const store_sample *r = &rows[i];
        if (r->pair_key != block) {
            block = r->pair_key;
            have_a = have_b = 0;
        }
        if (!r->ok) {
            *(r->is_a ? &s->failed_a : &s->failed_b) += 1;
            continue;
        }
        /* An ok run without a value (nothing to compare) is left out rather than read as 0;
         * a measured 0 (a starved run that did no work) is data and stays in. */
        if (!r->has_value || !(r->value >= 0)) continue;
        double v = r->value;
        if (r->is_a)
            s->a[s->na++] = v;
        else
            s->b[s->nb++] = v;
        if (r->has_rss) {
            if (r->is_a)
                s->rss_a[s->nrss_a++] = r->rss_kb;
            else
                s->rss_b[s->nrss_b++] = r->rss_kb;
        }
        if (r->is_a && !have_a) {
            have_a = 1;
            block_a = v;
        } else if (!r->is_a && !have_b) {
            have_b = 1;
            block_b = v;
        } else {
            continue;
        }
        if (have_a && have_b) {
            s->pa[s->npairs] = block_a;
            s->pb[s->npairs++] = block_b;
        }
    }
    return 0;
}

verdict_t compare_decide(const comparison *c)
{
    if (c->failed_a || c->failed_b) return VERDICT_FAILED;
    if (c->n_a < COMPARE_MIN_RUNS || c->n_b < COMPARE_MIN_RUNS || isnan(c->ci_lo) ||
        isnan(c->ci_hi))
        return VERDICT_INCONCLUSIVE;
    if (c->ci_hi < -c->delta && c->p < COMPARE_ALPHA) return VERDICT_REGRESSION;
    if (c->ci_lo > c->delta && c->p < COMPARE_ALPHA) return VERDICT_IMPROVEMENT;
    if (-c->delta <= c->ci_lo && c->ci_hi <= c->delta) return VERDICT_EQUIVALENT;
    return VERDICT_INCONCLUSIVE;
}

/* FNV-1a: gives each workload its own bootstrap stream, whatever else is being compared. */
static uint64_t name_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h;
}

static void compare_samples(const samples *s, int instructions, uint64_t seed, comparison *c)
{
    c->n_a = s->na;
    c->n_b = s->nb;
    c->failed_a = s->failed_a;
    c->failed_b = s->failed_b;
    c->pairs = s->npairs;
    c->median_a = s->na ? stats_median(s->a, (size_t)s->na) : NAN;
    c->median_b = s->nb ? stats_median(s->b, (size_t)s->nb) : NAN;
    c->rss_a_kb = s->nrss_a ? stats_median(s->rss_a, (size_t)s->nrss_a) : NAN;
    c->rss_b_kb = s->nrss_b ? stats_median(s->rss_b, (size_t)s->nrss_b) : NAN;
    c->outliers_a = (int)stats_outliers(s->a, (size_t)s->na, NULL);
    c->outliers_b = (int)stats_outliers(s->b, (size_t)s->nb, NULL);
    /* "Better for B" is the numerator: ops/s of B, or instructions of A. */
    const double *num = instructions ? s->a : s->b, *den = instructions ? s->b : s->a;
    const double *pnum = instructions ? s->pa : s->pb, *pden = instructions ? s->pb : s->pa;
    int nnum = instructions ? s->na : s->nb, nden = instructions ? s->nb : s->na;
    c->ratio_of_medians =
        instructions ? c->median_a / c->median_b - 1 : c->median_b / c->median_a - 1;
    double lo = NAN, hi = NAN;
    if (s->npairs >= COMPARE_MIN_PAIRS_BOOTSTRAP) {
        /* The two runs of a block share the machine's drift (load, frequency, other tenants),
         * which moves both medians alike but not their ratio: the change is the median of the
         * per-block ratios. On larson this narrowed A/A intervals from about +-3.5% to 1-2%
         * (calibrate, 20 sessions re-analysed). */
        c->change = stats_median_pair_ratio(pden, pnum, (size_t)s->npairs) - 1;
        stats_bootstrap_pair_ratio_ci(pden, pnum, (size_t)s->npairs, COMPARE_RESAMPLES,
                                      COMPARE_LEVEL, seed, &lo, &hi);
    } else {
        c->change = c->ratio_of_medians;
        if (nnum > 0 && nden > 0)
            stats_bootstrap_ratio_ci(den, (size_t)nden, num, (size_t)nnum, 0, COMPARE_RESAMPLES,
                                     COMPARE_LEVEL, seed, &lo, &hi);
    }
    c->ci_lo = lo - 1;
    c->ci_hi = hi - 1;
    if (s->npairs >= COMPARE_MIN_PAIRS_WILCOXON) {
        /* On log values, so that a block's weight does not depend on the machine's level. */
        double *la = malloc((size_t)s->npairs * sizeof *la),
               *lb = malloc((size_t)s->npairs * sizeof *lb);
        if (la && lb) {
            for (int i = 0; i < s->npairs; i++) {
                la[i] = log(s->pa[i] > 0 ? s->pa[i] : 1e-300);
                lb[i] = log(s->pb[i] > 0 ? s->pb[i] : 1e-300);
            }
            c->p = stats_wilcoxon_signed_rank_p(la, lb, (size_t)s->npairs);
        } else {
            c->p = NAN;
        }
        free(la);
        free(lb);
    } else {
        c->p = stats_mann_whitney_p(s->a, (size_t)s->na, s->b, (size_t)s->nb);
    }
    c->verdict = compare_decide(c);
}

/* The metric of a session and its machine; -1 when there is no such session. */
static int session_info(store *st, int64_t session_id, int64_t *machine_id, int *instructions)
{
    store_session ss;
    int found = store_session_get(st, session_id, &ss);
    if (found != 1) {
        if (found == 0)
            fprintf(stderr, "hakbench: compare: no session %lld\n", (long long)session_id);
        return -1;
    }
    *machine_id = ss.machine_id;
    *instructions = strcmp(ss.metric, "instructions") == 0;
    return 0;
}

int compare_rows(const store_sample *rows, int n, int instructions, double delta, uint64_t seed,
                 comparison *c)
{
    samples s;
    if (gather(rows, n, &s) != 0) return -1;
    c->delta = delta;
    compare_samples(&s, instructions, seed, c);
    samples_free(&s);
    return 0;
}

int compare_workload(store *st, int64_t session_a, const char *a, int64_t session_b, const char *b,
                     const char *workload, int instructions, double delta, uint64_t seed,
                     comparison *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->workload, sizeof c->workload, "%s", workload);
    store_sample *rows = NULL;
    int n = store_load_samples(st, session_a, a, session_b, b, workload, instructions, &rows);
    int rc = n < 0 ? -1 : compare_rows(rows, n, instructions, delta, seed ^ name_hash(workload), c);
    free(rows);
    return rc;
}

int compare_session(store *st, int64_t session_id, const char *a, const char *b,
                    const char *workload, double default_delta, uint64_t seed, comparison **out)
{
    return compare_sessions(st, session_id, session_id, a, b, workload, default_delta, seed, out);
}

int compare_sessions(store *st, int64_t session_a, int64_t session_b, const char *a, const char *b,
                     const char *workload, double default_delta, uint64_t seed, comparison **out)
{
    *out = NULL;
    if (session_a == session_b && strcmp(a, b) == 0) {
        fprintf(stderr, "hakbench: compare: A and B are the same spec '%s'\n", a);
        return -1;
    }
    int64_t machine_a, machine_id;
    int instructions_a, instructions;
    if (session_info(st, session_a, &machine_a, &instructions_a) != 0 ||
        session_info(st, session_b, &machine_id, &instructions) != 0)
        return -1;
    if (instructions_a != instructions) {
        fprintf(stderr,
                "hakbench: compare: sessions %lld and %lld measured different metrics (time and "
                "instructions)\n",
                (long long)session_a, (long long)session_b);
        return -1;
    }
    /* Workloads measured under both A and B, optionally just one. */
    char(*names)[64] = NULL;
    int n = store_common_workloads(st, session_a, a, session_b, b, workload, &names);
    comparison *res = n > 0 ? calloc((size_t)n, sizeof *res) : NULL;
    if (n < 0 || (n > 0 && !res)) {
        free(names);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        double delta = compare_delta(st, machine_id, names[i], default_delta);
        if (compare_workload(st, session_a, a, session_b, b, names[i], instructions, delta, seed,
                             &res[i]) != 0) {
            free(names);
            free(res);
            return -1;
        }
    }
    free(names);
    *out = res;
    return n;
}
