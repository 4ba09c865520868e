/* Two profiles of one workload (A's and B's, store/profiles.h) side by side: where B spends a
 * different share of its time. perf profiles are compared as shares of each one's samples
 * (the runs' lengths and the machine's load cancel); callgrind profiles as instructions per
 * operation when both know their operation count. Three views:
 *   functions: self cost per function symbol (the innermost frame of each stack, an inline
 *              frame counted in the function it is compiled into, which names it), A, B and
 *              the change, by |change|;
 *   chains:    the call paths ending in the frames whose self cost grew most, trimmed of the
 *              frames every sample shares (_start, main);
 *   tree:      every call path of either profile with its inclusive cost in A and in B, for
 *              the differential flame graph (report/flamegraph.c). */
#ifndef HAKBENCH_PROFILE_DIFF_H
#define HAKBENCH_PROFILE_DIFF_H

#include "store/profiles.h"

/* An inline frame's own cost inside the function it is compiled into. */
typedef struct {
    char name[256]; /* as folded: "hak_spin_[i]" */
    double a, b, change;
} profile_inline;

#define PROFILE_INLINES 3
typedef struct {
    char name[256]; /* a function symbol as folded: "hak_malloc", "clear_page_[k]" */
    double a, b;    /* self cost, its inline frames included: a share of all samples (0..1),
                     * or per operation */
    double change;  /* b - a */
    int ninlines;
    profile_inline inlines[PROFILE_INLINES]; /* the ones that moved most, by |change| */
} profile_function;

#define PROFILE_CHAIN_FRAMES 8
typedef struct {
    int nframes;
    char frames[PROFILE_CHAIN_FRAMES][256]; /* caller first; "" stands for frames left out */
    double a, b;                            /* self cost of the last frame on this path */
} profile_chain;

typedef struct {
    int parent;       /* -1 for a root */
    int first_child;  /* -1 for none; children in name order */
    int next_sibling; /* -1 for the last */
    int depth;        /* 0 for a root */
    char *name;
    double a, b;           /* inclusive cost */
    double self_a, self_b; /* cost of the stacks that end here */
} profile_node;

typedef struct {
    int per_op; /* 1: instructions per operation; 0: shares of the samples */
    double total_a, total_b;
    profile_function *functions;
    int nfunctions;
    profile_chain *chains;
    int nchains;
    profile_node *nodes;
    int nnodes;
    int first_root; /* -1 when both profiles are empty; roots chain by next_sibling */
} profile_diff;

/* Compares profile a with b. 0, or -1 out of memory (d freed). */
int profile_diff_build(const store_profile *a, const store_profile *b, profile_diff *d);
void profile_diff_free(profile_diff *d);

/* The function whose cost grew most (the largest positive change); NULL when none grew. */
const profile_function *profile_top_grower(const profile_diff *d);

/* The frame's name for people: "hak_spin" without the "_[i]" or "_[k]" of the folded format,
 * into dst; returns the kind: 'i' inline, 'k' kernel, 0 otherwise. */
int profile_frame_display(const char *folded, char *dst, size_t len);

#endif
