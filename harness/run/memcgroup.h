/* A throw-away memory cgroup for one workload run: cgroup v2 where the memory controller is
 * delegated to us, else the v1 memory hierarchy (/sys/fs/cgroup/memory). Created beside the
 * harness's own cgroup, capped, joined by the child, checked for OOM kills, removed. Used by
 * executor.c only; touches only /proc/self/cgroup and the cgroup file systems. */
#ifndef HAKBENCH_MEMCGROUP_H
#define HAKBENCH_MEMCGROUP_H

#include <limits.h>
#include <sys/types.h>

typedef struct {
    int version; /* 1 or 2; 0 when no cgroup could be made */
    char dir[PATH_MAX];
} memcgroup;

/* 0 with a capped cgroup in cg, -1 when none can be created here (the caller falls back to
 * watching RSS). */
int memcgroup_create(memcgroup *cg, long limit_kb);
/* Moves process pid into the cgroup (called by the child on itself before exec). */
int memcgroup_join(const memcgroup *cg, pid_t pid);
/* How many processes the kernel's OOM killer killed in the cgroup. */
long memcgroup_oom_kills(const memcgroup *cg);
/* Removes the cgroup once its processes are gone (retries briefly while they are reaped). */
void memcgroup_destroy(memcgroup *cg);

#endif
