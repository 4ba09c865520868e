/* Sessions: one row per `hakbench run`, calibrate trial, bisect (and its measuring sessions)
 * and nightly, with the machine it ran on; the questions commands ask about them. */
#ifndef HAKBENCH_STORE_SESSIONS_H
#define HAKBENCH_STORE_SESSIONS_H

#include <stdint.h>

#include "store/machines.h"
#include "store/store.h"

typedef struct {
    int64_t id;
    char uuid[64];
    char kind[16]; /* run | calibrate | bisect | nightly */
    char started_at[40];
    char finished_at[40]; /* "" while running or when the harness was killed */
    char command[2048];
    uint64_t seed;
    int quick;
    char metric[16]; /* time | instructions */
    char note[512];
    char hakbench_revision[64]; /* the hakbench that ran it ('' before schema v2) */
    int procedure_version;      /* 0: before the decision procedure (schema v1) */
    int looks, runs_per_look;   /* the procedure's parameters in this session */
    double alpha, delta;
    int holm_family;
    int64_t machine_id;
    machine_info machine;
} store_session;

typedef struct {
    const char *kind, *command, *note;
    int64_t machine_id;
    uint64_t seed;
    int quick;
    int instructions; /* metric 'instructions' instead of 'time' */
    const char *hakbench_revision;
    int procedure_version, looks, runs_per_look;
    double alpha, delta;
    int holm_family;
} store_new_session;

/* A new session started now, with a fresh uuid (into uuid when non-NULL); its id, or -1. */
int64_t store_session_create(store *s, const store_new_session *n, char uuid[37]);
/* Variant `position` of a session (0 is A) and the build it used (0: none). 0 or -1. */
int store_session_add_variant(store *s, int64_t session, int position, const char *spec,
                              int64_t build_id);
/* The spec at `position` of a session's variants into spec: 1, 0 when there is none, -1. */
int store_session_variant_at(store *s, int64_t session, int position, char *spec, size_t len);
/* Marks the session finished now. 0 or -1. */
int store_session_finish(store *s, int64_t session);
/* The session and its machine: 1, 0 when there is no such session, -1 on an error. */
int store_session_get(store *s, int64_t id, store_session *out);

/* One line of `hakbench sessions`. variants and workloads are comma-separated, in the
 * session's order. */
typedef struct {
    int64_t id;
    char kind[16], started_at[40], finished_at[40];
    char command[2048];
    char variants[1024], workloads[1024];
    int runs, failed; /* measured runs, and those that did not end ok */
} store_session_line;
/* Every session, oldest first; *out is malloc'ed. Count, or -1. */
int store_session_list(store *s, store_session_line **out);

/* The latest session with measured runs of both specs; 0 when there is none. */
int64_t store_latest_session_with(store *s, const char *a, const char *b);
/* The latest session other than `except` with measured runs of spec; 0 when there is none. */
int64_t store_latest_session_of(store *s, const char *spec, int64_t except);
/* 1 when the session has measured runs of spec. */
int store_session_has_variant(store *s, int64_t session, const char *spec);
/* How many machine fingerprints the two sessions ran on (1, or 2 after a merge). */
int store_count_fingerprints(store *s, int64_t a, int64_t b);
/* The previous finished nightly of today's machine in the same mode (quick numbers are not
 * comparable with full ones): its id and start, 1; 0 when there is none. */
int store_previous_nightly(store *s, const store_session *today, int64_t *id, char date[40]);

/* The workloads a session ran, in the order they first ran; *out is malloc'ed. Count, or -1. */
int store_session_workloads(store *s, int64_t session, char (**out)[64]);
/* Every (variant, workload) measured in a session, in the session's variant order. */
typedef struct {
    char variant[160];
    char workload[64];
} store_pair;
int store_session_pairs(store *s, int64_t session, store_pair **out);

#endif
