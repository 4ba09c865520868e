/* Export as CSV (RFC 4180): a header of column names, then one line per run, CRLF-ended. */
#include <stdio.h>
#include <string.h>

#include "report/export.h"

static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

int export_write_csv(FILE *f, const export_source *src)
{
    const store_table *t = src->runs;
    for (int c = 0; c < t->ncols; c++) {
        if (c) fputc(',', f);
        csv_field(f, t->names[c]);
    }
    fputs("\r\n", f);
    for (int r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++) {
            const store_value *v = store_table_at(t, r, c);
            if (c) fputc(',', f);
            if (v->kind == STORE_INT)
                fprintf(f, "%lld", (long long)v->i);
            else if (v->kind == STORE_REAL)
                fprintf(f, "%.17g", v->r);
            else if (v->kind == STORE_TEXT)
                csv_field(f, v->s);
        }
        fputs("\r\n", f);
    }
    return 0;
}
