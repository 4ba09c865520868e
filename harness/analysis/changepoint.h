/* Change points in a noisy series: E-divisive means (Matteson & James 2014, "A nonparametric
 * approach for multiple change point analysis of multivariate data"), the hierarchical energy-
 * distance method with a permutation test, in the form used for performance histories: each
 * candidate splits a segment into [start, tau) and [tau, end). A change point is kept only when
 * the permutation test rejects "no change" (p < sig_level), and every segment keeps at least
 * min_size points, so a single spike never makes a segment of its own. Pure and deterministic
 * for a seed; no I/O. Used by the nightly history (analysis/nightly.c). */
#ifndef HAKBENCH_CHANGEPOINT_H
#define HAKBENCH_CHANGEPOINT_H

#include <stdint.h>

typedef struct {
    int min_size;     /* points on each side of a change point (default 3) */
    int permutations; /* permutation test resamples (default 199) */
    double alpha;     /* distance exponent in (0, 2] (default 1) */
    double sig_level; /* keep a change point when p < sig_level (default 0.01: a report checks
                       * dozens of series, and 0.05 would mark one in twenty by chance) */
    uint64_t seed;    /* seeds the permutations */
} changepoint_opts;

void changepoint_opts_init(changepoint_opts *o);

/* Finds change points of y[0..n): indices where a new segment starts, ascending, at most max_cp
 * of them written to cp. Returns how many were written (0 for a series too short to split). */
int changepoint_detect(const double *y, int n, const changepoint_opts *o, int *cp, int max_cp);

/* A segment [from, to) between change points, and the median of its values. */
typedef struct {
    int from, to;
    double median; /* NAN when the segment holds no value (NAN values are left out) */
} changepoint_segment;

/* The segments that change points cp[0..ncp) (ascending) cut y[0..n) into, in order: ncp + 1
 * of them, written to seg. */
int changepoint_segments(const double *y, int n, const int *cp, int ncp, changepoint_segment *seg);

#endif
