/* Builds go through the allocator's own Makefile (`make alloc-lib-path` prints the library of
 * a flag set), so the harness never duplicates its flag logic. Other revisions build in their
 * own git worktree, and the library is copied out to build/libs/<sha>-<flaghash>/ because the
 * worktree's build/ is reused by later builds with other flags. */
#include "builds/builder.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/db.h"
#include "util/sha256.h"
#include "util/subprocess.h"

#define WORKTREE_DIR "build/worktrees"
#define LIBCACHE_DIR "build/libs"
#define MAX_MAKE_ARGS 48

static int mkdirs(const char *path)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    return mkdir(tmp, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

static int copy_file(const char *from, const char *to)
{
    char tmp[PATH_MAX + 8];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", to) >= (int)sizeof tmp) return -1;
    FILE *in = fopen(from, "rb"), *out = in ? fopen(tmp, "wb") : NULL;
    int ok = in && out;
    char buf[65536];
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
        ok = fwrite(buf, 1, n, out) == n;
    if (in) fclose(in);
    if (out) ok = (fclose(out) == 0) && ok;
    /* rename: a concurrent harness never sees a half-written library */
    if (!ok || rename(tmp, to) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* Runs `make -s [-C dir] FLAGS alloc-lib-path`; the library path is its last output line. */
static int make_library(const char *dir, const char *flags, build_result *out)
{
    char flagbuf[VARIANT_FLAGS_MAX];
    snprintf(flagbuf, sizeof flagbuf, "%s", flags);
    char *argv[MAX_MAKE_ARGS];
    int argc = 0;
    argv[argc++] = "make";
    argv[argc++] = "-s";
    argv[argc++] = "-j2";
    if (dir) {
        argv[argc++] = "-C";
        argv[argc++] = (char *)dir;
    }
    char *save = NULL;
    for (char *tok = strtok_r(flagbuf, " ", &save); tok && argc < MAX_MAKE_ARGS - 2;
         tok = strtok_r(NULL, " ", &save))
        argv[argc++] = tok;
    argv[argc++] = "alloc-lib-path";
    argv[argc] = NULL;
    char log[sizeof out->log_tail];
    int rc = subprocess_run(argv, NULL, log, sizeof log, 1);
    /* The last non-empty line. */
    size_t len = strlen(log);
    while (len > 0 && (log[len - 1] == '\n' || log[len - 1] == ' '))
        log[--len] = '\0';
    const char *last = strrchr(log, '\n');
    last = last ? last + 1 : log;
    if (rc == 0 && last[0] == '/' && access(last, R_OK) == 0) {
        snprintf(out->library, sizeof out->library, "%s", last);
        return 0;
    }
    snprintf(out->log_tail, sizeof out->log_tail, "%s%s", rc < 0 ? "cannot run make\n" : "", log);
    return -1;
}

/* A build at another revision: cached library, else worktree + make + copy. */
static int build_revision(const variant_spec *spec, build_result *out)
{
    char flaghash[65];
    sha256_hex(spec->def->flags, strlen(spec->def->flags), flaghash);
    char cache_dir[PATH_MAX], cached[PATH_MAX + 16], worktree[PATH_MAX], abs_cached[PATH_MAX];
    snprintf(cache_dir, sizeof cache_dir, "%s/%s-%.12s", LIBCACHE_DIR, spec->rev, flaghash);
    snprintf(cached, sizeof cached, "%s/libhakmem.so", cache_dir);
    if (access(cached, R_OK) != 0) {
        snprintf(worktree, sizeof worktree, "%s/%s", WORKTREE_DIR, spec->rev);
        if (access(worktree, F_OK) != 0) {
            /* `make clean` removes build/ but git still lists the worktrees that were there. */
            char *prune[] = {"git", "worktree", "prune", NULL};
            char ignored[256];
            subprocess_run(prune, NULL, ignored, sizeof ignored, 0);
            mkdirs(WORKTREE_DIR);
            char *argv[] = {"git",    "worktree",        "add", "--detach",
                            worktree, (char *)spec->rev, NULL};
            char log[1024];
            if (subprocess_run(argv, NULL, log, sizeof log, 1) != 0) {
                snprintf(out->log_tail, sizeof out->log_tail, "git worktree add failed:\n%s", log);
                return -1;
            }
        }
        if (make_library(worktree, spec->def->flags, out) != 0) return -1;
        if (mkdirs(cache_dir) != 0 || copy_file(out->library, cached) != 0) {
            snprintf(out->log_tail, sizeof out->log_tail, "cannot copy %.900s to %.900s: %s",
                     out->library, cached, strerror(errno));
            return -1;
        }
    }
    if (!realpath(cached, abs_cached)) return -1;
    snprintf(out->library, sizeof out->library, "%s", abs_cached);
    return 0;
}

static int record(sqlite3 *db, const variant_spec *spec, build_result *out)
{
    char now[32];
    db_now(now, sizeof now);
    int peer = spec->def->kind == VARIANT_PEER;
    sqlite3_stmt *st = db_prepare(
        db, "INSERT INTO builds (variant, kind, revision, dirty, flags, library_path, "
            "library_hash, status, log_tail, built_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
            "?9, ?10) ON CONFLICT (variant, revision, dirty, flags, library_hash) DO UPDATE SET "
            "library_path = excluded.library_path, status = excluded.status, log_tail = "
            "excluded.log_tail, built_at = excluded.built_at RETURNING id");
    sqlite3_bind_text(st, 1, spec->def->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, peer ? "peer" : "hakmem", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, out->revision, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, out->dirty);
    sqlite3_bind_text(st, 5, peer ? "" : spec->def->flags, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, out->library, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, out->library_hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, out->ok ? "ok" : "build-failed", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, out->log_tail, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, now, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        out->build_id = sqlite3_column_int64(st, 0);
    else
        fprintf(stderr, "hakbench: recording the build of %s: %s\n", spec->spec,
                sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

int builder_build(sqlite3 *db, const variant_spec *spec, int quiet, build_result *out)
{
    memset(out, 0, sizeof *out);
    if (spec->def->kind == VARIANT_PEER) {
        snprintf(out->library, sizeof out->library, "%s", spec->def->flags);
        if (out->library[0] && sha256_file_hex(out->library, out->library_hash) != 0) {
            out->library[0] = '\0';
            snprintf(out->log_tail, sizeof out->log_tail, "cannot read %s", spec->def->flags);
        } else {
            out->ok = 1;
        }
        return record(db, spec, out);
    }
    if (spec->rev[0]) {
        snprintf(out->revision, sizeof out->revision, "%.40s", spec->rev);
        if (!quiet)
            fprintf(stderr, "hakbench: building %s at %.10s ...\n", spec->def->name, spec->rev);
        out->ok = build_revision(spec, out) == 0;
    } else {
        char *head[] = {"git", "rev-parse", "--verify", "--quiet", "HEAD", NULL};
        if (subprocess_line(head, NULL, out->revision, sizeof out->revision) != 0)
            out->revision[0] = '\0'; /* a repository without commits yet */
        char status[256];
        char *porcelain[] = {"git", "status", "--porcelain", NULL};
        out->dirty = subprocess_line(porcelain, NULL, status, sizeof status) != 0 ||
                     status[0] != '\0' || !out->revision[0];
        if (!quiet)
            fprintf(stderr, "hakbench: building %s in the work tree ...\n", spec->def->name);
        out->ok = make_library(NULL, spec->def->flags, out) == 0;
    }
    if (out->ok && sha256_file_hex(out->library, out->library_hash) != 0) {
        snprintf(out->log_tail, sizeof out->log_tail, "cannot read the built library %.1900s",
                 out->library);
        out->ok = 0;
    }
    if (!out->ok) {
        out->library[0] = '\0';
        out->library_hash[0] = '\0';
        if (!quiet) fprintf(stderr, "hakbench: build of %s failed\n", spec->spec);
    }
    return record(db, spec, out);
}
