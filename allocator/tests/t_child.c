/* Forked-child runner for death, fault and fork tests: the parent collects the child's stderr and
 * enforces a deadline (a hang is a failure), and the check that it aborted naming a pointer.
 * Also the process's resident memory, for the RSS tests. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "t_alloc.h"

/* The test framework may have installed handlers that longjmp back into it; a child must die
 * of its signal instead of resuming the framework. */
static void child_reset(void)
{
    static const int fatal[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGSYS, SIGABRT, SIGALRM};
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
        signal(fatal[i], SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int t_child_run(int (*fn)(void *), void *arg, unsigned timeout_s, t_child_result *out)
{
    memset(out, 0, sizeof *out);
    int fds[2];
    if (pipe(fds) != 0) return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDERR_FILENO);
        close(fds[1]);
        child_reset();
        exit(fn(arg));
    }
    close(fds[1]);
    size_t len = 0;
    double deadline = now_s() + timeout_s;
    /* Read stderr until the child closes it (it exits), then reap it; both under the deadline. */
    for (;;) {
        struct pollfd pfd = {fds[0], POLLIN, 0};
        if (now_s() > deadline || poll(&pfd, 1, 100) < 0) break;
        if (pfd.revents == 0) continue;
        char buf[4096];
        ssize_t n = read(fds[0], buf, sizeof buf);
        if (n <= 0) break;
        size_t take = sizeof out->err - 1 - len;
        take = (size_t)n < take ? (size_t)n : take;
        memcpy(out->err + len, buf, take);
        len += take;
    }
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (now_s() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            out->timed_out = 1;
            break;
        }
        struct timespec tick = {0, 10 * 1000 * 1000};
        nanosleep(&tick, NULL);
    }
    close(fds[0]);
    out->err[len] = '\0';
    if (!out->timed_out) {
        out->exited = WIFEXITED(status);
        out->exit_code = out->exited ? WEXITSTATUS(status) : 0;
        out->signaled = WIFSIGNALED(status);
        out->sig = out->signaled ? WTERMSIG(status) : 0;
    }
    return 0;
}

int t_text_names_pointer(const char *text, const void *ptr)
{
    for (const char *s = strstr(text, "0x"); s != NULL; s = strstr(s + 2, "0x")) {
        char *end;
        errno = 0;
        uintmax_t v = strtoumax(s + 2, &end, 16);
        if (end != s + 2 && errno == 0 && v == (uintmax_t)(uintptr_t)ptr) return 1;
    }
    return 0;
}

/* read(2), not stdio: measuring must not allocate, or a test that checks what the allocator
 * gives back (malloc_trim twice in a row) would measure its own FILE buffer. */
size_t t_rss_bytes(void)
{
    char buf[128];
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    unsigned long size = 0, resident = 0;
    if (n <= 0) return 0;
    buf[n] = '\0';
    if (sscanf(buf, "%lu %lu", &size, &resident) != 2) return 0;
    return resident * (size_t)sysconf(_SC_PAGESIZE);
}

void t_assert_aborted_naming(const t_child_result *r, const void *ptr, const char *needle)
{
    if (r->timed_out) fail_msg("%p: child hung instead of aborting", ptr);
    if (!r->signaled || r->sig != SIGABRT)
        fail_msg("%p: child %s %d, want SIGABRT; stderr:\n%s", ptr,
                 r->signaled ? "died of signal" : "exited with",
                 r->signaled ? r->sig : r->exit_code, r->err);
    if (strstr(r->err, needle) == NULL)
        fail_msg("%p: stderr lacks \"%s\":\n%s", ptr, needle, r->err);
    if (!t_text_names_pointer(r->err, ptr))
        fail_msg("%p: stderr does not name the pointer:\n%s", ptr, r->err);
    print_message("%p -> %.*s\n", ptr, (int)strcspn(r->err, "\n"), r->err);
}
