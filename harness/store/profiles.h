/* Profiles: where a variant's time went on a workload (perf samples as folded stacks) or its
 * instructions (callgrind, per function), one per variant, workload and tool in a session;
 * written by run/profile.c, read by the session report. */
#ifndef HAKBENCH_STORE_PROFILES_H
#define HAKBENCH_STORE_PROFILES_H

#include <stdint.h>

#include "store/store.h"

/* A folded stack ("root;caller;callee", see schema.sql) and its samples or instructions. */
typedef struct {
    char *stack;
    double value;
} store_stack;

typedef struct {
    int64_t session_id;
    const char *variant, *workload;
    const char *tool; /* perf | callgrind */
    const char *args, *status;
    double ops; /* <= 0: unknown */
    const store_stack *stacks;
    int nstacks;
} store_new_profile;

/* Stores the profile and its stacks in one transaction, replacing one of the same session,
 * variant, workload and tool. 0 or -1. */
int store_profile_insert(store *s, const store_new_profile *p);

typedef struct {
    char tool[16], status[16];
    char args[1024];
    double ops;   /* 0 when unknown */
    double total; /* sum of the stacks' values */
    store_stack *stacks;
    int nstacks; /* ordered by stack */
} store_profile;

/* The profile of a variant on a workload by a tool: 1 (p filled, free with store_profile_free),
 * 0 when there is none, -1 on an error. */
int store_profile_get(store *s, int64_t session, const char *variant, const char *workload,
                      const char *tool, store_profile *p);
void store_profile_free(store_profile *p);

#endif
