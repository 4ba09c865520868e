/* workdir.h: hakbench's own files (harness/spec/variants.conf, harness/spec/workloads.conf, build/,
 * results/, reports/) are paths in a hakmem checkout: the one the user is in (found upwards
 * from the current directory, as git finds its worktree); outside any git repository, the one
 * hakbench was built in (inside another repository it stays: report reads that history).
 * Run from elsewhere, hakbench first makes the paths the user gave absolute, then moves
 * there, so `../hakbench run --db mine.db` works from a subdirectory or from anywhere and
 * writes mine.db where the user is. */
#ifndef HAKBENCH_WORKDIR_H
#define HAKBENCH_WORKDIR_H

/* argv[0] is the command name. positional_paths: the command's non-option arguments are paths
 * too (merge's databases). Returns 0, or -1 (with a message) when the move failed. Does
 * nothing when the current directory is the top of a checkout, or when no checkout is found. */
int workdir_enter_repository(int argc, char **argv, int positional_paths);

#endif
