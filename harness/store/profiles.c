/* Profiles and their stacks (see profiles.h). */
#include "store/profiles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

static int insert_profile(store *s, const store_new_profile *p)
{
    sql_stmt *st = sql_prepare(s->sql, "DELETE FROM profiles WHERE session_id = ?1 AND variant = "
                                       "?2 AND workload = ?3 AND tool = ?4");
    sql_bind_int64(st, 1, p->session_id);
    sql_bind_text(st, 2, p->variant);
    sql_bind_text(st, 3, p->workload);
    sql_bind_text(st, 4, p->tool);
    if (sql_run(st, "storing a profile") != 0) return -1;
    double total = 0;
    for (int i = 0; i < p->nstacks; i++)
        total += p->stacks[i].value;
    st = sql_prepare(s->sql, "INSERT INTO profiles (session_id, variant, workload, tool, args, "
                             "status, ops, total) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    sql_bind_int64(st, 1, p->session_id);
    sql_bind_text(st, 2, p->variant);
    sql_bind_text(st, 3, p->workload);
    sql_bind_text(st, 4, p->tool);
    sql_bind_text(st, 5, p->args);
    sql_bind_text(st, 6, p->status);
    if (p->ops > 0) sql_bind_double(st, 7, p->ops);
    sql_bind_double(st, 8, total);
    if (sql_run(st, "storing a profile") != 0) return -1;
    int64_t id = sql_last_insert_id(s->sql);
    st = sql_prepare(s->sql, "INSERT INTO profile_stacks (profile_id, stack, value) VALUES (?1, "
                             "?2, ?3) ON CONFLICT (profile_id, stack) DO UPDATE SET value = "
                             "profile_stacks.value + excluded.value");
    for (int i = 0; i < p->nstacks; i++) {
        sql_bind_int64(st, 1, id);
        sql_bind_text(st, 2, p->stacks[i].stack);
        sql_bind_double(st, 3, p->stacks[i].value);
        if (sql_step(st) != SQL_DONE) {
            fprintf(stderr, "hakbench: storing a profile: %s\n", sql_stmt_error(st));
            sql_finalize(st);
            return -1;
        }
        sql_reset(st);
    }
    sql_finalize(st);
    return 0;
}

int store_profile_insert(store *s, const store_new_profile *p)
{
    if (sql_begin_write(s->sql, "storing a profile") != 0) return -1;
    if (insert_profile(s, p) != 0 || sql_commit(s->sql, "storing a profile") != 0) {
        sql_rollback(s->sql);
        return -1;
    }
    return 0;
}

static void read_stack(sql_stmt *st, void *row)
{
    store_stack *x = row;
    x->stack = strdup(sql_text(st, 0));
    x->value = sql_double(st, 1);
}

int store_profile_get(store *s, int64_t session, const char *variant, const char *workload,
                      const char *tool, store_profile *p)
{
    memset(p, 0, sizeof *p);
    sql_stmt *st = sql_prepare(s->sql, "SELECT id, status, args, COALESCE(ops, 0), total FROM "
                                       "profiles WHERE session_id = ?1 AND variant = ?2 AND "
                                       "workload = ?3 AND tool = ?4");
    sql_bind_int64(st, 1, session);
    sql_bind_text(st, 2, variant);
    sql_bind_text(st, 3, workload);
    sql_bind_text(st, 4, tool);
    int rc = sql_step(st);
    if (rc != SQL_ROW) {
        if (rc == SQL_ERROR)
            fprintf(stderr, "hakbench: reading a profile: %s\n", sql_stmt_error(st));
        sql_finalize(st);
        return rc == SQL_ERROR ? -1 : 0;
    }
    int64_t id = sql_int64(st, 0);
    snprintf(p->tool, sizeof p->tool, "%s", tool);
    sql_text_copy(st, 1, p->status, sizeof p->status);
    sql_text_copy(st, 2, p->args, sizeof p->args);
    p->ops = sql_double(st, 3);
    p->total = sql_double(st, 4);
    sql_finalize(st);
    st = sql_prepare(
        s->sql, "SELECT stack, value FROM profile_stacks WHERE profile_id = ?1 ORDER BY stack");
    sql_bind_int64(st, 1, id);
    p->nstacks =
        store_collect(st, (void **)&p->stacks, sizeof *p->stacks, read_stack, "reading a profile");
    if (p->nstacks < 0) {
        p->nstacks = 0;
        return -1;
    }
    return 1;
}

void store_profile_free(store_profile *p)
{
    for (int i = 0; i < p->nstacks; i++)
        free(p->stacks[i].stack);
    free(p->stacks);
    memset(p, 0, sizeof *p);
}
