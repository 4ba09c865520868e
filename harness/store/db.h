/* The results store: opens results/hakmem.db (or --db PATH), creates or migrates the schema
 * (schema.sql, PRAGMA user_version), sets WAL and a busy timeout so two harnesses wait for each
 * other. Refuses a corrupt or foreign file with a clear message instead of overwriting it.
 * Everything else in the harness talks SQL to the handle it returns; schema.sql is the contract. */
#ifndef HAKBENCH_DB_H
#define HAKBENCH_DB_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#define DB_DEFAULT_PATH "results/hakmem.db"
#define DB_SCHEMA_VERSION 1

/* Opens (creating parent-less files as needed) and migrates. On failure returns NULL and writes
 * a one-line reason ("...: not a hakmem database (user_version 7)") into err. */
sqlite3 *db_open(const char *path, char *err, size_t errlen);
void db_close(sqlite3 *db);

/* Runs SQL with no result rows; on error prints "hakbench: <context>: <sqlite message>" to
 * stderr and returns -1. */
int db_exec(sqlite3 *db, const char *sql, const char *context);

/* Prepares or dies with a message naming the statement (programming errors only). */
sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql);

/* The current machine's row (inserted on first use); its fingerprint string in fp if non-NULL. */
int64_t db_machine_id(sqlite3 *db, char *fp, size_t fplen);

/* UTC now as ISO-8601 "2026-11-27T06:18:49Z". */
void db_now(char *buf, size_t len);

#endif
