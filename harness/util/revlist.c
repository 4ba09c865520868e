/* git queries for bisect and nightly (see revlist.h). */
#include "util/revlist.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/subprocess.h"

int revlist_toplevel(char *out, size_t len)
{
    char *argv[] = {"git", "rev-parse", "--show-toplevel", NULL};
    return subprocess_line(argv, NULL, out, len) == 0 && out[0] ? 0 : -1;
}

int revlist_enter_toplevel(const char *cmd, const char *const *paths, char (*abs)[PATH_MAX], int n,
                           int *at_top)
{
    char top[PATH_MAX], cwd[PATH_MAX];
    if (revlist_toplevel(top, sizeof top) != 0) {
        fprintf(stderr,
                "hakbench %s: not inside a git repository; run it from the hakmem "
                "repository\n",
                cmd);
        return -1;
    }
    if (!getcwd(cwd, sizeof cwd)) {
        fprintf(stderr, "hakbench %s: cannot read the current directory: %s\n", cmd,
                strerror(errno));
        return -1;
    }
    for (int i = 0; i < n; i++) {
        int len = !paths[i]            ? snprintf(abs[i], PATH_MAX, "%s", "")
                  : paths[i][0] == '/' ? snprintf(abs[i], PATH_MAX, "%s", paths[i])
                                       : snprintf(abs[i], PATH_MAX, "%s/%s", cwd, paths[i]);
        if (len < 0 || len >= PATH_MAX) {
            fprintf(stderr, "hakbench %s: path too long: %s\n", cmd, paths[i]);
            return -1;
        }
    }
    *at_top = strcmp(cwd, top) == 0;
    if (chdir(top) != 0) {
        fprintf(stderr, "hakbench %s: cannot enter %s: %s\n", cmd, top, strerror(errno));
        return -1;
    }
    return 0;
}

int revlist_resolve(const char *rev, char sha[41])
{
    char spec[256], line[128];
    snprintf(spec, sizeof spec, "%s^{commit}", rev);
    /* "--end-of-options" keeps a revision that starts with '-' from being read as an option. */
    char *argv[] = {"git", "rev-parse", "--verify", "--quiet", "--end-of-options", spec, NULL};
    if (rev[0] == '\0' || subprocess_line(argv, NULL, line, sizeof line) != 0 || strlen(line) != 40)
        return -1;
    memcpy(sha, line, 41);
    return 0;
}

int revlist_is_sha(const char *s)
{
    return strlen(s) == 40 && strspn(s, "0123456789abcdef") == 40;
}

#define FILE_AT_MAX (1 << 20)

char *revlist_file_at(const char *sha, const char *path)
{
    if (!revlist_is_sha(sha)) return NULL;
    char spec[PATH_MAX + 48];
    snprintf(spec, sizeof spec, "%s:%s", sha, path);
    char *argv[] = {"git", "cat-file", "blob", spec, NULL};
    char *out = malloc(FILE_AT_MAX);
    if (!out) return NULL;
    /* stdout and stderr come together: git says nothing on stderr when the file is there */
    if (subprocess_run(argv, NULL, out, FILE_AT_MAX, 0) != 0 || strlen(out) >= FILE_AT_MAX - 1) {
        free(out);
        return NULL;
    }
    return out;
}

int revlist_is_ancestor(const char *ancestor, const char *descendant)
{
    char *argv[] = {"git", "merge-base", "--is-ancestor", (char *)ancestor, (char *)descendant,
                    NULL};
    char out[256];
    int rc = subprocess_run(argv, NULL, out, sizeof out, 0);
    return rc == 0 ? 1 : rc == 1 ? 0 : -1;
}

int revlist_first_parent(const char *good, const char *bad, char (**out)[41])
{
    char range[100];
    snprintf(range, sizeof range, "%s..%s", good, bad);
    char *argv[] = {"git", "rev-list", "--first-parent", "--reverse", range, NULL};
    size_t cap = (size_t)1 << 22; /* 100000 commits */
    char *buf = malloc(cap);
    if (!buf) return -1;
    int rc = subprocess_run(argv, NULL, buf, cap, 0);
    if (rc != 0) {
        free(buf);
        return -1;
    }
    int n = 0;
    for (const char *p = buf; *p; p++)
        n += *p == '\n';
    char(*list)[41] = malloc(((size_t)n + 1) * sizeof *list);
    int count = 0;
    for (char *save = NULL, *tok = strtok_r(buf, "\n", &save); list && tok;
         tok = strtok_r(NULL, "\n", &save))
        if (strlen(tok) == 40) memcpy(list[count++], tok, 41);
    free(buf);
    if (!list) return -1;
    *out = list;
    return count;
}

/* 1 when s is a (possibly abbreviated) commit id: what a stored revision must be before it goes
 * on a git command line (a merged database could hold "--output=..."). */
static int is_sha(const char *s)
{
    size_t n = strspn(s, "0123456789abcdefABCDEF");
    return n >= 7 && n <= 40 && s[n] == '\0';
}

int revlist_commit_info(const char *sha, commit_info *ci)
{
    /* One line, fields separated by the ASCII unit separator, which no subject contains. */
    char rev[64];
    snprintf(rev, sizeof rev, "%s^{commit}", sha);
    char *argv[] = {"git", "log", "-1", "--format=%H%x1f%an <%ae>%x1f%aI%x1f%s", rev, "--", NULL};
    char line[1024];
    memset(ci, 0, sizeof *ci);
    if (!is_sha(sha) || subprocess_line(argv, NULL, line, sizeof line) != 0) return -1;
    char *f[4] = {line, NULL, NULL, NULL};
    for (int i = 1; i < 4; i++) {
        f[i] = f[i - 1] ? strchr(f[i - 1], '\x1f') : NULL;
        if (!f[i]) return -1;
        *f[i]++ = '\0';
    }
    snprintf(ci->sha, sizeof ci->sha, "%.40s", f[0]);
    snprintf(ci->author, sizeof ci->author, "%.159s", f[1]);
    snprintf(ci->date, sizeof ci->date, "%.39s", f[2]);
    snprintf(ci->subject, sizeof ci->subject, "%.255s", f[3]);
    return 0;
}

int revlist_diffstat(const char *sha, char *out, size_t len)
{
    char *argv[] = {"git", "show", "--stat", "--format=", (char *)sha, "--", NULL};
    return subprocess_run(argv, NULL, out, len, 0) == 0 ? 0 : -1;
}
