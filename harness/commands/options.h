/* What every command shares: parsing numbers and comma lists from options with the
 * "hakbench CMD: --OPT: ..." error convention, the command line as stored with a session, and
 * opening the store with a message. */
#ifndef HAKBENCH_OPTIONS_H
#define HAKBENCH_OPTIONS_H

#include <limits.h>
#include <stdint.h>

#include "store/store.h"

/* Splits "a,b,c" into a NULL-terminated array of strings (one allocation; free() it). Empty
 * items are an error: returns NULL. */
char **cli_split_list(const char *text, int *count);

/* Strict number parsing for an option; prints "hakbench CMD: --OPT: '...' is not ..." and
 * returns -1 on failure. */
int cli_parse_long(const char *cmd, const char *opt, const char *text, long min, long max,
                   long *out);
int cli_parse_double(const char *cmd, const char *opt, const char *text, double min, double max,
                     double *out);
int cli_parse_u64(const char *cmd, const char *opt, const char *text, uint64_t *out);

/* After getopt_long: a command that takes no operands refuses one with "hakbench CMD:
 * unexpected argument '...' (see --help)" and returns -1. */
int cli_no_operands(const char *cmd, int argc, char **argv);

/* The command line as one string, for the sessions table. Static buffer. */
const char *cli_command_line(int argc, char **argv);

/* The noise band as users type it, a percentage in (0, 100): "2" -> 0.02. */
int cli_parse_delta(const char *cmd, const char *text, double *out);

/* The value of --workloads (or --variants) for a command that takes one: a single name, no
 * comma. Prints "hakbench CMD: OPT: one at a time" and returns -1 otherwise. */
int cli_parse_one(const char *cmd, const char *opt, const char *text, const char **out);

/* A session id (a whole number from 1). */
int cli_parse_session(const char *cmd, const char *opt, const char *text, int64_t *out);

/* Where a command that builds and measures at revisions (bisect, nightly) keeps its files: it
 * runs from the top level of the repository it was started in, so the --db and --reports-dir
 * the user typed are made absolute first. */
typedef struct {
    char db_path[PATH_MAX];     /* to open */
    char db_shown[PATH_MAX];    /* as the reproduce commands, run from the top level, say it: the
                                   user's spelling when it means the same file there; a server's
                                   URI without its password */
    char reports_dir[PATH_MAX]; /* absolute, created */
} cli_checkout;
/* Enters the top level and makes the folders (results/ when --db is the default; without --db,
 * $HAKBENCH_DB counts as given). 0, or -1 with a message. */
int cli_enter_checkout(const char *cmd, const char *db_arg, const char *reports_arg,
                       cli_checkout *out);

/* A database URI with a password among the arguments (--db URI, --db=URI, merge's OTHER):
 * prints why not and returns -1. libpq finds passwords where only their owner reads them. */
int cli_refuse_passwords(int argc, char **argv);

/* The database as messages and reports show it: a server's URI without its password (one
 * static buffer). */
const char *cli_db_shown(const char *location);

/* Opens the store at path; on failure prints "hakbench CMD: <reason>" and returns NULL. */
store *cli_open_store(const char *cmd, const char *path);
/* The same for a database that must already exist (report, export, sessions read one: opening
 * a missing path would create an empty database). */
store *cli_open_existing_store(const char *cmd, const char *path);

#endif
