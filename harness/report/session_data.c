/* Gathers one session's report from the database (see report.h). Every query orders its rows, so
 * two loads of the same session give the same report_data. */
#include "report/report.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "analysis/stats.h"
#include "util/subprocess.h"

static void copy_text(char *dst, size_t len, const unsigned char *src)
{
    snprintf(dst, len, "%s", src ? (const char *)src : "");
}

#define COL_TEXT(st, i, dst) copy_text((dst), sizeof(dst), sqlite3_column_text((st), (i)))

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

static report_cell *cell(report_data *r, int w, int v)
{
    return &r->cells[w * r->nvariants + v];
}

static int push_double(double **arr, int *n, double x)
{
    double *p = realloc(*arr, sizeof *p * (size_t)(*n + 1));
    if (!p) return -1;
    p[(*n)++] = x;
    *arr = p;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Distribution-free interval of the median from order statistics: the widest k with
 * P(Binomial(n, 1/2) < k) <= 2.5% gives [x_(k), x_(n+1-k)]. Below 6 runs no k qualifies, and
 * the range of the runs is the honest interval. */
static void median_interval(const double *x, int n, double *lo, double *hi)
{
    double *s = malloc(sizeof *s * (size_t)n);
    if (!s) {
        *lo = *hi = NAN;
        return;
    }
    memcpy(s, x, sizeof *s * (size_t)n);
    qsort(s, (size_t)n, sizeof *s, cmp_double);
    int k = 0;
    double cdf = 0, term = pow(0.5, n); /* P(X = 0) */
    for (int j = 0; j < n; j++) {
        cdf += term;
        if (cdf > 0.025) break;
        k = j + 1;
        term = term * (n - j) / (j + 1);
    }
    if (k < 1) k = 1;
    *lo = s[k - 1];
    *hi = s[n - k];
    free(s);
}

static void git_subject(const char *revision, char *out, size_t len)
{
    out[0] = '\0';
    if (strlen(revision) < 7) return;
    for (const char *p = revision; *p; p++)
        if (!isxdigit((unsigned char)*p)) return;
    char arg[64];
    snprintf(arg, sizeof arg, "%s^{commit}", revision);
    char *argv[] = {"git", "log", "-1", "--format=%s", arg, "--", NULL};
    if (subprocess_line(argv, NULL, out, len) != 0) out[0] = '\0';
}

static int load_session(sqlite3 *db, report_data *r, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(
        db, "SELECT s.uuid, s.kind, s.started_at, COALESCE(s.finished_at, ''), s.command, s.seed,"
            " s.quick, s.metric, s.note, m.fingerprint, m.cpu_model, m.cores, m.kernel,"
            " m.governor, m.thp, m.glibc, m.compiler, m.hostname"
            " FROM sessions s JOIN machines m ON m.id = s.machine_id WHERE s.id = ?");
    sqlite3_bind_int64(st, 1, r->session_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        COL_TEXT(st, 0, r->uuid);
        COL_TEXT(st, 1, r->kind);
        COL_TEXT(st, 2, r->started_at);
        COL_TEXT(st, 3, r->finished_at);
        COL_TEXT(st, 4, r->command);
        r->seed = (uint64_t)sqlite3_column_int64(st, 5);
        r->quick = sqlite3_column_int(st, 6);
        COL_TEXT(st, 7, r->metric);
        COL_TEXT(st, 8, r->note);
        COL_TEXT(st, 9, r->fingerprint);
        COL_TEXT(st, 10, r->cpu_model);
        r->cores = sqlite3_column_int(st, 11);
        COL_TEXT(st, 12, r->kernel);
        COL_TEXT(st, 13, r->governor);
        COL_TEXT(st, 14, r->thp);
        COL_TEXT(st, 15, r->glibc);
        COL_TEXT(st, 16, r->compiler);
        COL_TEXT(st, 17, r->hostname);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) {
        snprintf(err, errlen,
                 "session %lld does not exist in this database (list them with: sqlite3 DB "
                 "'SELECT id, started_at, command FROM sessions')",
                 (long long)r->session_id);
        return -1;
    }
    return 0;
}

static int load_variants(sqlite3 *db, report_data *r)
{
    sqlite3_stmt *st = db_prepare(
        db, "SELECT sv.spec, COALESCE(b.variant, ''), COALESCE(b.kind, ''),"
            " COALESCE(b.revision, ''), COALESCE(b.dirty, 0), COALESCE(b.flags, ''),"
            " COALESCE(b.library_hash, ''), COALESCE(b.status, ''), COALESCE(b.log_tail, '')"
            " FROM session_variants sv LEFT JOIN builds b ON b.id = sv.build_id"
            " WHERE sv.session_id = ? ORDER BY sv.position");
    sqlite3_bind_int64(st, 1, r->session_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        report_variant *p = realloc(r->variants, sizeof *p * (size_t)(r->nvariants + 1));
        if (!p) break;
        r->variants = p;
        report_variant *v = &p[r->nvariants++];
        memset(v, 0, sizeof *v);
        COL_TEXT(st, 0, v->spec);
        COL_TEXT(st, 1, v->name);
        COL_TEXT(st, 2, v->kind);
        COL_TEXT(st, 3, v->revision);
        v->dirty = sqlite3_column_int(st, 4);
        COL_TEXT(st, 5, v->flags);
        COL_TEXT(st, 6, v->library_hash);
        COL_TEXT(st, 7, v->build_status);
        COL_TEXT(st, 8, v->log_tail);
        git_subject(v->revision, v->subject, sizeof v->subject);
    }
    sqlite3_finalize(st);
    return 0;
}

static int load_workloads(sqlite3 *db, report_data *r)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT workload FROM runs WHERE session_id = ?"
                                      " GROUP BY workload ORDER BY MIN(seq)");
    sqlite3_bind_int64(st, 1, r->session_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        char **p = realloc(r->workloads, sizeof *p * (size_t)(r->nworkloads + 1));
        if (!p) break;
        r->workloads = p;
        p[r->nworkloads++] = strdup((const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return 0;
}

static void load_samples(sqlite3 *db, int64_t run_id, int *n, int **t_ms, long **kb)
{
    sqlite3_stmt *st =
        db_prepare(db, "SELECT t_ms, rss_kb FROM rss_samples WHERE run_id = ? ORDER BY t_ms");
    sqlite3_bind_int64(st, 1, run_id);
    *n = 0;
    *t_ms = NULL;
    *kb = NULL;
    int cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            int *t = realloc(*t_ms, sizeof *t * (size_t)cap);
            long *k = realloc(*kb, sizeof *k * (size_t)cap);
            if (t) *t_ms = t;
            if (k) *kb = k;
            if (!t || !k) break;
        }
        (*t_ms)[*n] = sqlite3_column_int(st, 0);
        (*kb)[*n] = (long)sqlite3_column_int64(st, 1);
        (*n)++;
    }
    sqlite3_finalize(st);
}

