/* Writing runs and reading them raw (see runs.h). */
#include "store/runs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/clock.h"

static void bind_real_or_null(sql_stmt *st, int i, int have, double v)
{
    if (have)
        sql_bind_double(st, i, v);
    else
        sql_bind_null(st, i);
}

static int insert_run_row(store *s, const store_run *r, int64_t *run_id)
{
    char now[32];
    clock_utc_iso(now, sizeof now);
    sql_stmt *st = sql_prepare_cached(
        s->sql, "INSERT INTO runs (session_id, seq, build_id, variant, workload, args, purpose, "
                "block, status, signal, exit_code, ops, seconds, ops_per_sec, instructions, "
                "wall_s, user_s, sys_s, peak_rss_kb, minor_faults, major_faults, vol_ctxsw, "
                "invol_ctxsw, cpu, result_line, stderr_tail, started_at) VALUES (?1, ?2, ?3, ?4, "
                "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, "
                "?22, ?23, ?24, ?25, ?26, ?27) RETURNING id");
    sql_bind_int64(st, 1, r->session_id);
    sql_bind_int64(st, 2, r->seq);
    if (r->build_id > 0) sql_bind_int64(st, 3, r->build_id);
    sql_bind_text(st, 4, r->variant);
    sql_bind_text(st, 5, r->workload);
    sql_bind_text(st, 6, r->args);
    sql_bind_text(st, 7, r->purpose);
    sql_bind_int64(st, 8, r->block);
    sql_bind_text(st, 9, r->status);
    if (r->signal) sql_bind_int64(st, 10, r->signal);
    if (r->exit_code >= 0) sql_bind_int64(st, 11, r->exit_code);
    bind_real_or_null(st, 12, r->have_result, r->ops);
    bind_real_or_null(st, 13, r->have_result, r->seconds);
    bind_real_or_null(st, 14, r->have_result, r->ops_per_sec);
    if (r->instructions > 0) sql_bind_int64(st, 15, r->instructions);
    bind_real_or_null(st, 16, r->ran, r->wall_s);
    bind_real_or_null(st, 17, r->ran, r->user_s);
    bind_real_or_null(st, 18, r->ran, r->sys_s);
    if (r->ran) {
        sql_bind_int64(st, 19, r->peak_rss_kb);
        sql_bind_int64(st, 20, r->minor_faults);
        sql_bind_int64(st, 21, r->major_faults);
        sql_bind_int64(st, 22, r->vol_ctxsw);
        sql_bind_int64(st, 23, r->invol_ctxsw);
    }
    if (r->cpu >= 0) sql_bind_int64(st, 24, r->cpu);
    sql_bind_text(st, 25, r->result_line ? r->result_line : "");
    sql_bind_text(st, 26, r->stderr_tail ? r->stderr_tail : "");
    sql_bind_text(st, 27, now);
    *run_id = sql_run_returning_id(st, "storing a run");
    return *run_id > 0 ? 0 : -1;
}

/* A run's metrics, counters and RSS samples go in statements of up to ROWS_PER_INSERT rows: a
 * long run has thousands of samples, and a statement per row would make the server's share of
 * storing a run grow with them. Rows that repeat a key are dropped first (the last metric or
 * counter of a name, the first sample of a millisecond stay), so no statement meets a
 * conflict. */
#define ROWS_PER_INSERT 200

/* Binds row `row` of what insert_rows stores from parameter `param` on. */
typedef void (*row_binder)(sql_stmt *st, int param, const store_run *r, int row);

/* Stores the rows `rows[0..n)` of r as table_cols (the run's id first, then width columns a
 * row), binder binding each. 0 or -1. */
static int insert_rows(store *s, const char *table_cols, int width, const store_run *r,
                       const int *rows, int n, row_binder binder, int64_t run_id)
{
    for (int first = 0; first < n; first += ROWS_PER_INSERT) {
        int count = n - first < ROWS_PER_INSERT ? n - first : ROWS_PER_INSERT;
        char sql[128 + ROWS_PER_INSERT * 32];
        size_t used = (size_t)snprintf(sql, sizeof sql, "INSERT INTO %s VALUES ", table_cols);
        for (int i = 0; i < count; i++) {
            used += (size_t)snprintf(sql + used, sizeof sql - used, "%s(?1", i ? ", " : "");
            for (int k = 0; k < width; k++)
                used += (size_t)snprintf(sql + used, sizeof sql - used, ", ?%d", 2 + i * width + k);
            used += (size_t)snprintf(sql + used, sizeof sql - used, ")");
        }
        sql_stmt *st = sql_prepare_cached(s->sql, sql);
        sql_bind_int64(st, 1, run_id);
        for (int i = 0; i < count; i++)
            binder(st, 2 + i * width, r, rows[first + i]);
        if (sql_run(st, "storing a run") != 0) return -1;
    }
    return 0;
}

