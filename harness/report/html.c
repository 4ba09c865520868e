/* Pages and markdown rendering (see html.h). */
#include "report/html.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>
#include <stdlib.h>
#include <string.h>

#include "util/files.h"
#include "util/xml.h"

static const char style[] =
    "body{font-family:system-ui,sans-serif;max-width:72rem;margin:1rem auto;padding:0 1rem;"
    "color:#222}table{border-collapse:collapse;margin:0.5rem 0}th,td{border:1px solid #ccc;"
    "padding:0.2rem 0.5rem;text-align:left;vertical-align:top}td.num{text-align:right}"
    "code,pre{background:#f4f4f4}pre{padding:0.5rem;overflow-x:auto}img{max-width:100%}"
    "a{color:#0645ad}.regression{color:#b00020;font-weight:bold}"
    ".improvement{color:#1b6e20}nav{margin-bottom:1rem}";

FILE *html_page_open(const char *path, const char *title)
{
    FILE *f = fopen(path, "w");
    if (!f) return NULL;
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    xml_text(f, title);
    fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n", style);
    return f;
}

int html_page_close(FILE *f)
{
    fputs("</body>\n</html>\n", f);
    int bad = ferror(f);
    return fclose(f) != 0 || bad ? -1 : 0;
}

char *html_from_markdown(const char *markdown)
{
    cmark_gfm_core_extensions_ensure_registered();
    cmark_parser *p = cmark_parser_new(CMARK_OPT_DEFAULT);
    if (!p) return NULL;
    static const char *const extensions[] = {"table", "strikethrough", "autolink"};
    for (size_t i = 0; i < sizeof extensions / sizeof *extensions; i++) {
        cmark_syntax_extension *e = cmark_find_syntax_extension(extensions[i]);
        if (e) cmark_parser_attach_syntax_extension(p, e);
    }
    cmark_parser_feed(p, markdown, strlen(markdown));
    cmark_node *doc = cmark_parser_finish(p);
    char *html =
        doc ? cmark_render_html(doc, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(p))
            : NULL;
    if (doc) cmark_node_free(doc);
    cmark_parser_free(p);
    return html;
}

int html_render_file(const char *md_path, const char *html_path, const char *title,
                     const char *index_href)
{
    char *md = files_read(md_path);
    char *body = md ? html_from_markdown(md) : NULL;
    free(md);
    FILE *f = body ? html_page_open(html_path, title) : NULL;
    if (!f) {
        free(body);
        return -1;
    }
    fprintf(f, "<nav><a href=\"");
    xml_text(f, index_href);
    fprintf(f, "\">← all workloads and reports</a></nav>\n<main>\n%s</main>\n", body);
    free(body);
    return html_page_close(f);
}
