/* workloads.conf parsing; the format is documented at the top of harness/spec/workloads.conf. */
#include "spec/workload_table.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/conf.h"

#define WORKLOAD_BIN_DIR "build/workloads"

static char *trim(char *s)
{
    s += strspn(s, " \t");
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static const char *parse_line(char *line, workload_def *w, char *reason, size_t rlen)
{
    memset(w, 0, sizeof *w);
    char *hash = strchr(line, '#');
    if (hash) *hash = '\0';
    char *bar = strchr(line, '|');
    if (!bar) return "expected 'NAME KIND THREADS FULL-ARGS | QUICK-ARGS' (no '|')";
    *bar = '\0';
    char *quick = trim(bar + 1);
    if (strchr(quick, '|')) return "more than one '|'";
    char *save = NULL;
    char *name = strtok_r(line, " \t", &save);
    char *kind = strtok_r(NULL, " \t", &save);
    char *threads = strtok_r(NULL, " \t", &save);
    char *full = save ? trim(save) : NULL;
    if (!name || !kind || !threads) return "expected 'NAME KIND THREADS FULL-ARGS | QUICK-ARGS'";
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
            return "bad workload name (letters, digits, '_', '-')";
    if (strlen(name) >= sizeof w->name) return "workload name too long";
    snprintf(w->name, sizeof w->name, "%s", name);
    char *end;
    long t = strtol(threads, &end, 10);
    if (*end || t < 1 || t > 1024) {
        snprintf(reason, rlen, "bad THREADS '%s' (a number from 1)", threads);
        return reason;
    }
    w->threads = (int)t;
    if (strcmp(kind, "bin") == 0) {
        snprintf(w->program, sizeof w->program, "%s/%s", WORKLOAD_BIN_DIR, name);
    } else if (strcmp(kind, "app") == 0) {
        w->app = 1;
    } else if (strcmp(kind, "cmd") != 0) {
        snprintf(reason, rlen, "unknown kind '%s' (bin, app or cmd)", kind);
        return reason;
    }
    if ((!w->program[0]) && (!full || !*full || !*quick))
        return "app and cmd workloads need a command in both FULL-ARGS and QUICK-ARGS";
    if ((full && strlen(full) >= sizeof w->full_args) || strlen(quick) >= sizeof w->quick_args)
        return "arguments too long";
    snprintf(w->full_args, sizeof w->full_args, "%s", full ? full : "");
    snprintf(w->quick_args, sizeof w->quick_args, "%s", quick);
    return NULL;
}

/* One conf line into the table: a definition, not given twice. */
static const char *add_line(char *line, void *ctx, char *reason, size_t rlen)
{
    workload_table *t = ctx;
    workload_def w;
    const char *why = parse_line(line, &w, reason, rlen);
    if (why) return why;
    if (workloads_find(t, w.name)) {
        snprintf(reason, rlen, "workload '%s' defined twice", w.name);
        return reason;
    }
    workload_def *grown = realloc(t->defs, (size_t)(t->count + 1) * sizeof *grown);
    if (!grown) return "out of memory";
    t->defs = grown;
    t->defs[t->count++] = w;
    return NULL;
}

int workloads_load(const char *path, workload_table *out, char *err, size_t errlen)
{
    out->defs = NULL;
    out->count = 0;
    if (conf_read(path, "--workloads-conf", add_line, out, err, errlen) != 0) {
        workloads_free(out);
        return -1;
    }
    if (out->count == 0) {
        snprintf(err, errlen, "%s: no workloads defined", path);
        return -1;
    }
    return 0;
}

void workloads_free(workload_table *t)
{
    free(t->defs);
    t->defs = NULL;
    t->count = 0;
}

const workload_def *workloads_find(const workload_table *t, const char *name)
{
    for (int i = 0; i < t->count; i++)
        if (strcmp(t->defs[i].name, name) == 0) return &t->defs[i];
    return NULL;
}
