/* hakbench sessions: the sessions of a database, one line each, so that nobody needs sqlite3 to
 * find a session number. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "commands/options.h"
#include "store/sessions.h"
#include "util/json.h"

static const char sessions_usage[] =
    "usage: hakbench sessions [--db PATH] [--format text|json]\n"
    "\n"
    "Lists every session of the database, oldest first: its id, when it started, its kind\n"
    "(run, calibrate, bisect, nightly), its measured runs and how many of them did not end ok,\n"
    "its variants and workloads, and the command that made it. An unfinished session (the\n"
    "harness was killed or is still running) is marked. json is hakbench-sessions/1.\n"
    "\n"
    "  --db PATH     results database (default " STORE_DEFAULT_HELP ")\n"
    "  --format F    text (default) or json\n"
    "  -h, --help    this text\n"
    "\n"
    "Exit status: 0 listed (possibly none), 2 bad arguments or no such database.\n";

static void write_text(const store_session_line *l, int n)
{
    printf("%5s  %-20s  %-9s %5s %6s  %-28s %-28s %s\n", "id", "started", "kind", "runs", "failed",
           "variants", "workloads", "command");
    for (int i = 0; i < n; i++)
        printf("%5lld  %-20s  %-9s %5d %6d  %-28s %-28s %s%s\n", (long long)l[i].id,
               l[i].started_at, l[i].kind, l[i].runs, l[i].failed, l[i].variants, l[i].workloads,
               l[i].command, l[i].finished_at[0] ? "" : "  (unfinished)");
}

static json_t *name_list(const char *comma_list)
{
    json_t *a = json_array();
    int n;
    char **names = comma_list[0] ? cli_split_list(comma_list, &n) : NULL;
    for (int i = 0; names && i < n; i++)
        json_array_append_new(a, json_text(names[i]));
    free(names);
    return a;
}

static int write_json(const store_session_line *l, int n)
{
    json_t *doc = json_document("sessions"), *list = json_array();
    for (int i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "id", json_integer(l[i].id));
        json_object_set_new(o, "kind", json_text(l[i].kind));
        json_object_set_new(o, "started_at", json_text(l[i].started_at));
        json_object_set_new(o, "finished_at",
                            l[i].finished_at[0] ? json_text(l[i].finished_at) : json_null());
        json_object_set_new(o, "command", json_text(l[i].command));
        json_object_set_new(o, "variants", name_list(l[i].variants));
        json_object_set_new(o, "workloads", name_list(l[i].workloads));
        json_object_set_new(o, "runs", json_integer(l[i].runs));
        json_object_set_new(o, "failed_runs", json_integer(l[i].failed));
        json_array_append_new(list, o);
    }
    json_object_set_new(doc, "sessions", list);
    return json_write(stdout, doc);
}

int cmd_sessions(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    const char *db_path = store_default_location(), *format = "text";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            db_path = optarg;
            break;
        case 'f':
            format = optarg;
            if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0) {
                fprintf(stderr, "hakbench sessions: --format is text or json, not '%s'\n", optarg);
                return 2;
            }
            break;
        case 'h':
            fputs(sessions_usage, stdout);
            return 0;
        default:
            fputs(sessions_usage, stderr);
            return 2;
        }
    }
    if (cli_no_operands("sessions", argc, argv) != 0) return 2;
    store *db = cli_open_existing_store("sessions", db_path);
    if (!db) return 2;
    store_session_line *lines = NULL;
    int n = store_session_list(db, &lines);
    store_close(db);
    int rc = 2;
    if (n >= 0 && strcmp(format, "json") == 0) {
        rc = write_json(lines, n) == 0 ? 0 : 2;
    } else if (n >= 0) {
        write_text(lines, n);
        rc = 0;
    }
    free(lines);
    return rc;
}
