/* diag.c: messages without stdio or allocation: number formatting, fatal errors, debug-build
 * assertions. Calls only write(2) and abort(). */
#include "internal.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

size_t hak_fmt_u64(char *buf, uint64_t v)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    return n;
}

size_t hak_fmt_hex(char *buf, uintptr_t v)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[16];
    size_t n = 0;
    do {
        tmp[n++] = digits[v & 15];
        v >>= 4;
    } while (v);
    buf[0] = '0';
    buf[1] = 'x';
    for (size_t i = 0; i < n; i++)
        buf[2 + i] = tmp[n - 1 - i];
    return n + 2;
}

void hak_write_str(int fd, const char *s)
{
    size_t len = strlen(s);
    while (len) {
        ssize_t w = write(fd, s, len);
        if (w <= 0) return;
        s += w;
        len -= (size_t)w;
    }
}

void hak_fatal_ptr(const char *what, const char *msg, const void *p)
{
    char num[24];
    num[hak_fmt_hex(num, (uintptr_t)p)] = '\0';
    hak_write_str(2, "hakmem: ");
    hak_write_str(2, what);
    hak_write_str(2, ": ");
    hak_write_str(2, msg);
    hak_write_str(2, " ");
    hak_write_str(2, num);
    hak_write_str(2, "\n");
    abort();
}

#if !HAKMEM_BUILD_RELEASE
void hak_assert_fail(const char *expr, const char *file, int line)
{
    char num[24];
    num[hak_fmt_u64(num, (uint64_t)line)] = '\0';
    hak_write_str(2, "hakmem: assertion failed: ");
    hak_write_str(2, expr);
    hak_write_str(2, " at ");
    hak_write_str(2, file);
    hak_write_str(2, ":");
    hak_write_str(2, num);
    hak_write_str(2, "\n");
    abort();
}
#endif
