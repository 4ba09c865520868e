/* Markdown output helpers: escaping of outside text and number formatting (see markdown.h). */
#include "report/markdown.h"

#include <errno.h>
#include <math.h>
#include <string.h>

FILE *md_open(const char *path, const char *option, char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (!f)
        snprintf(err, errlen, "cannot write the report %s: %s (choose another %s)", path,
                 strerror(errno), option);
    return f;
}

int md_close(FILE *f, const char *path, char *err, size_t errlen)
{
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    if (bad) snprintf(err, errlen, "writing %s failed: %s", path, strerror(errno));
    return bad ? -1 : 0;
}

void md_cell(FILE *f, const char *s)
{
    if (!s) return;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (strchr("|\\`*_[]<>#", c))
            fprintf(f, "\\%c", c);
        else if (c == '\n' || c == '\r' || c == '\t' || c < 0x20 || c == 0x7f)
            /* A table row is one line: any control character would end or garble it. */
            fputc(' ', f);
        else
            fputc(c, f);
    }
}

/* The longest run of backticks in s decides the fence length (CommonMark: a fence closes only
 * with at least as many backticks as it opened with). */
static size_t longest_backtick_run(const char *s)
{
    size_t best = 0, run = 0;
    for (; *s; s++) {
        run = (*s == '`') ? run + 1 : 0;
        if (run > best) best = run;
    }
    return best;
}

void md_code_block(FILE *f, const char *lang, const char *s)
{
    if (!s) s = "";
    size_t fence = longest_backtick_run(s) + 1;
    if (fence < 3) fence = 3;
    for (size_t i = 0; i < fence; i++)
        fputc('`', f);
    fprintf(f, "%s\n", lang ? lang : "");
    size_t len = strlen(s);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        /* Keep newlines and tabs; other control bytes (terminal escapes) would not render. */
        fputc((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f ? '?' : c, f);
    }
    if (len == 0 || s[len - 1] != '\n') fputc('\n', f);
    for (size_t i = 0; i < fence; i++)
        fputc('`', f);
    fputc('\n', f);
}

void md_si(char *buf, size_t len, double v)
{
    static const struct {
        double scale;
        const char *suffix;
    } units[] = {{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
    if (isnan(v) || isinf(v)) {
        snprintf(buf, len, "n/a");
        return;
    }
    double a = fabs(v);
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        /* 999.6k rounds to "1.00M", not "1e+03k". */
        if (a >= units[i].scale * 0.9995) {
            snprintf(buf, len, "%.3g%s", v / units[i].scale, units[i].suffix);
            return;
        }
    }
    if (a >= 1.0 || a == 0.0)
        snprintf(buf, len, "%.3g", v);
    else
        snprintf(buf, len, "%.2g", v);
}

void md_interval(char *buf, size_t len, double lo, double hi, double alpha)
{
    if (isinf(lo) || isinf(hi)) {
        snprintf(buf, len, "unbounded (too few runs)");
        return;
    }
    char l[32], h[32];
    md_pct(l, sizeof l, lo);
    md_pct(h, sizeof h, hi);
    /* 99.17% rather than 99.2%: the level is Holm's and the look's, and its digits matter. */
    double level = 100 * (1 - alpha);
    snprintf(buf, len, "%s … %s (%.*f%%)", l, h, level >= 99 ? 2 : 1, level);
}

void md_pct(char *buf, size_t len, double ratio_minus_one)
{
    if (isnan(ratio_minus_one) || isinf(ratio_minus_one)) {
        snprintf(buf, len, "n/a");
        return;
    }
    double pct = ratio_minus_one * 100.0;
    /* The sign follows the printed figure: -0.04% prints as 0.0%, not −0.0%. */
    double shown = round(fabs(pct) * 10.0) / 10.0;
    if (shown == 0.0)
        snprintf(buf, len, "0.0%%");
    else
        snprintf(buf, len, "%s%.1f%%", pct < 0 ? "\xe2\x88\x92" : "+", shown);
}

void md_p(char *buf, size_t len, double p)
{
    if (isnan(p))
        snprintf(buf, len, "n/a");
    else if (p < 0.001)
        snprintf(buf, len, "< 0.001");
    else
        snprintf(buf, len, "%.3f", p);
}

void md_kib(char *buf, size_t len, double kib)
{
    if (isnan(kib) || isinf(kib))
        snprintf(buf, len, "n/a");
    else if (kib >= 1024.0 * 1024.0)
        snprintf(buf, len, "%.2f GiB", kib / (1024.0 * 1024.0));
    else if (kib >= 1024.0)
        snprintf(buf, len, "%.1f MiB", kib / 1024.0);
    else
        snprintf(buf, len, "%.0f KiB", kib);
}

void md_times(char *buf, size_t len, double factor)
{
    if (isnan(factor) || isinf(factor))
        snprintf(buf, len, "n/a");
    else if (factor >= 9.995)
        snprintf(buf, len, "%.0f\xc3\x97", factor);
    else
        snprintf(buf, len, "%.2f\xc3\x97", factor);
}

static void put_or_dash(FILE *f, double v, void (*fmt)(char *, size_t, double))
{
    char buf[32];
    if (isnan(v)) {
        fputs("–", f);
        return;
    }
    fmt(buf, sizeof buf, v);
    fputs(buf, f);
}

void md_put_si(FILE *f, double v)
{
    put_or_dash(f, v, md_si);
}

void md_put_pct(FILE *f, double ratio_minus_one)
{
    put_or_dash(f, ratio_minus_one, md_pct);
}
