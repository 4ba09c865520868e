/* The JSON documents hakbench writes, through jansson. Each of hakbench's own is an object whose
 * "schema" names its kind and version ("hakbench-compare/2"; the foreign formats of export,
 * Bencher's and hyperfine's, have their own shape and no such field), text goes in through
 * utf8_sanitize (jansson refuses invalid UTF-8, and a refused string would vanish from its
 * object), and numbers that are not finite become null. */
#ifndef HAKBENCH_UTIL_JSON_H
#define HAKBENCH_UTIL_JSON_H

#include <jansson.h>
#include <stdio.h>

/* The kinds of document and their versions, for --version. */
typedef struct {
    const char *kind;
    int version;
} json_schema;
extern const json_schema json_schemas[];
extern const int json_nschemas;

/* A new document of a kind listed in json_schemas: {"schema": "hakbench-<kind>/<version>"}. */
json_t *json_document(const char *kind);
/* Text as valid UTF-8 (invalid bytes as U+FFFD); never NULL for a non-NULL s. */
json_t *json_text(const char *s);
/* A real, or null when v is NaN or infinite. */
json_t *json_number(double v);
/* Writes the document, indented, with a final newline, and releases it. 0, or -1. */
int json_write(FILE *f, json_t *doc);

#endif
