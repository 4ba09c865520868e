/* One measured child process. The parent loop polls the child's stdout and stderr, samples the
 * RSS of the child's process group every sample_ms (the timeline, and the fallback memory cap),
 * enforces the time limit (SIGTERM to the group, SIGKILL after a grace period) and reaps the
 * child with wait4 for its rusage. */
#include "run/executor.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "run/memcgroup.h"
#include "util/clock.h"
#include "util/utf8.h"

#define TERM_GRACE_S 2.0
#define MAX_GROUP_PIDS 256
/* Re-list /proc for new members of the group every this many samples; in between only the
 * known members are read, which keeps the watcher's own cost small. */
#define RESCAN_EVERY 10

/* The group of the run in flight, so that a harness stopped by SIGINT/SIGTERM takes it along
 * (a SIGKILLed harness is covered by the child's PR_SET_PDEATHSIG). */
static volatile sig_atomic_t running_pgid;

static void on_fatal_signal(int sig)
{
    if (running_pgid > 0) kill(-running_pgid, SIGKILL);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_signal_handlers(void)
{
    static int installed;
    if (installed) return;
    installed = 1;
    const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fatal_signal;
        sigaction(sigs[i], &sa, NULL);
    }
}

typedef struct {
    pid_t pgid;
    pid_t pids[MAX_GROUP_PIDS];
    int npids;
    int tick;
    long page_kb;
} group_watch;

/* RSS in KiB of pid if it belongs to the group, else -1. */
static long member_rss_kb(const group_watch *g, pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = '\0';
    /* Fields after the command name, which may itself contain spaces and parentheses. */
    char *p = strrchr(buf, ')');
    if (!p) return -1;
    char state;
    int ppid, pgrp;
    if (sscanf(p + 2, "%c %d %d", &state, &ppid, &pgrp) != 3 || pgrp != g->pgid) return -1;
    /* rss is field 24; p is at the ')' ending field 2, each step moves to the blank before
     * the next field. */
    for (int field = 2; field < 24; field++) {
        p = strchr(p + 1, ' ');
        if (!p) return -1;
    }
    return strtol(p + 1, NULL, 10) * g->page_kb;
}

static long group_rss_kb(group_watch *g)
{
    if (g->tick++ % RESCAN_EVERY == 0) {
        g->npids = 0;
        DIR *d = opendir("/proc");
        struct dirent *e;
        while (d && (e = readdir(d)) && g->npids < MAX_GROUP_PIDS) {
            if (!isdigit((unsigned char)e->d_name[0])) continue;
            pid_t pid = (pid_t)atoi(e->d_name);
            if (member_rss_kb(g, pid) >= 0) g->pids[g->npids++] = pid;
        }
        if (d) closedir(d);
    }
    long total = 0;
    for (int i = 0; i < g->npids; i++) {
        long kb = member_rss_kb(g, g->pids[i]);
        if (kb > 0) total += kb;
    }
    return total;
}

/* Appends a sample; when the buffer is full, every other sample is dropped and the recording
 * stride doubles, so a long run keeps an evenly spaced timeline of bounded size. */
static void record_sample(exec_result *res, int *stride, int *skip, int t_ms, long kb)
{
    if (++*skip < *stride) return;
    *skip = 0;
    if (res->nsamples == EXEC_MAX_SAMPLES) {
        for (int i = 0; i < EXEC_MAX_SAMPLES / 2; i++) {
            res->sample_t_ms[i] = res->sample_t_ms[2 * i];
            res->sample_rss_kb[i] = res->sample_rss_kb[2 * i];
        }
        res->nsamples = EXEC_MAX_SAMPLES / 2;
        *stride *= 2;
    }
    res->sample_t_ms[res->nsamples] = t_ms;
    res->sample_rss_kb[res->nsamples] = kb;
    res->nsamples++;
}

typedef struct {
    char line[4096];
    size_t len;
    int overlong;
    int result_lines;
} line_reader;

/* Feeds stdout through a line buffer and keeps RESULT lines. */
static void stdout_feed(line_reader *lr, exec_result *res, const char *data, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = data[i];
        if (c != '\n') {
            if (lr->len < sizeof lr->line - 1)
                lr->line[lr->len++] = c;
            else
                lr->overlong = 1;
            continue;
        }
        lr->line[lr->len] = '\0';
        if (strncmp(lr->line, "RESULT ", 7) == 0) {
            lr->result_lines++;
            snprintf(res->result_line, sizeof res->result_line, "%.*s",
                     (int)sizeof res->result_line - 1, lr->line);
        }
        lr->len = 0;
        lr->overlong = 0;
    }
}

