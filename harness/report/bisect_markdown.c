/* The bisect report (see report_bisect.h). */
#include "report/bisect_report.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/markdown.h"
#include "util/clock.h"
#include "util/revlist.h"

void report_bisect_path(char *out, size_t len, const char *dir)
{
    char stamp[32];
    clock_utc_stamp(stamp, sizeof stamp);
    snprintf(out, len, "%s/bisect-%s.md", dir, stamp);
}

static void commit_cell(FILE *f, const char *sha)
{
    commit_info ci;
    fprintf(f, "`%.12s` ", sha);
    if (revlist_commit_info(sha, &ci) == 0) md_cell(f, ci.subject);
}

static void write_steps(FILE *f, const bisect_result *r)
{
    fputs("| step | commit | verdict | compare | change | interval | runs | session |\n"
          "|---:|---|---|---|---:|---|---:|---:|\n",
          f);
    for (int i = 0; i < r->nsteps; i++) {
        const bisect_step *s = &r->steps[i];
        if (s->step < 0)
            fputs("| confirm | ", f);
        else if (s->step == 0)
            fputs("| endpoints | ", f);
        else
            fprintf(f, "| %d | ", s->step);
        commit_cell(f, s->revision);
        fprintf(f, " | **%s** | %s | ", step_verdict_name(s->verdict), s->detail);
        md_put_pct(f, s->change);
        fputs(" | ", f);
        if (isnan(s->ci_lo)) {
            fputs("–", f);
        } else {
            md_put_pct(f, s->ci_lo);
            fputs(" … ", f);
            md_put_pct(f, s->ci_hi);
        }
        fprintf(f, " | %d | ", s->runs);
        if (s->session_id > 0)
            fprintf(f, "%lld |\n", (long long)s->session_id);
        else
            fputs("– |\n", f);
    }
    for (int i = 0; i < r->nsteps; i++)
        if (strcmp(r->steps[i].detail, "same-library") == 0) {
            fputs("\n`same-library`: the commit builds a library byte for byte the reference's "
                  "(its changes are outside the allocator), so it runs the same code: good, "
                  "without runs.\n",
                  f);
            break;
        }
}

static const bisect_step *confirmation(const bisect_result *r)
{
    return r->nsteps > 0 && r->steps[r->nsteps - 1].step < 0 ? &r->steps[r->nsteps - 1] : NULL;
}

static void write_culprit(FILE *f, const bisect_result *r)
{
    commit_info ci;
    if (revlist_commit_info(r->culprit, &ci) != 0) {
        fprintf(f, "Commit `%s` (git no longer knows it).\n\n", r->culprit);
        return;
    }
    fputs("| | |\n|---|---|\n| Commit | `", f);
    fputs(ci.sha, f);
    fputs("` |\n| Subject | ", f);
    md_cell(f, ci.subject);
    fputs(" |\n| Author | ", f);
    md_cell(f, ci.author);
    fputs(" |\n| Date | ", f);
    md_cell(f, ci.date);
    fputs(" |\n\n", f);
    char stat[8192];
    if (revlist_diffstat(r->culprit, stat, sizeof stat) == 0) md_code_block(f, "", stat);
    fputc('\n', f);
}

static void write_reproduce(FILE *f, const bisect_result *r, const char *db_path)
{
    char cmd[4096];
    const bisect_step *conf = confirmation(r);
    int len = snprintf(cmd, sizeof cmd,
                       "hakbench bisect --good %s --bad %s --workloads %s --variants %s "
                       "--delta %g%s --db %s\n",
                       r->good, r->bad, r->workload, r->variant, r->delta * 100,
                       r->quick ? " --quick" : "", db_path);
    if (conf && conf->session_id > 0 && len > 0 && (size_t)len < sizeof cmd)
        len +=
            snprintf(cmd + len, sizeof cmd - (size_t)len,
                     "# the confirmation's statistics again, from the database:\n"
                     "hakbench compare %s@%s %s@%s --session %lld --db %s\n"
                     "# the confirmation measured afresh:\n"
                     "hakbench run --variants %s@%s,%s@%s --workloads %s%s --db %s\n",
                     conf->against, r->variant, conf->revision, r->variant,
                     (long long)conf->session_id, db_path, conf->against, r->variant,
                     conf->revision, r->variant, r->workload, r->quick ? " --quick" : "", db_path);
    if (len > 0 && (size_t)len < sizeof cmd)
        snprintf(cmd + len, sizeof cmd - (size_t)len,
                 "# the same search driven by git (the script is copied out because git checks "
                 "out old commits):\n"
                 "cp harness/builds/bisect_step.sh hakbench /tmp/\n"
                 "git bisect start --first-parent %s %s\n"
                 "git bisect run /tmp/bisect_step.sh --good %s --workloads %s --variants %s "
                 "--delta %g%s --db %s%s --hakbench /tmp/hakbench\n"
                 "git bisect reset\n",
                 r->bad, r->good, r->good, r->workload, r->variant, r->delta * 100,
                 r->quick ? " --quick" : "", db_path[0] == '/' ? "" : "\"$PWD\"/", db_path);
    md_code_block(f, "sh", cmd);
}

