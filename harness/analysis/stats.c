/* Statistics on small noisy samples (see stats.h). Conventions follow SciPy so that its values
 * can serve as the reference: Wilcoxon with zero_method='wilcox', Mann-Whitney two-sided with the
 * continuity correction, average ranks for ties in both. */
#include "analysis/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/random.h"

#define MAD_SCALE 1.4826          /* 1 / Phi^-1(3/4): MAD -> sigma for normal data */
#define MEANAD_SCALE 1.253314     /* sqrt(pi/2): mean absolute deviation -> sigma */
#define OUTLIER_Z 3.5             /* Iglewicz and Hoaglin's cut-off for the modified z-score */
#define WILCOXON_EXACT_MAX 25     /* exact signed-rank distribution up to this many pairs */
#define MANN_WHITNEY_EXACT_MAX 50 /* exact U distribution up to this many observations */

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

static double median_sorted(const double *s, size_t n)
{
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

/* Median of x, using scratch (n doubles) for the sorted copy. */
static double median_into(const double *x, size_t n, double *scratch)
{
    memcpy(scratch, x, n * sizeof *x);
    qsort(scratch, n, sizeof *scratch, cmp_double);
    return median_sorted(scratch, n);
}

double stats_median(const double *x, size_t n)
{
    if (n == 0) return NAN;
    double *s = malloc(n * sizeof *s);
    if (!s) return NAN;
    double m = median_into(x, n, s);
    free(s);
    return m;
}

/* Unscaled median absolute deviation around `center`. */
static double raw_mad(const double *x, size_t n, double center)
{
    double *d = malloc(n * sizeof *d);
    if (!d) return NAN;
    for (size_t i = 0; i < n; i++)
        d[i] = fabs(x[i] - center);
    qsort(d, n, sizeof *d, cmp_double);
    double m = median_sorted(d, n);
    free(d);
    return m;
}

double stats_mad(const double *x, size_t n)
{
    if (n == 0) return NAN;
    return MAD_SCALE * raw_mad(x, n, stats_median(x, n));
}

size_t stats_outliers(const double *x, size_t n, int *out)
{
    if (out) memset(out, 0, n * sizeof *out);
    if (n < 3) return 0;
    double med = stats_median(x, n);
    double scale = MAD_SCALE * raw_mad(x, n, med);
    if (scale == 0) {
        /* More than half the values are equal: the MAD carries no spread, so fall back to the
         * mean absolute deviation (the usual remedy for the modified z-score). */
        double sum = 0;
        for (size_t i = 0; i < n; i++)
            sum += fabs(x[i] - med);
        scale = MEANAD_SCALE * sum / (double)n;
    }
    if (!(scale > 0)) return 0;
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if (fabs(x[i] - med) / scale > OUTLIER_Z) {
            count++;
            if (out) out[i] = 1;
        }
    }
    return count;
}

static size_t draw_index(uint64_t *state, size_t n)
{
    return (size_t)((double)(random_next(state) >> 11) * 0x1p-53 * (double)n);
}

/* Linear interpolation between order statistics (Hyndman-Fan type 7, NumPy's default). */
static double quantile_sorted(const double *s, size_t n, double q)
{
    double h = q * (double)(n - 1);
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n) return s[n - 1];
    return s[lo] + (h - (double)lo) * (s[lo + 1] - s[lo]);
}

double stats_quantile(double *x, size_t n, double q)
{
    if (n == 0) return NAN;
    qsort(x, n, sizeof *x, cmp_double);
    return quantile_sorted(x, n, q);
}

