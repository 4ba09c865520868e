/* Calibration figures (see calibration.h). */
#include "analysis/calibration.h"

#include <math.h>
#include <stdlib.h>

#include "analysis/stats.h"

/* P(X <= k) for X ~ Binomial(n, p), summed in log space. */
static double binomial_cdf(int k, int n, double p)
{
    if (k < 0) return 0;
    if (k >= n) return 1;
    if (p <= 0) return 1;
    if (p >= 1) return 0;
    double sum = 0;
    for (int i = 0; i <= k; i++)
        sum += exp(lgamma(n + 1.0) - lgamma(i + 1.0) - lgamma(n - i + 1.0) + i * log(p) +
                   (n - i) * log1p(-p));
    return sum > 1 ? 1 : sum;
}

/* The p in (0, 1) where f(p) = target, for f falling in p, by bisection. */
static double solve_falling(int k, int n, double target, int upper)
{
    double lo = 0, hi = 1;
    for (int i = 0; i < 100; i++) {
        double mid = 0.5 * (lo + hi);
        /* upper: P(X <= k | p) falls in p; lower: P(X >= k | p) = 1 - P(X <= k-1) rises. */
        double f = upper ? binomial_cdf(k, n, mid) : 1 - binomial_cdf(k - 1, n, mid);
        if (upper ? f > target : f < target)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

void calibration_clopper_pearson(int k, int n, double level, double *lo, double *hi)
{
    double a = (1 - level) / 2;
    if (n <= 0) {
        *lo = 0;
        *hi = 1;
        return;
    }
    *lo = k == 0 ? 0 : solve_falling(k, n, a, 0);
    *hi = k == n ? 1 : solve_falling(k, n, a, 1);
}

static double median_of(const double *x, int n)
{
    return n > 0 ? stats_median(x, (size_t)n) : NAN;
}

/* Median change of a kind of trial, and how many were called a regression. */
static int detections(const calibration_trial *t, int n, double *scratch, double *median_change)
{
    int found = 0, m = 0;
    for (int i = 0; i < n; i++) {
        found += t[i].cmp.primary.verdict == VERDICT_REGRESSION;
        if (isfinite(t[i].cmp.primary.change)) scratch[m++] = t[i].cmp.primary.change;
    }
    *median_change = median_of(scratch, m);
    return found;
}

int calibration_compute(const calibration_trial *aa, int naa, const calibration_trial *slow,
                        int nslow, const calibration_trial *small, int nsmall,
                        calibration_figures *out)
{
    int most = naa + nslow + nsmall;
    double *scratch = malloc((size_t)(most ? most : 1) * sizeof *scratch);
    if (!scratch) return -1;
    *out = (calibration_figures){.trials = naa, .slow_trials = nslow, .small_trials = nsmall};
    int m = 0;
    for (int i = 0; i < naa; i++) {
        out->false_positives += verdict_is_change(aa[i].cmp.primary.verdict);
        out->aa_equivalent += aa[i].cmp.primary.verdict == VERDICT_EQUIVALENT;
        if (isfinite(aa[i].cmp.primary.change)) scratch[m++] = fabs(aa[i].cmp.primary.change);
    }
    out->aa_noise_p95 = m ? stats_quantile(scratch, (size_t)m, 0.95) : NAN;
    m = 0;
    for (int i = 0; i < naa; i++) {
        double w = (aa[i].cmp.primary.ci_hi - aa[i].cmp.primary.ci_lo) / 2;
        if (isfinite(w)) scratch[m++] = w;
    }
    out->aa_ci_halfwidth_median = median_of(scratch, m);
    out->false_positive_rate = naa ? (double)out->false_positives / naa : NAN;
    calibration_clopper_pearson(out->false_positives, naa, 0.95, &out->fp_lo, &out->fp_hi);

    out->detected = detections(slow, nslow, scratch, &out->injected_change);
    out->power = nslow ? (double)out->detected / nslow : NAN;
    calibration_clopper_pearson(out->detected, nslow, 0.95, &out->power_lo, &out->power_hi);
    out->small_detected = detections(small, nsmall, scratch, &out->injected_small_change);
    out->power_small = nsmall ? (double)out->small_detected / nsmall : NAN;

    m = 0;
    for (int i = 0; i < naa; i++)
        scratch[m++] = aa[i].seconds;
    for (int i = 0; i < nslow; i++)
        scratch[m++] = slow[i].seconds;
    for (int i = 0; i < nsmall; i++)
        scratch[m++] = small[i].seconds;
    out->seconds_median = median_of(scratch, m);
    out->seconds_max = m ? stats_quantile(scratch, (size_t)m, 1) : NAN;
    free(scratch);
    return 0;
}

void calibration_injection_at(double per_malloc_ns, double min_spin_ns, calibration_injection *out)
{
    long every = per_malloc_ns >= min_spin_ns ? 1 : (long)ceil(min_spin_ns / per_malloc_ns);
    long ns = lround(per_malloc_ns * (double)every);
    out->every = every;
    out->delay_ns = ns > 0 ? ns : 1;
    out->per_malloc_ns = (double)out->delay_ns / (double)every;
}

int calibration_size_injection(double mallocs_per_op, double ops_per_sec, int parallel,
                               double target, double min_spin_ns, calibration_injection *out)
{
    if (!(mallocs_per_op > 0) || !(ops_per_sec > 0) || parallel < 1 || !(target > 0)) return -1;
    double per = target * parallel / (mallocs_per_op * ops_per_sec) * 1e9;
    if (!isfinite(per) || !(per > 0)) return -1;
    calibration_injection_at(per, min_spin_ns, out);
    return 0;
}
