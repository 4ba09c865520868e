#include "util/subprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/utf8.h"

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
    size_t used = 0, got = 0;
    char buf[4096];
    ssize_t n;
    if (outlen) out[0] = '\0';
    while ((n = read(fd[0], buf, sizeof buf)) != 0) {
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        got += (size_t)n;
        if (outlen == 0) continue;
        if (keep_tail) {
            utf8_tail_append(out, outlen, buf, (size_t)n);
            continue;
        }
        size_t k = (size_t)n;
        if (used + k > outlen - 1) k = outlen - 1 - used;
        memcpy(out + used, buf, k);
        used += k;
        out[used] = '\0';
    }
    close(fd[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    int rc = WEXITSTATUS(status);
    return rc == 127 && got == 0 ? -1 : rc;
}

int subprocess_run(char *const argv[], const char *cwd, char *out, size_t outlen, int keep_tail)
{
    return run(argv, cwd, 1, out, outlen, keep_tail);
}

int subprocess_to_file(char *const argv[], const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(fd);
        return -1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(fd, 1);
        dup2(null, 2);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(fd);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
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