static void load_cells(sqlite3 *db, report_data *r)
{
    r->cells = calloc((size_t)(r->nworkloads * r->nvariants) + 1, sizeof *r->cells);
    double **rss = calloc((size_t)(r->nworkloads * r->nvariants) + 1, sizeof *rss);
    int *nrss = calloc((size_t)(r->nworkloads * r->nvariants) + 1, sizeof *nrss);
    int64_t *rss_run = calloc((size_t)(r->nworkloads * r->nvariants) + 1, sizeof *rss_run);
    if (!r->cells || !rss || !nrss || !rss_run) goto out;
    for (int i = 0; i < r->nworkloads * r->nvariants; i++) {
        r->cells[i].rss_seq = -1;
        r->cells[i].after_free_kb = NAN;
    }

    sqlite3_stmt *st =
        db_prepare(db, "SELECT variant, workload, status, ops_per_sec, peak_rss_kb, id, seq, args"
                       " FROM runs WHERE session_id = ? AND purpose = 'measure' ORDER BY seq");
    sqlite3_bind_int64(st, 1, r->session_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int v = find_variant(r, (const char *)sqlite3_column_text(st, 0));
        int w = find_workload(r, (const char *)sqlite3_column_text(st, 1));
        if (v < 0 || w < 0) continue;
        report_cell *c = cell(r, w, v);
        int i = w * r->nvariants + v;
        c->n_measure++;
        if (c->args[0] == '\0') COL_TEXT(st, 7, c->args);
        if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
            double kb = sqlite3_column_double(st, 4);
            push_double(&rss[i], &nrss[i], kb);
            if (c->rss_seq < 0 || kb > c->rss_max_kb) {
                c->rss_max_kb = kb;
                c->rss_seq = sqlite3_column_int(st, 6);
                rss_run[i] = sqlite3_column_int64(st, 5);
            }
        }
        if (strcmp((const char *)sqlite3_column_text(st, 2), "ok") == 0 &&
            sqlite3_column_type(st, 3) != SQLITE_NULL) {
            push_double(&c->ops, &c->n_ok, sqlite3_column_double(st, 3));
        }
    }
    sqlite3_finalize(st);

    for (int i = 0; i < r->nworkloads * r->nvariants; i++) {
        report_cell *c = &r->cells[i];
        c->median = c->lo = c->hi = NAN;
        if (c->n_ok > 0) {
            c->median = stats_median(c->ops, (size_t)c->n_ok);
            median_interval(c->ops, c->n_ok, &c->lo, &c->hi);
        }
        c->rss_median_kb = nrss[i] > 0 ? stats_median(rss[i], (size_t)nrss[i]) : NAN;
        if (nrss[i] == 0) c->rss_max_kb = NAN;
        if (c->rss_seq >= 0) load_samples(db, rss_run[i], &c->rss_n, &c->rss_t_ms, &c->rss_kb);
        free(rss[i]);
        rss[i] = NULL;
        nrss[i] = 0;
    }

    st = db_prepare(db, "SELECT r.variant, r.workload, m.value FROM run_metrics m"
                        " JOIN runs r ON r.id = m.run_id WHERE r.session_id = ?"
                        " AND r.purpose = 'measure' AND r.status = 'ok' AND m.source = 'result'"
                        " AND m.name = 'rss_after_free_kb' ORDER BY r.seq");
    sqlite3_bind_int64(st, 1, r->session_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int v = find_variant(r, (const char *)sqlite3_column_text(st, 0));
        int w = find_workload(r, (const char *)sqlite3_column_text(st, 1));
        if (v < 0 || w < 0) continue;
        int i = w * r->nvariants + v;
        push_double(&rss[i], &nrss[i], sqlite3_column_double(st, 2));
    }
    sqlite3_finalize(st);
    for (int i = 0; i < r->nworkloads * r->nvariants; i++) {
        if (nrss[i] > 0) r->cells[i].after_free_kb = stats_median(rss[i], (size_t)nrss[i]);
        free(rss[i]);
    }
