/* Export as JSON: every run of the session as an object of its columns. */
#include <math.h>
#include <stdio.h>

#include "report/export.h"

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\r':
            fputs("\\r", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

int export_write_json(FILE *f, const export_source *src)
{
    const store_table *t = src->runs;
    fputs("[", f);
    for (int r = 0; r < t->nrows; r++) {
        fputs(r ? ",\n  {" : "\n  {", f);
        for (int c = 0; c < t->ncols; c++) {
            const store_value *v = store_table_at(t, r, c);
            if (c) fputs(", ", f);
            json_string(f, t->names[c]);
            fputs(": ", f);
            if (v->kind == STORE_INT)
                fprintf(f, "%lld", (long long)v->i);
            else if (v->kind == STORE_REAL && isfinite(v->r))
                fprintf(f, "%.17g", v->r);
            else if (v->kind == STORE_TEXT)
                json_string(f, v->s);
            else
                fputs("null", f);
        }
        fputs("}", f);
    }
    fputs(t->nrows ? "\n]\n" : "]\n", f);
    return 0;
}
