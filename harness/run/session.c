/* Scheduling of a session: builds, warm-up, interleaved measured blocks look by look, counters
 * runs. How a single run is made and stored is measure.c's business; what a look decides is
 * analysis/compare.h's. */
#include "run/session.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/compare.h"
#include "builds/builder.h"
#include "run/cpu_probe.h"
#include "run/machine.h"
#include "run/measure.h"
#include "run/profile.h"
#include "spec/variants.h"
#include "spec/workload_table.h"
#include "store/sessions.h"
#include "util/clock.h"
#include "util/random.h"
#include "util/version.h"

/* Instruction counting under callgrind runs some 50x slower than natively. */
#define INSTRUCTIONS_TIME_LIMIT_S 900.0

void session_opts_init(session_opts *o)
{
    memset(o, 0, sizeof *o);
    o->kind = "run";
    o->command = "";
    o->proc = procedure_default();
    o->warmup = 1;
    o->counters = 1;
    o->counters_runs = 3;
    o->pin = 1;
    o->time_limit_s = 120;
    o->mem_limit_kb = 2L * 1024 * 1024;
    o->variants_conf = VARIANTS_CONF;
    o->workloads_conf = WORKLOADS_CONF;
    o->note = "";
}

static void shuffle(int *x, int n, uint64_t *state)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)(random_next(state) % (uint64_t)(i + 1));
        int t = x[i];
        x[i] = x[j];
        x[j] = t;
    }
}

