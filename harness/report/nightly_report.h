/* The nightly report (reports/nightly-<date>.md): today's nightly against the previous one, the
 * failed runs, the history of every variant and workload with its change points and a plot per
 * workload, the bisects of new regressions, and the commands that reproduce it. The data is
 * analysis/nightly.h's; this writes it with markdown.h and plot.h. */
#ifndef HAKBENCH_NIGHTLY_REPORT_H
#define HAKBENCH_NIGHTLY_REPORT_H

#include <stddef.h>

#include "analysis/nightly.h"

/* Writes <path> and its plots beside it. db_path as the user typed it. Returns 0, or -1 with a
 * reason in err. */
int nightly_write_report(const nightly_data *d, const char *path, const char *db_path, char *err,
                         size_t errlen);

#endif
