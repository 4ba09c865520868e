/* E-divisive means change points (see changepoint.h). */
#include "analysis/changepoint.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stats.h"
#include "util/random.h"

void changepoint_opts_init(changepoint_opts *o)
{
    o->min_size = 3;
    o->permutations = 199;
    o->alpha = 1.0;
    o->sig_level = 0.01;
    o->seed = 1;
}

static double dist(double a, double b, double alpha)
{
    double d = fabs(a - b);
    return alpha == 1.0 ? d : pow(d, alpha);
}

static double mean_within(double sum, int k)
{
    return k > 1 ? sum / ((double)k * (k - 1) / 2.0) : 0.0;
}

/* The best split of z[start, end): the tau maximizing the scaled energy statistic
 * q = nx*ny/(nx+ny) * (2 E|X-Y| - E|X-X'| - E|Y-Y'|). Moving tau by one moves one point from the
 * right side to the left, so each candidate costs one pass over the segment. Returns 0 when the
 * segment is too short to split with min_size points on each side. */
static int best_split(const double *z, int start, int end, int m, double alpha, int *tau_out,
                      double *q_out)
{
    int len = end - start;
    if (len < 2 * m) return 0;
    double within_x = 0, within_y = 0, between = 0;
    int tau = start + m;
    for (int i = start; i < end; i++)
        for (int j = i + 1; j < end; j++) {
            double d = dist(z[i], z[j], alpha);
            if (j < tau)
                within_x += d;
            else if (i >= tau)
                within_y += d;
            else
                between += d;
        }
    int found = 0;
    for (;;) {
        int nx = tau - start, ny = end - tau;
        double e = 2.0 * between / ((double)nx * ny) - mean_within(within_x, nx) -
                   mean_within(within_y, ny);
        double q = (double)nx * ny / (nx + ny) * e;
        if (!found || q > *q_out) {
            *q_out = q;
            *tau_out = tau;
            found = 1;
        }
        if (tau + 1 > end - m) break;
        double row_x = 0, row_y = 0;
        for (int i = start; i < tau; i++)
            row_x += dist(z[tau], z[i], alpha);
        for (int j = tau + 1; j < end; j++)
            row_y += dist(z[tau], z[j], alpha);
        within_y -= row_y;
        between += row_y - row_x;
        within_x += row_x;
        tau++;
    }
    return found;
}

/* The best split over every segment given by the sorted boundaries b[0..nb) (b[0] = 0,
 * b[nb-1] = n). Returns 0 when no segment can be split. */
static int best_over_segments(const double *z, const int *b, int nb, int m, double alpha, int *tau,
                              double *q)
{
    int found = 0;
    for (int s = 0; s + 1 < nb; s++) {
        int t;
        double qs;
        if (best_split(z, b[s], b[s + 1], m, alpha, &t, &qs) && (!found || qs > *q)) {
            *q = qs;
            *tau = t;
            found = 1;
        }
    }
    return found;
}

static void insert_sorted(int *b, int *nb, int v)
{
    int i = *nb;
    while (i > 0 && b[i - 1] > v) {
        b[i] = b[i - 1];
        i--;
    }
    b[i] = v;
    (*nb)++;
}

int changepoint_detect(const double *y, int n, const changepoint_opts *o, int *cp, int max_cp)
{
    int m = o->min_size < 1 ? 1 : o->min_size;
    if (n < 2 * m) return 0;
    int *b = malloc((size_t)(n + 2) * sizeof *b);
    double *perm = malloc((size_t)n * sizeof *perm);
    if (!b || !perm) {
        free(b);
        free(perm);
        return 0;
    }
    int nb = 2;
    b[0] = 0;
    b[1] = n;
    uint64_t rng = o->seed;
    for (;;) {
        int tau;
        double q;
        if (!best_over_segments(y, b, nb, m, o->alpha, &tau, &q)) break;
        /* Permutation test: shuffling within the current segments keeps the change points
         * already found and destroys any further one; the observed statistic must stand out. */
        int as_large = 0;
        for (int r = 0; r < o->permutations; r++) {
            memcpy(perm, y, (size_t)n * sizeof *perm);
            for (int s = 0; s + 1 < nb; s++)
                for (int i = b[s + 1] - 1; i > b[s]; i--) {
                    int j = b[s] + (int)(random_next(&rng) % (uint64_t)(i - b[s] + 1));
                    double t = perm[i];
                    perm[i] = perm[j];
                    perm[j] = t;
                }
            int pt;
            double pq;
            if (best_over_segments(perm, b, nb, m, o->alpha, &pt, &pq) && pq >= q) as_large++;
        }
        double p = (as_large + 1.0) / (o->permutations + 1.0);
        if (p >= o->sig_level) break;
        insert_sorted(b, &nb, tau);
    }
    int count = 0;
    for (int i = 1; i + 1 < nb; i++)
        if (count < max_cp) cp[count++] = b[i];
    free(b);
    free(perm);
    return count;
}

int changepoint_segments(const double *y, int n, const int *cp, int ncp, changepoint_segment *seg)
{
    double *vals = malloc((size_t)(n > 0 ? n : 1) * sizeof *vals);
    int start = 0;
    for (int c = 0; c <= ncp; c++) {
        int end = c < ncp ? cp[c] : n;
        size_t m = 0;
        for (int i = start; vals && i < end; i++)
            if (!isnan(y[i])) vals[m++] = y[i];
        seg[c] = (changepoint_segment){start, end, m > 0 ? stats_median(vals, m) : NAN};
        start = end;
    }
    free(vals);
    return ncp + 1;
}
