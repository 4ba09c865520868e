/* rank_shift: the size of a change and its interval and p-value from one rank method, so the
 * three always agree (p <= alpha exactly when the 1 - alpha interval excludes 0).
 *
 * Paired samples (the per-block log-ratios d of an interleaved session): the Hodges-Lehmann
 * estimate is the median of the Walsh averages (d_i + d_j) / 2, i <= j; the interval is the
 * exact Wilcoxon signed-rank interval, [W_(c+1), W_(N-c)] of the N = n(n+1)/2 sorted Walsh
 * averages, with c the largest count such that P(T <= c) <= alpha / 2 under the signed-rank
 * null. Unpaired samples (runs of two sessions): the median of the nx * ny differences y_j - x_i
 * with the exact Mann-Whitney interval, by the same construction over U.
 *
 * p is the inversion of the same interval: k = min(#{W <= 0}, #{W >= 0}), p = min(1,
 * 2 P(T <= k)). Without zeros and ties that is the classic exact two-sided p (SciPy's
 * wilcoxon / mannwhitneyu with method='exact'); a zero Walsh average (or difference) counts on
 * both sides, which makes p conservative rather than inconsistent.
 *
 * Exact null distributions are computed by dynamic programming up to RANK_SHIFT_EXACT_MAX
 * observations (pairs, or nx + ny), beyond which a normal approximation gives c.
 * Pure functions, no I/O. Owns nothing else; calls libm. */
#ifndef HAKBENCH_RANK_SHIFT_H
#define HAKBENCH_RANK_SHIFT_H

#include <stddef.h>

#define RANK_SHIFT_EXACT_MAX 400

typedef struct {
    size_t n;        /* pairs, or nx + ny */
    double estimate; /* Hodges-Lehmann shift (NAN with no data) */
    double lo, hi;   /* interval; -INFINITY / INFINITY when n is too small for the level */
    double level;    /* the interval's exact coverage, >= 1 - alpha (discrete distribution) */
    double p;        /* two-sided, consistent with the interval */
} rank_shift;

/* Shift of the paired differences d[0..n) (e.g. log(b_i / a_i)). alpha in (0, 1).
 * Returns 0, or -1 when out of memory. */
int rank_shift_paired(const double *d, size_t n, double alpha, rank_shift *out);

/* Shift of y relative to x (the median of y_j - x_i). Returns 0, or -1 when out of memory. */
int rank_shift_unpaired(const double *x, size_t nx, const double *y, size_t ny, double alpha,
                        rank_shift *out);

/* The null CDF behind the paired interval: P(T <= t) for the signed-rank sum of n pairs.
 * Exposed for the known-answer tests. */
double rank_shift_signed_rank_cdf(size_t n, double t);

#endif