out:
    free(rss);
    free(nrss);
    free(rss_run);
}

/* Events that happen per allocation or free are divided by the operation count, so runs of
 * different lengths compare; structural counts (slabs, SuperSlabs, mappings, bytes) are not:
 * "36 SuperSlabs mapped" reads better than "1.1e-05 per op". */
static int is_per_op_counter(const char *name)
{
    static const char *const structural[] = {
        "slabs_adopted",       "slabs_created",    "slabs_returned", "superslabs_mapped",
        "superslabs_returned", "mmap_calls",       "munmap_calls",   "madvise_calls",
        "bytes_mapped",        "peak_bytes_mapped"};
    for (size_t i = 0; i < sizeof structural / sizeof structural[0]; i++)
        if (strcmp(name, structural[i]) == 0) return 0;
    return 1;
}

static int cmp_counter(const void *x, const void *y)
{
    const report_counter *a = x, *b = y;
    /* Counters present on both sides first: "refills x40" is evidence, while a counter that
     * exists only in B (the fast path's own hits) mostly says which path B takes. */
    int ia = isinf(a->score), ib = isinf(b->score);
    if (ia != ib) return ia ? 1 : -1;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    return strcmp(a->name, b->name);
}

typedef struct {
    char name[64];
    double a, b;
    int has_a, has_b;
} counter_pair;

