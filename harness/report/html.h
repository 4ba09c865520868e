/* HTML pages of the history site (report/site.c): a page frame with its style, and markdown
 * (the reports) rendered to HTML by cmark-gfm, GitHub's own CommonMark library, with the
 * table, strikethrough and autolink extensions. Raw HTML in the markdown is not passed on. */
#ifndef HAKBENCH_HTML_H
#define HAKBENCH_HTML_H

#include <stdio.h>

/* Opens path and writes the page up to its <body>; NULL when it cannot be written. */
FILE *html_page_open(const char *path, const char *title);
/* Ends the page and closes it: 0, or -1 when anything did not reach the file. */
int html_page_close(FILE *f);

/* The markdown as HTML (malloc'ed), NULL out of memory. */
char *html_from_markdown(const char *markdown);
/* Renders the markdown file md_path as the page html_path, with a link back to the index.
 * 0, or -1. */
int html_render_file(const char *md_path, const char *html_path, const char *title,
                     const char *index_href);

#endif
