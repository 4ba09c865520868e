/* Statistics on small noisy samples (see stats.h). */
#include "analysis/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAD_SCALE 1.4826      /* 1 / Phi^-1(3/4): MAD -> sigma for normal data */
#define MEANAD_SCALE 1.253314 /* sqrt(pi/2): mean absolute deviation -> sigma */
#define OUTLIER_Z 3.5         /* Iglewicz and Hoaglin's cut-off for the modified z-score */

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