/* Pairs the (name, value-per-op) rows of A and B into report_counters sorted by change. */
static int finish_counters(counter_pair *pairs, int n, int per_op_all, report_counter **out)
{
    *out = calloc((size_t)n + 1, sizeof **out);
    if (!*out) return 0;
    int k = 0;
    for (int i = 0; i < n; i++) {
        counter_pair *p = &pairs[i];
        if (!p->has_a || !p->has_b || (p->a == 0 && p->b == 0)) continue;
        report_counter *c = &(*out)[k++];
        snprintf(c->name, sizeof c->name, "%s", p->name);
        c->a = p->a;
        c->b = p->b;
        c->per_op = per_op_all && is_per_op_counter(p->name);
        c->score = (p->a <= 0 || p->b <= 0) ? HUGE_VAL : fabs(log(p->b / p->a));
    }
    qsort(*out, (size_t)k, sizeof **out, cmp_counter);
    return k;
}

static counter_pair *pair_slot(counter_pair **pairs, int *n, const char *name)
{
    for (int i = 0; i < *n; i++)
        if (strcmp((*pairs)[i].name, name) == 0) return &(*pairs)[i];
    counter_pair *p = realloc(*pairs, sizeof *p * (size_t)(*n + 1));
    if (!p) return NULL;
    *pairs = p;
    memset(&p[*n], 0, sizeof p[*n]);
    snprintf(p[*n].name, sizeof p[*n].name, "%s", name);
    return &p[(*n)++];
}

/* Allocator counters of the last counters run of A and of B per workload, per operation. */
static void load_counters(sqlite3 *db, report_data *r)
{
    r->counters = calloc((size_t)r->nworkloads + 1, sizeof *r->counters);
    r->ncounters = calloc((size_t)r->nworkloads + 1, sizeof *r->ncounters);
    if (!r->counters || !r->ncounters) return;
    sqlite3_stmt *st =
        db_prepare(db, "SELECT c.name, c.value, COALESCE(r.ops, 0), r.variant FROM counters c"
                       " JOIN runs r ON r.id = c.run_id"
                       " WHERE r.session_id = ? AND r.workload = ? AND r.purpose = 'counters'"
                       " AND r.variant IN (?, ?) AND r.seq = (SELECT MAX(seq) FROM runs x"
                       "  WHERE x.session_id = r.session_id AND x.workload = r.workload"
                       "  AND x.variant = r.variant AND x.purpose = 'counters')"
                       " ORDER BY c.name");
    for (int w = 0; w < r->nworkloads; w++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, r->session_id);
        sqlite3_bind_text(st, 2, r->workloads[w], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, r->variants[r->a].spec, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, r->variants[r->b].spec, -1, SQLITE_STATIC);
        /* Per operation only when both counters runs report their operation count. */
        int per_op = 1, nrows = 0;
        struct {
            char name[64];
            double value, ops;
            int is_b;
        } rows[128];
        while (nrows < 128 && sqlite3_step(st) == SQLITE_ROW) {
            COL_TEXT(st, 0, rows[nrows].name);
            rows[nrows].value = sqlite3_column_double(st, 1);
            rows[nrows].ops = sqlite3_column_double(st, 2);
            rows[nrows].is_b =
                strcmp((const char *)sqlite3_column_text(st, 3), r->variants[r->b].spec) == 0;
            if (rows[nrows].ops <= 0) per_op = 0;
            nrows++;
        }
        counter_pair *pairs = NULL;
        int n = 0;
        for (int i = 0; i < nrows; i++) {
            counter_pair *p = pair_slot(&pairs, &n, rows[i].name);
            if (!p) break;
            double x = (per_op && is_per_op_counter(rows[i].name)) ? rows[i].value / rows[i].ops
                                                                   : rows[i].value;
            if (rows[i].is_b) {
                p->b = x;
                p->has_b = 1;
            } else {
                p->a = x;
                p->has_a = 1;
            }
        }
        r->ncounters[w] = finish_counters(pairs, n, per_op, &r->counters[w]);
        free(pairs);
    }
    sqlite3_finalize(st);
}

