#include "commands/options.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/files.h"
#include "util/revlist.h"

char **cli_split_list(const char *text, int *count)
{
    size_t len = strlen(text);
    int n = 1;
    for (const char *p = text; *p; p++)
        n += *p == ',';
    char **list = malloc((size_t)(n + 1) * sizeof *list + len + 1);
    char *copy = (char *)(list + n + 1);
    memcpy(copy, text, len + 1);
    int i = 0;
    for (char *item = copy;; i++) {
        char *comma = strchr(item, ',');
        if (comma) *comma = '\0';
        if (!*item) {
            free(list);
            return NULL;
        }
        list[i] = item;
        if (!comma) break;
        item = comma + 1;
    }
    list[n] = NULL;
    *count = n;
    return list;
}

int cli_parse_long(const char *cmd, const char *opt, const char *text, long min, long max,
                   long *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < min || v > max) {
        fprintf(stderr, "hakbench %s: %s: '%s' is not a whole number from %ld to %ld\n", cmd, opt,
                text, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse_double(const char *cmd, const char *opt, const char *text, double min, double max,
                     double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end || !isfinite(v) || v < min || v > max) {
        fprintf(stderr, "hakbench %s: %s: '%s' is not a number from %g to %g\n", cmd, opt, text,
                min, max);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse_u64(const char *cmd, const char *opt, const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-') {
        fprintf(stderr, "hakbench %s: %s: '%s' is not a non-negative whole number\n", cmd, opt,
                text);
        return -1;
    }
    *out = v;
    return 0;
}

const char *cli_command_line(int argc, char **argv)
{
    static char buf[4096];
    size_t used = (size_t)snprintf(buf, sizeof buf, "hakbench");
    for (int i = 0; i < argc && used < sizeof buf; i++) {
        /* Quote what a shell would split, so the stored command can be pasted back. */
        int plain = argv[i][0] && strspn(argv[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRST"
                                                  "UVWXYZ0123456789-_=.,/@~^:+") == strlen(argv[i]);
        used += (size_t)snprintf(buf + used, sizeof buf - used, plain ? " %s" : " '%s'", argv[i]);
    }
    return buf;
}

int cli_parse_delta(const char *cmd, const char *text, double *out)
{
    char *end;
    errno = 0;
    double pct = strtod(text, &end);
    if (errno || end == text || *end || !(pct > 0 && pct < 100)) {
        fprintf(stderr,
                "hakbench %s: --delta wants a percentage between 0 and 100 (e.g. 2), not '%s'\n",
                cmd, text);
        return -1;
    }
    *out = pct / 100;
    return 0;
}

int cli_parse_one(const char *cmd, const char *opt, const char *text, const char **out)
{
    if (!text[0] || strchr(text, ',')) {
        fprintf(stderr, "hakbench %s: %s: one name at a time, not '%s'\n", cmd, opt, text);
        return -1;
    }
    *out = text;
    return 0;
}

int cli_no_operands(const char *cmd, int argc, char **argv)
{
    if (optind >= argc) return 0;
    fprintf(stderr, "hakbench %s: unexpected argument '%s' (see --help)\n", cmd, argv[optind]);
    return -1;
}

int cli_parse_session(const char *cmd, const char *opt, const char *text, int64_t *out)
{
    long v;
    if (cli_parse_long(cmd, opt, text, 1, 0x7fffffffL, &v) != 0) return -1;
    *out = v;
    return 0;
}

int cli_enter_checkout(const char *cmd, const char *db_arg, const char *reports_arg,
                       cli_checkout *out)
{
    if (!db_arg && strcmp(store_default_location(), STORE_DEFAULT_PATH) != 0)
        db_arg = store_default_location();
    /* A server's URI is no path: it stays as it is. */
    int server = db_arg && store_is_server(db_arg);
    const char *paths[2] = {server ? NULL : db_arg, reports_arg};
    char abs[2][PATH_MAX];
    int at_top;
    if (revlist_enter_toplevel(cmd, paths, abs, 2, &at_top) != 0) return -1;
    snprintf(out->db_path, sizeof out->db_path, "%s",
             server   ? db_arg
             : db_arg ? abs[0]
                      : STORE_DEFAULT_PATH);
    snprintf(out->reports_dir, sizeof out->reports_dir, "%s", abs[1]);
    store_location_shown(db_arg && (server || at_top || db_arg[0] == '/') ? db_arg : out->db_path,
                         out->db_shown, sizeof out->db_shown);
    if (!db_arg) files_mkdir_p("results");
    if (files_mkdir_p(out->reports_dir) != 0) {
        fprintf(stderr, "hakbench %s: cannot create %s: %s (choose another --reports-dir)\n", cmd,
                out->reports_dir, strerror(errno));
        return -1;
    }
    return 0;
}

store *cli_open_store(const char *cmd, const char *path)
{
    char err[1024];
    store *s = store_open(path, err, sizeof err);
    if (!s) fprintf(stderr, "hakbench %s: %s\n", cmd, err);
    return s;
}

int cli_refuse_passwords(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        const char *uri = strstr(argv[i], "postgres");
        if (!uri || !store_location_has_password(uri)) continue;
        fprintf(stderr,
                "hakbench: a password on the command line is visible to every user of this "
                "machine (ps) and would be stored with the session: take it out of the URI and "
                "put it in ~/.pgpass (or PGPASSFILE), PGPASSWORD or a service file "
                "(postgresql:///?service=NAME)\n");
        return -1;
    }
    return 0;
}

const char *cli_db_shown(const char *location)
{
    static char shown[PATH_MAX];
    store_location_shown(location, shown, sizeof shown);
    return shown;
}

store *cli_open_existing_store(const char *cmd, const char *path)
{
    if (!store_is_server(path) && access(path, R_OK) != 0) {
        fprintf(stderr, "hakbench %s: %s: %s (run `hakbench run` first or pass --db)\n", cmd, path,
                strerror(errno));
        return NULL;
    }
    return cli_open_store(cmd, path);
}
