/* Comparing two profiles (see profile_diff.h). */
#include "analysis/profile_diff.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Chains: at most this many, each ending in a frame whose self cost grew. */
#define MAX_CHAINS 3
/* Leading frames on at least this share of both profiles' cost (main, start_thread) say
 * nothing about the difference: a chain starts at the last of them. */
#define SHARED_FRAME_SHARE 0.9

int profile_frame_display(const char *folded, char *dst, size_t len)
{
    size_t n = strlen(folded);
    int kind = 0;
    if (n > 4 && folded[n - 4] == '_' && folded[n - 3] == '[' && folded[n - 1] == ']' &&
        (folded[n - 2] == 'i' || folded[n - 2] == 'k')) {
        kind = folded[n - 2];
        n -= 4;
    }
    snprintf(dst, len, "%.*s", (int)n, folded);
    return kind;
}

static int is_inline(const char *folded)
{
    char tmp[256];
    return profile_frame_display(folded, tmp, sizeof tmp) == 'i';
}

typedef struct {
    profile_diff *d;
    int cap;
    int failed;
} tree_builder;

static int child_named(const profile_diff *d, int parent, const char *name)
{
    int c = parent < 0 ? d->first_root : d->nodes[parent].first_child;
    for (; c >= 0; c = d->nodes[c].next_sibling)
        if (strcmp(d->nodes[c].name, name) == 0) return c;
    return -1;
}

/* A new child of parent (-1: a root), kept in name order among its siblings. */
static int add_child(tree_builder *t, int parent, const char *name)
{
    profile_diff *d = t->d;
    if (d->nnodes == t->cap) {
        int grown = t->cap ? 2 * t->cap : 256;
        profile_node *p = realloc(d->nodes, (size_t)grown * sizeof *p);
        if (!p) return -1;
        d->nodes = p;
        t->cap = grown;
    }
    char *copy = strdup(name);
    if (!copy) return -1;
    int id = d->nnodes++;
    d->nodes[id] = (profile_node){.parent = parent,
                                  .first_child = -1,
                                  .next_sibling = -1,
                                  .depth = parent < 0 ? 0 : d->nodes[parent].depth + 1,
                                  .name = copy};
    int *link = parent < 0 ? &d->first_root : &d->nodes[parent].first_child;
    while (*link >= 0 && strcmp(d->nodes[*link].name, name) < 0)
        link = &d->nodes[*link].next_sibling;
    d->nodes[id].next_sibling = *link;
    *link = id;
    return id;
}

/* Adds one stack's cost (already scaled) to the tree; is_b says which side. */
static void add_stack(tree_builder *t, const char *stack, double cost, int is_b)
{
    char frame[256];
    int node = -1;
    for (const char *p = stack; !t->failed;) {
        const char *semi = strchr(p, ';');
        size_t n = semi ? (size_t)(semi - p) : strlen(p);
        snprintf(frame, sizeof frame, "%.*s", (int)(n < sizeof frame ? n : sizeof frame - 1), p);
        int c = child_named(t->d, node, frame);
        if (c < 0 && (c = add_child(t, node, frame)) < 0) {
            t->failed = 1;
            return;
        }
        node = c;
        profile_node *x = &t->d->nodes[node];
        if (is_b)
            x->b += cost;
        else
            x->a += cost;
        if (!semi) break;
        p = semi + 1;
    }
    if (node >= 0 && !t->failed) {
        if (is_b)
            t->d->nodes[node].self_b += cost;
        else
            t->d->nodes[node].self_a += cost;
    }
}

/* The enclosing function of an inline node: the nearest caller that is not inline. */
static const char *enclosing(const profile_diff *d, int node)
{
    for (int p = d->nodes[node].parent; p >= 0; p = d->nodes[p].parent)
        if (!is_inline(d->nodes[p].name)) return d->nodes[p].name;
    return "";
}

static int cmp_function(const void *x, const void *y)
{
    const profile_function *a = x, *b = y;
    if (fabs(a->change) != fabs(b->change)) return fabs(a->change) > fabs(b->change) ? -1 : 1;
    return strcmp(a->name, b->name);
}

static profile_function *function_named(profile_diff *d, const char *name)
{
    for (int k = 0; k < d->nfunctions; k++)
        if (strcmp(d->functions[k].name, name) == 0) return &d->functions[k];
    profile_function *f = &d->functions[d->nfunctions++];
    snprintf(f->name, sizeof f->name, "%s", name);
    return f;
}

typedef struct {
    const char *function, *name;
    double a, b;
} inline_cost;

/* The PROFILE_INLINES inline frames of f that moved most, from the costs of every inline frame
 * (merged by function and frame). */
static void pick_inlines(profile_function *f, inline_cost *c, int n)
{
    for (f->ninlines = 0; f->ninlines < PROFILE_INLINES;) {
        int best = -1;
        for (int i = 0; i < n; i++) {
            if (!c[i].name || strcmp(c[i].function, f->name) != 0) continue;
            if (best < 0 || fabs(c[i].b - c[i].a) > fabs(c[best].b - c[best].a)) best = i;
        }
        if (best < 0) break;
        profile_inline *x = &f->inlines[f->ninlines++];
        snprintf(x->name, sizeof x->name, "%s", c[best].name);
        x->a = c[best].a;
        x->b = c[best].b;
        x->change = x->b - x->a;
        c[best].name = NULL; /* taken */
    }
}

