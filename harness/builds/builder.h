/* Builds the allocator library a variant spec names: at the work tree with `make`, or at another
 * revision in a git worktree under build/worktrees/, cached by (commit, flags) under build/libs/.
 * Records every build (also a failed one) in the builds table. Peers need no build: their row
 * records the library path and hash. Never exits on a build failure: that is an outcome. */
#ifndef HAKBENCH_BUILDER_H
#define HAKBENCH_BUILDER_H

#include <limits.h>
#include <stdint.h>
#include "spec/variants.h"
#include "store/store.h"

typedef struct {
    int64_t build_id;
    int ok;            /* 0: build-failed, log_tail says why */
    char revision[41]; /* full sha ("" for peers) */
    int dirty;
    char library[PATH_MAX]; /* absolute path for LD_PRELOAD; "" for the system allocator */
    char library_hash[65];
    char log_tail[2048];
} build_result;

/* quiet=0 prints "building baseline at 1a2b3c4 ..." on stderr. Returns 0 when a result (ok or
 * build-failed) was produced and recorded, -1 on a harness error (git missing, db error). */
int builder_build(store *db, const variant_spec *spec, int quiet, build_result *out);

#endif
