/* Wall and monotonic time (see clock.h). */
#include "util/clock.h"

#include <time.h>

static void utc_format(char *buf, size_t len, const char *format)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, format, &tm);
}

void clock_utc_iso(char *buf, size_t len)
{
    utc_format(buf, len, "%Y-%m-%dT%H:%M:%SZ");
}

void clock_utc_stamp(char *buf, size_t len)
{
    utc_format(buf, len, "%Y%m%dT%H%M%SZ");
}

double clock_monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
