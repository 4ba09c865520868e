/* Export as a markdown table: the columns a reader scans (the revision cut to 10 characters),
 * text escaped with md_cell so that outside text cannot break the table. */
#include <stdio.h>
#include <string.h>

#include "report/export.h"
#include "report/markdown.h"

static const char *const columns[] = {"seq",         "variant",      "revision", "workload",
                                      "purpose",     "block",        "status",   "signal",
                                      "ops_per_sec", "instructions", "wall_s",   "peak_rss_kb"};
#define NCOLUMNS (sizeof columns / sizeof *columns)

/* A cell's text: numbers as they read best, NULL as nothing. */
static void put_value(FILE *f, const char *column, const store_value *v)
{
    switch (v->kind) {
    case STORE_NULL:
        break;
    case STORE_REAL:
        fprintf(f, "%.6g", v->r);
        break;
    case STORE_INT:
        fprintf(f, "%lld", (long long)v->i);
        break;
    case STORE_TEXT:
        if (strcmp(column, "revision") == 0)
            fprintf(f, "%.10s", v->s);
        else
            md_cell(f, v->s);
        break;
    }
}

int export_write_markdown(FILE *f, const export_source *src)
{
    const store_table *t = src->runs;
    int col[NCOLUMNS];
    for (size_t c = 0; c < NCOLUMNS; c++) {
        col[c] = store_table_column(t, columns[c]);
        fprintf(f, "| %s ", columns[c]);
    }
    fputs("|\n", f);
    for (size_t c = 0; c < NCOLUMNS; c++)
        fputs("|---", f);
    fputs("|\n", f);
    for (int r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < NCOLUMNS; c++) {
            fputs("| ", f);
            if (col[c] >= 0) put_value(f, columns[c], store_table_at(t, r, col[c]));
            fputc(' ', f);
        }
        fputs("|\n", f);
    }
    return 0;
}
