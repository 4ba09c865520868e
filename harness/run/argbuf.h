/* A child's argument vector built word by word in one fixed buffer (measure.c, profile.c):
 * argv[] is always NULL-terminated; what does not fit is dropped. */
#ifndef HAKBENCH_ARGBUF_H
#define HAKBENCH_ARGBUF_H

#include <stddef.h>

#define ARGBUF_MAX_ARGS 96

typedef struct {
    char *argv[ARGBUF_MAX_ARGS];
    int argc;
    char storage[4096];
    size_t used;
} argbuf;

void argbuf_push(argbuf *a, const char *s);
/* Each blank-separated word of text (workloads.conf arguments: no quoting). */
void argbuf_push_words(argbuf *a, const char *text);
/* The words joined by blanks, as the runs table stores a command line. */
void argbuf_join(const argbuf *a, char *out, size_t len);

#endif
