/* workdir.c: run from anywhere, work in the repository (see workdir.h). */
#include "cli/workdir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spec/variants.h"

#define CHECKOUT_MARKER VARIANTS_CONF

/* Options whose value is a path the user typed, relative to where they are. */
static const char *const path_options[] = {"--db", "--out", "--variants-conf", "--workloads-conf",
                                           "--reports-dir"};
#define NPATH_OPTIONS (sizeof path_options / sizeof *path_options)

static char *absolute(const char *cwd, const char *prefix, const char *path)
{
    char *s = NULL;
    if (asprintf(&s, "%s%s%s%s", prefix, path[0] == '/' ? "" : cwd, path[0] == '/' ? "" : "/",
                 path) < 0)
        return NULL;
    return s; /* lives as long as argv */
}

/* The length of the option name in a when the option takes a path ("--db" and "--db=x" give 4),
 * else 0. Exports add --export-FORMAT FILE, one option per format. */
static size_t path_option(const char *a)
{
    size_t len = strcspn(a, "=");
    if (strncmp(a, "--export-", 9) == 0 && len > 9) return len;
    for (size_t k = 0; k < NPATH_OPTIONS; k++)
        if (strlen(path_options[k]) == len && strncmp(a, path_options[k], len) == 0) return len;
    return 0;
}

/* A database server's URI (postgresql://...) where a path may stand: no path to rewrite. */
static int is_uri(const char *s)
{
    return strstr(s, "://") != NULL;
}

/* Rewrites argv[i] (and its value) when it names a path; returns the index of the last
 * argument it consumed. */
static int absolutize(int argc, char **argv, int i, const char *cwd, int positional_paths)
{
    const char *a = argv[i];
    size_t len = path_option(a);
    if (len && a[len] == '\0' && i + 1 < argc) {
        char *p = is_uri(argv[i + 1]) ? NULL : absolute(cwd, "", argv[i + 1]);
        if (p) argv[i + 1] = p;
        return i + 1;
    }
    if (len && a[len] == '=' && !is_uri(a + len + 1)) {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "%.*s", (int)len + 1, a);
        char *p = absolute(cwd, prefix, a + len + 1);
        if (p) argv[i] = p;
        return i;
    }
    if (positional_paths && a[0] != '-' && a[0] && !is_uri(a)) {
        char *p = absolute(cwd, "", a);
        if (p) argv[i] = p;
    }
    return i;
}

/* The nearest directory at or above dir that holds `marker`, into dir; 0 if none. */
static int find_upwards(char *dir, const char *marker)
{
    for (;;) {
        char probe[PATH_MAX + 32];
        snprintf(probe, sizeof probe, "%s/%s", dir, marker);
        if (access(probe, F_OK) == 0) return 1;
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir) return 0;
        *slash = '\0';
    }
}

int workdir_enter_repository(int argc, char **argv, int positional_paths)
{
    if (access(CHECKOUT_MARKER, R_OK) == 0) return 0;
    char cwd[PATH_MAX], root[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) return 0;
    /* Like git: the checkout the user is in (a subdirectory of it, a throw-away clone that
     * bisect tests). Inside another git repository, stay: its history is what report and
     * bisect read. Anywhere else, the checkout hakbench was built in. */
    snprintf(root, sizeof root, "%s", cwd);
    if (!find_upwards(root, CHECKOUT_MARKER)) {
        snprintf(root, sizeof root, "%s", cwd);
        if (find_upwards(root, ".git")) return 0;
        ssize_t n = readlink("/proc/self/exe", root, sizeof root - 1);
        if (n <= 0) return 0;
        root[n] = '\0';
        char *slash = strrchr(root, '/');
        if (!slash) return 0;
        *slash = '\0';
        if (!find_upwards(root, CHECKOUT_MARKER)) return 0;
    }
    for (int i = 1; i < argc; i++)
        i = absolutize(argc, argv, i, cwd, positional_paths);
    if (chdir(root) != 0) {
        fprintf(stderr, "hakbench: cannot enter the repository %s: ", root);
        perror(NULL);
        return -1;
    }
    return 0;
}