static void bind_metric(sql_stmt *st, int param, const store_run *r, int row)
{
    sql_bind_text(st, param, r->metrics[row].source);
    sql_bind_text(st, param + 1, r->metrics[row].name);
    sql_bind_double(st, param + 2, r->metrics[row].value);
}

static void bind_counter(sql_stmt *st, int param, const store_run *r, int row)
{
    sql_bind_text(st, param, r->counters[row].name);
    sql_bind_double(st, param + 1, r->counters[row].value);
}

static void bind_sample(sql_stmt *st, int param, const store_run *r, int row)
{
    sql_bind_int64(st, param, r->sample_t_ms[row]);
    sql_bind_int64(st, param + 1, r->sample_rss_kb[row]);
}

static int insert_details(store *s, const store_run *r, int64_t run_id)
{
    int max = r->nmetrics > r->ncounters ? r->nmetrics : r->ncounters;
    if (r->nsamples > max) max = r->nsamples;
    int *rows = malloc((size_t)(max > 0 ? max : 1) * sizeof *rows), n = 0, rc = -1;
    if (!rows) return -1;
    for (int i = 0; i < r->nmetrics; i++) {
        int later = 0;
        for (int j = i + 1; j < r->nmetrics && !later; j++)
            later = strcmp(r->metrics[i].source, r->metrics[j].source) == 0 &&
                    strcmp(r->metrics[i].name, r->metrics[j].name) == 0;
        if (!later) rows[n++] = i;
    }
    if (insert_rows(s, "run_metrics (run_id, source, name, value)", 3, r, rows, n, bind_metric,
                    run_id) != 0)
        goto out;
    n = 0;
    for (int i = 0; i < r->ncounters; i++) {
        int later = 0;
        for (int j = i + 1; j < r->ncounters && !later; j++)
            later = strcmp(r->counters[i].name, r->counters[j].name) == 0;
        if (!later) rows[n++] = i;
    }
    if (insert_rows(s, "counters (run_id, name, value)", 2, r, rows, n, bind_counter, run_id) != 0)
        goto out;
    n = 0;
    for (int i = 0; i < r->nsamples; i++) {
        int seen = 0;
        for (int j = n - 1; j >= 0 && !seen && r->sample_t_ms[rows[j]] >= r->sample_t_ms[i]; j--)
            seen = r->sample_t_ms[rows[j]] == r->sample_t_ms[i];
        if (!seen) rows[n++] = i;
    }
    rc = insert_rows(s, "rss_samples (run_id, t_ms, rss_kb)", 2, r, rows, n, bind_sample, run_id);
out:
    free(rows);
    return rc;
}

/* 1 when the session already has the run (a COMMIT that reached the server before the
 * connection broke), 0 when not, -1 on an error. */
static int run_stored(store *s, const store_run *r)
{
    sql_stmt *st = sql_prepare(s->sql, "SELECT 1 FROM runs WHERE session_id = ?1 AND seq = ?2");
    sql_bind_int64(st, 1, r->session_id);
    sql_bind_int64(st, 2, r->seq);
    int rc = sql_step(st);
    sql_finalize(st);
    return rc == SQL_ROW ? 1 : rc == SQL_DONE ? 0 : -1;
}

static int insert_run(store *s, void *arg, int attempt)
{
    const store_run *r = arg;
    int64_t run_id;
    if (attempt > 0) {
        int stored = run_stored(s, r);
        if (stored != 0) return stored < 0 ? -1 : 0;
    }
    if (insert_run_row(s, r, &run_id) != 0 || insert_details(s, r, run_id) != 0) return -1;
    return 0;
}

int store_run_insert(store *s, const store_run *r)
{
    return store_transaction(s, "storing a run", insert_run, (void *)r);
}

