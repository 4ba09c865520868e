/* The bisect search (see bisect.h). */
#include "run/bisect.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analysis/compare.h"
#include "builds/builder.h"
#include "run/machine.h"
#include "run/session.h"
#include "spec/variants.h"
#include "store/bisect_steps.h"
#include "store/runs.h"
#include "store/sessions.h"
#include "util/revlist.h"

void bisect_opts_init(bisect_opts *o)
{
    memset(o, 0, sizeof *o);
    o->workload = "larson";
    o->variant = "default";
    o->proc = procedure_default();
    o->seed = 1;
    o->command = "hakbench bisect";
}

/* What the bisect needs besides the options: the variant table for specs, the database and the
 * uuid that ties the step sessions to the bisect's own session. */
typedef struct {
    store *db;
    const bisect_opts *o;
    variant_table vt;
    bisect_result *r;
} bisect_ctx;

static int create_session(bisect_ctx *c)
{
    char note[256];
    int64_t machine = machine_id(c->db);
    if (machine < 0) return -1;
    snprintf(note, sizeof note, "bisect of %s@%s: good %.12s, bad %.12s, delta %.1f%%",
             c->o->workload, c->o->variant, c->r->good, c->r->bad, c->o->proc.delta * 100);
    store_new_session n = {.kind = "bisect",
                           .command = c->o->command,
                           .note = note,
                           .machine_id = machine,
                           .seed = c->o->seed,
                           .quick = c->o->quick,
                           .procedure_version = PROCEDURE_VERSION,
                           .looks = c->o->proc.looks,
                           .runs_per_look = c->o->proc.runs_per_look,
                           .alpha = c->o->proc.alpha,
                           .delta = c->o->proc.delta,
                           .holm_family = c->o->proc.family};
    c->r->session_id = store_session_create(c->db, &n, c->r->uuid);
    return c->r->session_id < 0 ? -1 : 0;
}

static int record_step(bisect_ctx *c, const bisect_step *s)
{
    store_bisect_step row = {.session_id = c->r->session_id,
                             .step = s->step,
                             .revision = s->revision,
                             .verdict = step_verdict_name(s->verdict),
                             .detail = s->detail,
                             .change = s->change,
                             .ci_lo = s->ci_lo,
                             .ci_hi = s->ci_hi,
                             .runs = s->runs};
    if (store_bisect_step_insert(c->db, &row) != 0) return -1;
    bisect_step *grown = realloc(c->r->steps, (size_t)(c->r->nsteps + 1) * sizeof *grown);
    if (!grown) return -1;
    c->r->steps = grown;
    c->r->steps[c->r->nsteps++] = *s;
    return 0;
}

/* Builds REV@VARIANT (cached after the first time); 1 built, its library's sha256 in hash, 0
 * build failed, -1 harness error. */
static int build(bisect_ctx *c, const char *sha, char *spec_text, size_t len, char hash[65])
{
    snprintf(spec_text, len, "%s@%s", sha, c->o->variant);
    variant_spec spec;
    char err[512];
    if (variant_spec_parse(spec_text, &c->vt, &spec, err, sizeof err) != 0) {
        fprintf(stderr, "hakbench bisect: %s\n", err);
        return -1;
    }
    build_result br;
    if (builder_build(c->db, &spec, c->o->quiet, &br) != 0) return -1;
    memcpy(hash, br.library_hash, 65);
    return br.ok;
}

