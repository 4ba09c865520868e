/* The history site (see site.h). */
#include "report/site.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/nightly.h"
#include "report/html.h"
#include "report/markdown.h"
#include "report/nightly_report.h"
#include "report/report_internal.h"
#include "report/site_plot.h"
#include "store/sessions.h"
#include "util/files.h"
#include "util/xml.h"

typedef struct {
    int64_t id;
    char kind[16], started_at[40];
    char href[96];   /* reports/session-N.html, "" when there is no report */
    char title[512]; /* its finding, as text */
} site_report;

/* Markdown's backslash escapes removed: the headline as plain text for HTML. */
static void unescape(const char *md, char *out, size_t len)
{
    size_t k = 0;
    for (const char *p = md; *p && k + 1 < len; p++) {
        if (*p == '\\' && p[1]) p++;
        if (*p != '\n') out[k++] = *p;
    }
    out[k] = '\0';
}

/* The A/B report of a session of kind run, as markdown beside its HTML page. */
static int write_ab_report(store *db, const char *dir, const char *db_path, site_report *x)
{
    report_data r;
    char err[512], md[PATH_MAX], html[PATH_MAX + 8];
    if (report_load(db, x->id, NULL, NULL, &r, err, sizeof err) != 0) {
        report_free(&r);
        return 0; /* one variant, no runs: nothing to compare */
    }
    snprintf(md, sizeof md, "%s/reports/session-%lld.md", dir, (long long)x->id);
    report_options o = {.out_path = md, .db_path = db_path};
    int rc = report_write_markdown(&r, &o, err, sizeof err);
    char *head = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&head, &len);
    fprintf(m, "%s vs %s: ", r.variants[r.b].spec, r.variants[r.a].spec);
    report_write_headline(m, &r, report_overall(&r));
    fclose(m);
    unescape(head, x->title, sizeof x->title);
    free(head);
    report_free(&r);
    snprintf(html, sizeof html, "%.*s.html", (int)strlen(md) - 3, md);
    if (rc != 0 || html_render_file(md, html, x->title, "../index.html") != 0) return -1;
    snprintf(x->href, sizeof x->href, "reports/session-%lld.html", (long long)x->id);
    return 1;
}

static int write_nightly_report(store *db, const char *dir, const char *db_path, site_report *x)
{
    nightly_data d;
    char err[512], md[PATH_MAX], html[PATH_MAX + 8];
    if (nightly_load(db, x->id, &d, err, sizeof err) != 0) {
        nightly_free(&d);
        return 0;
    }
    snprintf(md, sizeof md, "%s/reports/nightly-%lld.md", dir, (long long)x->id);
    int rc = nightly_write_report(&d, md, db_path, err, sizeof err);
    nightly_free(&d);
    snprintf(x->title, sizeof x->title, "nightly of %.10s", x->started_at);
    snprintf(html, sizeof html, "%.*s.html", (int)strlen(md) - 3, md);
    if (rc != 0 || html_render_file(md, html, x->title, "../index.html") != 0) return -1;
    snprintf(x->href, sizeof x->href, "reports/nightly-%lld.html", (long long)x->id);
    return 1;
}

static const char *href_of(const site_report *reports, int n, int64_t session)
{
    for (int i = 0; i < n; i++)
        if (reports[i].id == session && reports[i].href[0]) return reports[i].href;
    return "index.html";
}

