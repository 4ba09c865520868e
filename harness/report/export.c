/* The table of export formats (see export.h). Adding a format: write export_<name>.c with
 * `int export_write_<name>(FILE *, const export_source *)` and add its line to EXPORT_FORMATS;
 * the line both declares the writer and lists it. */
#include "report/export.h"

#include <stdio.h>
#include <string.h>

/* X(identifier, name, summary) */
#define EXPORT_FORMATS(X)                                                                          \
    X(csv, "csv", "every run, every column (RFC 4180)")                                            \
    X(json, "json", "every run, every column (hakbench-export/1)")                                 \
    X(markdown, "markdown", "a readable subset of the columns as a table")                         \
    X(perf_table, "perf-table", "medians against the peers: the README's performance table")       \
    X(bmf, "bmf", "Bencher Metric Format: throughput and peak RSS per workload/variant")           \
    X(junit, "junit", "JUnit XML: a testcase per workload, regressions and failures as <failure>") \
    X(hyperfine, "hyperfine", "hyperfine's --export-json shape: wall times of the measured runs")

#define DECLARE(id, name, summary) int export_write_##id(FILE *f, const export_source *src);
EXPORT_FORMATS(DECLARE)

#define ENTRY(id, name, summary) {name, summary, export_write_##id},
const export_format export_formats[] = {EXPORT_FORMATS(ENTRY)};
const int export_nformats = (int)(sizeof export_formats / sizeof *export_formats);

const export_format *export_find(const char *name)
{
    for (int i = 0; i < export_nformats; i++)
        if (strcmp(export_formats[i].name, name) == 0) return &export_formats[i];
    return NULL;
}

int export_load_runs(const export_source *src, report_data *r)
{
    char err[512];
    if (report_load_runs(src->db, src->session->id, r, err, sizeof err) == 0) return 0;
    fprintf(stderr, "hakbench export: %s\n", err);
    report_free(r);
    return -1;
}
