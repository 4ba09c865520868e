/* The nightly report (reports/nightly-<date>.md) and its history plots (see nightly_report.h). */
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/markdown.h"
#include "report/nightly_report.h"
#include "report/plot.h"
#include "util/revlist.h"

static int count_new_regressions(const nightly_data *d)
{
    int n = 0;
    for (int i = 0; i < d->ndeltas; i++)
        n += nightly_is_new_regression(&d->deltas[i]);
    return n;
}

static void write_header(FILE *f, const nightly_data *d, int nreg)
{
    char day[11];
    snprintf(day, sizeof day, "%.10s", d->today.started_at);
    fprintf(f, "# Nightly %s: ", day);
    if (!d->previous)
        fputs("first nightly on this machine", f);
    else if (nreg)
        fprintf(f, "%d new regression%s", nreg, nreg == 1 ? "" : "s");
    else
        fputs("no new regression", f);
    fprintf(f, " at `%.12s`\n\n", d->today_rev[0] ? d->today_rev : "unknown");
    commit_info ci;
    fputs("- **Revision**: ", f);
    if (d->today_rev[0] && revlist_commit_info(d->today_rev, &ci) == 0) {
        fprintf(f, "`%.12s` ", d->today_rev);
        md_cell(f, ci.subject);
    } else {
        fputs("unknown", f);
    }
    fputs(d->today_dirty ? " (with local changes)\n" : "\n", f);
    if (d->previous)
        fprintf(f, "- **Previous nightly**: session %lld of %s at `%.12s`\n",
                (long long)d->previous, d->previous_date,
                d->previous_rev[0] ? d->previous_rev : "unknown");
    else
        fputs("- **Previous nightly**: none on this machine in this mode\n", f);
    fputs("- **Machine**: ", f);
    md_cell(f, d->today.machine.hostname);
    fputs(", ", f);
    md_cell(f, d->today.machine.cpu_model);
    fprintf(f, ", %d cores, kernel ", d->today.machine.cores);
    md_cell(f, d->today.machine.kernel);
    fprintf(f, "; fingerprint `%.16s`\n", d->today.machine.fingerprint);
    fprintf(f, "- **Session**: %lld (%s), started %s\n\n", (long long)d->today.id,
            d->today.quick ? "quick smoke run" : "full", d->today.started_at);
}

static void write_deltas(FILE *f, const nightly_data *d)
{
    fputs("## Today against the previous nightly\n\n", f);
    if (!d->previous) {
        fputs("There is no previous nightly on this machine (same fingerprint, same mode), so "
              "there is nothing to compare yet: this session starts the history.\n\n",
              f);
        return;
    }
    fputs("Previous nightly (A) against today (B), per variant and workload. The runs of two "
          "sessions are not paired: the interval is an unpaired bootstrap of the ratio of "
          "medians and p is Mann-Whitney; the verdict follows `hakbench compare` (noise band δ "
          "from calibration, at least 2%). **New** marks a regression the previous nightly did "
          "not have.\n\n"
          "| variant | workload | previous | today | change | 95% CI | p | runs | verdict |\n"
          "|---|---|---:|---:|---:|---|---:|---:|---|\n",
          f);
    for (int i = 0; i < d->ndeltas; i++) {
        const nightly_delta *x = &d->deltas[i];
        const comparison *c = &x->cmp;
        fputs("| ", f);
        md_cell(f, x->variant);
        fputs(" | ", f);
        md_cell(f, x->workload);
        fputs(" | ", f);
        if (!x->has_previous) {
            fputs("– | ", f);
            md_put_si(f, c->median_b);
            fputs(" | – | – | – | – | not in the previous nightly |\n", f);
            continue;
        }
        md_put_si(f, c->median_a);
        fputs(" | ", f);
        md_put_si(f, c->median_b);
        fputs(" | ", f);
        md_put_pct(f, c->change);
        fputs(" | ", f);
        md_put_pct(f, c->ci_lo);
        fputs(" … ", f);
        md_put_pct(f, c->ci_hi);
        char p[32];
        md_p(p, sizeof p, c->p);
        fprintf(f, " | %s | %d+%d", p, c->n_a + c->failed_a, c->n_b + c->failed_b);
        if (c->failed_a || c->failed_b) fprintf(f, " (%d+%d failed)", c->failed_a, c->failed_b);
        fprintf(f, " | %s%s |\n", nightly_is_new_regression(x) ? "**new** " : "",
                verdict_name(c->verdict));
    }
    fputc('\n', f);
}

static void write_change_points(FILE *f, const nightly_history *h)
{
    if (h->ncp == 0) {
        fputs("none", f);
        return;
    }
    /* Change point k starts segment k + 1. */
    for (int k = 0; k < h->ncp; k++) {
        int at = h->segments[k + 1].from;
        double before = h->segments[k].median, after = h->segments[k + 1].median;
        fprintf(f, "%s%.10s", k ? "; " : "", h->date[at]);
        if (h->revision[at][0]) fprintf(f, " (`%.10s`)", h->revision[at]);
        fputs(": ", f);
        md_put_si(f, before);
        fputs(" → ", f);
        md_put_si(f, after);
        fputs(" (", f);
        md_put_pct(f, after / before - 1);
        fputc(')', f);
    }
}