static void child_exec(const exec_request *req, const memcgroup *cg, int out_fd, int err_fd,
                       int status_fd)
{
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    if (cg->version) memcgroup_join(cg, getpid());
    if (req->cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(req->cpu, &set);
        sched_setaffinity(0, sizeof set, &set);
    }
    int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    signal(SIGPIPE, SIG_DFL);
    if (req->preload)
        setenv("LD_PRELOAD", req->preload, 1);
    else
        unsetenv("LD_PRELOAD");
    for (const char *const *e = req->extra_env; e && *e; e++)
        putenv((char *)*e);
    execvp(req->argv[0], req->argv);
    int err = errno;
    ssize_t ignored = write(status_fd, &err, sizeof err);
    (void)ignored;
    _exit(127);
}

static void classify(exec_result *res, int status, int timed_out, int oom, int result_lines,
                     int no_result_line)
{
    res->signal = 0;
    res->exit_code = -1;
    if (WIFSIGNALED(status))
        res->signal = WTERMSIG(status);
    else
        res->exit_code = WEXITSTATUS(status);
    const char *s;
    if (oom) /* the cap ends a run that was also late: memory is the cause */
        s = "oom";
    else if (timed_out)
        s = "timeout";
    else if (res->signal)
        s = "crash";
    else if (res->exit_code == 3)
        s = "corrupt";
    else if (res->exit_code != 0)
        s = "error";
    else if (no_result_line)
        s = "ok";
    else if (result_lines != 1 || exec_parse_result(res->result_line, res) != 0)
        s = "bad-output";
    else
        s = "ok";
    snprintf(res->status, sizeof res->status, "%s", s);
}

int exec_run(const exec_request *req, exec_result *res)
{
    memset(res, 0, sizeof *res);
    int out[2], err[2], st[2];
    if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) || pipe2(st, O_CLOEXEC)) {
        snprintf(res->status, sizeof res->status, "error");
        snprintf(res->stderr_tail, sizeof res->stderr_tail, "hakbench: pipe: %s", strerror(errno));
        return -1;
    }
    install_signal_handlers();
    memcgroup cg;
    memcgroup_create(&cg, req->mem_limit_kb);
    double start = clock_monotonic_s();
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        for (int i = 0; i < 2; i++) {
            close(out[i]);
            close(err[i]);
            close(st[i]);
        }
        memcgroup_destroy(&cg);
        snprintf(res->status, sizeof res->status, "error");
        snprintf(res->stderr_tail, sizeof res->stderr_tail, "hakbench: fork: %s", strerror(e));
        return -1;
    }
    if (pid == 0) child_exec(req, &cg, out[1], err[1], st[1]);
    /* Both sides set the group, so a signal sent right after fork reaches it. */
    setpgid(pid, pid);
    running_pgid = pid;
    close(out[1]);
    close(err[1]);
    close(st[1]);

    int exec_errno = 0;
    if (read(st[0], &exec_errno, sizeof exec_errno) != (ssize_t)sizeof exec_errno) exec_errno = 0;
    close(st[0]);

    group_watch g = {.pgid = pid, .page_kb = sysconf(_SC_PAGESIZE) / 1024};
    line_reader *lr = calloc(1, sizeof *lr);
    int sample_ms = req->sample_ms > 0 ? req->sample_ms : 10;
    int stride = 1, skip = 0, timed_out = 0, oom = 0, reaped = 0, status = 0;
    double term_at = req->time_limit_s > 0 ? start + req->time_limit_s : INFINITY;
    double kill_at = INFINITY, next_sample = start, sample_peak = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    struct pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    int open_fds = 2;
    double drain_until = INFINITY;

    while (open_fds > 0 || !reaped) {
        double now = clock_monotonic_s();
        double wake = next_sample;
        if (wake > term_at) wake = term_at;
        if (wake > kill_at) wake = kill_at;
        int timeout_ms = (int)((wake - now) * 1000.0);
        if (timeout_ms < 0) timeout_ms = 0;
        if (reaped) timeout_ms = 20;
        if (open_fds > 0) {
            if (poll(fds, 2, timeout_ms) < 0 && errno != EINTR) break;
        } else {
            struct timespec ts = {0, (long)timeout_ms * 1000000L};
            nanosleep(&ts, NULL);
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buf[8192];
            ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n > 0 && i == 0)
                stdout_feed(lr, res, buf, (size_t)n);
            else if (n > 0)
                utf8_tail_append(res->stderr_tail, sizeof res->stderr_tail, buf, (size_t)n);
            else if (n == 0 || errno != EINTR) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            }
        }
        now = clock_monotonic_s();
        if (!reaped && now >= next_sample) {
            long kb = group_rss_kb(&g);
            if (kb > sample_peak) sample_peak = (double)kb;
            record_sample(res, &stride, &skip, (int)((now - start) * 1000.0), kb);
            /* Over the cap by our count, or a member already killed by the cgroup's OOM
             * killer: the run is over either way (a forked helper's death leaves a parent
             * that may wait forever, which must not turn into a timeout). */
            if (!oom && ((req->mem_limit_kb > 0 && kb > req->mem_limit_kb) ||
                         (cg.version && memcgroup_oom_kills(&cg) > 0))) {
                oom = 1;
                kill(-pid, SIGKILL);
            }
            /* From this sample, not from the schedule: a late sample must not bunch the next
             * one right behind it. */
            next_sample = now + sample_ms / 1000.0;
        }
        if (!reaped && now >= term_at && !timed_out) {
            timed_out = 1;
            kill(-pid, SIGTERM);
            kill_at = now + TERM_GRACE_S;
        }
        if (!reaped && now >= kill_at) kill(-pid, SIGKILL);
        if (!reaped) {
            pid_t r = wait4(pid, &status, WNOHANG, &ru);
            if (r == pid) {
                reaped = 1;
                res->wall_s = clock_monotonic_s() - start;
                /* Stragglers in the group (a forked helper) must not outlive the run. */
                kill(-pid, SIGKILL);
                drain_until = clock_monotonic_s() + 1.0;
            }
        }
        if (reaped && clock_monotonic_s() > drain_until) break;
    }
    running_pgid = 0;
    for (int i = 0; i < 2; i++)
        if (fds[i].fd >= 0) close(fds[i].fd);
    if (lr->len > 0) /* a last line without newline */
        stdout_feed(lr, res, "\n", 1);
    int result_lines = lr->result_lines;
    free(lr);

    if (cg.version && memcgroup_oom_kills(&cg) > 0) oom = 1;
    memcgroup_destroy(&cg);

    res->user_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6;
    res->sys_s = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
    res->peak_rss_kb = ru.ru_maxrss > (long)sample_peak ? ru.ru_maxrss : (long)sample_peak;
    res->minor_faults = ru.ru_minflt;
    res->major_faults = ru.ru_majflt;
    res->vol_ctxsw = ru.ru_nvcsw;
    res->invol_ctxsw = ru.ru_nivcsw;
    if (exec_errno) {
        snprintf(res->status, sizeof res->status, "error");
        res->exit_code = 127;
        snprintf(res->stderr_tail, sizeof res->stderr_tail, "hakbench: cannot run '%s': %s",
                 req->argv[0], strerror(exec_errno));
        return -1;
    }
    classify(res, status, timed_out, oom, result_lines, req->no_result_line);
    return 0;
}