void stats_median_interval(const double *x, size_t n, double *lo, double *hi)
{
    *lo = *hi = NAN;
    if (n == 0) return;
    double *s = malloc(n * sizeof *s);
    if (!s) return;
    memcpy(s, x, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    /* The widest k with P(Binomial(n, 1/2) < k) <= 2.5% gives [x_(k), x_(n+1-k)]; below 6 runs
     * no k qualifies and the range is the honest interval. */
    size_t k = 0;
    double cdf = 0, term = pow(0.5, (double)n); /* P(X = 0) */
    for (size_t j = 0; j < n; j++) {
        cdf += term;
        if (cdf > 0.025) break;
        k = j + 1;
        term = term * (double)(n - j) / (double)(j + 1);
    }
    if (k < 1) k = 1;
    *lo = s[k - 1];
    *hi = s[n - k];
    free(s);
}

void stats_bootstrap_ratio_ci(const double *a, size_t na, const double *b, size_t nb, int paired,
                              int resamples, double level, uint64_t seed, double *lo, double *hi)
{
    *lo = *hi = NAN;
    if (na == 0 || nb == 0 || resamples < 1 || (paired && na != nb)) return;
    double *ra = malloc(na * sizeof *ra), *rb = malloc(nb * sizeof *rb);
    double *scratch = malloc((na > nb ? na : nb) * sizeof *scratch);
    double *ratios = malloc((size_t)resamples * sizeof *ratios);
    if (!ra || !rb || !scratch || !ratios) goto out;
    uint64_t state = seed;
    size_t kept = 0;
    for (int r = 0; r < resamples; r++) {
        for (size_t i = 0; i < na; i++) {
            size_t k = draw_index(&state, na);
            ra[i] = a[k];
            if (paired) rb[i] = b[k];
        }
        if (!paired)
            for (size_t i = 0; i < nb; i++)
                rb[i] = b[draw_index(&state, nb)];
        double ma = median_into(ra, na, scratch), mb = median_into(rb, nb, scratch);
        if (ma != 0 && isfinite(mb / ma)) ratios[kept++] = mb / ma;
    }
    if (kept > 0) {
        qsort(ratios, kept, sizeof *ratios, cmp_double);
        double alpha = 1 - level;
        *lo = quantile_sorted(ratios, kept, alpha / 2);
        *hi = quantile_sorted(ratios, kept, 1 - alpha / 2);
    }
out:
    free(ra);
    free(rb);
    free(scratch);
    free(ratios);
}

/* The finite ratios b[i] / a[i] into out; returns how many. */
static size_t pair_ratios(const double *a, const double *b, size_t n, double *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (a[i] != 0 && isfinite(b[i] / a[i])) out[k++] = b[i] / a[i];
    return k;
}

double stats_median_pair_ratio(const double *a, const double *b, size_t n)
{
    double *r = malloc((n ? n : 1) * sizeof *r);
    if (!r) return NAN;
    size_t k = pair_ratios(a, b, n, r);
    double m = k ? stats_median(r, k) : NAN;
    free(r);
    return m;
}

void stats_bootstrap_pair_ratio_ci(const double *a, const double *b, size_t n, int resamples,
                                   double level, uint64_t seed, double *lo, double *hi)
{
    *lo = *hi = NAN;
    if (n == 0 || resamples < 1) return;
    double *r = malloc(n * sizeof *r), *draw = malloc(n * sizeof *draw);
    double *scratch = malloc(n * sizeof *scratch);
    double *meds = malloc((size_t)resamples * sizeof *meds);
    size_t k = r ? pair_ratios(a, b, n, r) : 0;
    if (!draw || !scratch || !meds || k == 0) goto out;
    uint64_t state = seed;
    for (int i = 0; i < resamples; i++) {
        for (size_t j = 0; j < k; j++)
            draw[j] = r[draw_index(&state, k)];
        meds[i] = median_into(draw, k, scratch);
    }
    qsort(meds, (size_t)resamples, sizeof *meds, cmp_double);
    *lo = quantile_sorted(meds, (size_t)resamples, (1 - level) / 2);
    *hi = quantile_sorted(meds, (size_t)resamples, 1 - (1 - level) / 2);
out:
    free(r);
    free(draw);
    free(scratch);
    free(meds);
}

typedef struct {
    double value;
    size_t index;
} ranked;

static int cmp_ranked(const void *pa, const void *pb)
{
    return cmp_double(&((const ranked *)pa)->value, &((const ranked *)pb)->value);
}

/* Average ranks (1-based) of v into rank[]; returns sum(t^3 - t) over groups of t tied values,
 * the quantity both tests' tie corrections need. */
static double rank_average(const double *v, size_t n, double *rank)
{
    ranked *r = malloc(n * sizeof *r);
    if (!r) return NAN;
    for (size_t i = 0; i < n; i++)
        r[i] = (ranked){v[i], i};
    qsort(r, n, sizeof *r, cmp_ranked);
    double ties = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && r[j].value == r[i].value)
            j++;
        double avg = 0.5 * (double)(i + 1 + j); /* mean of ranks i+1 .. j */
        for (size_t k = i; k < j; k++)
            rank[r[k].index] = avg;
        double t = (double)(j - i);
        ties += t * t * t - t;
        i = j;
    }
    free(r);
    return ties;
}

/* Two-sided p of a statistic with mean mu and variance var under the null, normal approximation
 * with the continuity correction (0.5 towards the mean). */
static double normal_two_sided_p(double stat, double mu, double var)
{
    if (!(var > 0)) return 1.0;
    double d = fabs(stat - mu) - 0.5;
    if (d < 0) d = 0;
    double p = erfc(d / sqrt(var) / M_SQRT2);
    return p > 1 ? 1 : p;
}