int store_count_measured(store *s, int64_t session)
{
    sql_stmt *st = sql_prepare(s->sql, "SELECT count(*) FROM runs WHERE session_id = ?1 AND "
                                       "purpose = 'measure'");
    sql_bind_int64(st, 1, session);
    int n = sql_step(st) == SQL_ROW ? (int)sql_int64(st, 0) : 0;
    sql_finalize(st);
    return n;
}

int store_count_failed(store *s, int64_t session)
{
    sql_stmt *st = sql_prepare(s->sql, "SELECT count(*) FROM runs WHERE session_id = ?1 AND "
                                       "status NOT IN ('ok', 'build-failed')");
    sql_bind_int64(st, 1, session);
    int n = sql_step(st) == SQL_ROW ? (int)sql_int64(st, 0) : 0;
    sql_finalize(st);
    return n;
}

static const char session_runs_query[] =
    "SELECT r.id AS run_id, r.session_id, r.seq, r.variant, COALESCE(b.revision, '') AS "
    "revision, COALESCE(b.flags, '') AS flags, COALESCE(b.library_hash, '') AS library_hash, "
    "r.workload, r.purpose, r.block, r.status, r.signal, r.exit_code, r.ops, r.seconds, "
    "r.ops_per_sec, r.instructions, r.wall_s, r.user_s, r.sys_s, r.peak_rss_kb, r.minor_faults, "
    "r.major_faults, r.vol_ctxsw, r.invol_ctxsw, r.cpu, r.started_at, r.args, r.result_line, "
    "r.stderr_tail FROM runs r LEFT JOIN builds b ON b.id = r.build_id WHERE r.session_id = ?1 "
    "ORDER BY r.seq";

static void read_value(sql_stmt *st, int col, store_value *v)
{
    switch (sql_column_type(st, col)) {
    case SQL_NULL:
        v->kind = STORE_NULL;
        break;
    case SQL_INTEGER:
        v->kind = STORE_INT;
        v->i = sql_int64(st, col);
        break;
    case SQL_REAL:
        v->kind = STORE_REAL;
        v->r = sql_double(st, col);
        break;
    case SQL_TEXT:
        v->kind = STORE_TEXT;
        v->s = strdup(sql_text(st, col));
        break;
    }
}

int store_session_runs(store *s, int64_t session, store_table *out)
{
    memset(out, 0, sizeof *out);
    sql_stmt *st = sql_prepare(s->sql, session_runs_query);
    sql_bind_int64(st, 1, session);
    int ncols = sql_column_count(st), cap = 0, rc;
    out->names = calloc((size_t)ncols, sizeof *out->names);
    if (!out->names) goto fail;
    out->ncols = ncols;
    for (int c = 0; c < ncols; c++)
        if (!(out->names[c] = strdup(sql_column_name(st, c)))) goto fail;
    while ((rc = sql_step(st)) == SQL_ROW) {
        /* One row is ncols values: grow by rows. */
        if (out->nrows == cap) {
            int grown = cap ? 2 * cap : 64;
            store_value *v = realloc(out->values, (size_t)grown * (size_t)ncols * sizeof *v);
            if (!v) goto fail;
            out->values = v;
            cap = grown;
        }
        store_value *row = &out->values[(size_t)out->nrows * (size_t)ncols];
        memset(row, 0, (size_t)ncols * sizeof *row);
        out->nrows++;
        for (int c = 0; c < ncols; c++)
            read_value(st, c, &row[c]);
    }
    if (rc == SQL_ERROR) {
        fprintf(stderr, "hakbench: reading the runs of session %lld: %s\n", (long long)session,
                sql_stmt_error(st));
        goto fail;
    }
    sql_finalize(st);
    return 0;
fail:
    sql_finalize(st);
    store_table_free(out);
    return -1;
}

void store_table_free(store_table *t)
{
    for (int i = 0; t->values && i < t->nrows * t->ncols; i++)
        free(t->values[i].s);
    for (int c = 0; t->names && c < t->ncols; c++)
        free(t->names[c]);
    free(t->values);
    free(t->names);
    memset(t, 0, sizeof *t);
}

const store_value *store_table_at(const store_table *t, int row, int col)
{
    return &t->values[(size_t)row * (size_t)t->ncols + (size_t)col];
}

int store_table_column(const store_table *t, const char *name)
{
    for (int c = 0; c < t->ncols; c++)
        if (strcmp(t->names[c], name) == 0) return c;
    return -1;
}
