/* Escaping for XML and HTML (see xml.h). */
#include "util/xml.h"

#include <stdlib.h>

#include "util/utf8.h"

void xml_text(FILE *f, const char *s)
{
    char *clean = utf8_sanitize(s ? s : "");
    for (const char *p = clean; p && *p; p++) {
        unsigned char c = (unsigned char)*p;
        switch (c) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        default:
            if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') fputc(c, f);
        }
    }
    free(clean);
}