/* Exact two-sided p from a discrete null distribution prob[0..max] of an integer statistic. */
static double exact_two_sided_p(const double *prob, int max, int stat)
{
    double le = 0, ge = 0;
    for (int u = 0; u <= max; u++) {
        if (u <= stat) le += prob[u];
        if (u >= stat) ge += prob[u];
    }
    double p = 2 * (le < ge ? le : ge);
    return p > 1 ? 1 : p;
}

/* Null distribution of the signed-rank sum T+ for n untied pairs: each rank is positive with
 * probability 1/2 independently, so P(T+ = t) = (number of subsets of 1..n summing to t) / 2^n. */
static double wilcoxon_exact_p(size_t n, double t_plus)
{
    int max = (int)(n * (n + 1) / 2);
    double prob[WILCOXON_EXACT_MAX * (WILCOXON_EXACT_MAX + 1) / 2 + 1] = {1.0};
    for (int k = 1; k <= (int)n; k++)
        for (int t = max; t >= 0; t--)
            prob[t] = 0.5 * (prob[t] + (t >= k ? prob[t - k] : 0));
    return exact_two_sided_p(prob, max, (int)lround(t_plus));
}

double stats_wilcoxon_signed_rank_p(const double *a, const double *b, size_t n)
{
    double *d = malloc((n ? n : 1) * sizeof *d), *rank = malloc((n ? n : 1) * sizeof *rank);
    double p = 1.0;
    if (!d || !rank) {
        p = NAN;
        goto out;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (b[i] != a[i]) d[m++] = b[i] - a[i];
    if (m == 0) goto out;
    for (size_t i = 0; i < m; i++)
        rank[i] = fabs(d[i]);
    double ties = rank_average(rank, m, rank);
    double t_plus = 0;
    for (size_t i = 0; i < m; i++)
        if (d[i] > 0) t_plus += rank[i];
    double dm = (double)m;
    if (ties == 0 && m <= WILCOXON_EXACT_MAX)
        p = wilcoxon_exact_p(m, t_plus);
    else
        p = normal_two_sided_p(t_plus, dm * (dm + 1) / 4,
                               dm * (dm + 1) * (2 * dm + 1) / 24 - ties / 48);
out:
    free(d);
    free(rank);
    return p;
}

/* Null distribution of U (pairs with the a-value above the b-value) for na and nb untied values,
 * by the recurrence on which sample holds the largest value:
 *   P(i, j, u) = i/(i+j) P(i-1, j, u-j) + j/(i+j) P(i, j-1, u).
 * Rows over i are kept two at a time; returns NULL when out of memory. */
static double *mann_whitney_null(size_t na, size_t nb)
{
    size_t width = na * nb + 1;
    double *prev = calloc((nb + 1) * width, sizeof *prev);
    double *cur = calloc((nb + 1) * width, sizeof *cur);
    if (!prev || !cur) {
        free(prev);
        free(cur);
        return NULL;
    }
    for (size_t j = 0; j <= nb; j++)
        prev[j * width] = 1.0; /* i = 0: U is 0 */
    for (size_t i = 1; i <= na; i++) {
        memset(cur, 0, (nb + 1) * width * sizeof *cur);
        cur[0] = 1.0; /* j = 0 */
        for (size_t j = 1; j <= nb; j++) {
            double wa = (double)i / (double)(i + j), wb = (double)j / (double)(i + j);
            for (size_t u = 0; u <= i * j; u++) {
                double from_a = u >= j ? prev[j * width + u - j] : 0;
                double from_b = cur[(j - 1) * width + u];
                cur[j * width + u] = wa * from_a + wb * from_b;
            }
        }
        double *t = prev;
        prev = cur;
        cur = t;
    }
    memmove(prev, prev + nb * width, width * sizeof *prev);
    free(cur);
    return prev;
}

double stats_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb)
{
    if (na == 0 || nb == 0) return 1.0;
    size_t n = na + nb;
    double *v = malloc(n * sizeof *v), *rank = malloc(n * sizeof *rank);
    double p = NAN;
    if (!v || !rank) goto out;
    memcpy(v, a, na * sizeof *a);
    memcpy(v + na, b, nb * sizeof *b);
    double ties = rank_average(v, n, rank);
    double ra = 0;
    for (size_t i = 0; i < na; i++)
        ra += rank[i];
    double dna = (double)na, dnb = (double)nb, dn = (double)n;
    double u = ra - dna * (dna + 1) / 2;
    if (ties == 0 && n <= MANN_WHITNEY_EXACT_MAX) {
        double *prob = mann_whitney_null(na, nb);
        if (prob) p = exact_two_sided_p(prob, (int)(na * nb), (int)lround(u));
        free(prob);
    } else {
        p = normal_two_sided_p(u, dna * dnb / 2,
                               dna * dnb / 12 * ((dn + 1) - ties / (dn * (dn - 1))));
    }
out:
    free(v);
    free(rank);
    return p;
}
