/* The static history site (hakbench site, like `asv publish`): plain HTML and inline SVG that
 * open from the file system, no server and no script.
 *   index.html           every workload x variant of the nightly history with its latest
 *                        median and a sparkline, and every report of the database
 *   workload-<W>.html    per variant the nightly history of W: every run's point, the medians
 *                        (each a link to its night's report), the change points
 *                        (analysis/changepoint.h) and the segment medians between them
 *   reports/             every A/B report (sessions of kind run, report.h) and every nightly
 *                        report (nightly_report.h) as markdown with its plots, rendered as HTML
 * The history is that of the latest finished nightly's machine and mode (analysis/nightly.h). */
#ifndef HAKBENCH_SITE_H
#define HAKBENCH_SITE_H

#include <stddef.h>

#include "store/store.h"

typedef struct {
    int reports;   /* report pages written */
    int workloads; /* workload pages written */
} site_counts;

/* Writes the site into dir (created). db_path as typed, for the reports' commands. 0, or -1
 * with a reason in err. */
int site_write(store *db, const char *dir, const char *db_path, site_counts *counts, char *err,
               size_t errlen);

#endif
