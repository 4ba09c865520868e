/* RSS from /proc (see wl_rss.h). Read with plain read(2) into a stack buffer so that measuring
 * does not itself allocate through the allocator under test. */
#include "wl_rss.h"
#include "wl_cli.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static size_t read_proc(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) wl_fail("cannot open %s to measure memory", path);
    size_t n = 0;
    ssize_t r;
    while (n + 1 < len && (r = read(fd, buf + n, len - 1 - n)) > 0)
        n += (size_t)r;
    close(fd);
    buf[n] = '\0';
    return n;
}

uint64_t wl_rss_kb(void)
{
    char buf[256];
    read_proc("/proc/self/statm", buf, sizeof buf);
    unsigned long long size, resident;
    if (sscanf(buf, "%llu %llu", &size, &resident) != 2) wl_fail("cannot parse /proc/self/statm");
    return resident * (uint64_t)sysconf(_SC_PAGESIZE) / 1024;
}

uint64_t wl_rss_peak_kb(void)
{
    char buf[4096];
    read_proc("/proc/self/status", buf, sizeof buf);
    const char *p = strstr(buf, "VmHWM:");
    if (!p) wl_fail("no VmHWM line in /proc/self/status");
    return strtoull(p + 6, NULL, 10);
}
