/* The bisect search (see bisect_search.h). */
#include "analysis/bisect_search.h"

#include <stdlib.h>
#include <string.h>

const char *step_verdict_name(step_verdict v)
{
    return v == STEP_GOOD ? "good" : v == STEP_BAD ? "bad" : "skip";
}

int bisect_search_init(bisect_search *b, int n)
{
    b->n = n;
    b->lo = -1;
    b->hi = n - 1;
    b->state = calloc((size_t)(n > 0 ? n : 1), 1);
    return b->state ? 0 : -1;
}

int bisect_search_next(const bisect_search *b)
{
    int lo = b->lo, hi = b->hi, mid = lo + (hi - lo) / 2;
    for (int d = 0; d < hi - lo; d++) {
        if (mid + d < hi && mid + d > lo && b->state[mid + d] == 0) return mid + d;
        if (mid - d > lo && mid - d < hi && b->state[mid - d] == 0) return mid - d;
    }
    return -1;
}

void bisect_search_record(bisect_search *b, int k, step_verdict v)
{
    b->state[k] = v == STEP_GOOD ? 1 : v == STEP_BAD ? 2 : 3;
    if (v == STEP_GOOD)
        b->lo = k;
    else if (v == STEP_BAD)
        b->hi = k;
}

int bisect_search_candidates(const bisect_search *b, int *first)
{
    *first = b->lo + 1;
    return b->hi - b->lo;
}

void bisect_search_free(bisect_search *b)
{
    free(b->state);
    b->state = NULL;
}

step_verdict bisect_step_verdict(const comparison *c)
{
    switch (c->primary.verdict) {
    case VERDICT_REGRESSION:
    case VERDICT_FAILED:
        return STEP_BAD;
    case VERDICT_INCONCLUSIVE:
        return STEP_SKIP;
    default:
        return STEP_GOOD;
    }
}

void bisect_result_free(bisect_result *r)
{
    free(r->steps);
    free(r->candidates);
    memset(r, 0, sizeof *r);
}
