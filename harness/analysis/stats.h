/* Statistics on small noisy samples, pure functions with no I/O (tested against known answers).
 * Robust by default: medians, MAD, percentile bootstrap, rank tests. */
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

/* Percentile-bootstrap confidence interval of median(b)/median(a) with `resamples` resamples
 * (>= 2000), deterministic for a seed. When paired is 1, a and b are pairs (same length) and
 * are resampled together. level = 0.95. */
void stats_bootstrap_ratio_ci(const double *a, size_t na, const double *b, size_t nb, int paired,
                              int resamples, double level, uint64_t seed, double *lo, double *hi);

/* The same for paired samples measured as per-pair ratios: a percentile-bootstrap interval of
 * median(b[i] / a[i]) (pairs resampled), for runs of one interleaved block that share the
 * machine's slow drift; the ratio of the pair cancels it. Pairs with a[i] == 0 are skipped. */
void stats_bootstrap_pair_ratio_ci(const double *a, const double *b, size_t n, int resamples,
                                   double level, uint64_t seed, double *lo, double *hi);
/* median(b[i] / a[i]) over the pairs with a[i] != 0; NAN when there are none. */
double stats_median_pair_ratio(const double *a, const double *b, size_t n);

/* Two-sided Wilcoxon signed-rank test on pairs (b[i] - a[i]); exact distribution for n <= 25
 * without ties, normal approximation with tie and continuity correction otherwise. Zero
 * differences are dropped (Wilcoxon's method). Returns p in [0,1]; 1 when n == 0. */
double stats_wilcoxon_signed_rank_p(const double *a, const double *b, size_t n);

/* Two-sided Mann-Whitney U test; exact for small samples without ties, normal approximation
 * with tie correction otherwise. */
double stats_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb);

#endif
