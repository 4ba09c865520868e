/* procedure: alpha spending over looks, Holm levels and the verdict rule (see procedure.h). */
#include "analysis/procedure.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const verdict_names[] = {
    [VERDICT_EQUIVALENT] = "equivalent",     [VERDICT_IMPROVEMENT] = "improvement",
    [VERDICT_REGRESSION] = "regression",     [VERDICT_CHANGED_BELOW_DELTA] = "changed-below-delta",
    [VERDICT_INCONCLUSIVE] = "inconclusive", [VERDICT_FAILED] = "failed",
};
#define NVERDICTS (sizeof verdict_names / sizeof verdict_names[0])

const char *verdict_name(verdict_t v)
{
    return (unsigned)v < NVERDICTS ? verdict_names[v] : "unknown";
}

int verdict_parse(const char *name)
{
    for (size_t i = 0; i < NVERDICTS; i++)
        if (strcmp(name, verdict_names[i]) == 0) return (int)i;
    return -1;
}

int verdict_is_change(verdict_t v)
{
    return v == VERDICT_REGRESSION || v == VERDICT_IMPROVEMENT;
}

procedure procedure_default(void)
{
    return (procedure){.looks = PROCEDURE_DEFAULT_LOOKS,
                       .runs_per_look = PROCEDURE_DEFAULT_RUNS_PER_LOOK,
                       .alpha = PROCEDURE_DEFAULT_ALPHA,
                       .delta = PROCEDURE_DEFAULT_DELTA,
                       .family = 1};
}

double procedure_look_alpha(const procedure *p, int look)
{
    return look >= 1 && look <= p->looks ? p->alpha / p->looks : 0;
}

int procedure_blocks_at(const procedure *p, int look)
{
    return look * p->runs_per_look;
}

typedef struct {
    double p;
    size_t index;
} ranked_p;

static int cmp_ranked_p(const void *pa, const void *pb)
{
    const ranked_p *a = pa, *b = pb;
    if (a->p != b->p) return (a->p > b->p) - (a->p < b->p);
    return (a->index > b->index) - (a->index < b->index);
}

void procedure_holm_levels(const double *p, size_t m, size_t family, double alpha, double *level)
{
    size_t mm = m > family ? m : family;
    ranked_p *r = malloc((m ? m : 1) * sizeof *r);
    if (!r) { /* Bonferroni: never more permissive than Holm */
        for (size_t i = 0; i < m; i++)
            level[i] = alpha / (double)mm;
        return;
    }
    for (size_t i = 0; i < m; i++)
        r[i] = (ranked_p){p[i], i};
    qsort(r, m, sizeof *r, cmp_ranked_p);
    double stop = -1;
    for (size_t j = 0; j < m; j++) {
        double lj = alpha / (double)(mm - j);
        if (stop < 0 && !(r[j].p <= lj)) stop = lj;
        level[r[j].index] = stop < 0 ? lj : stop;
    }
    free(r);
}

verdict_t procedure_verdict(const rank_shift *s, double delta, int failed)
{
    if (failed) return VERDICT_FAILED;
    if (isnan(s->estimate)) return VERDICT_INCONCLUSIVE;
    double d = log1p(delta);
    int excludes_zero = s->lo > 0 || s->hi < 0;
    if (excludes_zero && fabs(s->estimate) >= d)
        return s->estimate > 0 ? VERDICT_IMPROVEMENT : VERDICT_REGRESSION;
    if (s->lo > -d && s->hi < d)
        return excludes_zero ? VERDICT_CHANGED_BELOW_DELTA : VERDICT_EQUIVALENT;
    return VERDICT_INCONCLUSIVE;
}