/* One plot per workload, of the committed hakmem build; its path is png (beside the report). */
static void write_history(FILE *f, const nightly_data *d, const char *report_path)
{
    fputs("## History\n\n"
          "Median ops/s of every nightly on this machine in this mode, oldest first. Change "
          "points: E-divisive means (Matteson & James 2014) with a permutation test (p < 0.01, "
          "199 permutations) and at least 3 nightlies per segment, so a single noisy night is "
          "never one.\n\n"
          "| variant | workload | nightlies | latest | change points |\n"
          "|---|---|---:|---:|---|\n",
          f);
    for (int i = 0; i < d->nhist; i++) {
        const nightly_history *h = &d->hist[i];
        fputs("| ", f);
        md_cell(f, h->variant);
        fputs(" | ", f);
        md_cell(f, h->workload);
        fprintf(f, " | %d | ", h->n);
        md_put_si(f, h->n ? h->median[h->n - 1] : NAN);
        fputs(" | ", f);
        write_change_points(f, h);
        fputs(" |\n", f);
    }
    fputc('\n', f);

    char base[PATH_MAX];
    snprintf(base, sizeof base, "%s", report_path);
    char *dot = strrchr(base, '.');
    if (dot && strcmp(dot, ".md") == 0) *dot = '\0';
    for (int i = 0; i < d->nhist; i++) {
        const nightly_history *h = &d->hist[i];
        if (strcmp(h->variant, NIGHTLY_PLOT_VARIANT) != 0) continue;
        char png[PATH_MAX + 80], title[256];
        snprintf(png, sizeof png, "%s-%s.png", base, h->workload);
        snprintf(title, sizeof title, "%s, hakmem %s: nightly history", h->workload, h->variant);
        fputs("### ", f);
        md_cell(f, h->workload);
        fputs("\n\n", f);
        if (plot_history(png, title, "ops/s (median of the night)", h->median, h->n, h->segments,
                         h->ncp + 1) == 0) {
            char copy[sizeof png];
            snprintf(copy, sizeof copy, "%s", png);
            fprintf(f, "![%s history](%s)\n\n", h->workload, basename(copy));
        } else {
            fputs("(plot unavailable: gnuplot is missing or failed)\n\n", f);
        }
    }
}

static void write_failures(FILE *f, const nightly_data *d)
{
    int any = 0;
    for (int i = 0; i < d->ndeltas; i++) {
        const nightly_delta *x = &d->deltas[i];
        if (x->cmp.failed_b == 0) continue;
        if (!any)
            fputs("## Failed runs today\n\nRuns that did not end `ok` (crash, oom, timeout, "
                  "corrupt, ...); `hakbench export` of the session shows each with its stderr "
                  "tail.\n\n| variant | workload | failed | of |\n|---|---|---:|---:|\n",
                  f);
        any = 1;
        fputs("| ", f);
        md_cell(f, x->variant);
        fputs(" | ", f);
        md_cell(f, x->workload);
        fprintf(f, " | %d | %d |\n", x->cmp.failed_b, x->cmp.failed_b + x->cmp.n_b);
    }
    if (any) fputc('\n', f);
}

static void write_bisects(FILE *f, const nightly_data *d)
{
    if (d->nbisects == 0) return;
    fputs("## Bisects of the new regressions\n\n", f);
    for (int i = 0; i < d->nbisects; i++) {
        const nightly_bisect *b = &d->bisects[i];
        fputs("- ", f);
        md_cell(f, b->workload);
        fputs(" under ", f);
        md_cell(f, b->variant);
        fputs(": ", f);
        if (b->status != 0) {
            fputs("the bisect could not run (see the nightly's log)\n", f);
            continue;
        }
        char copy[sizeof b->report];
        snprintf(copy, sizeof copy, "%s", b->report);
        if (b->found)
            fprintf(f, "first bad commit `%.12s`%s; [report](%s)\n", b->culprit,
                    b->confirmed ? ", confirmed" : ", not confirmed against its parent",
                    basename(copy));
        else
            fprintf(f, "ambiguous (commits that do not build); [report](%s)\n", basename(copy));
    }
    fputc('\n', f);
}

int nightly_write_report(const nightly_data *d, const char *path, const char *db_path, char *err,
                         size_t errlen)
{
    FILE *f = md_open(path, "--reports-dir", err, errlen);
    if (!f) return -1;
    int nreg = count_new_regressions(d);
    write_header(f, d, nreg);
    write_deltas(f, d);
    write_failures(f, d);
    write_history(f, d, path);
    write_bisects(f, d);
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "hakbench nightly%s --db %s\n"
             "# today's session as an A/B report, and its raw rows:\n"
             "hakbench report --session %lld --db %s\n"
             "hakbench export --session %lld --format csv --db %s\n",
             d->today.quick ? " --quick" : "", db_path, (long long)d->today.id, db_path,
             (long long)d->today.id, db_path);
    fputs("## Reproduce\n\n", f);
    md_code_block(f, "sh", cmd);
    return md_close(f, path, err, errlen);
}
