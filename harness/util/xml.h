/* Text into XML and HTML (JUnit reports, SVG plots, the history site): valid UTF-8 (util/utf8.h),
 * the five special characters as entities, and the control characters XML 1.0 forbids
 * dropped, so no text from outside (stderr, commit subjects) can break a document. */
#ifndef HAKBENCH_UTIL_XML_H
#define HAKBENCH_UTIL_XML_H

#include <stdio.h>

/* Writes s escaped for element content and attribute values. */
void xml_text(FILE *f, const char *s);

#endif
