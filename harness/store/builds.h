/* Builds: one row per library built or preloaded (variant, revision, dirty, flags, hash), and
 * the builds a session's variants used. */
#ifndef HAKBENCH_STORE_BUILDS_H
#define HAKBENCH_STORE_BUILDS_H

#include <stdint.h>

#include "store/store.h"

typedef struct {
    const char *variant; /* name in variants.conf */
    int peer;            /* 1: a preloaded library (kind 'peer'), 0: a hakmem build */
    const char *revision, *flags, *library_path, *library_hash, *log_tail;
    int dirty;
    int ok; /* 0: build-failed */
} store_build;

/* Records a build (a rebuild of the same key updates its path, status and log); its id in *id.
 * 0 or -1. */
int store_build_record(store *s, const store_build *b, int64_t *id);

/* A variant of a session with the build it used ("" fields when no build is recorded). */
typedef struct {
    char spec[160];
    char name[64]; /* variant name from the build */
    char kind[8];  /* hakmem | peer | '' */
    char revision[41];
    int dirty;
    char flags[512];
    char library_hash[65];
    char build_status[16]; /* ok | build-failed | '' */
    char log_tail[2048];
} store_variant;

/* The variants of a session in position order (0 is A); *out is malloc'ed. Count, or -1. */
int store_session_variants(store *s, int64_t session, store_variant **out);
/* The revision (and dirty flag, when non-NULL) of the build a session used for spec; "" when
 * none is recorded. */
void store_variant_revision(store *s, int64_t session, const char *spec, char rev[41], int *dirty);

#endif
