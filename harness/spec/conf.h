/* The line format both conf files share: one definition a line, '#' starts a comment line,
 * blank lines are skipped, and an error names the file and the line ("variants.conf:6: ..."). */
#ifndef HAKBENCH_CONF_H
#define HAKBENCH_CONF_H

#include <stddef.h>

/* Parses one line (leading blanks skipped) into the table behind ctx. Returns NULL, or the reason
 * the line is wrong (a constant, or reason after writing it there). */
typedef const char *(*conf_line_parser)(char *line, void *ctx, char *reason, size_t rlen);

/* Reads path line by line into ctx. Returns 0, or -1 with "PATH:LINE: reason" in err (or "PATH:
 * cannot read (use OPTION to name another file)"). */
int conf_read(const char *path, const char *option, conf_line_parser parse, void *ctx, char *err,
              size_t errlen);

#endif
