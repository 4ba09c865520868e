/* The store's targets, measured (scripts/bench_store.sh runs it on a file and on a server):
 *   runs:  N runs stored one transaction each, as measure.c stores them, each with M RSS
 *          samples and the five RESULT metrics of a workload (target: 10,000 in under 10 s);
 *   queue: what a job costs the queue itself, the workload excluded: requeueing expired jobs,
 *          the claim, recording its session, three lease renewals (a 30 s job at the default
 *          10 s heartbeat) and the end of the job (target: under 50 ms).
 * Usage: bench_store LOCATION [RUNS [SAMPLES [JOBS]]]. Prints one line per figure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/machine.h"
#include "store/jobs.h"
#include "store/runs.h"
#include "store/sessions.h"
#include "util/clock.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double store_runs(store *db, int64_t session, int runs, int samples)
{
    int *t_ms = malloc((size_t)samples * sizeof *t_ms);
    long *kb = malloc((size_t)samples * sizeof *kb);
    for (int i = 0; i < samples; i++) {
        t_ms[i] = 10 * i;
        kb[i] = 1000 + 37 * i;
    }
    static const store_metric metrics[] = {
        {"result", "threads", 4}, {"result", "size", 128}, {"result", "rounds", 5000},
        {"result", "seed", 4141}, {"result", "chunks", 1000}};
    double start = clock_monotonic_s();
    for (int i = 0; i < runs; i++) {
        store_run r = {.session_id = session,
                       .seq = i + 1,
                       .variant = i % 2 ? "baseline" : "fastpath",
                       .workload = "larson",
                       .args = "build/workloads/larson 1.5 8 1000 5000 100 4141 2",
                       .purpose = "measure",
                       .block = i / 2,
                       .status = "ok",
                       .exit_code = 0,
                       .have_result = 1,
                       .ops = 1e7,
                       .seconds = 1.5,
                       .ops_per_sec = 6.6e6 + i,
                       .ran = 1,
                       .wall_s = 1.52,
                       .user_s = 2.9,
                       .sys_s = 0.1,
                       .peak_rss_kb = 20000 + i,
                       .cpu = -1,
                       .result_line = "RESULT workload=larson ops=10000000 seconds=1.5",
                       .stderr_tail = "",
                       .metrics = metrics,
                       .nmetrics = 5,
                       .sample_t_ms = t_ms,
                       .sample_rss_kb = kb,
                       .nsamples = samples};
        if (store_run_insert(db, &r) != 0) exit(2);
    }
    double spent = clock_monotonic_s() - start;
    free(t_ms);
    free(kb);
    return spent;
}

/* The queue's calls for one job, jobs times; per-job milliseconds into ms (sorted). */
static void queue_jobs(store *db, const machine_info *m, int64_t machine, int64_t session,
                       int jobs, double *ms)
{
    store_new_job j = {.revision = "0000000000000000000000000000000000000000",
                       .variants = "baseline,fastpath",
                       .workloads = "larson",
                       .machine = "",
                       .command = "bench",
                       .runs = 10,
                       .looks = 3,
                       .max_tries = 3};
    for (int i = 0; i < jobs; i++)
        if (store_job_enqueue(db, &j, NULL) < 0) exit(2);
    for (int i = 0; i < jobs; i++) {
        store_job job;
        store_claim claim;
        double start = clock_monotonic_s();
        if (store_job_reap(db) < 0 ||
            store_job_claim(db, m, machine, "bench:1", 60, &job, &claim) != 1 ||
            store_job_link_session(db, &claim, session) != 1)
            exit(2);
        for (int k = 0; k < 3; k++)
            if (store_job_heartbeat(db, &claim, 60) != 1) exit(2);
        if (store_job_finish(db, &claim, 1, "") != 1) exit(2);
        ms[i] = 1000 * (clock_monotonic_s() - start);
    }
    qsort(ms, (size_t)jobs, sizeof *ms, cmp_double);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_store LOCATION [RUNS [SAMPLES [JOBS]]]\n");
        return 2;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 10000, samples = argc > 3 ? atoi(argv[3]) : 100;
    int jobs = argc > 4 ? atoi(argv[4]) : 200;
    char err[1024];
    store *db = store_open(argv[1], err, sizeof err);
    if (!db) {
        fprintf(stderr, "bench_store: %s\n", err);
        return 2;
    }
    machine_info m;
    machine_probe(&m);
    int64_t machine = store_machine_id(db, &m);
    store_new_session ns = {.kind = "run", .command = "bench_store", .machine_id = machine};
    int64_t session = store_session_create(db, &ns, NULL);
    if (session < 0) return 2;
    const char *engine = store_is_server(argv[1]) ? "postgresql" : "sqlite";
    double spent = store_runs(db, session, runs, samples);
    printf("%-10s runs:  %d runs with %d RSS samples and 5 metrics each, one transaction each: "
           "%.2f s (%.0f runs/s); target 10000 in < 10 s: %s\n",
           engine, runs, samples, spent, runs / spent,
           spent * 10000.0 / runs < 10 ? "met" : "MISSED");
    double *ms = malloc((size_t)jobs * sizeof *ms);
    queue_jobs(db, &m, machine, session, jobs, ms);
    printf("%-10s queue: %d jobs, each: requeue check, claim, session link, 3 lease renewals, "
           "end: median %.2f ms, 90th percentile %.2f ms, worst %.2f ms; target < 50 ms: %s\n",
           engine, jobs, ms[jobs / 2], ms[jobs * 9 / 10], ms[jobs - 1],
           ms[jobs * 9 / 10] < 50 ? "met" : "MISSED");
    free(ms);
    store_close(db);
    return 0;
}
