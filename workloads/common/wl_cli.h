/* Command-line and exit-code conventions shared by every workload: the program name and usage
 * text, the table-driven option parser of the option-style workloads, value parsers that reject
 * bad input with a clear message, and the fatal exits (2 = could not run / bad arguments,
 * 3 = corrupted memory detected). Calls only libc. */
#ifndef WL_CLI_H
#define WL_CLI_H

#include "wl_compat.h"

#include <stdint.h>
#include <stddef.h>

WL_BEGIN_DECLS

enum { WL_EXIT_OK = 0, WL_EXIT_USAGE = 2, WL_EXIT_CORRUPT = 3 };

/* Upper limit for any thread-count option: far above what a 2-core machine needs, low enough
 * that a typo (e.g. 10000) is an error instead of a fork bomb of threads. */
#define WL_MAX_THREADS 256
/* Largest single block any size option accepts. */
#define WL_MAX_BLOCK ((uint64_t)1 << 30)

/* Registers the program name and usage text used by every message below. */
void wl_cli_init(const char *prog, const char *usage);
const char *wl_prog(void);

/* --help: usage on stdout, exit 0. */
WL_NORETURN void wl_help(void);
/* Bad arguments: "prog: message", the usage on stderr, exit 2. */
WL_NORETURN void wl_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Could not do the job (a thread or an allocation failed): message on stderr, exit 2. */
WL_NORETURN void wl_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Corrupted memory detected: message on stderr, exit 3. */
WL_NORETURN void wl_corrupt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* How an option's value is read: a plain integer (wl_parse_u64), a byte count that may carry
 * a K, M or G suffix (wl_parse_size), or seconds with fractions (wl_parse_seconds), stored as
 * whole microseconds (min and max too; min is at least 1 us). */
enum wl_opt_kind { WL_OPT_U64, WL_OPT_SIZE, WL_OPT_SECONDS };

/* One "--name VALUE" option of an option-style workload. `value` holds the default on entry and
 * receives the parsed value; NULL means the value is checked and then ignored (an option that
 * is accepted only for a uniform command line). */
typedef struct {
    const char *name; /* without the leading "--" */
    enum wl_opt_kind kind;
    uint64_t *value;
    uint64_t min, max;
} wl_option;

/* --seed, the same in every workload: any 64-bit value (`var` may be NULL where nothing is
 * random). */
#define WL_OPT_SEED(var) ((wl_option){"seed", WL_OPT_U64, (var), 0, UINT64_MAX})

/* Most options one workload may declare. */
#define WL_MAX_OPTIONS 16

/* The whole command line of an option-style workload: every option in `opts` (each takes a
 * value, range-checked and named "--name" in errors), --help / -h (wl_help), and nothing else:
 * an unknown option, a missing value or a positional argument exits 2 with the usage.
 * Options may repeat; the last one wins. Checks between options are left to the caller. */
void wl_parse_options(int argc, char **argv, const wl_option *opts, size_t nopts);

/* Integer in [min, max]; rejects negatives, junk and overflow naming `what` (e.g. "--threads"). */
uint64_t wl_parse_u64(const char *what, const char *arg, uint64_t min, uint64_t max);
/* Byte count in [min, max], with an optional K, M or G suffix (powers of 1024). */
uint64_t wl_parse_size(const char *what, const char *arg, uint64_t min, uint64_t max);
/* Seconds (fractions allowed) in (0, max]. */
double wl_parse_seconds(const char *what, const char *arg, double max);
/* Exits 2 unless min <= max. */
void wl_check_min_max(const char *min_name, uint64_t min, const char *max_name, uint64_t max);

WL_END_DECLS

#endif