int exec_parse_result(const char *line, exec_result *res)
{
    if (strncmp(line, "RESULT ", 7) != 0) return -1;
    char copy[sizeof res->result_line];
    snprintf(copy, sizeof copy, "%s", line);
    if (res->result_line != line) snprintf(res->result_line, sizeof res->result_line, "%s", line);
    res->nfields = 0;
    int have_workload = 0, have_ops = 0, have_seconds = 0, have_rate = 0;
    char *save = NULL;
    for (char *tok = strtok_r(copy + 7, " \t\r\n", &save); tok;
         tok = strtok_r(NULL, " \t\r\n", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq || eq == tok || !eq[1]) return -1;
        *eq = '\0';
        const char *key = tok, *val = eq + 1;
        if (strcmp(key, "workload") == 0) {
            have_workload = 1;
            continue;
        }
        char *end;
        errno = 0;
        double v = strtod(val, &end);
        int numeric = *end == '\0' && errno == 0 && isfinite(v);
        if (strcmp(key, "ops") == 0 || strcmp(key, "seconds") == 0 ||
            strcmp(key, "ops_per_sec") == 0) {
            if (!numeric || v < 0) return -1;
            if (key[3] == '\0') {
                res->ops = v;
                have_ops = 1;
            } else if (key[0] == 's') {
                res->seconds = v;
                have_seconds = 1;
            } else {
                res->ops_per_sec = v;
                have_rate = 1;
            }
            continue;
        }
        /* Other numeric fields are kept; text fields (names, modes) are not numbers to store. */
        if (numeric && res->nfields < EXEC_MAX_FIELDS && strlen(key) < sizeof res->field_name[0]) {
            snprintf(res->field_name[res->nfields], sizeof res->field_name[0], "%s", key);
            res->field_value[res->nfields++] = v;
        }
    }
    return have_workload && have_ops && have_seconds && have_rate ? 0 : -1;
}
