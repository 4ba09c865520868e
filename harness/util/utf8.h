/* Text that leaves the harness as UTF-8: what workloads print, build logs and commit subjects may
 * hold any bytes, while JSON (and a reader) wants valid UTF-8. Invalid bytes are replaced by
 * U+FFFD, never dropped, and a kept tail never starts in the middle of a sequence. */
#ifndef HAKBENCH_UTIL_UTF8_H
#define HAKBENCH_UTIL_UTF8_H

#include <stddef.h>

/* The length of the valid UTF-8 sequence at s[0..n) (1 to 4), or 0 when it is not one: a stray
 * continuation byte, an overlong form, a surrogate, a code point above U+10FFFF, or a sequence cut
 * short by n. */
size_t utf8_sequence(const unsigned char *s, size_t n);

/* A copy of s with every byte that starts no valid sequence replaced by U+FFFD (malloc'ed; NULL
 * out of memory). */
char *utf8_sanitize(const char *s);

/* Keeps the last bytes of a stream in tail (cap bytes with the NUL): appends data[0..n) and drops
 * from the front what does not fit, then the continuation bytes of a sequence the cut split. */
void utf8_tail_append(char *tail, size_t cap, const char *data, size_t n);

#endif
