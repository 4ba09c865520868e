/* Summaries of measured runs (see run_summary.h). */
#include "analysis/run_summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stats.h"

static int push(double **arr, int *n, double x)
{
    double *p = realloc(*arr, sizeof *p * (size_t)(*n + 1));
    if (!p) return -1;
    p[(*n)++] = x;
    *arr = p;
    return 0;
}

void run_summary_init(run_summary *s)
{
    memset(s, 0, sizeof *s);
    s->rss_seq = -1;
    s->median = s->lo = s->hi = NAN;
    s->rss_median_kb = s->rss_min_kb = s->rss_max_kb = s->rss_ok_median_kb = s->after_free_kb = NAN;
}

int run_summary_add(run_summary *s, const store_measured_run *r)
{
    s->n_measure++;
    if (s->args[0] == '\0') memcpy(s->args, r->args, sizeof s->args);
    if (r->has_rss) {
        if (push(&s->rss, &s->nrss, r->peak_rss_kb) != 0) return -1;
        if (!(r->peak_rss_kb >= s->rss_min_kb)) s->rss_min_kb = r->peak_rss_kb;
        if (r->ok && push(&s->rss_ok, &s->nrss_ok, r->peak_rss_kb) != 0) return -1;
        if (s->rss_seq < 0 || r->peak_rss_kb > s->rss_max_kb) {
            s->rss_max_kb = r->peak_rss_kb;
            s->rss_seq = r->seq;
            s->rss_run_id = r->run_id;
        }
    }
    if (r->ok && r->has_ops) return push(&s->ops, &s->n_ok, r->ops_per_sec);
    return 0;
}

int run_summary_add_after_free(run_summary *s, double kb)
{
    return push(&s->free_kb, &s->nfree, kb);
}

void run_summary_finish(run_summary *s)
{
    if (s->n_ok > 0) {
        s->median = stats_median(s->ops, (size_t)s->n_ok);
        stats_median_interval(s->ops, (size_t)s->n_ok, &s->lo, &s->hi);
    }
    if (s->nrss > 0) s->rss_median_kb = stats_median(s->rss, (size_t)s->nrss);
    if (s->nrss_ok > 0) s->rss_ok_median_kb = stats_median(s->rss_ok, (size_t)s->nrss_ok);
    if (s->nfree > 0) s->after_free_kb = stats_median(s->free_kb, (size_t)s->nfree);
    free(s->rss);
    free(s->rss_ok);
    free(s->free_kb);
    s->rss = s->rss_ok = s->free_kb = NULL;
    s->nrss = s->nrss_ok = s->nfree = 0;
}

void run_summary_free(run_summary *s)
{
    free(s->ops);
    free(s->rss_t_ms);
    free(s->rss_kb);
    free(s->rss);
    free(s->rss_ok);
    free(s->free_kb);
    memset(s, 0, sizeof *s);
}

void rss_growth_of(const int *t_ms, const long *kb, int n, rss_growth *g)
{
    memset(g, 0, sizeof *g);
    int first = -1, peak = -1;
    for (int i = 0; i < n; i++) {
        if (kb[i] > 0 && first < 0) first = i;
        if (peak < 0 || kb[i] > kb[peak]) peak = i;
    }
    if (first < 0) return;
    g->n = n;
    g->first_kb = (double)kb[first];
    g->first_s = t_ms[first] / 1000.0;
    g->peak_kb = (double)kb[peak];
    g->peak_s = t_ms[peak] / 1000.0;
}
