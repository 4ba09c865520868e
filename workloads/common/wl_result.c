/* The RESULT line (see wl_result.h). */
#include "wl_result.h"

#include <stdarg.h>
#include <stdio.h>

void wl_result(const char *workload, uint64_t ops, double seconds, const char *extra_fmt, ...)
{
    double rate = seconds > 0 ? (double)ops / seconds : 0.0;
    printf("RESULT workload=%s ops=%llu seconds=%.6f ops_per_sec=%.1f", workload,
           (unsigned long long)ops, seconds, rate);
    va_list ap;
    va_start(ap, extra_fmt);
    vprintf(extra_fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}
