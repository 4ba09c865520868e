/* hakbench subcommands: one file per command (commands/<name>.c), each with its usage text
 * beside its option table, in the manner of git's builtin/. cli/main.c dispatches; commands call
 * run/, analysis/, report/, builds/, spec/ and store/, never cli/.
 * Exit codes every command keeps: 0 success, 1 the answer is "bad" (a regression, failed runs,
 * a build that fails), 2 could not do the job (bad arguments, database error). README.md has
 * the table per command; commands/tests/test_exit_codes.sh checks it. */
#ifndef HAKBENCH_COMMANDS_H
#define HAKBENCH_COMMANDS_H

int cmd_run(int argc, char **argv);       /* run.c: variants x workloads -> session */
int cmd_compare(int argc, char **argv);   /* compare.c: statistics of two variants */
int cmd_calibrate(int argc, char **argv); /* calibrate.c: A/A and slow5 trials -> delta */
int cmd_export(int argc, char **argv);    /* export.c: a session in report/export.h's formats */
int cmd_report(int argc, char **argv);    /* report.c: markdown report of a session */
int cmd_bisect(int argc, char **argv);    /* bisect.c: first bad commit */
int cmd_nightly(int argc, char **argv);   /* nightly.c: full suite + history report */
int cmd_merge(int argc, char **argv);     /* merge.c: import another database */
int cmd_enqueue(int argc, char **argv);   /* enqueue.c: queue a job for the workers */
int cmd_worker(int argc, char **argv);    /* worker.c: take jobs from the queue, run them */
int cmd_jobs(int argc, char **argv);      /* jobs.c: list the queue */
int cmd_build(int argc, char **argv);     /* build.c: build a variant spec, print its library */
int cmd_variants(int argc, char **argv);  /* variants.c: list variants and workloads */
int cmd_sessions(int argc, char **argv);  /* sessions.c: list the sessions of a database */
int cmd_site(int argc, char **argv);      /* site.c: the static history site */

#endif
