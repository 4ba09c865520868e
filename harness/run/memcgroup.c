#include "run/memcgroup.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int write_file(const char *dir, const char *name, const char *value)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    int ok = fputs(value, f) >= 0;
    ok = (fclose(f) == 0) && ok;
    return ok ? 0 : -1;
}

/* The harness's own cgroup path in the hierarchy with this controller ("" = v2 unified). */
static int own_path(const char *controller, char *out, size_t len)
{
    FILE *f = fopen("/proc/self/cgroup", "r");
    if (!f) return -1;
    char line[1024];
    int found = -1;
    while (found < 0 && fgets(line, sizeof line, f)) {
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2) continue;
        *c2 = '\0';
        const char *ctrls = c1 + 1;
        int match = controller[0] ? strstr(ctrls, controller) != NULL : ctrls[0] == '\0';
        if (match) {
            char *p = c2 + 1;
            p[strcspn(p, "\n")] = '\0';
            snprintf(out, len, "%s", strcmp(p, "/") == 0 ? "" : p);
            found = 0;
        }
    }
    fclose(f);
    return found;
}

/* A harness killed by SIGKILL leaves its (empty) cgroup behind; the next one removes those of
 * dead harnesses, once per process. */
static void remove_stale(const char *parent)
{
    static int done;
    if (done) return;
    done = 1;
    DIR *d = opendir(parent);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        int pid;
        /* only when kill() says the owner no longer exists */
        if (sscanf(e->d_name, "hakbench-%d-", &pid) != 1 || pid <= 0 || kill(pid, 0) == 0 ||
            errno != ESRCH)
            continue;
        char path[PATH_MAX + 300];
        if (snprintf(path, sizeof path, "%s/%s", parent, e->d_name) < (int)sizeof path) rmdir(path);
    }
    if (d) closedir(d);
}

static int make_child(memcgroup *cg, const char *root, const char *own)
{
    static unsigned counter;
    char parent[PATH_MAX + 64];
    snprintf(parent, sizeof parent, "%s%s", root, own);
    remove_stale(parent);
    if (snprintf(cg->dir, sizeof cg->dir, "%s%s/hakbench-%d-%u", root, own, (int)getpid(),
                 counter++) >= (int)sizeof cg->dir)
        return -1;
    return mkdir(cg->dir, 0755);
}

static int try_v2(memcgroup *cg, long limit_kb)
{
    char own[PATH_MAX], path[PATH_MAX + 32];
    if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) != 0 || own_path("", own, sizeof own))
        return -1;
    if (make_child(cg, "/sys/fs/cgroup", own) != 0) return -1;
    char limit[32];
    snprintf(limit, sizeof limit, "%ld", limit_kb * 1024);
    snprintf(path, sizeof path, "%s/memory.max", cg->dir);
    if (access(path, W_OK) != 0 || write_file(cg->dir, "memory.max", limit) != 0) {
        rmdir(cg->dir);
        return -1;
    }
    write_file(cg->dir, "memory.swap.max", "0");
    cg->version = 2;
    return 0;
}

static int try_v1(memcgroup *cg, long limit_kb)
{
    char own[PATH_MAX];
    if (access("/sys/fs/cgroup/memory/memory.limit_in_bytes", F_OK) != 0 ||
        own_path("memory", own, sizeof own) != 0)
        return -1;
    if (make_child(cg, "/sys/fs/cgroup/memory", own) != 0) return -1;
    char limit[32];
    snprintf(limit, sizeof limit, "%ld", limit_kb * 1024);
    if (write_file(cg->dir, "memory.limit_in_bytes", limit) != 0) {
        rmdir(cg->dir);
        return -1;
    }
    /* Where swap accounting exists, cap RAM+swap too, so a leak cannot hide in swap. */
    write_file(cg->dir, "memory.memsw.limit_in_bytes", limit);
    cg->version = 1;
    return 0;
}

int memcgroup_create(memcgroup *cg, long limit_kb)
{
    memset(cg, 0, sizeof *cg);
    if (limit_kb <= 0) return -1;
    if (try_v2(cg, limit_kb) == 0 || try_v1(cg, limit_kb) == 0) return 0;
    cg->version = 0;
    return -1;
}

int memcgroup_join(const memcgroup *cg, pid_t pid)
{
    char value[32];
    snprintf(value, sizeof value, "%d", (int)pid);
    return write_file(cg->dir, "cgroup.procs", value);
}

long memcgroup_oom_kills(const memcgroup *cg)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/%s", cg->dir,
             cg->version == 2 ? "memory.events" : "memory.oom_control");
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char key[64];
    long value, kills = 0;
    while (fscanf(f, "%63s %ld", key, &value) == 2)
        if (strcmp(key, "oom_kill") == 0) kills = value;
    fclose(f);
    return kills;
}

void memcgroup_destroy(memcgroup *cg)
{
    if (!cg->version) return;
    for (int i = 0; i < 200 && rmdir(cg->dir) != 0 && errno == EBUSY; i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    cg->version = 0;
}
