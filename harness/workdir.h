/* workdir.h: hakbench's own files (harness/variants.conf, harness/workloads.conf, build/,
 * results/, reports/) are paths in the repository it was built in. Run from another
 * directory, hakbench first makes the paths the user gave absolute, then moves there, so
 * `../hakbench run --db mine.db` works from anywhere and writes mine.db where the user is. */
#ifndef HAKBENCH_WORKDIR_H
#define HAKBENCH_WORKDIR_H

/* argv[0] is the command name. positional_paths: the command's non-option arguments are paths
 * too (merge's databases). Returns 0, or -1 (with a message) when the move failed. Does
 * nothing when the current directory holds harness/variants.conf (a checkout of its own) or
 * when hakbench does not sit in a repository. */
int workdir_enter_repository(int argc, char **argv, int positional_paths);

#endif
