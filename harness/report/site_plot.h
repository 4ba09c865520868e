/* The SVG plots of the history site, drawn by hand (no library, no script): a sparkline of a
 * series for the index, and a history chart for a workload page with every run's point, the
 * medians (each one a link to its night's report), the segment medians between change points
 * and the change points themselves. Written inline into the HTML page. */
#ifndef HAKBENCH_SITE_PLOT_H
#define HAKBENCH_SITE_PLOT_H

#include <stdio.h>

void site_sparkline(FILE *f, const double *y, int n);

typedef struct {
    int n;                   /* sessions, oldest first */
    const char (*date)[40];  /* their starts (ISO 8601) */
    const double *median;    /* their medians (NAN: none) */
    char *const *href;       /* their reports, relative to the page */
    int nruns;               /* every ok measured run */
    const int *run_session;  /* its session's index in 0..n */
    const double *run_value; /* its ops/s */
    int nsegments;           /* between change points: ncp + 1 */
    const int *segment_from; /* first session of each segment */
    const int *segment_to;   /* one past its last */
    const double *segment_median;
    const char *title;
} site_series;

void site_history_chart(FILE *f, const site_series *s);

#endif