/* workload-<W>.html for the histories hist[0..n) of workload w. */
static int write_workload_page(store *db, const char *dir, const nightly_data *d, const char *w,
                               const site_report *reports, int nreports)
{
    char safe[64], path[PATH_MAX + 96], title[128];
    report_safe_name(safe, sizeof safe, w);
    snprintf(path, sizeof path, "%s/workload-%s.html", dir, safe);
    snprintf(title, sizeof title, "%s: nightly history", w);
    FILE *f = html_page_open(path, title);
    if (!f) return -1;
    fprintf(f, "<nav><a href=\"index.html\">← all workloads and reports</a></nav>\n<h1>");
    xml_text(f, title);
    fprintf(f, "</h1>\n<p>Every ok measured run of each nightly (grey), the nightly medians "
               "(blue; each links to that night's report), change points (red, E-divisive "
               "means) and the median of each segment between them (green).</p>\n");
    for (int i = 0; i < d->nhist; i++) {
        const nightly_history *h = &d->hist[i];
        if (strcmp(h->workload, w) != 0 || h->n == 0) continue;
        store_history_run *runs = NULL;
        int nruns = store_nightly_history(db, &d->today, h->variant, h->workload, &runs);
        int *run_session = calloc((size_t)(nruns > 0 ? nruns : 0) + 1, sizeof *run_session);
        double *run_value = calloc((size_t)(nruns > 0 ? nruns : 0) + 1, sizeof *run_value);
        char **href = calloc((size_t)h->n + 1, sizeof *href);
        int *from = calloc((size_t)h->ncp + 2, sizeof *from),
            *to = calloc((size_t)h->ncp + 2, sizeof *to);
        double *seg = calloc((size_t)h->ncp + 2, sizeof *seg);
        int k = 0;
        for (int r = 0; run_session && run_value && r < nruns; r++)
            for (int s = 0; s < h->n; s++)
                if (h->session[s] == runs[r].session_id) {
                    run_session[k] = s;
                    run_value[k++] = runs[r].ops_per_sec;
                }
        for (int s = 0; href && s < h->n; s++)
            href[s] = (char *)href_of(reports, nreports, h->session[s]);
        for (int s = 0; from && to && seg && s <= h->ncp; s++) {
            from[s] = h->segments[s].from;
            to[s] = h->segments[s].to;
            seg[s] = h->segments[s].median;
        }
        char chart_title[256];
        snprintf(chart_title, sizeof chart_title, "%s on %s, ops/s per nightly", h->variant,
                 h->workload);
        fprintf(f, "<section class=\"variant\" id=\"");
        xml_text(f, h->variant);
        fprintf(f, "\"><h2>");
        xml_text(f, h->variant);
        fprintf(f, "</h2>\n<p>%d nightlies, %d change point%s.</p>\n", h->n, h->ncp,
                h->ncp == 1 ? "" : "s");
        if (href && from && to && seg) {
            site_series s = {.n = h->n,
                             .date = (const char(*)[40])h->date,
                             .median = h->median,
                             .href = href,
                             .nruns = k,
                             .run_session = run_session,
                             .run_value = run_value,
                             .nsegments = h->ncp + 1,
                             .segment_from = from,
                             .segment_to = to,
                             .segment_median = seg,
                             .title = chart_title};
            site_history_chart(f, &s);
        }
        fprintf(f, "</section>\n");
        free(runs);
        free(run_session);
        free(run_value);
        free(href);
        free(from);
        free(to);
        free(seg);
    }
    return html_page_close(f);
}

/* The distinct workloads (variants: 0) or variants (1) of the history, in the order they first
 * appear, into out (len chars each). */
static int history_names(const nightly_data *d, int variants, char *out, size_t len)
{
    int n = 0;
    for (int i = 0; i < d->nhist; i++) {
        const char *name = variants ? d->hist[i].variant : d->hist[i].workload;
        int seen = 0;
        for (int k = 0; k < n && !seen; k++)
            seen = strcmp(out + (size_t)k * len, name) == 0;
        if (!seen) snprintf(out + (size_t)n++ * len, len, "%s", name);
    }
    return n;
}

static const nightly_history *history_of(const nightly_data *d, const char *v, const char *w)
{
    for (int i = 0; i < d->nhist; i++)
        if (strcmp(d->hist[i].variant, v) == 0 && strcmp(d->hist[i].workload, w) == 0)
            return &d->hist[i];
    return NULL;
}

static void write_history_table(FILE *f, const nightly_data *d)
{
    char(*ws)[64] = calloc((size_t)d->nhist + 1, sizeof *ws);
    char(*vs)[160] = calloc((size_t)d->nhist + 1, sizeof *vs);
    if (!ws || !vs) {
        free(ws);
        free(vs);
        return;
    }
    int nw = history_names(d, 0, ws[0], sizeof ws[0]),
        nv = history_names(d, 1, vs[0], sizeof vs[0]);
    fprintf(f, "<h2>Nightly history</h2>\n<p>Latest nightly median (ops/s) and the medians of "
               "every nightly of this machine, oldest to newest; a workload's name leads to its "
               "history.</p>\n<table id=\"history\">\n<tr><th>Workload</th>");
    for (int v = 0; v < nv; v++) {
        fprintf(f, "<th>");
        xml_text(f, vs[v]);
        fprintf(f, "</th>");
    }
    fprintf(f, "</tr>\n");
    for (int w = 0; w < nw; w++) {
        char safe[64];
        report_safe_name(safe, sizeof safe, ws[w]);
        fprintf(f, "<tr><td><a href=\"workload-%s.html\">", safe);
        xml_text(f, ws[w]);
        fprintf(f, "</a></td>");
        for (int v = 0; v < nv; v++) {
            const nightly_history *h = history_of(d, vs[v], ws[w]);
            if (!h || h->n == 0) {
                fprintf(f, "<td>n/a</td>");
                continue;
            }
            char last[32];
            md_si(last, sizeof last, h->median[h->n - 1]);
            fprintf(f, "<td class=\"num\"><a href=\"workload-%s.html#", safe);
            xml_text(f, vs[v]);
            fprintf(f, "\">%s</a> ", last);
            site_sparkline(f, h->median, h->n);
            fprintf(f, "</td>");
        }
        fprintf(f, "</tr>\n");
    }
    fprintf(f, "</table>\n");
    free(ws);
    free(vs);
}

