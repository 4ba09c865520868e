/* Ranking counter changes (see counters.h). */
#include "analysis/counters.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stats.h"

static int is_per_op_counter(const char *name)
{
    static const char *const structural[] = {
        "heaps_created",     "heaps_reused",        "slabs_created",    "slabs_returned",
        "superslabs_mapped", "superslabs_returned", "mmap_calls",       "munmap_calls",
        "madvise_calls",     "bytes_mapped",        "peak_bytes_mapped"};
    for (size_t i = 0; i < sizeof structural / sizeof structural[0]; i++)
        if (strcmp(name, structural[i]) == 0) return 0;
    return 1;
}

static int cmp_change(const void *x, const void *y)
{
    const counter_change *a = x, *b = y;
    /* Counters present on both sides first: "refills x40" is evidence, while a counter that
     * exists only in B (the fast path's own hits) mostly says which path B takes. */
    int ia = isinf(a->score), ib = isinf(b->score);
    if (ia != ib) return ia ? 1 : -1;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    return strcmp(a->name, b->name);
}

typedef struct {
    char name[64];
    double a, b;
    int has_a, has_b;
} counter_pair;

static counter_pair *pair_slot(counter_pair **pairs, int *n, const char *name)
{
    for (int i = 0; i < *n; i++)
        if (strcmp((*pairs)[i].name, name) == 0) return &(*pairs)[i];
    counter_pair *p = realloc(*pairs, sizeof *p * (size_t)(*n + 1));
    if (!p) return NULL;
    *pairs = p;
    memset(&p[*n], 0, sizeof p[*n]);
    snprintf(p[*n].name, sizeof p[*n].name, "%s", name);
    return &p[(*n)++];
}

/* The pairs with a value on both sides, not both zero, sorted by change. */
static int finish(counter_pair *pairs, int n, int per_op_all, counter_change **out)
{
    *out = calloc((size_t)n + 1, sizeof **out);
    int k = 0;
    for (int i = 0; *out && i < n; i++) {
        counter_pair *p = &pairs[i];
        if (!p->has_a || !p->has_b || (p->a == 0 && p->b == 0)) continue;
        counter_change *c = &(*out)[k++];
        snprintf(c->name, sizeof c->name, "%s", p->name);
        c->a = p->a;
        c->b = p->b;
        c->per_op = per_op_all && is_per_op_counter(p->name);
        c->score = (p->a <= 0 || p->b <= 0) ? HUGE_VAL : fabs(log(p->b / p->a));
    }
    if (*out) qsort(*out, (size_t)k, sizeof **out, cmp_change);
    free(pairs);
    return k;
}

int counters_compare(const store_counter_value *rows, int n, counter_change **out)
{
    /* Per operation only when both counters runs report their operation count. */
    int per_op = 1;
    for (int i = 0; i < n; i++)
        if (rows[i].ops <= 0) per_op = 0;
    counter_pair *pairs = NULL;
    int np = 0;
    for (int i = 0; i < n; i++) {
        counter_pair *p = pair_slot(&pairs, &np, rows[i].name);
        if (!p) break;
        double x = (per_op && is_per_op_counter(rows[i].name)) ? rows[i].value / rows[i].ops
                                                               : rows[i].value;
        if (rows[i].is_b) {
            p->b = x;
            p->has_b = 1;
        } else {
            p->a = x;
            p->has_a = 1;
        }
    }
    return finish(pairs, np, per_op, out);
}

int events_compare(const store_event_value *rows, int n, counter_change **out)
{
    counter_pair *pairs = NULL;
    int np = 0;
    double *xa = malloc(sizeof *xa * (size_t)(n + 1)), *xb = malloc(sizeof *xb * (size_t)(n + 1));
    /* Rows come name by name: each name's A and B values are one group. */
    for (int i = 0; xa && xb && i < n;) {
        int na = 0, nb = 0, j = i;
        for (; j < n && strcmp(rows[j].name, rows[i].name) == 0; j++) {
            if (rows[j].is_b)
                xb[nb++] = rows[j].per_op;
            else
                xa[na++] = rows[j].per_op;
        }
        counter_pair *p = pair_slot(&pairs, &np, rows[i].name);
        if (p && na > 0 && nb > 0) {
            p->a = stats_median(xa, (size_t)na);
            p->b = stats_median(xb, (size_t)nb);
            p->has_a = p->has_b = 1;
        }
        i = j;
    }
    free(xa);
    free(xb);
    return finish(pairs, np, 1, out);
}
