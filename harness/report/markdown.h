/* Markdown output helpers shared by every report writer: the report file itself, escaping of
 * text from outside (commit subjects, stderr) so it cannot break a table or a code fence, and
 * number formatting. */
#ifndef HAKBENCH_MARKDOWN_H
#define HAKBENCH_MARKDOWN_H

#include <stdio.h>

/* Opens a report for writing; NULL with "cannot write the report PATH: why (choose another
 * OPTION)" in err. */
FILE *md_open(const char *path, const char *option, char *err, size_t errlen);
/* Closes it: 0, or -1 with "writing PATH failed: why" in err when anything did not reach it. */
int md_close(FILE *f, const char *path, char *err, size_t errlen);

/* Writes s escaped for a table cell: | \ ` * _ [ ] < > # escaped, newlines as a space. */
void md_cell(FILE *f, const char *s);
/* Writes s inside a fenced code block, choosing a fence longer than any backtick run in s. */
void md_code_block(FILE *f, const char *lang, const char *s);
/* 4190000 -> "4.19M", 512.3 -> "512", 0.0034 -> "0.0034". */
void md_si(char *buf, size_t len, double v);
/* 0.201 -> "+20.1%", -0.183 -> "−18.3%" (U+2212 minus, as in reports). */
void md_pct(char *buf, size_t len, double ratio_minus_one);
/* An interval of a change at its level: "−21.1% … −18.2% (99.2%)", or "unbounded (too few
 * runs)" when either end is infinite. */
void md_interval(char *buf, size_t len, double lo, double hi, double alpha);
/* p-value: "< 0.001" or "0.034". */
void md_p(char *buf, size_t len, double p);
/* Write md_si / md_pct of v to f, or "–" when v is NaN (not measured). */
void md_put_si(FILE *f, double v);
void md_put_pct(FILE *f, double ratio_minus_one);
/* A size in KiB: 512 -> "512 KiB", 40960 -> "40.0 MiB", 3145728 -> "3.00 GiB"; NAN -> "n/a". */
void md_kib(char *buf, size_t len, double kib);
/* A factor: 12.04 -> "12×", 1.347 -> "1.35×", 0.5 -> "0.50×"; NAN or infinite -> "n/a". */
void md_times(char *buf, size_t len, double factor);

#endif