static void write_report_list(FILE *f, const site_report *reports, int n)
{
    fprintf(f, "<h2>Reports</h2>\n<table id=\"reports\">\n<tr><th>Session</th><th>Kind</th>"
               "<th>Started</th><th>Finding</th></tr>\n");
    for (int i = n - 1; i >= 0; i--) {
        if (!reports[i].href[0]) continue;
        fprintf(f, "<tr><td>%lld</td><td>", (long long)reports[i].id);
        xml_text(f, reports[i].kind);
        fprintf(f, "</td><td>");
        xml_text(f, reports[i].started_at);
        fprintf(f, "</td><td><a href=\"");
        xml_text(f, reports[i].href);
        fprintf(f, "\">");
        xml_text(f, reports[i].title);
        fprintf(f, "</a></td></tr>\n");
    }
    fprintf(f, "</table>\n");
}

int site_write(store *db, const char *dir, const char *db_path, site_counts *counts, char *err,
               size_t errlen)
{
    memset(counts, 0, sizeof *counts);
    char probe[PATH_MAX + 16];
    snprintf(probe, sizeof probe, "%s/reports/x", dir);
    if (files_mkdir_parents(probe) != 0) {
        snprintf(err, errlen, "cannot create %s/reports: %s", dir, strerror(errno));
        return -1;
    }
    store_session_line *lines = NULL;
    int n = store_session_list(db, &lines);
    if (n < 0) {
        snprintf(err, errlen, "reading the sessions failed");
        return -1;
    }
    site_report *reports = calloc((size_t)n + 1, sizeof *reports);
    int64_t latest_nightly = 0;
    int rc = reports ? 0 : -1;
    for (int i = 0; rc == 0 && i < n; i++) {
        site_report *x = &reports[i];
        x->id = lines[i].id;
        snprintf(x->kind, sizeof x->kind, "%s", lines[i].kind);
        snprintf(x->started_at, sizeof x->started_at, "%s", lines[i].started_at);
        int wrote = 0;
        if (strcmp(x->kind, "nightly") == 0 && lines[i].finished_at[0]) {
            wrote = write_nightly_report(db, dir, db_path, x);
            if (wrote > 0) latest_nightly = x->id;
        } else if (strcmp(x->kind, "run") == 0 && lines[i].runs > 0) {
            wrote = write_ab_report(db, dir, db_path, x);
        }
        if (wrote < 0) {
            snprintf(err, errlen, "writing the report of session %lld failed", (long long)x->id);
            rc = -1;
        }
        counts->reports += wrote > 0;
    }
    nightly_data d;
    memset(&d, 0, sizeof d);
    int have_history =
        rc == 0 && latest_nightly && nightly_load(db, latest_nightly, &d, err, errlen) == 0;
    char(*ws)[64] = have_history ? calloc((size_t)d.nhist + 1, sizeof *ws) : NULL;
    int nw = ws ? history_names(&d, 0, ws[0], sizeof ws[0]) : 0;
    for (int w = 0; rc == 0 && w < nw; w++) {
        if (write_workload_page(db, dir, &d, ws[w], reports, n) != 0) {
            snprintf(err, errlen, "writing the page of %s failed", ws[w]);
            rc = -1;
        }
        counts->workloads++;
    }
    char index[PATH_MAX + 16];
    snprintf(index, sizeof index, "%s/index.html", dir);
    FILE *f = rc == 0 ? html_page_open(index, "hakmem: benchmark history") : NULL;
    if (rc == 0 && !f) {
        snprintf(err, errlen, "cannot write %s: %s", index, strerror(errno));
        rc = -1;
    }
    if (f) {
        fprintf(f, "<h1>hakmem: benchmark history</h1>\n<p>From ");
        xml_text(f, db_path);
        fprintf(f, ": %d sessions, %d reports.</p>\n", n, counts->reports);
        if (have_history)
            write_history_table(f, &d);
        else
            fprintf(f, "<p>No finished nightly session yet (<code>hakbench nightly</code>): no "
                       "history to plot.</p>\n");
        write_report_list(f, reports, n);
        if (html_page_close(f) != 0) {
            snprintf(err, errlen, "writing %s failed", index);
            rc = -1;
        }
    }
    free(ws);
    if (have_history) nightly_free(&d);
    free(reports);
    free(lines);
    return rc;
}
