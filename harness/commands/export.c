/* hakbench export: a session in one or more of the formats of report/export.h, to files or
 * stdout. The options --export-NAME come from the format table, so a new format needs no change
 * here. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "commands/options.h"
#include "report/export.h"
#include "store/runs.h"
#include "store/sessions.h"

static void usage(FILE *f)
{
    fputs("usage: hakbench export --session N --format F [--out FILE] [--db PATH]\n"
          "       hakbench export --session N --export-F FILE [--export-G FILE ...] [--db PATH]\n"
          "\n"
          "Writes a session in one format to FILE or stdout, or in several formats at once, each\n"
          "to its own file. The raw formats hold every run (warm-up, measured and counters runs)\n"
          "with the build it used, one row per run.\n"
          "\n"
          "  --session N        the session (hakbench sessions lists them)\n"
          "  --format F         one of the formats below\n"
          "  --out FILE         write there instead of stdout\n"
          "  --export-F FILE    write format F to FILE (repeatable)\n"
          "  --db PATH          database (default " STORE_DEFAULT_HELP ")\n"
          "  -h, --help         this text\n"
          "\n"
          "formats:\n",
          f);
    for (int i = 0; i < export_nformats; i++)
        fprintf(f, "  %-12s %s\n", export_formats[i].name, export_formats[i].summary);
    fputs("\nExit status: 0 written, 2 bad arguments, unknown session or an unwritable file.\n", f);
}

typedef struct {
    const export_format *format;
    const char *path; /* NULL: stdout */
} export_job;

static int write_one(const export_job *job, const export_source *src)
{
    FILE *f = job->path ? fopen(job->path, "w") : stdout;
    if (!f) {
        perror(job->path);
        fprintf(stderr, "hakbench export: cannot write '%s'\n", job->path);
        return -1;
    }
    int bad = job->format->write(f, src) != 0;
    bad |= ferror(f);
    bad |= job->path ? fclose(f) != 0 : fflush(f) != 0;
    if (bad)
        fprintf(stderr, "hakbench export: write error on %s\n", job->path ? job->path : "stdout");
    return bad ? -1 : 0;
}

enum { OPT_EXPORT = 256 }; /* OPT_EXPORT + i: --export-<format i> */

int cmd_export(int argc, char **argv)
{
    struct option *opts = calloc((size_t)export_nformats + 6, sizeof *opts);
    char(*names)[64] = calloc((size_t)export_nformats + 1, sizeof *names);
    export_job *jobs = calloc((size_t)argc + 1, sizeof *jobs); /* each takes an argument */
    if (!opts || !names || !jobs) return 2;
    int k = 0;
    opts[k++] = (struct option){"session", required_argument, NULL, 's'};
    opts[k++] = (struct option){"format", required_argument, NULL, 'f'};
    opts[k++] = (struct option){"out", required_argument, NULL, 'o'};
    opts[k++] = (struct option){"db", required_argument, NULL, 'd'};
    opts[k++] = (struct option){"help", no_argument, NULL, 'h'};
    for (int i = 0; i < export_nformats; i++) {
        snprintf(names[i], sizeof names[i], "export-%s", export_formats[i].name);
        opts[k++] = (struct option){names[i], required_argument, NULL, OPT_EXPORT + i};
    }
    const char *format = NULL, *out = NULL, *db_path = store_default_location();
    int64_t session = 0;
    int njobs = 0, status = 2, c;
    store *db = NULL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c >= OPT_EXPORT && c < OPT_EXPORT + export_nformats) {
            jobs[njobs++] = (export_job){&export_formats[c - OPT_EXPORT], optarg};
            continue;
        }
        switch (c) {
        case 's':
            if (cli_parse_session("export", "--session", optarg, &session)) goto out;
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
            usage(stdout);
            status = 0;
            goto out;
        default:
            fputs("see 'hakbench export --help'\n", stderr);
            goto out;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "hakbench export: unexpected argument '%s' (see --help)\n", argv[optind]);
        goto out;
    }
    if (!session || (!format && njobs == 0)) {
        fprintf(stderr, "hakbench export: --session and --format (or --export-F FILE) are "
                        "required (see --help)\n");
        goto out;
    }
    if (format) {
        const export_format *fmt = export_find(format);
        if (!fmt) {
            fprintf(stderr, "hakbench export: --format: '%s' is not ", format);
            for (int i = 0; i < export_nformats; i++)
                fprintf(stderr, "%s%s",
                        i == 0                    ? ""
                        : i + 1 < export_nformats ? ", "
                                                  : " or ",
                        export_formats[i].name);
            fputc('\n', stderr);
            goto out;
        }
        jobs[njobs++] = (export_job){fmt, out};
    } else if (out) {
        fprintf(stderr, "hakbench export: --out goes with --format; --export-F takes its file\n");
        goto out;
    }
    if (!(db = cli_open_existing_store("export", db_path))) goto out;
    store_session ss;
    if (store_session_get(db, session, &ss) != 1) {
        fprintf(stderr, "hakbench export: no session %lld in %s\n", (long long)session,
                cli_db_shown(db_path));
        goto out;
    }
    store_table runs;
    if (store_session_runs(db, session, &runs) != 0) goto out;
    export_source src = {.db = db, .session = &ss, .runs = &runs};
    status = 0;
    for (int i = 0; i < njobs; i++)
        if (write_one(&jobs[i], &src) != 0) status = 2;
    store_table_free(&runs);
out:
    store_close(db);
    free(opts);
    free(names);
    free(jobs);
    return status;
}
