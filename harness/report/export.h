/* Export formats of a session (hakbench export): one file per format, export_<name>.c, and one
 * line each in the table of export.c. A writer gets the session, every run with every column,
 * and the store for what it wants to compute beyond the raw rows (summaries, verdicts). */
#ifndef HAKBENCH_EXPORT_H
#define HAKBENCH_EXPORT_H

#include <stdio.h>

#include "report/report.h"
#include "store/runs.h"
#include "store/sessions.h"
#include "store/store.h"

typedef struct {
    store *db;
    const store_session *session;
    const store_table *runs; /* store_session_runs: one row per run, in execution order */
} export_source;

typedef struct {
    const char *name;    /* --format NAME, --export-NAME FILE */
    const char *summary; /* one line of --help */
    /* Writes the document to f: 0, or -1 with the reason printed. */
    int (*write)(FILE *f, const export_source *src);
} export_format;

extern const export_format export_formats[];
extern const int export_nformats;

/* The format of that name, NULL when there is none. */
const export_format *export_find(const char *name);

/* The run summaries of the source's session (report_load_runs), for the formats that want
 * medians rather than raw rows: 0, or -1 with the reason printed (r freed). */
int export_load_runs(const export_source *src, report_data *r);

#endif
