/* The GitHub summary of a session (see report.h, report_write_github): the same judgment as the
 * markdown report (session_advice.c, session_profile.c), shorter, with the details collapsed. */
#include <stdlib.h>
#include <string.h>

#include "report/markdown.h"
#include "report/report_internal.h"

/* One collapsed section, written into memory so that its size is known before it goes out. */
typedef struct {
    char *text;
    size_t len;
    FILE *f;
} block;

static void block_open(block *b, const char *summary)
{
    b->text = NULL;
    b->len = 0;
    b->f = open_memstream(&b->text, &b->len);
    if (summary) fprintf(b->f, "<details><summary>%s</summary>\n\n", summary);
}

static void block_close(block *b, int details)
{
    if (details) fprintf(b->f, "</details>\n\n");
    fclose(b->f);
}

static void write_results(FILE *f, const report_data *r)
{
    fprintf(f, "| Workload | Median A | Median B | Change | Interval (level) | Verdict |\n"
               "|---|---:|---:|---:|---|---|\n");
    for (int w = 0; w < r->nworkloads; w++) {
        const metric_comparison *c = report_cmp(r, w) ? &report_cmp(r, w)->primary : NULL;
        char ma[32] = "n/a", mb[32] = "n/a", ch[32] = "n/a", iv[96] = "n/a";
        if (c && c->n_a) md_si(ma, sizeof ma, c->median_a);
        if (c && c->n_b) md_si(mb, sizeof mb, c->median_b);
        if (report_has_numbers(r, w)) {
            md_pct(ch, sizeof ch, c->change);
            md_interval(iv, sizeof iv, c->ci_lo, c->ci_hi, c->alpha);
        }
        fprintf(f, "| ");
        md_cell(f, r->workloads[w]);
        fprintf(f, " | %s | %s | %s | %s |", ma, mb, ch, iv);
        int loud =
            report_verdict_is(r, w, VERDICT_REGRESSION) || report_verdict_is(r, w, VERDICT_FAILED);
        fprintf(f, " %s%s%s |\n", loud ? "**" : "", c ? verdict_name(c->verdict) : "not compared",
                loud ? "**" : "");
    }
    fprintf(f,
            "\nThroughput in %s, B against A: the Hodges-Lehmann change with its exact interval "
            "at the level its look was judged at; the verdict weighs the interval against ±δ "
            "(docs/statistics.md).\n\n",
            report_unit(r));
}

int report_write_github(const report_data *r, const report_options *o, char *err, size_t errlen)
{
    report_verdict v = report_overall(r);
    block head, sections[3];
    block_open(&head, NULL);
    fprintf(head.f, "### ");
    md_cell(head.f, report_b(r)->spec);
    fprintf(head.f, " vs ");
    md_cell(head.f, report_a(r)->spec);
    fprintf(head.f, ": ");
    report_write_headline(head.f, r, v);
    fprintf(head.f, "\n\n**Status:** %s · **Severity:** %s · session %lld, %.10s\n\n",
            report_verdict_title(v), report_severity(r, v), (long long)r->session.id,
            r->session.started_at);
    /* the TL;DR without its own heading */
    block tldr;
    block_open(&tldr, NULL);
    report_write_tldr(tldr.f, r, v);
    block_close(&tldr, 0);
    const char *bullets = strstr(tldr.text, "\n\n");
    fputs(bullets ? bullets + 2 : tldr.text, head.f);
    free(tldr.text);
    write_results(head.f, r);
    block_close(&head, 0);

    block_open(&sections[0], "Where the time goes");
    report_write_profiles(sections[0].f, r, NULL);
    block_close(&sections[0], 1);
    block_open(&sections[1], "Next steps");
    report_write_next_steps(sections[1].f, r, v, o);
    block_close(&sections[1], 1);
    block_open(&sections[2], "Reproduce");
    report_write_reproduce(sections[2].f, r, o);
    block_close(&sections[2], 1);

    FILE *f = o->out_path ? md_open(o->out_path, "--out", err, errlen) : stdout;
    int rc = f ? 0 : -1;
    if (f) {
        size_t used = head.len;
        fwrite(head.text, 1, head.len, f);
        for (int i = 0; i < 3; i++) {
            if (used + sections[i].len > REPORT_GITHUB_MAX) {
                fprintf(f,
                        "_A section was left out to stay within GitHub's size limit: the "
                        "full report is `hakbench report --session %lld`._\n",
                        (long long)r->session.id);
                break;
            }
            fwrite(sections[i].text, 1, sections[i].len, f);
            used += sections[i].len;
        }
        if (o->out_path)
            rc = md_close(f, o->out_path, err, errlen);
        else if (fflush(f) != 0 || ferror(f)) {
            snprintf(err, errlen, "writing to stdout failed");
            rc = -1;
        }
    }
    free(head.text);
    for (int i = 0; i < 3; i++)
        free(sections[i].text);
    return rc;
}
