/* gnuplot plots beside a report. Each function writes its data file and script next to png and
 * runs gnuplot (pngcairo or png terminal, whichever this gnuplot has). Returns 0 when the PNG was
 * written, -1 when gnuplot is missing or failed (the report then says the plot is unavailable). */
#ifndef HAKBENCH_PLOT_H
#define HAKBENCH_PLOT_H

#include "analysis/changepoint.h"

typedef struct {
    const char *label;     /* variant */
    double median, lo, hi; /* bar and its interval */
    const double *points;  /* every measured run */
    int npoints;
} plot_bar;

/* Grouped bars: one group per workload (names[w]), nvar bars per group, bars[w * nvar + v]. */
int plot_bars(const char *png, const char *title, const char *ylabel, const char *const *names,
              int nworkloads, const plot_bar *bars, int nvar);

typedef struct {
    const char *label;
    const int *t_ms;
    const long *value;
    int n;
} plot_series;

/* Lines over time (RSS timelines: x in seconds, y in MiB). */
int plot_lines(const char *png, const char *title, const char *xlabel, const char *ylabel,
               const plot_series *series, int nseries);

/* A history: points per session index, the segment medians as steps, and a vertical line where
 * each segment but the first starts (its change point). */
int plot_history(const char *png, const char *title, const char *ylabel, const double *y, int n,
                 const changepoint_segment *seg, int nseg);

#endif
