/* The bisect search (see bisect.h). */
#include "run/bisect.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "builds/builder.h"
#include "analysis/compare.h"
#include "store/db.h"
#include "util/revlist.h"
#include "run/session.h"
#include "spec/variants.h"

void bisect_opts_init(bisect_opts *o)
{
    memset(o, 0, sizeof *o);
    o->workload = "larson";
    o->variant = "default";
    o->threshold = BISECT_DEFAULT_THRESHOLD;
    o->seed = 1;
    o->command = "hakbench bisect";
}

const char *step_verdict_name(step_verdict v)
{
    return v == STEP_GOOD ? "good" : v == STEP_BAD ? "bad" : "skip";
}

/* What the bisect needs besides the options: the variant table for specs, the database and the
 * uuid that ties the step sessions to the bisect's own session. */
typedef struct {
    sqlite3 *db;
    const bisect_opts *o;
    variant_table vt;
    bisect_result *r;
} bisect_ctx;

static void new_uuid(char *out, size_t len)
{
    FILE *f = fopen("/proc/sys/kernel/random/uuid", "r");
    if (f && fgets(out, (int)len, f)) {
        out[strcspn(out, "\n")] = '\0';
        fclose(f);
        return;
    }
    if (f) fclose(f);
    /* No /proc: time, pid and clock are unique enough for one machine's sessions. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(out, len, "%08lx-%04x-4%03x-8%03x-%012lx", (unsigned long)ts.tv_sec,
             (unsigned)getpid() & 0xffff, (unsigned)(ts.tv_nsec & 0xfff),
             (unsigned)((ts.tv_nsec >> 12) & 0xfff), (unsigned long)clock());
}

static int create_session(bisect_ctx *c)
{
    char now[40], note[256];
    int64_t machine = db_machine_id(c->db, NULL, 0);
    if (machine < 0) return -1;
    db_now(now, sizeof now);
    new_uuid(c->r->uuid, sizeof c->r->uuid);
    snprintf(note, sizeof note, "bisect of %s@%s: good %.12s, bad %.12s, threshold %.1f%%",
             c->o->workload, c->o->variant, c->r->good, c->r->bad, c->o->threshold * 100);
    sqlite3_stmt *st = db_prepare(
        c->db, "INSERT INTO sessions (uuid, kind, machine_id, started_at, command, seed, quick, "
               "note) VALUES (?1, 'bisect', ?2, ?3, ?4, ?5, ?6, ?7)");
    sqlite3_bind_text(st, 1, c->r->uuid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, machine);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, c->o->command, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)c->o->seed);
    sqlite3_bind_int(st, 6, c->o->quick);
    sqlite3_bind_text(st, 7, note, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "hakbench bisect: recording the session: %s\n", sqlite3_errmsg(c->db));
        return -1;
    }
    c->r->session_id = sqlite3_last_insert_rowid(c->db);
    return 0;
}

static int record_step(bisect_ctx *c, const bisect_step *s)
{
    sqlite3_stmt *st = db_prepare(c->db, "INSERT INTO bisect_steps (session_id, step, revision, "
                                         "verdict, detail, change, runs) VALUES (?1, ?2, ?3, ?4, "
                                         "?5, ?6, ?7)");
    sqlite3_bind_int64(st, 1, c->r->session_id);
    sqlite3_bind_int(st, 2, s->step);
    sqlite3_bind_text(st, 3, s->revision, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, step_verdict_name(s->verdict), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, s->detail, -1, SQLITE_STATIC);
    if (isnan(s->change))
        sqlite3_bind_null(st, 6);
    else
        sqlite3_bind_double(st, 6, s->change);
    sqlite3_bind_int(st, 7, s->runs);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "hakbench bisect: recording step %d: %s\n", s->step, sqlite3_errmsg(c->db));
        return -1;
    }
    bisect_step *grown = realloc(c->r->steps, (size_t)(c->r->nsteps + 1) * sizeof *grown);
    if (!grown) return -1;
    c->r->steps = grown;
    c->r->steps[c->r->nsteps++] = *s;
    return 0;
}

/* Builds REV@VARIANT; 1 built, 0 build failed, -1 harness error. */
static int build(bisect_ctx *c, const char *sha, char *spec_text, size_t len)
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
    return br.ok;
}

static int64_t count_measured(sqlite3 *db, int64_t session)
{
    sqlite3_stmt *st =
        db_prepare(db, "SELECT count(*) FROM runs WHERE session_id = ?1 AND purpose = 'measure'");
    sqlite3_bind_int64(st, 1, session);
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return n;
}

/* A decided comparison: regression, or a failure of the tested commit (a crash, out of memory),
 * is bad; equivalent or improvement is good. Inconclusive ones are measure()'s business. */
