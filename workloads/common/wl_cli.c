/* Argument parsing and fatal exits for the workloads (see wl_cli.h). */
#include "wl_cli.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *prog_name = "workload";
static const char *usage_text = "";

void wl_cli_init(const char *prog, const char *usage)
{
    prog_name = prog;
    usage_text = usage;
}

const char *wl_prog(void)
{
    return prog_name;
}

void wl_help(void)
{
    fputs(usage_text, stdout);
    exit(WL_EXIT_OK);
}

static void vmessage(const char *fmt, va_list ap)
{
    fprintf(stderr, "%s: ", prog_name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void wl_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n%s", usage_text);
    exit(WL_EXIT_USAGE);
}

void wl_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
    exit(WL_EXIT_USAGE);
}

void wl_corrupt(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: CORRUPTED MEMORY: ", prog_name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    fflush(stderr);
    /* _Exit: atexit handlers and stdio flushing may touch the corrupted heap. */
    _Exit(WL_EXIT_CORRUPT);
}

/* A getopt_long return of '?' or ':' (opterr = 0, leading ':' in the short options): names
 * the unknown option or the option that lacks its value. */
static _Noreturn void getopt_error(int c, char **argv)
{
    const char *arg = argv[optind - 1];
    if (c == ':') wl_usage_error("option '%s' needs a value", arg);
    if (optopt && !strchr(arg, '=')) wl_usage_error("unknown option '-%c'", optopt);
    wl_usage_error("unknown option '%s'", arg);
}

/* A WL_OPT_SECONDS value: seconds in (0, max], at least min microseconds. */
static uint64_t seconds_to_us(const char *what, const char *arg, uint64_t min_us, uint64_t max_us)
{
    double s = wl_parse_seconds(what, arg, (double)max_us / 1e6);
    uint64_t us = (uint64_t)(s * 1e6 + 0.5);
    if (us < min_us)
        wl_usage_error("%s: %s is out of range, allowed %g to %g seconds", what, arg,
                       (double)min_us / 1e6, (double)max_us / 1e6);
    return us;
}

/* getopt_long values of the declared options: opts[i] returns OPT_BASE + i, clear of every
 * character getopt_long itself returns ('h', '?', ':'). */
enum { OPT_BASE = 0x100 };

void wl_parse_options(int argc, char **argv, const wl_option *opts, size_t nopts)
{
    if (nopts > WL_MAX_OPTIONS)
        wl_fail("%zu options declared, more than WL_MAX_OPTIONS (%d)", nopts, WL_MAX_OPTIONS);
    struct option longopts[WL_MAX_OPTIONS + 2];
    for (size_t i = 0; i < nopts; i++)
        longopts[i] = (struct option){opts[i].name, required_argument, NULL, OPT_BASE + (int)i};
    longopts[nopts] = (struct option){"help", no_argument, NULL, 'h'};
    longopts[nopts + 1] = (struct option){0, 0, 0, 0};

    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        if (c == 'h') wl_help();
        if (c < OPT_BASE || c >= OPT_BASE + (int)nopts) getopt_error(c, argv);
        const wl_option *o = &opts[c - OPT_BASE];
        char what[64];
        snprintf(what, sizeof what, "--%s", o->name);
        uint64_t v;
        if (o->kind == WL_OPT_SECONDS)
            v = seconds_to_us(what, optarg, o->min, o->max);
        else if (o->kind == WL_OPT_SIZE)
            v = wl_parse_size(what, optarg, o->min, o->max);
        else
            v = wl_parse_u64(what, optarg, o->min, o->max);
        if (o->value) *o->value = v;
    }
    if (optind < argc)
        wl_usage_error("unexpected argument '%s' (every setting is an option, see --help)",
                       argv[optind]);
}

/* Parses a non-negative decimal integer with an optional K/M/G multiplier; 0 on success. */
static int parse_scaled(const char *arg, int allow_suffix, uint64_t *out, const char **why)
{
    const char *s = arg;
    while (isspace((unsigned char)*s))
        s++;
    if (*s == '-') {
        *why = "must not be negative";
        return -1;
    }
    if (!isdigit((unsigned char)*s)) {
        *why = "is not a number";
        return -1;
    }
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno == ERANGE) {
        *why = "is too large";
        return -1;
    }
    unsigned shift = 0;
    if (allow_suffix && *end) {
        switch (toupper((unsigned char)*end)) {
        case 'K':
            shift = 10;
            break;
        case 'M':
            shift = 20;
            break;
        case 'G':
            shift = 30;
            break;
        default:
            break;
        }
        if (shift) end++;
    }
    if (*end) {
        *why =
            allow_suffix ? "is not a number (suffixes K, M, G allowed)" : "is not a whole number";
        return -1;
    }
    if (shift && v > (UINT64_MAX >> shift)) {
        *why = "is too large";
        return -1;
    }
    *out = (uint64_t)v << shift;
    return 0;
}

static uint64_t parse_checked(const char *what, const char *arg, uint64_t min, uint64_t max,
                              int allow_suffix)
{
    uint64_t v;
    const char *why;
    if (parse_scaled(arg, allow_suffix, &v, &why) != 0)
        wl_usage_error("%s: '%s' %s", what, arg, why);
    if (v < min || v > max)
        wl_usage_error("%s: %s is out of range, allowed %llu to %llu", what, arg,
                       (unsigned long long)min, (unsigned long long)max);
    return v;
}

uint64_t wl_parse_u64(const char *what, const char *arg, uint64_t min, uint64_t max)
{
    return parse_checked(what, arg, min, max, 0);
}

uint64_t wl_parse_size(const char *what, const char *arg, uint64_t min, uint64_t max)
{
    return parse_checked(what, arg, min, max, 1);
}

double wl_parse_seconds(const char *what, const char *arg, double max)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (end == arg || *end || errno == ERANGE)
        wl_usage_error("%s: '%s' is not a number of seconds (e.g. 5 or 0.5)", what, arg);
    if (!(v > 0) || v > max)
        wl_usage_error("%s: %s is out of range, allowed more than 0 up to %g seconds", what, arg,
                       max);
    return v;
}

void wl_check_min_max(const char *min_name, uint64_t min, const char *max_name, uint64_t max)
{
    if (min > max)
        wl_usage_error("%s (%llu) is larger than %s (%llu)", min_name, (unsigned long long)min,
                       max_name, (unsigned long long)max);
}
