/* The builds and session_variants tables (see builds.h). */
#include "store/builds.h"

#include <stdio.h>
#include <stdlib.h>

#include "store/internal.h"
#include "util/clock.h"

int store_build_record(store *s, const store_build *b, int64_t *id)
{
    sql_stmt *st = sql_prepare(
        s->sql, "INSERT INTO builds (variant, kind, revision, dirty, flags, library_path, "
                "library_hash, status, log_tail, built_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                "?8, ?9, ?10) ON CONFLICT (variant, revision, "
                "dirty, flags, library_hash) DO UPDATE SET library_path = excluded.library_path, "
                "status = excluded.status, log_tail = excluded.log_tail, built_at = "
                "excluded.built_at RETURNING id");
    sql_bind_text(st, 1, b->variant);
    sql_bind_text(st, 2, b->peer ? "peer" : "hakmem");
    sql_bind_text(st, 3, b->revision);
    sql_bind_int64(st, 4, b->dirty);
    sql_bind_text(st, 5, b->peer ? "" : b->flags);
    sql_bind_text(st, 6, b->library_path);
    sql_bind_text(st, 7, b->library_hash);
    sql_bind_text(st, 8, b->ok ? "ok" : "build-failed");
    sql_bind_text(st, 9, b->log_tail);
    char now[32];
    clock_utc_iso(now, sizeof now);
    sql_bind_text(st, 10, now);
    char what[160];
    snprintf(what, sizeof what, "recording the build of %s", b->variant);
    *id = sql_run_returning_id(st, what);
    return *id > 0 ? 0 : -1;
}

static void read_variant(sql_stmt *st, void *row)
{
    store_variant *v = row;
    sql_text_copy(st, 0, v->spec, sizeof v->spec);
    sql_text_copy(st, 1, v->name, sizeof v->name);
    sql_text_copy(st, 2, v->kind, sizeof v->kind);
    sql_text_copy(st, 3, v->revision, sizeof v->revision);
    v->dirty = (int)sql_int64(st, 4);
    sql_text_copy(st, 5, v->flags, sizeof v->flags);
    sql_text_copy(st, 6, v->library_hash, sizeof v->library_hash);
    sql_text_copy(st, 7, v->build_status, sizeof v->build_status);
    sql_text_copy(st, 8, v->log_tail, sizeof v->log_tail);
}

int store_session_variants(store *s, int64_t session, store_variant **out)
{
    sql_stmt *st = sql_prepare(
        s->sql, "SELECT sv.spec, COALESCE(b.variant, ''), COALESCE(b.kind, ''),"
                " COALESCE(b.revision, ''), COALESCE(b.dirty, 0), COALESCE(b.flags, ''),"
                " COALESCE(b.library_hash, ''), COALESCE(b.status, ''), COALESCE(b.log_tail, '')"
                " FROM session_variants sv LEFT JOIN builds b ON b.id = sv.build_id"
                " WHERE sv.session_id = ?1 ORDER BY sv.position");
    sql_bind_int64(st, 1, session);
    return store_collect(st, (void **)out, sizeof **out, read_variant, "reading the variants");
}

void store_variant_revision(store *s, int64_t session, const char *spec, char rev[41], int *dirty)
{
    sql_stmt *st = sql_prepare(s->sql, "SELECT b.revision, b.dirty FROM session_variants v "
                                       "JOIN builds b ON b.id = v.build_id "
                                       "WHERE v.session_id = ?1 AND v.spec = ?2");
    sql_bind_int64(st, 1, session);
    sql_bind_text(st, 2, spec);
    rev[0] = '\0';
    if (dirty) *dirty = 0;
    if (sql_step(st) == SQL_ROW) {
        sql_text_copy(st, 0, rev, 41);
        if (dirty) *dirty = (int)sql_int64(st, 1);
    }
    sql_finalize(st);
}