static step_verdict decide(const comparison *cmp)
{
    return cmp->verdict == VERDICT_REGRESSION || cmp->verdict == VERDICT_FAILED ? STEP_BAD
                                                                                : STEP_GOOD;
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

/* One step: sha measured against ref. Fills s; returns 0, or -1 on a harness error. */
/* One measuring session of spec_b against spec_a: its comparison in *cmp. Returns 1 when
 * measured, 0 when a build failed, -1 on a harness error (message printed). */
static int measure_round(bisect_ctx *c, int stepno, int round, const char *spec_a,
                         const char *spec_b, comparison *cmp, int64_t *sid, int *runs)
{
    const char *variants[2] = {spec_a, spec_b};
    const char *workloads[1] = {c->o->workload};
    char note[128];
    snprintf(note, sizeof note, "bisect %s step %d round %d", c->r->uuid, stepno, round + 1);
    session_opts so;
    session_opts_init(&so);
    so.kind = "bisect";
    so.command = c->o->command;
    so.variants = variants;
    so.nvariants = 2;
    so.workloads = workloads;
    so.nworkloads = 1;
    so.quick = c->o->quick;
    so.runs = c->o->runs > 0 ? c->o->runs : c->o->quick ? 4 : 6;
    so.max_runs = 3 * so.runs;
    so.counters = 0;
    so.seed = c->o->seed + (uint64_t)(stepno + 1) * 16 + (uint64_t)round;
    so.quiet = c->o->quiet;
    so.note = note;
    int build_failed = 0;
    if (session_run(c->db, &so, sid, &build_failed) != 0) return -1;
    *runs = (int)count_measured(c->db, *sid);
    if (build_failed) return 0;
    comparison *all = NULL;
    int n = compare_session(c->db, *sid, spec_a, spec_b, c->o->workload, c->o->threshold, so.seed,
                            &all);
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

/* One step: sha measured against ref. The session gives an inconclusive comparison extra runs
 * itself; one that stays inconclusive at the threshold is measured again in a fresh session,
 * up to BISECT_ROUNDS sessions, and is bad only when every session showed a median change
 * beyond the threshold with p < 0.05: on a machine whose load swings the throughput several-
 * fold, one session's median alone misjudges good commits. Fills s; 0, or -1 on an error. */
static int measure(bisect_ctx *c, int stepno, const char *ref, const char *sha, bisect_step *s)
{
    memset(s, 0, sizeof *s);
    s->step = stepno;
    s->change = NAN;
    s->verdict = STEP_SKIP;
    snprintf(s->revision, sizeof s->revision, "%s", sha);
    snprintf(s->against, sizeof s->against, "%s", ref);
    snprintf(s->detail, sizeof s->detail, "build-failed");
    char spec_b[160], spec_a[160];
    int built = build(c, sha, spec_b, sizeof spec_b);
    if (built <= 0) return built;
    snprintf(spec_a, sizeof spec_a, "%s@%s", ref, c->o->variant);
    int all_beyond = 1;
    for (int round = 0; round < BISECT_ROUNDS; round++) {
        comparison cmp;
        int runs = 0;
        int rc = measure_round(c, stepno, round, spec_a, spec_b, &cmp, &s->session_id, &runs);
        s->runs += runs;
        if (rc <= 0) return rc;
        s->change = cmp.change;
        snprintf(s->detail, sizeof s->detail, "%s", verdict_name(cmp.verdict));
        if (cmp.verdict != VERDICT_INCONCLUSIVE) {
            s->verdict = decide(&cmp);
            return 0;
        }
        all_beyond = all_beyond && cmp.change < -c->o->threshold && cmp.p < BISECT_ALPHA;
        if (round + 1 < BISECT_ROUNDS)
            say(c, "%.12s: inconclusive (%+.1f%%, p = %.3f); measuring again", sha,
                cmp.change * 100, cmp.p);
    }
    s->verdict = all_beyond ? STEP_BAD : STEP_GOOD;
    return 0;
}

static void print_step(const bisect_ctx *c, const bisect_step *s)
{
    if (isnan(s->change))
        say(c, "%.12s is %s (%s)", s->revision, step_verdict_name(s->verdict), s->detail);
    else
        say(c, "%.12s is %s (%s, %+.1f%% against %.12s, %d runs)", s->revision,
            step_verdict_name(s->verdict), s->detail, s->change * 100, s->against, s->runs);
}

/* The untested, unskipped commit in (lo, hi) nearest the middle; -1 when none is left. */
static int pick(const signed char *state, int lo, int hi)
{
    int mid = lo + (hi - lo) / 2;
    for (int d = 0; d < hi - lo; d++) {
        if (mid + d < hi && mid + d > lo && state[mid + d] == 0) return mid + d;
        if (mid - d > lo && mid - d < hi && state[mid - d] == 0) return mid - d;
    }
    return -1;
}

static int finish_session(bisect_ctx *c)
{
    char now[40];
    db_now(now, sizeof now);
    sqlite3_stmt *st = db_prepare(c->db, "UPDATE sessions SET finished_at = ?1 WHERE id = ?2");
    sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, c->r->session_id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int check_inputs(bisect_ctx *c)
{
    const bisect_opts *o = c->o;
    char err[512];
    if (variants_load("harness/spec/variants.conf", &c->vt, err, sizeof err) != 0) {
        fprintf(stderr, "hakbench bisect: %s\n", err);
        return -1;
    }
    const variant_def *def = variants_find(&c->vt, o->variant);
    if (!def || def->kind != VARIANT_HAKMEM) {
        fprintf(stderr,
                "hakbench bisect: '%s' is not a hakmem variant of harness/spec/variants.conf "
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

int bisect_run(sqlite3 *db, const bisect_opts *o, bisect_result *r)
{
    memset(r, 0, sizeof *r);
    bisect_ctx c = {.db = db, .o = o, .r = r};
    char(*commits)[41] = NULL;
    signed char *state = NULL; /* 0 untested, 1 good, 2 bad, 3 skipped */
    int status = -1;
    if (check_inputs(&c) != 0) goto out;
    int n = revlist_first_parent(r->good, r->bad, &commits);
    if (n <= 0) {
        fprintf(stderr, "hakbench bisect: no first-parent commits between %s and %s\n", o->good,
                o->bad);
        goto out;
    }
    r->ncommits = n;
    char spec[160];
    int built = build(&c, r->good, spec, sizeof spec);
    if (built <= 0) {
        if (built == 0)
            fprintf(stderr,
                    "hakbench bisect: the good revision %s does not build as %s; choose a good "
                    "revision that builds\n",
                    o->good, spec);
        goto out;
    }
    if (create_session(&c) != 0) goto out;
    state = calloc((size_t)n, 1);
    if (!state) goto out;
    say(&c, "%d commits between %.12s and %.12s, about %d steps", n, r->good, r->bad,
        (int)ceil(log2((double)n)));
    /* Invariant: commits[lo] (or good when lo = -1) is good, commits[hi] is bad. */
    int lo = -1, hi = n - 1, stepno = 0;
    for (int k; (k = pick(state, lo, hi)) >= 0; stepno++) {
        say(&c, "step %d: testing %.12s (%d of %d, %d left in range)", stepno + 1, commits[k],
            k + 1, n, hi - lo - 1);
        bisect_step s;
        if (measure(&c, stepno, r->good, commits[k], &s) != 0 || record_step(&c, &s) != 0) goto out;
        print_step(&c, &s);
        state[k] = s.verdict == STEP_GOOD ? 1 : s.verdict == STEP_BAD ? 2 : 3;
        if (s.verdict == STEP_GOOD)
            lo = k;
        else if (s.verdict == STEP_BAD)
            hi = k;
    }
    snprintf(r->culprit, sizeof r->culprit, "%s", commits[hi]);
    r->candidates = malloc((size_t)(hi - lo) * sizeof *r->candidates);
    if (!r->candidates) goto out;
    for (int i = lo + 1; i <= hi; i++)
        memcpy(r->candidates[r->ncandidates++], commits[i], 41);
    r->found = r->ncandidates == 1;

    /* Confirmation: the culprit against its real parent (against the last good commit when
     * skipped commits lie in between), interleaved in a fresh session. */
    char parent[41];
    char parent_rev[64];
    snprintf(parent_rev, sizeof parent_rev, "%s^", r->culprit);
    const char *ref = lo >= 0 ? commits[lo] : r->good;
    if (r->found && revlist_resolve(parent_rev, parent) == 0) ref = parent;
    say(&c, "confirming %.12s against %.12s", r->culprit, ref);
    bisect_step conf;
    if (measure(&c, -1, ref, r->culprit, &conf) != 0 || record_step(&c, &conf) != 0) goto out;
    print_step(&c, &conf);
    r->confirmed = conf.verdict == STEP_BAD;
    if (finish_session(&c) != 0) goto out;
    status = 0;
out:
    free(commits);
    free(state);
    if (c.vt.defs) variants_free(&c.vt);
    return status;
}

void bisect_result_free(bisect_result *r)
{
    free(r->steps);
    free(r->candidates);
    memset(r, 0, sizeof *r);
}
