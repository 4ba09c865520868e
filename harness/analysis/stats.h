/* Statistics on small noisy samples, pure functions with no I/O (tested against known answers).
 * Robust by default: medians, MAD, quantiles, a distribution-free interval of the median. The
 * comparison of two variants (its shift, interval and p) is rank_shift.h's. */
#ifndef HAKBENCH_STATS_H
#define HAKBENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

double stats_median(const double *x, size_t n);
/* Median absolute deviation, scaled by 1.4826 to estimate sigma for normal data. */
double stats_mad(const double *x, size_t n);
/* Marks x[i] an outlier when |x - median| / MAD > 3.5 (modified z-score, Iglewicz-Hoaglin).
 * Returns how many; out[i] is 1 for an outlier (out may be NULL). */
size_t stats_outliers(const double *x, size_t n, int *out);

/* The q-quantile of x[0..n), interpolating between order statistics (Hyndman-Fan type 7,
 * NumPy's default); sorts x in place. NAN when n is 0. */
double stats_quantile(double *x, size_t n, double q);

/* Distribution-free 95% interval of the median from order statistics: [x_(k), x_(n+1-k)] for the
 * widest k with P(Binomial(n, 1/2) < k) <= 2.5%; below 6 values, the range. NAN when n is 0. */
void stats_median_interval(const double *x, size_t n, double *lo, double *hi);

#endif
