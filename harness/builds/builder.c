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

#include "store/builds.h"
#include "util/files.h"
#include "util/sha256.h"
#include "util/subprocess.h"

#define WORKTREE_DIR "build/worktrees"
#define LIBCACHE_DIR "build/libs"
#define MAX_MAKE_ARGS 48

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
            files_mkdir_p(WORKTREE_DIR);
            char *argv[] = {"git",    "worktree",        "add", "--detach",
                            worktree, (char *)spec->rev, NULL};
            char log[1024];
            if (subprocess_run(argv, NULL, log, sizeof log, 1) != 0) {
                snprintf(out->log_tail, sizeof out->log_tail, "git worktree add failed:\n%s", log);
                return -1;
            }
        }
        if (make_library(worktree, spec->def->flags, out) != 0) return -1;
        if (files_mkdir_p(cache_dir) != 0 || copy_file(out->library, cached) != 0) {
            snprintf(out->log_tail, sizeof out->log_tail, "cannot copy %.900s to %.900s: %s",
                     out->library, cached, strerror(errno));
            return -1;
        }
    }
    if (!realpath(cached, abs_cached)) return -1;
    snprintf(out->library, sizeof out->library, "%s", abs_cached);
    return 0;
}

static int record(store *db, const variant_spec *spec, build_result *out)
{
    store_build b = {.variant = spec->def->name,
                     .peer = spec->def->kind == VARIANT_PEER,
                     .revision = out->revision,
                     .flags = spec->def->flags,
                     .library_path = out->library,
                     .library_hash = out->library_hash,
                     .log_tail = out->log_tail,
                     .dirty = out->dirty,
                     .ok = out->ok};
    return store_build_record(db, &b, &out->build_id);
}

int builder_build(store *db, const variant_spec *spec, int quiet, build_result *out)
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
