/* The bisect_steps table (see bisect_steps.h). */
#include "store/bisect_steps.h"

#include <math.h>
#include <stdio.h>

#include "store/internal.h"

int store_bisect_step_insert(store *s, const store_bisect_step *b)
{
    sql_stmt *st = sql_prepare(s->sql, "INSERT INTO bisect_steps (session_id, step, revision, "
                                       "verdict, detail, change, runs, ci_lo, ci_hi) VALUES (?1, "
                                       "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    sql_bind_int64(st, 1, b->session_id);
    sql_bind_int64(st, 2, b->step);
    sql_bind_text(st, 3, b->revision);
    sql_bind_text(st, 4, b->verdict);
    sql_bind_text(st, 5, b->detail);
    const double figures[] = {b->change, b->ci_lo, b->ci_hi};
    const int columns[] = {6, 8, 9};
    for (int i = 0; i < 3; i++) {
        if (isnan(figures[i]) || isinf(figures[i]))
            sql_bind_null(st, columns[i]);
        else
            sql_bind_double(st, columns[i], figures[i]);
    }
    sql_bind_int64(st, 7, b->runs);
    char what[64];
    snprintf(what, sizeof what, "recording bisect step %d", b->step);
    return sql_run(st, what);
}
