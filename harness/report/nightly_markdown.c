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

static void write_header(FILE *f, const nightly_data *d, int nreg)
{
    char day[11];
    snprintf(day, sizeof day, "%.10s", d->today.started_at);
    fprintf(f, "# Nightly %s: ", day);
    if (!d->previous)
        fputs("first nightly on this machine", f);
    else if (nreg)
        fprintf(f, "%d alarm%s about hakmem", nreg, nreg == 1 ? "" : "s");
    else
        fputs("no alarm", f);
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
    fputs("Previous nightly (A) against tonight (B), per variant and workload. The committed "
          "build (`default`) is compared **paired**: tonight's session ran the previous "
          "nightly's revision interleaved with tonight's, and the decision procedure judged them "
          "(docs/statistics.md: Hodges-Lehmann change, exact Wilcoxon interval, verdict against "
          "δ). Every other row compares two sessions that were not interleaved: unpaired (Mann-"
          "Whitney interval), for information only. **Alarm** marks what the exit status "
          "counts.\n\n"
          "| variant | workload | previous | tonight | change | interval | p | runs | paired | "
          "verdict | memory |\n"
          "|---|---|---:|---:|---:|---|---:|---:|---|---|---|\n",
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
            if (c->primary.n_b > 0)
                md_put_si(f, c->primary.median_b);
            else
                fputs("–", f);
            fputs(" | – | – | – | – | – | not in the previous nightly | – |\n", f);
            continue;
        }
        md_put_si(f, c->primary.median_a);
        fputs(" | ", f);
        md_put_si(f, c->primary.median_b);
        fputs(" | ", f);
        md_put_pct(f, c->primary.change);
        fputs(" | ", f);
        char iv[96];
        md_interval(iv, sizeof iv, c->primary.ci_lo, c->primary.ci_hi, c->primary.alpha);
        fputs(iv, f);
        char p[32];
        md_p(p, sizeof p, c->primary.p);
        fprintf(f, " | %s | %d+%d", p, c->primary.n_a + c->failed_a, c->primary.n_b + c->failed_b);
        if (c->failed_a || c->failed_b) fprintf(f, " (%d+%d failed)", c->failed_a, c->failed_b);
        fprintf(f, " | %s | %s%s | ", x->paired ? "yes" : "no",
                nightly_is_alarm(x) ? "**alarm** " : "", verdict_name(c->primary.verdict));
        memory_metric which;
        if (comparison_memory_change(c, &which) >= 0) {
            fprintf(f, "%s %s ", memory_metric_name(which), verdict_name(c->memory[which].verdict));
            md_put_pct(f, -c->memory[which].change);
        } else {
            fputs("–", f);
        }
        fputs(" |\n", f);
    }
    fputc('\n', f);
}

static void write_steps(FILE *f, const nightly_history *h)
{
    if (h->nsteps == 0) {
        fputs("none", f);
        return;
    }
    for (int k = 0; k < h->nsteps; k++) {
        const nightly_step *st = &h->steps[k];
        fprintf(f, "%s%s %.10s", k ? "; " : "",
                st->state == STEP_CONFIRMED ? "confirmed" : "**suspected**", h->date[st->at]);
        if (h->revision[st->at][0]) fprintf(f, " (`%.10s`)", h->revision[st->at]);
        fputs(": ", f);
        md_put_si(f, st->before);
        fputs(" → ", f);
        md_put_si(f, st->after);
        fputs(" (", f);
        md_put_pct(f, st->after / st->before - 1);
        fputs(st->new_tonight ? ", new tonight)" : ")", f);
    }
}

/* One plot per workload, of the committed hakmem build; its path is png (beside the report). */
static void write_history(FILE *f, const nightly_data *d, const char *report_path)
{
    fputs("## History\n\n"
          "Median ops/s of every nightly on this machine in this mode, oldest first. A step is "
          "**suspected** on its first night (tonight's value departs from the last segment's "
          "median by δ or more) and **confirmed** by a change point: E-divisive means (Matteson "
          "& James 2014) with a permutation test (p < 0.01, 199 permutations), at least 3 "
          "nightlies per segment, and a step between segment medians of at least δ, so neither "
          "a single noisy night nor a significant but tiny shift is one.\n\n"
          "| variant | workload | nightlies | latest | steps |\n"
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
        write_steps(f, h);
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
    if (d->nfailures == 0) return;
    fputs("## Failed runs tonight\n\nRuns that did not end `ok` (crash, oom, timeout, corrupt, "
          "...); `hakbench export` of the session shows each with its stderr tail. A peer whose "
          "every run fails the same way has a problem of its own (a bug of that build), shown "
          "but never an alarm.\n\n| variant | workload | outcome | runs | whose |\n"
          "|---|---|---|---:|---|\n",
          f);
    for (int i = 0; i < d->nfailures; i++) {
        const nightly_failure *x = &d->failures[i];
        fputs("| ", f);
        md_cell(f, x->variant);
        fputs(" | ", f);
        md_cell(f, x->workload);
        fprintf(f, " | %s | %d of %d | %s |\n", x->status, x->count, x->of,
                x->hakmem        ? "hakmem's: **alarm**"
                : x->own_problem ? "the peer's own"
                                 : "the peer's (some runs)");
    }
    fputc('\n', f);
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
            fprintf(f, "%s `%.12s`%s; [report](%s)\n",
                    b->confirmed ? "first bad commit" : "unconfirmed candidate", b->culprit,
                    b->confirmed ? ", confirmed" : " (its parent did not confirm it)",
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
    int nreg = nightly_count_alarms(d);
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
