/* Reading conf files line by line (see conf.h). */
#include "spec/conf.h"

#include <stdio.h>
#include <string.h>

int conf_read(const char *path, const char *option, conf_line_parser parse, void *ctx, char *err,
              size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot read (use %s to name another file)", path, option);
        return -1;
    }
    char line[2048];
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *p = line + strspn(line, " \t");
        if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0') continue;
        char reason[256];
        const char *why = parse(p, ctx, reason, sizeof reason);
        if (why) {
            snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
            fclose(f);
            return -1;
        }
    }
    fclose(f);
    return 0;
}