/* Self cost per function symbol, summed over every node whose innermost frame is the function
 * itself or inline in it. */
static int build_functions(profile_diff *d)
{
    d->functions = calloc((size_t)d->nnodes + 1, sizeof *d->functions);
    inline_cost *costs = calloc((size_t)d->nnodes + 1, sizeof *costs);
    if (!d->functions || !costs) {
        free(costs);
        return -1;
    }
    int ncosts = 0;
    for (int i = 0; i < d->nnodes; i++) {
        const profile_node *x = &d->nodes[i];
        if (x->self_a == 0 && x->self_b == 0) continue;
        int in = is_inline(x->name);
        profile_function *f = function_named(d, in ? enclosing(d, i) : x->name);
        f->a += x->self_a;
        f->b += x->self_b;
        if (!in) continue;
        inline_cost *c = NULL;
        for (int k = 0; k < ncosts && !c; k++)
            if (strcmp(costs[k].name, x->name) == 0 && strcmp(costs[k].function, f->name) == 0)
                c = &costs[k];
        if (!c) c = &costs[ncosts++];
        *c = (inline_cost){f->name, x->name, c->a + x->self_a, c->b + x->self_b};
    }
    for (int k = 0; k < d->nfunctions; k++) {
        d->functions[k].change = d->functions[k].b - d->functions[k].a;
        pick_inlines(&d->functions[k], costs, ncosts);
    }
    free(costs);
    qsort(d->functions, (size_t)d->nfunctions, sizeof *d->functions, cmp_function);
    return 0;
}

const profile_function *profile_top_grower(const profile_diff *d)
{
    const profile_function *best = NULL;
    for (int k = 0; k < d->nfunctions; k++)
        if (d->functions[k].change > 0 && (!best || d->functions[k].change > best->change))
            best = &d->functions[k];
    return best;
}

/* The path to node, caller first, without the leading frames every sample shares, and with
 * the middle left out ("") when it is longer than a chain holds. */
static void chain_of(const profile_diff *d, int node, profile_chain *c)
{
    int path[512], n = 0;
    for (int p = node; p >= 0 && n < 512; p = d->nodes[p].parent)
        path[n++] = p; /* leaf first */
    int start = n - 1;
    while (start > 0) {
        const profile_node *x = &d->nodes[path[start - 1]];
        if (x->a < SHARED_FRAME_SHARE * d->total_a || x->b < SHARED_FRAME_SHARE * d->total_b) break;
        start--;
    }
    int len = start + 1, k = 0;
    c->nframes = 0;
    for (int i = start; i >= 0; i--, k++) {
        /* keep the first frame and the last PROFILE_CHAIN_FRAMES - 2 */
        if (len > PROFILE_CHAIN_FRAMES && k > 0 && i >= PROFILE_CHAIN_FRAMES - 2) {
            if (k == 1) c->frames[c->nframes++][0] = '\0';
            continue;
        }
        snprintf(c->frames[c->nframes++], sizeof c->frames[0], "%s", d->nodes[path[i]].name);
    }
    c->a = d->nodes[node].self_a;
    c->b = d->nodes[node].self_b;
}

static int build_chains(profile_diff *d)
{
    d->chains = calloc(MAX_CHAINS, sizeof *d->chains);
    if (!d->chains) return -1;
    int used[MAX_CHAINS];
    while (d->nchains < MAX_CHAINS) {
        int best = -1;
        for (int i = 0; i < d->nnodes; i++) {
            double g = d->nodes[i].self_b - d->nodes[i].self_a;
            int taken = 0;
            for (int k = 0; k < d->nchains; k++)
                taken |= used[k] == i;
            if (g > 0 && !taken && (best < 0 || g > d->nodes[best].self_b - d->nodes[best].self_a))
                best = i;
        }
        if (best < 0) break;
        used[d->nchains] = best;
        chain_of(d, best, &d->chains[d->nchains++]);
    }
    return 0;
}

int profile_diff_build(const store_profile *a, const store_profile *b, profile_diff *d)
{
    memset(d, 0, sizeof *d);
    d->first_root = -1;
    d->per_op = strcmp(a->tool, "callgrind") == 0 && a->ops > 0 && b->ops > 0;
    double scale_a = d->per_op ? a->ops : a->total, scale_b = d->per_op ? b->ops : b->total;
    tree_builder t = {.d = d};
    for (int i = 0; i < a->nstacks && scale_a > 0; i++)
        add_stack(&t, a->stacks[i].stack, a->stacks[i].value / scale_a, 0);
    for (int i = 0; i < b->nstacks && scale_b > 0; i++)
        add_stack(&t, b->stacks[i].stack, b->stacks[i].value / scale_b, 1);
    d->total_a = scale_a > 0 ? a->total / scale_a : 0;
    d->total_b = scale_b > 0 ? b->total / scale_b : 0;
    if (t.failed || build_functions(d) != 0 || build_chains(d) != 0) {
        profile_diff_free(d);
        return -1;
    }
    return 0;
}

void profile_diff_free(profile_diff *d)
{
    for (int i = 0; i < d->nnodes; i++)
        free(d->nodes[i].name);
    free(d->nodes);
    free(d->functions);
    free(d->chains);
    memset(d, 0, sizeof *d);
    d->first_root = -1;
}
