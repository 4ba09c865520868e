/* Comparison of two variants in a session (see compare.h): reads the measured runs from the
 * runs table, pairs them by interleaving block, and applies stats.c. */
#include "analysis/compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stats.h"

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

double compare_delta(sqlite3 *db, int64_t machine_id, const char *workload, double default_delta)
{
    sqlite3_stmt *st = NULL;
    double delta = default_delta;
    if (sqlite3_prepare_v2(db,
                           "SELECT delta FROM calibrations WHERE machine_id = ? AND workload = ?"
                           " ORDER BY created_at DESC, id DESC LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return default_delta;
    sqlite3_bind_int64(st, 1, machine_id);
    sqlite3_bind_text(st, 2, workload, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_double(st, 0) > delta)
        delta = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return delta;
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

static int count_runs(sqlite3 *db, int64_t session_a, int64_t session_b, const char *workload)
{
    sqlite3_stmt *st;
    int n = -1;
    if (sqlite3_prepare_v2(db,
                           "SELECT count(*) FROM runs WHERE session_id IN (?1, ?2)"
                           " AND workload = ?3 AND purpose = 'measure'",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, session_a);
    sqlite3_bind_int64(st, 2, session_b);
    sqlite3_bind_text(st, 3, workload, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* A's runs from session_a, B's from session_b. Runs pair by block only within one session:
 * blocks of two sessions were not interleaved. */
static int load_samples(sqlite3 *db, int64_t session_a, int64_t session_b, const char *a,
                        const char *b, const char *workload, int instructions, samples *s)
{
    int n = count_runs(db, session_a, session_b, workload);
    if (n < 0 || samples_alloc(s, n) != 0) return -1;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT session_id = ?1 AND variant = ?3,"
                           " CASE WHEN ?1 = ?6 THEN block ELSE -1 - id END, status = 'ok',"
                           " CASE WHEN ?5 THEN instructions ELSE ops_per_sec END, peak_rss_kb"
                           " FROM runs WHERE workload = ?2 AND purpose = 'measure'"
                           " AND ((session_id = ?1 AND variant = ?3)"
                           " OR (session_id = ?6 AND variant = ?4)) ORDER BY block, seq",
                           -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "hakbench: compare: %s\n", sqlite3_errmsg(db));
        samples_free(s);
        return -1;
    }
    sqlite3_bind_int64(st, 1, session_a);
    sqlite3_bind_text(st, 2, workload, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, a, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, b, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 5, instructions);
    sqlite3_bind_int64(st, 6, session_b);
    /* Rows come block by block; a pair is complete when a block has an ok run of both (across
     * sessions every run is a block of its own, so nothing pairs). */
    int64_t block = INT64_MIN;
    int have_a = 0, have_b = 0;
    double block_a = 0, block_b = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int is_a = sqlite3_column_int(st, 0);
        int64_t blk = sqlite3_column_int64(st, 1);
        if (blk != block) {
            block = blk;
            have_a = have_b = 0;
        }
        if (!sqlite3_column_int(st, 2)) {
            *(is_a ? &s->failed_a : &s->failed_b) += 1;
            continue;
        }
        /* An ok run without a value (nothing to compare) is left out rather than read as 0;
         * a measured 0 (a starved run that did no work) is data and stays in. */
        if (sqlite3_column_type(st, 3) == SQLITE_NULL || !(sqlite3_column_double(st, 3) >= 0))
            continue;
        double v = sqlite3_column_double(st, 3);
        if (is_a)
            s->a[s->na++] = v;
        else
            s->b[s->nb++] = v;
        if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
            if (is_a)
                s->rss_a[s->nrss_a++] = sqlite3_column_double(st, 4);
            else
                s->rss_b[s->nrss_b++] = sqlite3_column_double(st, 4);
        }
        if (is_a && !have_a) {
            have_a = 1;
            block_a = v;
        } else if (!is_a && !have_b) {
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
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "hakbench: compare: %s\n", sqlite3_errmsg(db));
        samples_free(s);
        return -1;
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

/* The metric of a session ("time" or "instructions") and its machine; -1 when there is no
 * such session. */
static int session_info(sqlite3 *db, int64_t session_id, int64_t *machine_id, int *instructions)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT machine_id, metric = 'instructions' FROM sessions"
                           " WHERE id = ?",
                           -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "hakbench: compare: %s\n", sqlite3_errmsg(db));
        return -1;
    }
    sqlite3_bind_int64(st, 1, session_id);
    int rc = -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *machine_id = sqlite3_column_int64(st, 0);
        *instructions = sqlite3_column_int(st, 1);
        rc = 0;
    } else {
        fprintf(stderr, "hakbench: compare: no session %lld\n", (long long)session_id);
    }
    sqlite3_finalize(st);
    return rc;
}

int compare_session(sqlite3 *db, int64_t session_id, const char *a, const char *b,
                    const char *workload, double default_delta, uint64_t seed, comparison **out)
{
    return compare_sessions(db, session_id, session_id, a, b, workload, default_delta, seed, out);
}

int compare_sessions(sqlite3 *db, int64_t session_a, int64_t session_b, const char *a,
                     const char *b, const char *workload, double default_delta, uint64_t seed,
                     comparison **out)
{
    *out = NULL;
    if (session_a == session_b && strcmp(a, b) == 0) {
        fprintf(stderr, "hakbench: compare: A and B are the same spec '%s'\n", a);
        return -1;
    }
    int64_t machine_a, machine_id;
    int instructions_a, instructions;
    if (session_info(db, session_a, &machine_a, &instructions_a) != 0 ||
        session_info(db, session_b, &machine_id, &instructions) != 0)
        return -1;
    if (instructions_a != instructions) {
        fprintf(stderr,
                "hakbench: compare: sessions %lld and %lld measured different metrics (time and "
                "instructions)\n",
                (long long)session_a, (long long)session_b);
        return -1;
    }
    sqlite3_stmt *st;
    /* Workloads measured under both A and B, optionally just one. */
    if (sqlite3_prepare_v2(db,
                           "SELECT workload FROM runs WHERE session_id = ?1 AND variant = ?2"
                           " AND purpose = 'measure' AND (?4 IS NULL OR workload = ?4)"
                           " INTERSECT "
                           "SELECT workload FROM runs WHERE session_id = ?5 AND variant = ?3"
                           " AND purpose = 'measure' ORDER BY 1",
                           -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "hakbench: compare: %s\n", sqlite3_errmsg(db));
        return -1;
    }
    sqlite3_bind_int64(st, 1, session_a);
    sqlite3_bind_text(st, 2, a, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, b, -1, SQLITE_TRANSIENT);
    if (workload) sqlite3_bind_text(st, 4, workload, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, session_b);
    comparison *res = NULL;
    int n = 0, cap = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            comparison *grown = realloc(res, (size_t)cap * sizeof *grown);
            if (!grown) goto fail;
            res = grown;
        }
        comparison *c = &res[n];
        memset(c, 0, sizeof *c);
        snprintf(c->workload, sizeof c->workload, "%s", (const char *)sqlite3_column_text(st, 0));
        samples s;
        if (load_samples(db, session_a, session_b, a, b, c->workload, instructions, &s) != 0)
            goto fail;
        c->delta = compare_delta(db, machine_id, c->workload, default_delta);
        compare_samples(&s, instructions, seed ^ name_hash(c->workload), c);
        samples_free(&s);
        n++;
    }
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "hakbench: compare: %s\n", sqlite3_errmsg(db));
        goto fail;
    }
    sqlite3_finalize(st);
    *out = res;
    return n;
fail:
    sqlite3_finalize(st);
    free(res);
    return -1;
}
