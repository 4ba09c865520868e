/* The output contract: exactly one "RESULT workload=NAME ops=N seconds=S ops_per_sec=R ..." line
 * on stdout (see workloads/README.md). Calls only stdio. */
#ifndef WL_RESULT_H
#define WL_RESULT_H

#include "wl_compat.h"

#include <stdint.h>

WL_BEGIN_DECLS

/* Prints the RESULT line. `extra_fmt` formats the workload-specific fields as " key=value"
 * pairs (each with a leading space), or is "" for none. */
void wl_result(const char *workload, uint64_t ops, double seconds, const char *extra_fmt, ...)
    __attribute__((format(printf, 4, 5)));

WL_END_DECLS

#endif
