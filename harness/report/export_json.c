/* Export as JSON (hakbench-export/1): the session's id, kind and start, and every run as an
 * object of its columns; NULL columns are null, text is valid UTF-8 (util/json.h). */
#include <stdio.h>

#include "report/export.h"
#include "util/json.h"

static json_t *value(const store_value *v)
{
    switch (v->kind) {
    case STORE_INT:
        return json_integer(v->i);
    case STORE_REAL:
        return json_number(v->r);
    case STORE_TEXT:
        return json_text(v->s);
    case STORE_NULL:
        break;
    }
    return json_null();
}

int export_write_json(FILE *f, const export_source *src)
{
    const store_table *t = src->runs;
    json_t *doc = json_document("export");
    json_object_set_new(doc, "session", json_integer(src->session->id));
    json_object_set_new(doc, "kind", json_text(src->session->kind));
    json_object_set_new(doc, "started_at", json_text(src->session->started_at));
    json_t *runs = json_array();
    for (int r = 0; r < t->nrows; r++) {
        json_t *run = json_object();
        for (int c = 0; c < t->ncols; c++)
            json_object_set_new(run, t->names[c], value(store_table_at(t, r, c)));
        json_array_append_new(runs, run);
    }
    json_object_set_new(doc, "runs", runs);
    return json_write(f, doc);
}
