/* The calibrations table (see calibrations.h). */
#include "store/calibrations.h"

#include <math.h>

#include "store/internal.h"
#include "util/clock.h"

/* NAN (a figure that was not measured) is stored as NULL. */
static void bind_figure(sql_stmt *st, int i, double v)
{
    if (isnan(v))
        sql_bind_null(st, i);
    else
        sql_bind_double(st, i, v);
}

int store_calibration_insert(store *s, const store_calibration *c)
{
    char now[32];
    clock_utc_iso(now, sizeof now);
    sql_stmt *st = sql_prepare(
        s->sql, "INSERT INTO calibrations (machine_id, workload, quick, paired, procedure_version,"
                " looks, runs_per_look, alpha, delta, holm_family, trials, false_positive_rate,"
                " false_positive_lo, false_positive_hi, power, power_lo, power_hi,"
                " injected_change, power_small, injected_small_change, aa_noise_p95,"
                " seconds_per_comparison, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                " ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)");
    sql_bind_int64(st, 1, c->key.machine_id);
    sql_bind_text(st, 2, c->key.workload);
    sql_bind_int64(st, 3, c->key.quick);
    sql_bind_int64(st, 4, c->key.paired);
    sql_bind_int64(st, 5, c->key.procedure_version);
    sql_bind_int64(st, 6, c->key.looks);
    sql_bind_int64(st, 7, c->key.runs_per_look);
    sql_bind_double(st, 8, c->key.alpha);
    sql_bind_double(st, 9, c->delta);
    sql_bind_int64(st, 10, c->key.holm_family);
    sql_bind_int64(st, 11, c->trials);
    const double figures[] = {c->false_positive_rate,
                              c->false_positive_lo,
                              c->false_positive_hi,
                              c->power,
                              c->power_lo,
                              c->power_hi,
                              c->injected_change,
                              c->power_small,
                              c->injected_small_change,
                              c->aa_noise_p95,
                              c->seconds_per_comparison};
    for (int i = 0; i < (int)(sizeof figures / sizeof figures[0]); i++)
        bind_figure(st, 12 + i, figures[i]);
    sql_bind_text(st, 23, now);
    return sql_run(st, "storing the calibration");
}

/* NULL reads back as NAN. */
static double column_figure(sql_stmt *st, int i)
{
    return sql_is_null(st, i) ? NAN : sql_double(st, i);
}

int store_calibration_find(store *s, const store_calibration_key *key, store_calibration *out)
{
    sql_stmt *st = sql_prepare(
        s->sql, "SELECT delta, trials, false_positive_rate, false_positive_lo, false_positive_hi,"
                " power, power_lo, power_hi, injected_change, power_small, injected_small_change,"
                " aa_noise_p95, seconds_per_comparison FROM calibrations WHERE machine_id = ?1"
                " AND workload = ?2 AND quick = ?3 AND paired = ?4 AND procedure_version = ?5"
                " AND looks = ?6 AND runs_per_look = ?7 AND holm_family = ?8"
                " AND abs(alpha - ?9) < 1e-9 ORDER BY created_at DESC, id DESC LIMIT 1");
    sql_bind_int64(st, 1, key->machine_id);
    sql_bind_text(st, 2, key->workload);
    sql_bind_int64(st, 3, key->quick);
    sql_bind_int64(st, 4, key->paired);
    sql_bind_int64(st, 5, key->procedure_version);
    sql_bind_int64(st, 6, key->looks);
    sql_bind_int64(st, 7, key->runs_per_look);
    sql_bind_int64(st, 8, key->holm_family);
    sql_bind_double(st, 9, key->alpha);
    int rc = sql_step(st);
    if (rc == SQL_ROW) {
        out->key = *key;
        out->delta = sql_double(st, 0);
        out->trials = (int)sql_int64(st, 1);
        double *f[] = {&out->false_positive_rate,
                       &out->false_positive_lo,
                       &out->false_positive_hi,
                       &out->power,
                       &out->power_lo,
                       &out->power_hi,
                       &out->injected_change,
                       &out->power_small,
                       &out->injected_small_change,
                       &out->aa_noise_p95,
                       &out->seconds_per_comparison};
        for (int i = 0; i < (int)(sizeof f / sizeof f[0]); i++)
            *f[i] = column_figure(st, 2 + i);
    }
    sql_finalize(st);
    return rc == SQL_ROW ? 1 : rc == SQL_DONE ? 0 : -1;
}
