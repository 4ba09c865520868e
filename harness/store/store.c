/* Opening and closing the store (see store.h), and what its query files share; the engine is
 * behind sql.h. */
#include "store/store.h"

#include <fcntl.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/internal.h"

const char *store_default_location(void)
{
    const char *env = getenv("HAKBENCH_DB");
    return env && env[0] ? env : STORE_DEFAULT_PATH;
}

int store_is_server(const char *location)
{
    return sql_is_server(location);
}

void store_location_shown(const char *location, char *out, size_t len)
{
    sql_location_shown(location, out, len);
}

int store_location_has_password(const char *location)
{
    return sql_location_has_password(location);
}

/* SQLite frees its page cache at the end of every transaction, and glibc then hands the top of
 * the heap back to the kernel, to take it again at the next one: every shrink of the heap is a
 * TLB shootdown across CPUs, which in a virtual machine made storing a run 4 to 5 times slower
 * (bench_store: 3000 runs, 7.8 s against 1.8 s). A process that stores runs keeps up to this
 * much free memory at the top of its heap instead. */
#define KEEP_HEAP_TOP (64 << 20)

store *store_open(const char *path, char *err, size_t errlen)
{
    static int heap_kept;
    if (!heap_kept) heap_kept = mallopt(M_TRIM_THRESHOLD, KEEP_HEAP_TOP);
    sql_conn *c =
        sql_open(path, STORE_SCHEMA_VERSION, store_migrations, store_required_tables, err, errlen);
    if (!c) return NULL;
    store *s = malloc(sizeof *s);
    if (!s) {
        sql_close(c);
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    s->sql = c;
    return s;
}

void store_close(store *s)
{
    if (!s) return;
    sql_close(s->sql);
    free(s);
}

int store_collect(sql_stmt *st, void **out, size_t size, store_row_reader read, const char *context)
{
    *out = NULL;
    int n = 0, cap = 0, rc;
    const char *why = NULL;
    while ((rc = sql_step(st)) == SQL_ROW) {
        if (n == cap) {
            int grown = cap ? 2 * cap : 16;
            void *p = realloc(*out, (size_t)grown * size);
            if (!p) {
                why = "out of memory";
                break;
            }
            *out = p;
            cap = grown;
        }
        void *row = (char *)*out + (size_t)n++ * size;
        memset(row, 0, size);
        read(st, row);
    }
    if (rc == SQL_ERROR) why = sql_stmt_error(st);
    if (why) {
        fprintf(stderr, "hakbench: %s: %s\n", context, why);
        free(*out);
        *out = NULL;
        n = -1;
    }
    sql_finalize(st);
    return n;
}

int store_transaction(store *s, const char *context, store_body body, void *arg)
{
    for (int attempt = 0;; attempt++) {
        if (sql_begin_write(s->sql, context) != 0) return -1;
        if (body(s, arg, attempt) == 0 && sql_commit(s->sql, context) == 0) return 0;
        sql_rollback(s->sql);
        if (attempt > 0 || !sql_connection_lost(s->sql)) return -1;
    }
}

void store_make_uuid(char out[37])
{
    unsigned char b[16];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read(fd, b, sizeof b) != (ssize_t)sizeof b) {
        /* No /dev/urandom: time, pid and clock, mixed, are unique enough on one machine. */
        uint64_t x = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)clock();
        for (int i = 0; i < 16; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            b[i] = (unsigned char)(x >> 56);
        }
    }
    if (fd >= 0) close(fd);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}
