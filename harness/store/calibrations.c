/* The calibrations table (see calibrations.h). */
#include "store/calibrations.h"

#include "store/internal.h"
#include "util/clock.h"

int store_calibration_insert(store *s, const store_calibration *c)
{
    char now[32];
    clock_utc_iso(now, sizeof now);
    sql_stmt *st = sql_prepare(s->sql, "INSERT INTO calibrations (machine_id, workload, delta,"
                                       " false_positive_rate, power, trials, created_at)"
                                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    sql_bind_int64(st, 1, c->machine_id);
    sql_bind_text(st, 2, c->workload);
    sql_bind_double(st, 3, c->delta);
    sql_bind_double(st, 4, c->false_positive_rate);
    sql_bind_double(st, 5, c->power);
    sql_bind_int64(st, 6, c->trials);
    sql_bind_text(st, 7, now);
    return sql_run(st, "storing the calibration");
}

int store_calibration_delta(store *s, int64_t machine_id, const char *workload, double *delta)
{
    sql_stmt *st = sql_prepare(s->sql, "SELECT delta FROM calibrations WHERE machine_id = ?1 AND"
                                       " workload = ?2 ORDER BY created_at DESC, id DESC LIMIT 1");
    sql_bind_int64(st, 1, machine_id);
    sql_bind_text(st, 2, workload);
    int found = sql_step(st) == SQL_ROW;
    if (found) *delta = sql_double(st, 0);
    sql_finalize(st);
    return found;
}