/* perf stat events of the ok measured runs: median per operation of A and of B. */
static void load_perf(sqlite3 *db, report_data *r)
{
    r->perf = calloc((size_t)r->nworkloads + 1, sizeof *r->perf);
    r->nperf = calloc((size_t)r->nworkloads + 1, sizeof *r->nperf);
    if (!r->perf || !r->nperf) return;
    sqlite3_stmt *st =
        db_prepare(db, "SELECT m.name, r.variant, m.value / r.ops FROM run_metrics m"
                       " JOIN runs r ON r.id = m.run_id WHERE r.session_id = ? AND r.workload = ?"
                       " AND r.purpose = 'measure' AND r.status = 'ok' AND m.source = 'perf'"
                       " AND r.ops > 0 AND r.variant IN (?, ?) ORDER BY m.name, r.variant, r.seq");
    for (int w = 0; w < r->nworkloads; w++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, r->session_id);
        sqlite3_bind_text(st, 2, r->workloads[w], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, r->variants[r->a].spec, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, r->variants[r->b].spec, -1, SQLITE_STATIC);
        counter_pair *pairs = NULL;
        int n = 0;
        double *xa = NULL, *xb = NULL;
        int na = 0, nb = 0;
        char current[64] = "";
        int more = 1;
        while (more) {
            more = sqlite3_step(st) == SQLITE_ROW;
            const char *name = more ? (const char *)sqlite3_column_text(st, 0) : "";
            if (current[0] && (!more || strcmp(name, current) != 0)) {
                counter_pair *p = pair_slot(&pairs, &n, current);
                if (p && na > 0 && nb > 0) {
                    p->a = stats_median(xa, (size_t)na);
                    p->b = stats_median(xb, (size_t)nb);
                    p->has_a = p->has_b = 1;
                }
                na = nb = 0;
            }
            if (!more) break;
            snprintf(current, sizeof current, "%s", name);
            if (strcmp((const char *)sqlite3_column_text(st, 1), r->variants[r->b].spec) == 0)
                push_double(&xb, &nb, sqlite3_column_double(st, 2));
            else
                push_double(&xa, &na, sqlite3_column_double(st, 2));
        }
        free(xa);
        free(xb);
        r->nperf[w] = finish_counters(pairs, n, 1, &r->perf[w]);
        free(pairs);
    }
    sqlite3_finalize(st);
}

/* Groups failed runs by (variant, workload, status), keeping the first as the example. */
static void load_failures(sqlite3 *db, report_data *r)
{
    sqlite3_stmt *st =
        db_prepare(db, "SELECT f.variant, f.workload, f.status, COUNT(*), MIN(f.seq),"
                       " (SELECT COUNT(*) FROM runs t WHERE t.session_id = f.session_id"
                       "   AND t.variant = f.variant AND t.workload = f.workload)"
                       " FROM runs f WHERE f.session_id = ? AND f.status <> 'ok'"
                       " GROUP BY f.variant, f.workload, f.status ORDER BY MIN(f.seq)");
    sqlite3_stmt *ex =
        db_prepare(db, "SELECT id, COALESCE(signal, -1), COALESCE(exit_code, -1), peak_rss_kb,"
                       " stderr_tail, args FROM runs WHERE session_id = ? AND seq = ?");
    sqlite3_bind_int64(st, 1, r->session_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        report_failure *p = realloc(r->failures, sizeof *p * (size_t)(r->nfailures + 1));
        if (!p) break;
        r->failures = p;
        report_failure *f = &p[r->nfailures++];
        memset(f, 0, sizeof *f);
        COL_TEXT(st, 0, f->variant);
        COL_TEXT(st, 1, f->workload);
        COL_TEXT(st, 2, f->status);
        f->count = sqlite3_column_int(st, 3);
        f->seq = sqlite3_column_int(st, 4);
        f->of = sqlite3_column_int(st, 5);
        if (f->of < f->count) f->of = f->count;
        f->peak_rss_kb = NAN;
        sqlite3_reset(ex);
        sqlite3_bind_int64(ex, 1, r->session_id);
        sqlite3_bind_int(ex, 2, f->seq);
        if (sqlite3_step(ex) == SQLITE_ROW) {
            f->signal = sqlite3_column_int(ex, 1);
            f->exit_code = sqlite3_column_int(ex, 2);
            if (sqlite3_column_type(ex, 3) != SQLITE_NULL)
                f->peak_rss_kb = sqlite3_column_double(ex, 3);
            COL_TEXT(ex, 4, f->stderr_tail);
            COL_TEXT(ex, 5, f->args);
            int *t = NULL;
            long *kb = NULL;
            load_samples(db, sqlite3_column_int64(ex, 0), &f->rss_n, &t, &kb);
            int first = -1, peak = -1;
            for (int i = 0; i < f->rss_n; i++) {
                if (kb[i] > 0 && first < 0) first = i;
                if (peak < 0 || kb[i] > kb[peak]) peak = i;
            }
            if (first < 0) {
                f->rss_n = 0; /* every sample read 0: nothing to say about growth */
            } else {
                f->rss_first_kb = (double)kb[first];
                f->rss_first_s = t[first] / 1000.0;
                f->rss_peak_kb = (double)kb[peak];
                f->rss_peak_s = t[peak] / 1000.0;
            }
            free(t);
            free(kb);
        }
    }
    sqlite3_finalize(ex);
    sqlite3_finalize(st);
}

