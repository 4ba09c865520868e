/* The git questions bisect and nightly ask of the repository they run in: where its top level
 * is, which commit a revision names, a file as a commit has it, the first-parent commits
 * between two revisions, and a commit's subject, author, date and diffstat. Runs git through
 * subprocess.h (no shell). */
#ifndef HAKBENCH_REVLIST_H
#define HAKBENCH_REVLIST_H

#include <limits.h>
#include <stddef.h>

typedef struct {
    char sha[41];
    char subject[256];
    char author[160]; /* "Name <mail>" */
    char date[40];    /* author date, ISO-8601 */
} commit_info;

/* The top level of the git work tree containing the current directory. 0 or -1. */
int revlist_toplevel(char *out, size_t len);

/* Commands that build and measure run from the top level of the repository they were started
 * in. Makes paths[0..n) absolute against the current directory first (into abs[i]; a NULL
 * path gives ""), then changes directory. *at_top is 1 when the current directory already was
 * the top level. Returns 0, or -1 with a message naming cmd on stderr. */
int revlist_enter_toplevel(const char *cmd, const char *const *paths, char (*abs)[PATH_MAX], int n,
                           int *at_top);

/* The full sha of the commit rev names ("HEAD~3", a tag, a short sha). 0, or -1 when it names
 * no commit. */
int revlist_resolve(const char *rev, char sha[41]);

/* 1 when s is a full commit sha (40 lowercase hex digits). */
int revlist_is_sha(const char *s);

/* The content of path in the commit `sha` (a full sha) names, as git stores it (git cat-file
 * blob SHA:PATH), malloc'ed; NULL when there is no such file (or it exceeds 1 MiB). */
char *revlist_file_at(const char *sha, const char *path);

/* 1 when ancestor is an ancestor of (or equal to) descendant, 0 when not, -1 on a git error. */
int revlist_is_ancestor(const char *ancestor, const char *descendant);

/* The commits of `git rev-list --first-parent --reverse good..bad`, oldest first: *out is
 * malloc'ed (41 bytes a commit). Returns the count, -1 on a git error. */
int revlist_first_parent(const char *good, const char *bad, char (**out)[41]);

/* Subject, author and date of the commit a (possibly abbreviated) sha names. 0, or -1 when it is
 * no sha or names no commit. */
int revlist_commit_info(const char *sha, commit_info *ci);

/* `git show --stat` of the commit without its message, into out (truncated to len). 0 or -1. */
int revlist_diffstat(const char *sha, char *out, size_t len);

#endif
