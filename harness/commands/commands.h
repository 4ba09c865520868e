/* hakbench subcommands: one file per command (cmd_<name>.c), each with its usage text
 * beside its option table, in the manner of git's builtin/. main.c dispatches.
 * Exit codes every command keeps: 0 success, 1 the answer is "bad" (regression, failure
 * found), 2 could not do the job (bad arguments, build failure of a requested variant,
 * database error). */
#ifndef HAKBENCH_COMMANDS_H
#define HAKBENCH_COMMANDS_H

int cmd_run(int argc, char **argv);       /* cmd_run.c: variants x workloads -> session */
int cmd_compare(int argc, char **argv);   /* cmd_compare.c: statistics of two variants */
int cmd_calibrate(int argc, char **argv); /* cmd_calibrate.c: A/A and slow5 trials -> delta */
int cmd_export(int argc, char **argv);    /* cmd_export.c: raw rows as csv|json|markdown */
int cmd_report(int argc, char **argv);    /* cmd_report.c: markdown report of a session */
int cmd_bisect(int argc, char **argv);    /* cmd_bisect.c: first bad commit */
int cmd_nightly(int argc, char **argv);   /* cmd_nightly.c: full suite + history report */
int cmd_merge(int argc, char **argv);     /* cmd_merge.c: import another database */
int cmd_build(int argc, char **argv);     /* cmd_build.c: build a variant spec, print its library */
int cmd_variants(int argc, char **argv);  /* variants.c: list variants and workloads */

#endif
