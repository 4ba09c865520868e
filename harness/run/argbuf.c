/* Argument vectors (see argbuf.h). */
#include "run/argbuf.h"

#include <stdio.h>
#include <string.h>

void argbuf_push(argbuf *a, const char *s)
{
    size_t n = strlen(s) + 1;
    if (a->argc >= ARGBUF_MAX_ARGS - 1 || a->used + n > sizeof a->storage) return;
    char *copy = a->storage + a->used;
    memcpy(copy, s, n);
    a->used += n;
    a->argv[a->argc++] = copy;
    a->argv[a->argc] = NULL;
}

void argbuf_push_words(argbuf *a, const char *text)
{
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", text);
    char *save = NULL;
    for (char *w = strtok_r(tmp, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
        argbuf_push(a, w);
}

void argbuf_join(const argbuf *a, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < a->argc && used < len; i++)
        used += (size_t)snprintf(out + used, len - used, "%s%s", i ? " " : "", a->argv[i]);
}
