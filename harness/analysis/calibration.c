/* Calibration figures (see calibration.h). */
#include "analysis/calibration.h"

#include <math.h>
#include <stdlib.h>

#include "analysis/stats.h"

/* How far an A/A interval stays from 0 (0 when it holds 0). */
static double aa_miss(const comparison *c)
{
    return fmax(0, fmax(c->ci_lo, -c->ci_hi));
}

/* The band: the quantile of aa_miss over every trial but `skip` (-1: none skipped), at least
 * default_delta. */
static double noise_band(const calibration_trial *aa, int n, int skip, double default_delta,
                         double *scratch)
{
    int m = 0;
    for (int i = 0; i < n; i++)
        if (i != skip && !isnan(aa_miss(&aa[i].cmp))) scratch[m++] = aa_miss(&aa[i].cmp);
    double d = m ? stats_quantile(scratch, (size_t)m, CALIBRATION_DELTA_QUANTILE) : default_delta;
    return d > default_delta ? d : default_delta;
}

int calibration_compute(calibration_trial *aa, calibration_trial *slow, int n, double default_delta,
                        calibration_figures *out)
{
    double *scratch = malloc(2 * (size_t)n * sizeof *scratch);
    if (!scratch) return -1;
    int m = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(aa[i].cmp.change)) scratch[m++] = fabs(aa[i].cmp.change);
    out->aa_change_p95 = m ? stats_quantile(scratch, (size_t)m, CALIBRATION_DELTA_QUANTILE) : NAN;
    out->delta = noise_band(aa, n, -1, default_delta, scratch);
    int false_pos = 0, found = 0;
    for (int i = 0; i < n; i++) {
        aa[i].cmp.delta = noise_band(aa, n, i, default_delta, scratch);
        slow[i].cmp.delta = out->delta;
        verdict_t va = compare_decide(&aa[i].cmp);
        false_pos += va == VERDICT_REGRESSION || va == VERDICT_IMPROVEMENT;
        found += compare_decide(&slow[i].cmp) == VERDICT_REGRESSION;
    }
    for (int i = 0; i < n; i++)
        scratch[i] = (aa[i].cmp.ci_hi - aa[i].cmp.ci_lo) / 2;
    out->aa_ci_halfwidth_median = stats_quantile(scratch, (size_t)n, 0.5);
    for (int i = 0; i < n; i++)
        scratch[i] = slow[i].cmp.change;
    out->slow_change_median = stats_quantile(scratch, (size_t)n, 0.5);
    for (int i = 0; i < n; i++) {
        scratch[2 * i] = aa[i].seconds;
        scratch[2 * i + 1] = slow[i].seconds;
    }
    out->seconds_median = stats_quantile(scratch, 2 * (size_t)n, 0.5); /* sorts scratch */
    out->seconds_max = scratch[2 * n - 1];
    out->false_positive_rate = (double)false_pos / n;
    out->power = (double)found / n;
    free(scratch);
    return 0;
}