__attribute__((format(printf, 2, 3))) static void say(const bisect_ctx *c, const char *fmt, ...)
{
    if (c->o->quiet) return;
    va_list ap;
    va_start(ap, fmt);
    fputs("bisect: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* One measuring session of spec_b against spec_a with the procedure's looks: its comparison in
 * *cmp. Returns 1 when measured, 0 when a build failed, -1 on a harness error (message
 * printed). */
static int measure_session(bisect_ctx *c, int stepno, const char *spec_a, const char *spec_b,
                           comparison *cmp, int64_t *sid, int *runs)
{
    const char *variants[2] = {spec_a, spec_b};
    const char *workloads[1] = {c->o->workload};
    char note[128];
    snprintf(note, sizeof note, "bisect %s step %d", c->r->uuid, stepno);
    session_opts so;
    session_opts_init(&so);
    so.kind = "bisect";
    so.command = c->o->command;
    so.variants = variants;
    so.nvariants = 2;
    so.workloads = workloads;
    so.nworkloads = 1;
    so.quick = c->o->quick;
    so.proc = c->o->proc;
    so.counters = 0;
    so.seed = c->o->seed + (uint64_t)(stepno + 2) * 16;
    so.quiet = c->o->quiet;
    so.note = note;
    int build_failed = 0;
    if (session_run(c->db, &so, sid, &build_failed) != 0) return -1;
    *runs = store_count_measured(c->db, *sid);
    if (build_failed) return 0;
    comparison *all = NULL;
    int n = compare_session(c->db, *sid, spec_a, spec_b, c->o->workload, -1, &all);
    if (n < 1) {
        fprintf(stderr, "hakbench bisect: session %lld has no comparison of %s and %s on %s\n",
                (long long)*sid, spec_a, spec_b, c->o->workload);
        free(all);
        return -1;
    }
    *cmp = all[0];
    free(all);
    if (cmp->failed_a > 0) {
        /* The reference failing too means the failures say nothing about this commit. */
        fprintf(stderr,
                "hakbench bisect: the reference %s failed %d of its runs of %s in session %lld "
                "(see `hakbench export --session %lld`); the bisect cannot tell good from bad "
                "while the good build fails\n",
                spec_a, cmp->failed_a, c->o->workload, (long long)*sid, (long long)*sid);
        return -1;
    }
    return 1;
}

/* One step: sha measured against ref in one session; still inconclusive after the last look, it
 * is skipped (bisect_step_verdict). A commit whose library is byte for byte the reference's (a
 * change outside the allocator) runs the same code: good, detail same-library, nothing measured.
 * Fills s; 0, or -1 on an error. */
static int measure(bisect_ctx *c, int stepno, const char *ref, const char *sha, bisect_step *s)
{
    memset(s, 0, sizeof *s);
    s->step = stepno;
    s->change = s->ci_lo = s->ci_hi = NAN;
    s->verdict = STEP_SKIP;
    snprintf(s->revision, sizeof s->revision, "%s", sha);
    snprintf(s->against, sizeof s->against, "%s", ref);
    snprintf(s->detail, sizeof s->detail, "build-failed");
    char spec_b[160], spec_a[160], hash_b[65], hash_a[65];
    int built = build(c, sha, spec_b, sizeof spec_b, hash_b);
    if (built <= 0) return built;
    if (build(c, ref, spec_a, sizeof spec_a, hash_a) != 1) return -1;
    if (hash_a[0] && strcmp(hash_a, hash_b) == 0) {
        s->verdict = STEP_GOOD;
        snprintf(s->detail, sizeof s->detail, "same-library");
        return 0;
    }
    comparison cmp;
    int rc = measure_session(c, stepno, spec_a, spec_b, &cmp, &s->session_id, &s->runs);
    if (rc <= 0) return rc;
    s->change = cmp.primary.change;
    s->ci_lo = cmp.primary.ci_lo;
    s->ci_hi = cmp.primary.ci_hi;
    snprintf(s->detail, sizeof s->detail, "%s", verdict_name(cmp.primary.verdict));
    s->verdict = bisect_step_verdict(&cmp);
    return 0;
}

static void print_step(const bisect_ctx *c, const bisect_step *s)
{
    if (isnan(s->change))
        say(c, "%.12s is %s (%s)", s->revision, step_verdict_name(s->verdict), s->detail);
    else
        say(c, "%.12s is %s (%s, %+.1f%% [%+.1f%%, %+.1f%%] against %.12s, %d runs)", s->revision,
            step_verdict_name(s->verdict), s->detail, s->change * 100, s->ci_lo * 100,
            s->ci_hi * 100, s->against, s->runs);
}

static int check_inputs(bisect_ctx *c)
{
    const bisect_opts *o = c->o;
    char err[512];
    if (variants_load(VARIANTS_CONF, &c->vt, err, sizeof err) != 0) {
        fprintf(stderr, "hakbench bisect: %s\n", err);
        return -1;
    }
    const variant_def *def = variants_find(&c->vt, o->variant);
    if (!def || def->kind != VARIANT_HAKMEM) {
        fprintf(stderr,
                "hakbench bisect: '%s' is not a hakmem variant of " VARIANTS_CONF " "
                "(bisect builds the allocator; see `hakbench variants`)\n",
                o->variant);
        return -1;
    }
    if (revlist_resolve(o->good, c->r->good) != 0 || revlist_resolve(o->bad, c->r->bad) != 0) {
        fprintf(stderr,
                "hakbench bisect: revision '%s' does not name a commit in this repository\n",
                revlist_resolve(o->good, c->r->good) != 0 ? o->good : o->bad);
        return -1;
    }
    if (strcmp(c->r->good, c->r->bad) == 0) {
        fprintf(stderr, "hakbench bisect: --good %s and --bad %s are the same commit\n", o->good,
                o->bad);
        return -1;
    }
    if (revlist_is_ancestor(c->r->good, c->r->bad) != 1) {
        fprintf(stderr,
                "hakbench bisect: the good revision %s is not an ancestor of the bad one %s; "
                "give --good an older commit of the same history\n",
                o->good, o->bad);
        return -1;
    }
    return 0;
}

int bisect_run(store *db, const bisect_opts *o, bisect_result *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->workload, sizeof r->workload, "%s", o->workload);
    snprintf(r->variant, sizeof r->variant, "%s", o->variant);
    r->delta = o->proc.delta;
    r->quick = o->quick;
    bisect_ctx c = {.db = db, .o = o, .r = r};
    char(*commits)[41] = NULL;
    bisect_search search = {0};
    int status = -1;
    if (check_inputs(&c) != 0) goto out;
    int n = revlist_first_parent(r->good, r->bad, &commits);
    if (n <= 0) {
        fprintf(stderr, "hakbench bisect: no first-parent commits between %s and %s\n", o->good,
                o->bad);
        goto out;
    }
    r->ncommits = n;
    char spec[160], hash[65];
    int built = build(&c, r->good, spec, sizeof spec, hash);
    if (built <= 0) {
        if (built == 0)
            fprintf(stderr,
                    "hakbench bisect: the good revision %s does not build as %s; choose a good "
                    "revision that builds\n",
                    o->good, spec);
        goto out;
    }
    if (create_session(&c) != 0) goto out;
    if (bisect_search_init(&search, n) != 0) goto out;
    /* The endpoints first: a search assumes BAD is bad, so measure it. */
    say(&c, "step 0: the endpoints, %.12s against %.12s", r->bad, r->good);
    bisect_step ends;
    if (measure(&c, 0, r->good, r->bad, &ends) != 0 || record_step(&c, &ends) != 0) goto out;
    print_step(&c, &ends);
    r->reproduced = ends.verdict == STEP_BAD;
    if (!r->reproduced && strcmp(ends.detail, "same-library") == 0) {
        fprintf(stderr,
                "hakbench bisect: %.12s builds the same %s library as %.12s, byte for byte: "
                "nothing to bisect (no commit in between changes the allocator)\n",
                r->bad, r->variant, r->good);
        if (store_session_finish(db, r->session_id) != 0) goto out;
        status = 0;
        goto out;
    }
    if (!r->reproduced) {
        fprintf(stderr,
                "hakbench bisect: %.12s against %.12s is %s on %s, not a regression: nothing to "
                "bisect (the change does not reproduce on this machine, or it is smaller than "
                "delta %.1f%%)\n",
                r->bad, r->good, ends.detail, r->workload, 100 * o->proc.delta);
        if (store_session_finish(db, r->session_id) != 0) goto out;
        status = 0;
        goto out;
    }
    say(&c, "%d commits between %.12s and %.12s, about %d steps", n, r->good, r->bad,
        (int)ceil(log2((double)n)));
    int stepno = 1;
    for (int k; (k = bisect_search_next(&search)) >= 0; stepno++) {
        say(&c, "step %d: testing %.12s (%d of %d, %d left in range)", stepno, commits[k], k + 1, n,
            search.hi - search.lo - 1);
        bisect_step s;
        if (measure(&c, stepno, r->good, commits[k], &s) != 0 || record_step(&c, &s) != 0) goto out;
        print_step(&c, &s);
        bisect_search_record(&search, k, s.verdict);
    }
    snprintf(r->culprit, sizeof r->culprit, "%s", commits[search.hi]);
    int first, ncand = bisect_search_candidates(&search, &first);
    r->candidates = malloc((size_t)ncand * sizeof *r->candidates);
    if (!r->candidates) goto out;
    for (int i = first; i < first + ncand; i++)
        memcpy(r->candidates[r->ncandidates++], commits[i], 41);
    r->found = r->ncandidates == 1;

    /* Confirmation: the culprit against its real parent (against the last good commit when
     * skipped commits lie in between), interleaved in a fresh session. */
    char parent[41];
    char parent_rev[64];
    snprintf(parent_rev, sizeof parent_rev, "%s^", r->culprit);
    const char *ref = search.lo >= 0 ? commits[search.lo] : r->good;
    if (r->found && revlist_resolve(parent_rev, parent) == 0) ref = parent;
    say(&c, "confirming %.12s against %.12s", r->culprit, ref);
    bisect_step conf;
    if (measure(&c, -1, ref, r->culprit, &conf) != 0 || record_step(&c, &conf) != 0) goto out;
    print_step(&c, &conf);
    r->confirmed = conf.verdict == STEP_BAD;
    if (store_session_finish(db, r->session_id) != 0) goto out;
    status = 0;
out:
    free(commits);
    bisect_search_free(&search);
    if (c.vt.defs) variants_free(&c.vt);
    return status;
}
