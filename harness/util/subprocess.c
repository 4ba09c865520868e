#include "util/subprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int run(char *const argv[], const char *cwd, int with_stderr, char *out, size_t outlen,
               int keep_tail)
{
    int fd[2];
    if (pipe2(fd, O_CLOEXEC) != 0) return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return -1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(fd[1], 1);
        dup2(with_stderr ? fd[1] : null, 2);
        if (cwd && chdir(cwd) != 0) _exit(127);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(fd[1]);
    size_t used = 0;
    char buf[4096];
    ssize_t n;
    while ((n = read(fd[0], buf, sizeof buf)) != 0) {
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (outlen == 0) continue;
        size_t room = outlen - 1;
        size_t k = (size_t)n;
        if (keep_tail && used + k > room) {
            /* Slide the kept text left so the newest bytes fit. */
            size_t drop = used + k - room;
            if (drop >= used) {
                size_t skip = k > room ? k - room : 0;
                memcpy(out, buf + skip, k - skip);
                used = k - skip;
                continue;
            }
            memmove(out, out + drop, used - drop);
            used -= drop;
        }
        if (used + k > room) k = room - used;
        memcpy(out + used, buf, k);
        used += k;
    }
    close(fd[0]);
    if (outlen) out[used] = '\0';
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    int rc = WEXITSTATUS(status);
    return rc == 127 && used == 0 ? -1 : rc;
}

int subprocess_run(char *const argv[], const char *cwd, char *out, size_t outlen, int keep_tail)
{
    return run(argv, cwd, 1, out, outlen, keep_tail);
}

int subprocess_line(char *const argv[], const char *cwd, char *out, size_t outlen)
{
    int rc = run(argv, cwd, 0, out, outlen, 0);
    if (outlen) {
        out[strcspn(out, "\r\n")] = '\0';
        size_t len = strlen(out);
        while (len > 0 && (out[len - 1] == ' ' || out[len - 1] == '\t'))
            out[--len] = '\0';
    }
    return rc;
}
