/* The machines table (see machines.h). */
#include "store/machines.h"

#include <stdio.h>

#include "store/internal.h"

int64_t store_machine_id(store *s, const machine_info *m)
{
    sql_stmt *st = sql_prepare(
        s->sql,
        "INSERT INTO machines (fingerprint, cpu_model, cores, kernel, governor, thp, glibc, "
        "compiler, hostname) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
        "ON CONFLICT (fingerprint) DO UPDATE SET hostname = excluded.hostname "
        "RETURNING id");
    sql_bind_text(st, 1, m->fingerprint);
    sql_bind_text(st, 2, m->cpu_model);
    sql_bind_int64(st, 3, m->cores);
    sql_bind_text(st, 4, m->kernel);
    sql_bind_text(st, 5, m->governor);
    sql_bind_text(st, 6, m->thp);
    sql_bind_text(st, 7, m->glibc);
    sql_bind_text(st, 8, m->compiler);
    sql_bind_text(st, 9, m->hostname);
    return sql_run_returning_id(st, "recording the machine");
}
