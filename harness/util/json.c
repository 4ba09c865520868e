/* JSON documents (see json.h). */
#include "util/json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

/* One line per kind of document; a change of a document's shape raises its version. */
const json_schema json_schemas[] = {
    {"compare", 2},  /* hakbench compare --format json (2: the decision procedure's fields) */
    {"export", 1},   /* hakbench export --format json */
    {"sessions", 1}, /* hakbench sessions --format json */
};
const int json_nschemas = (int)(sizeof json_schemas / sizeof *json_schemas);

json_t *json_document(const char *kind)
{
    int version = 0;
    for (int i = 0; i < json_nschemas; i++)
        if (strcmp(json_schemas[i].kind, kind) == 0) version = json_schemas[i].version;
    char schema[64];
    snprintf(schema, sizeof schema, "hakbench-%s/%d", kind, version);
    json_t *doc = json_object();
    json_object_set_new(doc, "schema", json_string(schema));
    return doc;
}

json_t *json_text(const char *s)
{
    char *clean = utf8_sanitize(s ? s : "");
    json_t *t = clean ? json_string(clean) : NULL;
    free(clean);
    return t ? t : json_string("");
}

json_t *json_number(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

int json_write(FILE *f, json_t *doc)
{
    int rc = json_dumpf(doc, f, JSON_INDENT(2)) == 0 && fputc('\n', f) != EOF ? 0 : -1;
    json_decref(doc);
    return rc;
}
