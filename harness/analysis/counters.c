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
    /* Two-sided counters first: "refills x40" is evidence, while a counter that one build never
     * counts mostly says which path that build takes. */
    if (a->one_sided != b->one_sided) return a->one_sided ? 1 : -1;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    return strcmp(a->name, b->name);
}

static double min_of(const double *x, int n)
{
    double m = x[0];
    for (int i = 1; i < n; i++)
        m = fmin(m, x[i]);
    return m;
}

static double max_of(const double *x, int n)
{
    double m = x[0];
    for (int i = 1; i < n; i++)
        m = fmax(m, x[i]);
    return m;
}

/* One counter from its runs' values xa[0..na) and xb[0..nb); 0 when it is no change at all
 * (a side without runs, or zero everywhere). */
static int judge(const char *name, int per_op, double *xa, int na, double *xb, int nb,
                 counter_change *c)
{
    if (na == 0 || nb == 0) return 0;
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    c->per_op = per_op;
    c->n_a = na;
    c->n_b = nb;
    c->a = stats_median(xa, (size_t)na);
    c->b = stats_median(xb, (size_t)nb);
    c->a_lo = min_of(xa, na);
    c->a_hi = max_of(xa, na);
    c->b_lo = min_of(xb, nb);
    c->b_hi = max_of(xb, nb);
    if (c->a_hi == 0 && c->b_hi == 0) return 0;
    c->one_sided = c->a_hi == 0 || c->b_hi == 0;
    c->beyond_spread = !c->one_sided && na >= COUNTERS_MIN_RUNS && nb >= COUNTERS_MIN_RUNS &&
                       (c->b_lo > c->a_hi || c->b_hi < c->a_lo);
    c->score = (c->a <= 0 || c->b <= 0) ? HUGE_VAL : fabs(log(c->b / c->a));
    return 1;
}

/* Rows come name by name, A's before B's within a name: each name is one group. `value`
 * gives a row's figure, per operation when `per_op` says so for its name. */
typedef double (*row_value)(const void *rows, int i, int per_op, int *is_b, const char **name);

static int compare_groups(const void *rows, int n, row_value value, int per_op_all,
                          counter_change **out)
{
    *out = calloc((size_t)n + 1, sizeof **out);
    double *xa = malloc(sizeof *xa * (size_t)(n + 1)), *xb = malloc(sizeof *xb * (size_t)(n + 1));
    int k = 0;
    for (int i = 0; *out && xa && xb && i < n;) {
        int na = 0, nb = 0, j = i, is_b;
        const char *name, *first;
        value(rows, i, 0, &is_b, &first);
        int per_op = per_op_all && is_per_op_counter(first);
        for (; j < n; j++) {
            double x = value(rows, j, per_op, &is_b, &name);
            if (strcmp(name, first) != 0) break;
            if (is_b)
                xb[nb++] = x;
            else
                xa[na++] = x;
        }
        k += judge(first, per_op, xa, na, xb, nb, &(*out)[k]);
        i = j;
    }
    free(xa);
    free(xb);
    if (*out) qsort(*out, (size_t)k, sizeof **out, cmp_change);
    return *out ? k : 0;
}

static double counter_row(const void *rows, int i, int per_op, int *is_b, const char **name)
{
    const store_counter_value *r = &((const store_counter_value *)rows)[i];
    *is_b = r->is_b;
    *name = r->name;
    return per_op ? r->value / r->ops : r->value;
}

int counters_compare(const store_counter_value *rows, int n, counter_change **out)
{
    /* Per operation only when every counters run reports its operation count. */
    int per_op = 1;
    for (int i = 0; i < n; i++)
        if (rows[i].ops <= 0) per_op = 0;
    return compare_groups(rows, n, counter_row, per_op, out);
}

/* perf events are divided by the operations in the query already. */
static double event_row(const void *rows, int i, int per_op, int *is_b, const char **name)
{
    (void)per_op;
    const store_event_value *r = &((const store_event_value *)rows)[i];
    *is_b = r->is_b;
    *name = r->name;
    return r->per_op;
}

int events_compare(const store_event_value *rows, int n, counter_change **out)
{
    return compare_groups(rows, n, event_row, 1, out);
}
