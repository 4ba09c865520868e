/* The markdown report of one bisect (reports/bisect-<UTC timestamp>.md): the culprit with its
 * subject, author, date and diffstat, the table of steps, the confirmation, and the commands that
 * reproduce it. Reads git for commit details (revlist.h); writes with markdown.h. */
#ifndef HAKBENCH_REPORT_BISECT_H
#define HAKBENCH_REPORT_BISECT_H

#include <stddef.h>

#include "analysis/bisect_search.h"

/* Writes the report to path. db_path is the database as the user should type it in the
 * reproduce commands. Returns 0, or -1 with a reason in err. */
int report_bisect_write(const char *path, const bisect_result *r, const char *db_path, char *err,
                        size_t errlen);

/* "reports/bisect-20261127T062512Z.md" for dir "reports" and the current UTC time. */
void report_bisect_path(char *out, size_t len, const char *dir);

#endif