static void load_run_counts(sqlite3 *db, report_data *r)
{
    sqlite3_stmt *st =
        db_prepare(db, "SELECT purpose, COUNT(*) FROM runs WHERE session_id = ? GROUP BY purpose");
    sqlite3_bind_int64(st, 1, r->session_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *p = (const char *)sqlite3_column_text(st, 0);
        int n = sqlite3_column_int(st, 1);
        if (strcmp(p, "measure") == 0) r->runs_measure = n;
        if (strcmp(p, "warmup") == 0) r->runs_warmup = n;
        if (strcmp(p, "counters") == 0) r->runs_counters = n;
    }
    sqlite3_finalize(st);
}

static int load_comparisons(sqlite3 *db, report_data *r, char *err, size_t errlen)
{
    r->cmp = calloc((size_t)r->nworkloads + 1, sizeof *r->cmp);
    r->has_cmp = calloc((size_t)r->nworkloads + 1, sizeof *r->has_cmp);
    if (!r->cmp || !r->has_cmp) return -1;
    comparison *c = NULL;
    int n = compare_session(db, r->session_id, r->variants[r->a].spec, r->variants[r->b].spec, NULL,
                            REPORT_DEFAULT_DELTA, r->seed, &c);
    if (n < 0) {
        snprintf(err, errlen, "comparing %s with %s in session %lld failed", r->variants[r->a].spec,
                 r->variants[r->b].spec, (long long)r->session_id);
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

int report_load(sqlite3 *db, int64_t session_id, const char *a, const char *b, report_data *r,
                char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->session_id = session_id;
    if (load_session(db, r, err, errlen) != 0) return -1;
    load_variants(db, r);
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
    load_workloads(db, r);
    load_cells(db, r);
    if (load_comparisons(db, r, err, errlen) != 0) return -1;
    load_counters(db, r);
    load_perf(db, r);
    load_failures(db, r);
    load_run_counts(db, r);
    return 0;
}

void report_free(report_data *r)
{
    for (int i = 0; r->cells && i < r->nworkloads * r->nvariants; i++) {
        free(r->cells[i].ops);
        free(r->cells[i].rss_t_ms);
        free(r->cells[i].rss_kb);
    }
    for (int w = 0; w < r->nworkloads; w++) {
        if (r->counters) free(r->counters[w]);
        if (r->perf) free(r->perf[w]);
        free(r->workloads[w]);
    }
    free(r->cells);
    free(r->counters);
    free(r->ncounters);
    free(r->perf);
    free(r->nperf);
    free(r->workloads);
    free(r->variants);
    free(r->cmp);
    free(r->has_cmp);
    free(r->failures);
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
        if (r->has_cmp[w]) seen[r->cmp[w].verdict]++;
    if (failed || seen[VERDICT_FAILED]) return REPORT_FAILED;
    if (seen[VERDICT_REGRESSION]) return REPORT_REGRESSION;
    if (seen[VERDICT_INCONCLUSIVE]) return REPORT_INCONCLUSIVE;
    if (seen[VERDICT_IMPROVEMENT]) return REPORT_IMPROVEMENT;
    return REPORT_EQUIVALENT;
}

const char *report_verdict_title(report_verdict v)
{
    static const char *const titles[] = {"equivalent", "improvement", "inconclusive", "regression",
                                         "failures"};
    return titles[v];
}
