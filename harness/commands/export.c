/* hakbench export: the raw runs of a session as CSV (RFC 4180), JSON or a markdown table. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/options.h"
#include "commands/commands.h"
#include "store/db.h"

static const char usage[] =
    "usage: hakbench export --session N --format csv|json|markdown [--out FILE] [--db PATH]\n"
    "\n"
    "Writes every run of a session (warm-up, measured and counters runs) with the build it\n"
    "used, one row per run, to FILE or stdout. csv and json carry every column, including the\n"
    "RESULT line and the stderr tail; markdown is a readable subset.\n"
    "\n"
    "  --session N      the session (see 'sessions' in the database, or 'hakbench run')\n"
    "  --format F       csv, json or markdown\n"
    "  --out FILE       write there instead of stdout\n"
    "  --db PATH        database (default " DB_DEFAULT_PATH ")\n"
    "  -h, --help       this text\n"
    "Exit status: 0 written, 2 bad arguments, unknown session or an unwritable file.\n";

static const char full_query[] =
    "SELECT r.id AS run_id, r.session_id, r.seq, r.variant, COALESCE(b.revision, '') AS "
    "revision, COALESCE(b.flags, '') AS flags, COALESCE(b.library_hash, '') AS library_hash, "
    "r.workload, r.purpose, r.block, r.status, r.signal, r.exit_code, r.ops, r.seconds, "
    "r.ops_per_sec, r.instructions, r.wall_s, r.user_s, r.sys_s, r.peak_rss_kb, r.minor_faults, "
    "r.major_faults, r.vol_ctxsw, r.invol_ctxsw, r.cpu, r.started_at, r.args, r.result_line, "
    "r.stderr_tail FROM runs r LEFT JOIN builds b ON b.id = r.build_id WHERE r.session_id = ?1 "
    "ORDER BY r.seq";

static const char markdown_query[] =
    "SELECT r.seq, r.variant, substr(COALESCE(b.revision, ''), 1, 10) AS revision, r.workload, "
    "r.purpose, r.block, r.status, r.signal, r.ops_per_sec, r.instructions, r.wall_s, "
    "r.peak_rss_kb FROM runs r LEFT JOIN builds b ON b.id = r.build_id WHERE r.session_id = ?1 "
    "ORDER BY r.seq";

static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\r':
            fputs("\\r", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

/* A cell in markdown: pipes escaped, line breaks flattened, so outside text cannot break the
 * table. */
static void markdown_cell(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", f);
        else if (*s == '\n' || *s == '\r')
            fputc(' ', f);
        else
            fputc(*s, f);
    }
}

static void number_text(sqlite3_stmt *st, int i, char *buf, size_t len)
{
    if (sqlite3_column_type(st, i) == SQLITE_INTEGER)
        snprintf(buf, len, "%lld", (long long)sqlite3_column_int64(st, i));
    else
        snprintf(buf, len, "%.17g", sqlite3_column_double(st, i));
}

static int write_rows(sqlite3_stmt *st, const char *format, FILE *f)
{
    int ncol = sqlite3_column_count(st), rows = 0;
    int csv = strcmp(format, "csv") == 0, json = strcmp(format, "json") == 0;
    char num[64];
    if (csv) {
        for (int i = 0; i < ncol; i++) {
            if (i) fputc(',', f);
            csv_field(f, sqlite3_column_name(st, i));
        }
        fputs("\r\n", f);
    } else if (json) {
        fputs("[", f);
    } else {
        for (int i = 0; i < ncol; i++)
            fprintf(f, "| %s ", sqlite3_column_name(st, i));
        fputs("|\n", f);
        for (int i = 0; i < ncol; i++)
            fputs("|---", f);
        fputs("|\n", f);
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (json) fputs(rows ? ",\n  {" : "\n  {", f);
        for (int i = 0; i < ncol; i++) {
            int type = sqlite3_column_type(st, i);
            const char *text = (const char *)sqlite3_column_text(st, i);
            if (type == SQLITE_INTEGER || type == SQLITE_FLOAT) number_text(st, i, num, sizeof num);
            if (csv) {
                if (i) fputc(',', f);
                if (type == SQLITE_INTEGER || type == SQLITE_FLOAT)
                    fputs(num, f);
                else if (type != SQLITE_NULL)
                    csv_field(f, text);
            } else if (json) {
                if (i) fputs(", ", f);
                json_string(f, sqlite3_column_name(st, i));
                fputs(": ", f);
                if (type == SQLITE_NULL)
                    fputs("null", f);
                else if (type == SQLITE_INTEGER || type == SQLITE_FLOAT)
                    fputs(isfinite(sqlite3_column_double(st, i)) ? num : "null", f);
                else
                    json_string(f, text);
            } else {
                fputs("| ", f);
                if (type == SQLITE_FLOAT)
                    fprintf(f, "%.6g", sqlite3_column_double(st, i));
                else if (type != SQLITE_NULL)
                    markdown_cell(f, text);
                fputc(' ', f);
            }
        }
        if (csv)
            fputs("\r\n", f);
        else if (json)
            fputs("}", f);
        else
            fputs("|\n", f);
        rows++;
    }
    if (json) fputs(rows ? "\n]\n" : "]\n", f);
    return rows;
}

int cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {
        {"session", required_argument, NULL, 's'}, {"format", required_argument, NULL, 'f'},
        {"out", required_argument, NULL, 'o'},     {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    const char *format = NULL, *out = NULL, *db_path = DB_DEFAULT_PATH;
    long session = -1;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (cli_parse_long("export", "--session", optarg, 1, 1L << 40, &session)) return 2;
            break;
        case 'f':
            format = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 'd':
            db_path = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            fputs("see 'hakbench export --help'\n", stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "hakbench export: unexpected argument '%s' (see --help)\n", argv[optind]);
        return 2;
    }
    if (session < 0 || !format) {
        fprintf(stderr, "hakbench export: --session and --format are required (see --help)\n");
        return 2;
    }
    if (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0 &&
        strcmp(format, "markdown") != 0) {
        fprintf(stderr, "hakbench export: --format: '%s' is not csv, json or markdown\n", format);
        return 2;
    }
    char err[1024];
    sqlite3 *db = db_open(db_path, err, sizeof err);
    if (!db) {
        fprintf(stderr, "hakbench: %s\n", err);
        return 2;
    }
    sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM sessions WHERE id = ?1");
    sqlite3_bind_int64(st, 1, session);
    int exists = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (!exists) {
        fprintf(stderr, "hakbench export: no session %ld in %s\n", session, db_path);
        db_close(db);
        return 2;
    }
    FILE *f = out ? fopen(out, "w") : stdout;
    if (!f) {
        perror(out);
        fprintf(stderr, "hakbench export: cannot write '%s'\n", out);
        db_close(db);
        return 2;
    }
    st = db_prepare(db, strcmp(format, "markdown") == 0 ? markdown_query : full_query);
    sqlite3_bind_int64(st, 1, session);
    write_rows(st, format, f);
    sqlite3_finalize(st);
    int bad = ferror(f);
    if (out)
        bad |= fclose(f) != 0;
    else
        bad |= fflush(f) != 0;
    db_close(db);
    if (bad) {
        fprintf(stderr, "hakbench export: write error on %s\n", out ? out : "stdout");
        return 2;
    }
    return 0;
}
