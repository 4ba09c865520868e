/* The machine-wide measuring lock (see machine_lock.h). */
#include "run/machine_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

void machine_lock_path(const machine_info *m, char *out, size_t len)
{
    const char *dir = access("/run/lock", W_OK) == 0 ? "/run/lock" : "/tmp";
    snprintf(out, len, "%s/hakbench-%.16s.lock", dir, m->fingerprint);
}

int machine_lock_take(const char *path, int quiet)
{
    /* O_NOFOLLOW: in a world-writable directory the name must not lead elsewhere. Another
     * user's file opens read-only, and flock works on that too. */
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EACCES) fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "hakbench worker: cannot open the machine lock %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) return fd;
    if (!quiet)
        fprintf(stderr, "hakbench worker: another measurement holds %s; waiting for it\n", path);
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            fprintf(stderr, "hakbench worker: cannot lock %s: %s\n", path, strerror(errno));
            close(fd);
            return -1;
        }
    }
    return fd;
}

void machine_lock_release(int fd)
{
    if (fd < 0) return;
    flock(fd, LOCK_UN);
    close(fd);
}