int report_bisect_write(const char *path, const bisect_result *r, const char *db_path, char *err,
                        size_t errlen)
{
    FILE *f = md_open(path, "--reports-dir", err, errlen);
    if (!f) return -1;
    commit_info ci;
    if (revlist_commit_info(r->culprit, &ci) != 0)
        snprintf(ci.subject, sizeof ci.subject, "(unknown subject)");
    const bisect_step *conf = confirmation(r);
    char pct[32] = "–";
    if (conf && !isnan(conf->change)) md_pct(pct, sizeof pct, conf->change);

    fputs("# Bisect: ", f);
    if (!r->reproduced) {
        fprintf(f, "not reproduced: `%.12s` is no regression against `%.12s`", r->bad, r->good);
    } else if (r->found) {
        fprintf(f, "%s `%.12s` ", r->confirmed ? "first bad commit" : "unconfirmed candidate",
                r->culprit);
        md_cell(f, ci.subject);
    } else {
        fprintf(f, "first bad commit is one of %d (skipped commits in the way)", r->ncandidates);
    }
    int same_ends =
        r->nsteps > 0 && r->steps[0].step == 0 && strcmp(r->steps[0].detail, "same-library") == 0;
    fprintf(f, "\n\n- **Status**: %s\n",
            same_ends        ? "stopped after the endpoint check: BAD builds a library byte for "
                               "byte GOOD's, so no commit in between changes the allocator"
            : !r->reproduced ? "stopped after the endpoint check: BAD against GOOD does not show a "
                               "regression of delta or more, so there is nothing to bisect"
            : !r->found      ? "ambiguous: skipped commits (that do not build, or stayed "
                               "inconclusive) hide the exact commit"
            : r->confirmed   ? "found and confirmed against its parent"
                             : "found, but the confirmation against its parent did not reproduce "
                               "the regression");
    fprintf(f, "- **Workload**: %s, variant **%s**, delta %g%%%s\n", r->workload, r->variant,
            r->delta * 100, r->quick ? ", quick runs" : "");
    fprintf(f,
            "- **Range**: good `%.12s` .. bad `%.12s`, %d first-parent commit(s); %d step(s) "
            "(binary search needs about %d)\n",
            r->good, r->bad, r->ncommits, r->nsteps - (conf != NULL),
            (int)ceil(log2((double)(r->ncommits > 1 ? r->ncommits : 2))));
    fprintf(f, "- **Database**: `%s`, bisect session %lld (uuid %s)\n\n", db_path,
            (long long)r->session_id, r->uuid);

    if (!r->reproduced) {
        fputs("## Steps\n\n", f);
        write_steps(f, r);
        fputs("\n## Reproduce\n\n", f);
        write_reproduce(f, r, db_path);
        return md_close(f, path, err, errlen);
    }
    fputs("## Culprit\n\n", f);
    if (!r->found) {
        fputs("The first bad commit is one of these (the later ones could not be told apart "
              "because the earlier ones do not build):\n\n",
              f);
        for (int i = 0; i < r->ncandidates; i++) {
            fputs("- ", f);
            commit_cell(f, r->candidates[i]);
            fputc('\n', f);
        }
        fputc('\n', f);
    }
    write_culprit(f, r);

    fputs("## Steps\n\nThe endpoints first (BAD against GOOD: the regression must reproduce "
          "before anything is searched), then each step measured the commit against the good "
          "commit, interleaved, in one session with the decision procedure's looks; `compare` is "
          "its verdict, `change` the Hodges-Lehmann change and `interval` its exact interval at "
          "the level of the look that decided. `skip` means the commit does not build or stayed "
          "inconclusive after the last look: it is never taken for good.\n\n",
          f);
    write_steps(f, r);

    fputs("\n## Confirmation\n\n", f);
    if (conf)
        fprintf(f,
                "`%.12s` against its parent `%.12s`, interleaved in session %lld: %s, change "
                "%s over %d runs: the regression %s.\n\n",
                conf->revision, conf->against, (long long)conf->session_id, conf->detail, pct,
                conf->runs, r->confirmed ? "is confirmed" : "is **not** reproduced");
    else
        fputs("No confirmation was run.\n\n", f);

    fputs("## Reproduce\n\n", f);
    write_reproduce(f, r, db_path);
    return md_close(f, path, err, errlen);
}
