/* The bisect_steps table (see bisect_steps.h). */
#include "store/bisect_steps.h"

#include <math.h>
#include <stdio.h>

#include "store/internal.h"

int store_bisect_step_insert(store *s, const store_bisect_step *b)
{
    sql_stmt *st = sql_prepare(s->sql, "INSERT INTO bisect_steps (session_id, step, revision, "
                                       "verdict, detail, change, runs) VALUES (?1, ?2, ?3, ?4, "
                                       "?5, ?6, ?7)");
    sql_bind_int64(st, 1, b->session_id);
    sql_bind_int64(st, 2, b->step);
    sql_bind_text(st, 3, b->revision);
    sql_bind_text(st, 4, b->verdict);
    sql_bind_text(st, 5, b->detail);
    if (isnan(b->change))
        sql_bind_null(st, 6);
    else
        sql_bind_double(st, 6, b->change);
    sql_bind_int64(st, 7, b->runs);
    char what[64];
    snprintf(what, sizeof what, "recording bisect step %d", b->step);
    return sql_run(st, what);
}
