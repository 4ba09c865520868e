/* rank_shift: Hodges-Lehmann shifts with exact Wilcoxon / Mann-Whitney intervals (see
 * rank_shift.h for the construction and why p and the interval cannot disagree). */
#include "analysis/rank_shift.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Mann-Whitney's exact null table has (ny + 1) * (nx * ny + 1) entries: both samples up to
 * this size (a 60 x 60 table is under 2 MB); beyond, the normal approximation. */
#define MANN_WHITNEY_EXACT_SIDE 60

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

static double median_sorted(const double *s, size_t n)
{
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

/* P(Z <= z) for a standard normal Z. */
static double normal_cdf(double z)
{
    return 0.5 * erfc(-z / M_SQRT2);
}

/* The cumulative null distribution of an integer rank statistic on 0..max: either an exact
 * table (cdf[t] = P(S <= t)) or the normal approximation with mean mu and variance var
 * (continuity-corrected). */
typedef struct {
    double *cdf; /* NULL: normal approximation */
    size_t max;
    double mu, var;
} null_dist;

static double null_cdf(const null_dist *d, double t)
{
    if (t < 0) return 0;
    if (!d->cdf) return d->var > 0 ? normal_cdf((floor(t) + 0.5 - d->mu) / sqrt(d->var)) : 1;
    size_t i = (size_t)floor(t);
    return i >= d->max ? 1 : d->cdf[i];
}

/* Turns a probability table prob[0..max] into its running sum, in place. */
static void cumulate(double *prob, size_t max)
{
    for (size_t t = 1; t <= max; t++)
        prob[t] += prob[t - 1];
}

/* Signed-rank sum of n pairs: each rank 1..n is positive with probability 1/2 on its own, so
 * P(T = t) is the number of subsets of 1..n summing to t over 2^n (a knapsack recurrence). */
static int signed_rank_null(size_t n, null_dist *d)
{
    d->max = n * (n + 1) / 2;
    d->mu = (double)d->max / 2;
    d->var = (double)n * (double)(n + 1) * (double)(2 * n + 1) / 24;
    d->cdf = NULL;
    if (n > RANK_SHIFT_EXACT_MAX) return 0;
    double *p = calloc(d->max + 1, sizeof *p);
    if (!p) return -1;
    p[0] = 1;
    size_t top = 0;
    for (size_t k = 1; k <= n; k++) {
        top += k;
        for (size_t t = top; t >= k; t--)
            p[t] = 0.5 * (p[t] + p[t - k]);
        for (size_t t = k; t-- > 0;)
            p[t] *= 0.5;
    }
    cumulate(p, d->max);
    d->cdf = p;
    return 0;
}

/* U = #(y above x) for nx and ny untied values, by which sample holds the largest value:
 * P(i, j, u) = i/(i+j) P(i-1, j, u) + j/(i+j) P(i, j-1, u-i) for i x-values and j y-values. */
static int mann_whitney_null(size_t nx, size_t ny, null_dist *d)
{
    double n = (double)(nx + ny);
    d->max = nx * ny;
    d->mu = (double)d->max / 2;
    d->var = (double)nx * (double)ny * (n + 1) / 12;
    d->cdf = NULL;
    if (nx > MANN_WHITNEY_EXACT_SIDE || ny > MANN_WHITNEY_EXACT_SIDE) return 0;
    size_t width = d->max + 1;
    /* rows[j] holds P(i, j, .) for the current i; updated for i = 0..nx in place. */
    double *rows = calloc((ny + 1) * width, sizeof *rows);
    if (!rows) return -1;
    for (size_t j = 0; j <= ny; j++)
        rows[j * width] = 1; /* i = 0: U = 0 */
    for (size_t i = 1; i <= nx; i++) {
        /* j = 0 stays P = 1 at u = 0; row j uses the new row j - 1 and the old row j. */
        for (size_t j = 1; j <= ny; j++) {
            double wx = (double)i / (double)(i + j), wy = (double)j / (double)(i + j);
            double *cur = rows + j * width, *left = rows + (j - 1) * width;
            for (size_t u = i * j + 1; u-- > 0;) {
                double from_y = u >= i ? left[u - i] : 0;
                cur[u] = wx * cur[u] + wy * from_y;
            }
        }
    }
    double *p = malloc(width * sizeof *p);
    if (!p) {
        free(rows);
        return -1;
    }
    memcpy(p, rows + ny * width, width * sizeof *p);
    free(rows);
    cumulate(p, d->max);
    d->cdf = p;
    return 0;
}

/* Estimate, interval and p from N sorted values w (Walsh averages or differences) and the
 * null distribution of the count of positive ones. */
static void shift_from_sorted(const double *w, size_t nw, const null_dist *null, double alpha,
                              rank_shift *out)
{
    out->estimate = median_sorted(w, nw);
    /* c: the largest count with P(S <= c) <= alpha / 2 (-1: none, no interval at this level). */
    long c = -1;
    while ((size_t)(c + 1) <= null->max && null_cdf(null, (double)(c + 1)) <= alpha / 2)
        c++;
    if (c < 0 || (size_t)c >= (nw + 1) / 2) {
        out->lo = -INFINITY;
        out->hi = INFINITY;
        out->level = 1;
    } else {
        out->lo = w[c];
        out->hi = w[nw - 1 - (size_t)c];
        out->level = 1 - 2 * null_cdf(null, (double)c);
    }
    size_t le0 = 0, ge0 = 0;
    for (size_t i = 0; i < nw; i++) {
        le0 += w[i] <= 0;
        ge0 += w[i] >= 0;
    }
    double p = 2 * null_cdf(null, (double)(le0 < ge0 ? le0 : ge0));
    out->p = p > 1 ? 1 : p;
}

static void empty_shift(rank_shift *out, size_t n)
{
    *out =
        (rank_shift){.n = n, .estimate = NAN, .lo = -INFINITY, .hi = INFINITY, .level = 1, .p = 1};
}

int rank_shift_paired(const double *d, size_t n, double alpha, rank_shift *out)
{
    empty_shift(out, n);
    if (n == 0) return 0;
    size_t nw = n * (n + 1) / 2;
    double *w = malloc(nw * sizeof *w);
    null_dist null;
    if (!w || signed_rank_null(n, &null) != 0) {
        free(w);
        return -1;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i; j < n; j++)
            w[k++] = 0.5 * (d[i] + d[j]);
    qsort(w, nw, sizeof *w, cmp_double);
    shift_from_sorted(w, nw, &null, alpha, out);
    free(null.cdf);
    free(w);
    return 0;
}

int rank_shift_unpaired(const double *x, size_t nx, const double *y, size_t ny, double alpha,
                        rank_shift *out)
{
    empty_shift(out, nx + ny);
    if (nx == 0 || ny == 0) return 0;
    size_t nw = nx * ny;
    double *w = malloc(nw * sizeof *w);
    null_dist null;
    if (!w || mann_whitney_null(nx, ny, &null) != 0) {
        free(w);
        return -1;
    }
    size_t k = 0;
    for (size_t i = 0; i < nx; i++)
        for (size_t j = 0; j < ny; j++)
            w[k++] = y[j] - x[i];
    qsort(w, nw, sizeof *w, cmp_double);
    shift_from_sorted(w, nw, &null, alpha, out);
    free(null.cdf);
    free(w);
    return 0;
}

double rank_shift_signed_rank_cdf(size_t n, double t)
{
    null_dist null;
    if (signed_rank_null(n, &null) != 0) return NAN;
    double p = null_cdf(&null, t);
    free(null.cdf);
    return p;
}
