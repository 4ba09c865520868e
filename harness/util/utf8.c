/* UTF-8 checks and repairs (see utf8.h), after RFC 3629's table of well-formed sequences. */
#include "util/utf8.h"

#include <stdlib.h>
#include <string.h>

static int continuation(unsigned char c)
{
    return (c & 0xc0) == 0x80;
}

size_t utf8_sequence(const unsigned char *s, size_t n)
{
    if (n == 0) return 0;
    unsigned char c = s[0];
    if (c < 0x80) return 1;
    size_t len;
    unsigned char lo = 0x80, hi = 0xbf; /* the allowed range of the second byte */
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        if (c == 0xe0) lo = 0xa0; /* no overlong forms */
        if (c == 0xed) hi = 0x9f; /* no surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        if (c == 0xf0) lo = 0x90;
        if (c == 0xf4) hi = 0x8f; /* nothing above U+10FFFF */
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi) return 0;
    for (size_t i = 2; i < len; i++)
        if (!continuation(s[i])) return 0;
    return len;
}

char *utf8_sanitize(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    /* Each invalid byte grows into the three bytes of U+FFFD at most. */
    char *out = malloc(3 * n + 1), *o = out;
    if (!out) return NULL;
    for (size_t i = 0; i < n;) {
        size_t len = utf8_sequence(p + i, n - i);
        if (len == 0) {
            memcpy(o, "\xef\xbf\xbd", 3);
            o += 3;
            i++;
        } else {
            memcpy(o, p + i, len);
            o += len;
            i += len;
        }
    }
    *o = '\0';
    return out;
}

void utf8_tail_append(char *tail, size_t cap, const char *data, size_t n)
{
    size_t used = strlen(tail), room = cap - 1;
    int cut;
    if (n >= room) {
        cut = n > room || used > 0;
        memcpy(tail, data + n - room, room);
        tail[room] = '\0';
    } else {
        cut = used + n > room;
        if (cut) {
            size_t drop = used + n - room;
            memmove(tail, tail + drop, used - drop + 1);
            used -= drop;
        }
        memcpy(tail + used, data, n);
        tail[used + n] = '\0';
    }
    if (!cut) return;
    /* The front was cut: a sequence may have lost its first bytes (three remain at most). */
    size_t skip = 0;
    while (skip < 3 && continuation((unsigned char)tail[skip]))
        skip++;
    if (skip) memmove(tail, tail + skip, strlen(tail + skip) + 1);
}