static void fmt_duration(double s, char *out, size_t len)
{
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(out, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(out, len, "%ld:%02ld", t / 60, t % 60);
}

typedef struct {
    int quiet, tty;
    double start;
    int done, total;
} progress;

static void progress_show(progress *p, const char *variant, const char *workload,
                          const char *purpose)
{
    if (p->quiet) return;
    char elapsed[32], eta[32] = "?";
    double spent = clock_monotonic_s() - p->start;
    fmt_duration(spent, elapsed, sizeof elapsed);
    if (p->done > 0) fmt_duration(spent / p->done * (p->total - p->done), eta, sizeof eta);
    const char *tag = strcmp(purpose, "measure") == 0 ? "" : purpose;
    fprintf(stderr, "%srun %d/%d  %s  %s%s%s  %s  ETA %s%s", p->tty ? "\r\033[K" : "", p->done + 1,
            p->total, variant, workload, tag[0] ? " " : "", tag, elapsed, eta, p->tty ? "" : "\n");
    fflush(stderr);
}

static void progress_note(progress *p, const char *fmt, const char *a, const char *b, const char *c)
{
    if (p->quiet) return;
    if (p->tty) fputs("\r\033[K", stderr);
    fprintf(stderr, fmt, a, b, c);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Scratch directories live under $TMPDIR (else /tmp), so that harnesses given different
 * TMPDIRs (tests, several users) never sweep each other's. */
static const char *scratch_root(void)
{
    const char *t = getenv("TMPDIR");
    return t && *t ? t : "/tmp";
}

/* Each session keeps its scratch files (stats files, outputs) in <root>/hakbench.<pid>.XXXXXX and
 * removes it at the end. A harness killed with SIGKILL cannot: the next session removes the
 * directories whose process is gone. */
static void remove_stale_tmpdirs(void)
{
    const char *root = scratch_root();
    DIR *d = opendir(root);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        int pid = 0, end = 0;
        if (sscanf(e->d_name, "hakbench.%d.%*6[A-Za-z0-9]%n", &pid, &end) != 1 || e->d_name[end] ||
            pid <= 0 || pid == getpid())
            continue;
        if (kill(pid, 0) == 0 || errno != ESRCH) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", root, e->d_name);
        nftw(path, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    }
    closedir(d);
}

typedef struct {
    variant_spec spec;
    build_result build;
    /* Counters runs use the same build with HAKMEM_COUNTERS=1, so timing runs never pay
     * for the counters (the default build compiles them out). */
    variant_def counters_def;
    variant_spec counters_spec;
    build_result counters_build;
} variant_state;

typedef struct {
    store *db;
    const session_opts *o;
    measure_ctx ctx;
    variant_state *vs;
    int nv;
    const workload_def **wl;
    int nw;
    int seq;
    int profiles;
    uint64_t rng;
    progress prog;
} session_state;

/* The worker's hook says stop: the session ends here, unfinished. */
static int interrupted(const session_opts *o)
{
    if (!o->hooks || !o->hooks->interrupted || !o->hooks->interrupted(o->hooks->arg)) return 0;
    fprintf(stderr, "hakbench: the session was interrupted\n");
    return 1;
}

static int run_one(session_state *s, int v, int w, const char *purpose, int block)
{
    if (interrupted(s->o)) return -1;
    variant_state *vs = &s->vs[v];
    const build_result *build = strcmp(purpose, "counters") == 0 ? &vs->counters_build : &vs->build;
    measure_job job = {.variant = vs->spec.spec,
                       .build_id = build->build_id,
                       .library = build->library,
                       .hakmem = vs->spec.def->kind == VARIANT_HAKMEM,
                       .workload = s->wl[w],
                       .purpose = purpose,
                       .block = block,
                       .seq = ++s->seq};
    progress_show(&s->prog, vs->spec.spec, s->wl[w]->name, purpose);
    char status[16];
    if (measure_run(&s->ctx, &job, status, sizeof status) != 0) return -1;
    s->prog.done++;
    if (strcmp(status, "ok") != 0)
        progress_note(&s->prog, "hakbench: %s under %s: %s\n", s->wl[w]->name, vs->spec.spec,
                      status);
    return 0;
}

/* Runs one block of workload w: every variant that built (or only the first `only` of them),
 * once each, in a random order. */
static int run_block(session_state *s, int w, int block, int only)
{
    int order[64], n = 0;
    for (int v = 0; v < s->nv && v < only; v++)
        if (s->vs[v].build.ok) order[n++] = v;
    shuffle(order, n, &s->rng);
    for (int i = 0; i < n; i++)
        if (run_one(s, order[i], w, "measure", block) != 0) return -1;
    return 0;
}

static int ok_variants(const session_state *s)
{
    int n = 0;
    for (int v = 0; v < s->nv; v++)
        n += s->vs[v].build.ok;
    return n;
}

/* The session's looks: the first measures every variant on every workload; each later one gives
 * the next blocks, of A and B only, to the workloads whose comparison is still inconclusive.
 * With fewer than two variants that built there is nothing to decide: one look. */
static int run_looks(session_state *s, int64_t session_id)
{
    const procedure *p = &s->o->proc;
    int sequential = s->nv >= 2 && s->vs[0].build.ok && s->vs[1].build.ok;
    int *pending = malloc((size_t)s->nw * sizeof *pending);
    if (!pending) return -1;
    for (int w = 0; w < s->nw; w++)
        pending[w] = 1;
    int rc = 0;
    for (int look = 1; rc == 0 && look <= p->looks; look++) {
        int only = look == 1 ? s->nv : 2;
        int np = 0;
        for (int w = 0; w < s->nw; w++)
            np += pending[w];
        if (look > 1) s->prog.total += np * 2 * p->runs_per_look;
        for (int b = procedure_blocks_at(p, look - 1) + 1;
             rc == 0 && b <= procedure_blocks_at(p, look); b++)
            for (int w = 0; rc == 0 && w < s->nw; w++)
                if (pending[w]) rc = run_block(s, w, b, only);
        if (rc != 0 || !sequential || look == p->looks) break;
        comparison *c = NULL;
        int n = compare_session(s->db, session_id, s->vs[0].spec.spec, s->vs[1].spec.spec, NULL, -1,
                                &c);
        if (n < 0) rc = -1;
        for (int w = 0; w < s->nw; w++) {
            int still = 0;
            for (int i = 0; i < n; i++)
                if (strcmp(c[i].workload, s->wl[w]->name) == 0)
                    still = c[i].primary.verdict == VERDICT_INCONCLUSIVE;
            pending[w] = pending[w] && still;
        }
        free(c);
    }
    free(pending);
    return rc;
}

/* The verdict of A against B on workload w, or -1 when there is none. */
static int verdict_of(session_state *s, int64_t session_id, int w)
{
    comparison *c = NULL;
    int n = compare_session(s->db, session_id, s->vs[0].spec.spec, s->vs[1].spec.spec,
                            s->wl[w]->name, -1, &c);
    int v = n == 1 ? (int)c[0].primary.verdict : -1;
    free(c);
    return v;
}

/* Profiles of A and B on every workload where they are not equivalent: perf, and callgrind for
 * single-threaded workloads unless a run failed there (a crashing or leaking variant under
 * valgrind only burns time). A profile that fails costs only itself. */
static int profile_differences(session_state *s, int64_t session_id)
{
    if (s->nv < 2 || !s->vs[0].build.ok || !s->vs[1].build.ok) return 0;
    for (int w = 0; w < s->nw; w++) {
        int verdict = verdict_of(s, session_id, w);
        if (verdict < 0 || verdict == VERDICT_EQUIVALENT) continue;
        for (int tool = PROFILE_PERF; tool <= PROFILE_CALLGRIND; tool++) {
            if (!profile_supported((profile_tool)tool, s->wl[w]) ||
                (tool == PROFILE_CALLGRIND && verdict == VERDICT_FAILED))
                continue;
            s->prog.total += 2;
            for (int v = 0; v < 2; v++) {
                variant_state *vs = &s->vs[v];
                measure_job job = {.variant = vs->spec.spec,
                                   .build_id = vs->build.build_id,
                                   .library = vs->build.library,
                                   .workload = s->wl[w],
                                   .purpose = tool == PROFILE_PERF ? "perf" : "callgrind",
                                   .seq = ++s->profiles}; /* names its scratch files */
                char status[16];
                progress_show(&s->prog, vs->spec.spec, s->wl[w]->name, job.purpose);
                if (profile_run(&s->ctx, &job, (profile_tool)tool, status, sizeof status) != 0)
                    return -1;
                s->prog.done++;
                if (strcmp(status, "ok") != 0)
                    progress_note(&s->prog, "hakbench: profile of %s under %s: %s\n",
                                  s->wl[w]->name, vs->spec.spec, status);
            }
        }
    }
    return 0;
}

/* Resolves the variant specs and workload names; says what is wrong in err and returns -1. */
static int resolve_inputs(const session_opts *o, variant_table *vt, workload_table *wt,
                          session_state *s, char *err, size_t errlen)
{
    if (variants_load(o->variants_conf, vt, err, errlen) != 0 ||
        workloads_load(o->workloads_conf, wt, err, errlen) != 0)
        return -1;
    if (o->nvariants < 1 || o->nvariants > 64 || o->nworkloads < 1) {
        snprintf(err, errlen, "need 1 to 64 variants and at least one workload");
        return -1;
    }
    s->vs = calloc((size_t)o->nvariants, sizeof *s->vs);
    s->wl = calloc((size_t)o->nworkloads, sizeof *s->wl);
    for (int i = 0; i < o->nvariants; i++) {
        variant_spec *spec = &s->vs[i].spec;
        if (variant_spec_parse(o->variants[i], vt, spec, err, errlen) != 0) return -1;
        for (int j = 0; j < i; j++)
            if (strcmp(s->vs[j].spec.spec, spec->spec) == 0) {
                snprintf(err, errlen, "variant '%s' given twice", o->variants[i]);
                return -1;
            }
        if (o->revision && !spec->rev[0] && spec->def->kind == VARIANT_HAKMEM)
            snprintf(spec->rev, sizeof spec->rev, "%s", o->revision);
    }
    s->nv = o->nvariants;
    for (int i = 0; i < o->nworkloads; i++) {
        const workload_def *w = workloads_find(wt, o->workloads[i]);
        if (!w) {
            char names[1024];
            size_t used = 0;
            for (int k = 0; k < wt->count && used < sizeof names; k++)
                used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", k ? ", " : "",
                                         wt->defs[k].name);
            snprintf(err, errlen, "unknown workload '%s' (known: %s)", o->workloads[i], names);
            return -1;
        }
        if (o->instructions && (w->app || w->threads != 1)) {
            snprintf(err, errlen,
                     "--metric instructions needs single-threaded workloads; '%s' uses %d "
                     "threads%s",
                     w->name, w->threads, w->app ? " (a whole program)" : "");
            return -1;
        }
        if (w->program[0] && access(w->program, X_OK) != 0) {
            snprintf(err, errlen, "workload '%s' is not built (%s is missing): run make", w->name,
                     w->program);
            return -1;
        }
        s->wl[s->nw++] = w;
    }
    return 0;
}

int session_check(const session_opts *o, char *err, size_t errlen)
{
    variant_table vt = {0};
    workload_table wt = {0};
    session_state s = {.o = o};
    int rc = resolve_inputs(o, &vt, &wt, &s, err, errlen);
    free(s.vs);
    free(s.wl);
    variants_free(&vt);
    workloads_free(&wt);
    return rc;
}

/* The counters build of a hakmem variant that built: its flags plus HAKMEM_COUNTERS=1. A failure
 * only costs the counters runs of that variant. */
static int build_counters_variant(session_state *s, int v)
{
    variant_state *vs = &s->vs[v];
    if (!vs->build.ok || vs->spec.def->kind != VARIANT_HAKMEM) return 0;
    vs->counters_def = *vs->spec.def;
    size_t len = strlen(vs->counters_def.flags);
    snprintf(vs->counters_def.flags + len, sizeof vs->counters_def.flags - len,
             "%sHAKMEM_COUNTERS=1", len ? " " : "");
    vs->counters_spec = vs->spec;
    vs->counters_spec.def = &vs->counters_def;
    return builder_build(s->db, &vs->counters_spec, s->o->quiet, &vs->counters_build);
}

int session_run(store *db, const session_opts *o, int64_t *session_id, int *build_failed)
{
    variant_table vt = {0};
    workload_table wt = {0};
    session_state s = {.db = db, .o = o};
    char tmpdir[4096];
    int rc = -1;
    *build_failed = 0;
    char err[1024];
    if (resolve_inputs(o, &vt, &wt, &s, err, sizeof err) != 0) {
        fprintf(stderr, "hakbench: %s\n", err);
        goto out;
    }
    remove_stale_tmpdirs();
    /* measure.c builds its file names in 512 bytes below this directory */
    if (snprintf(tmpdir, sizeof tmpdir, "%s/hakbench.%d.XXXXXX", scratch_root(), (int)getpid()) >
        400) {
        fprintf(stderr, "hakbench: TMPDIR is too long (%s)\n", scratch_root());
        goto out;
    }
    if (!mkdtemp(tmpdir)) {
        perror("hakbench: mkdtemp");
        goto out;
    }
    int64_t machine = machine_id(db);
    store_new_session ns = {.kind = o->kind,
                            .command = o->command,
                            .note = o->note,
                            .machine_id = machine,
                            .seed = o->seed,
                            .quick = o->quick,
                            .instructions = o->instructions,
                            .hakbench_revision = hakbench_revision,
                            .procedure_version = PROCEDURE_VERSION,
                            .looks = o->proc.looks,
                            .runs_per_look = o->proc.runs_per_look,
                            .alpha = o->proc.alpha,
                            .delta = o->proc.delta,
                            .holm_family = o->proc.family};
    int64_t id = machine < 0 ? -1 : store_session_create(db, &ns, NULL);
    if (id < 0) goto out_tmp;
    *session_id = id;
    if (o->hooks && o->hooks->started) o->hooks->started(id, o->hooks->arg);

    s.ctx = (measure_ctx){.db = db,
                          .session_id = id,
                          .tmpdir = tmpdir,
                          .perf_events = measure_probe_perf(),
                          .time_limit_s = o->time_limit_s,
                          .mem_limit_kb = o->mem_limit_kb,
                          .pin_cpu = -1,
                          .quick = o->quick,
                          .instructions = o->instructions};
    int callgrind = !s.ctx.perf_events || !measure_perf_has(s.ctx.perf_events, "instructions");
    if (o->instructions && callgrind && o->time_limit_s < INSTRUCTIONS_TIME_LIMIT_S)
        s.ctx.time_limit_s = INSTRUCTIONS_TIME_LIMIT_S;
    if (o->pin) {
        /* Multi-threaded workloads stay unpinned (measure.c). */
        cpu_probe probe;
        char what[512];
        if (cpu_probe_run(&probe) == 0) s.ctx.pin_cpu = probe.cpu[probe.best];
        cpu_probe_describe(&probe, what, sizeof what);
        if (!o->quiet) fprintf(stderr, "hakbench: single-threaded workloads pinned to %s\n", what);
    }
    s.rng = o->seed ^ 0x5eed5eed5eedULL;
    s.prog = (progress){.quiet = o->quiet, .tty = isatty(2), .start = clock_monotonic_s()};

    for (int v = 0; v < s.nv; v++) {
        if (interrupted(o) || builder_build(db, &s.vs[v].spec, o->quiet, &s.vs[v].build) != 0 ||
            store_session_add_variant(db, id, v, s.vs[v].spec.spec, s.vs[v].build.build_id) != 0)
            goto out_tmp;
        if (s.vs[v].build.ok) continue;
        *build_failed = 1;
        for (int w = 0; w < s.nw; w++) {
            measure_job job = {.variant = s.vs[v].spec.spec,
                               .build_id = s.vs[v].build.build_id,
                               .library = "",
                               .workload = s.wl[w],
                               .purpose = "measure",
                               .block = 0,
                               .seq = ++s.seq};
            if (measure_record_build_failure(&s.ctx, &job, s.vs[v].build.log_tail) != 0)
                goto out_tmp;
        }
    }
    int counters = o->counters && !o->instructions;
    for (int v = 0; counters && v < s.nv; v++)
        if (build_counters_variant(&s, v) != 0) goto out_tmp;
    int nok = ok_variants(&s), nhak = 0;
    for (int v = 0; v < s.nv; v++)
        nhak += s.vs[v].counters_build.ok;
    s.prog.total = s.nw * (nok * (o->warmup + o->proc.runs_per_look) +
                           (counters ? nhak * o->counters_runs : 0));

    for (int w = 0; w < s.nw; w++)
        for (int i = 0; i < o->warmup; i++)
            for (int v = 0; v < s.nv; v++)
                if (s.vs[v].build.ok && run_one(&s, v, w, "warmup", 0) != 0) goto out_tmp;
    if (run_looks(&s, id) != 0) goto out_tmp;
    /* Counters runs interleaved (A B A B ...), each a block of its own: their spread is how much
     * a counter moves between identical runs. */
    for (int w = 0; counters && w < s.nw; w++)
        for (int k = 1; k <= o->counters_runs; k++)
            for (int v = 0; v < s.nv; v++)
                if (s.vs[v].counters_build.ok && run_one(&s, v, w, "counters", k) != 0)
                    goto out_tmp;
    if (o->profile && profile_differences(&s, id) != 0) goto out_tmp;

    if (store_session_finish(db, id) != 0) goto out_tmp;
    if (!o->quiet && s.prog.tty) fputs("\r\033[K", stderr);
    rc = 0;
out_tmp:
    nftw(tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
out:
    free(s.vs);
    free(s.wl);
    variants_free(&vt);
    workloads_free(&wt);
    return rc;
}
