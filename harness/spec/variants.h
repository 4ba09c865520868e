/* Variant definitions (harness/spec/variants.conf) and variant specs as users type them.
 *   conf line:  NAME  hakmem  VAR=VALUE ...        a hakmem build with these make variables
 *               NAME  peer    /path/to/lib.so      LD_PRELOAD of a Debian library
 *               NAME  peer    -                    the system allocator (glibc), no preload
 *   spec:       NAME | REV | REV@NAME              ('HEAD~3', 'main@baseline', 'mimalloc')
 * A REV alone means the 'default' variant (defaults.mk values) at that revision. */
#ifndef HAKBENCH_VARIANTS_H
#define HAKBENCH_VARIANTS_H

#include <stddef.h>

/* The conf every command reads unless --variants-conf names another. */
#define VARIANTS_CONF "harness/spec/variants.conf"

#define VARIANT_NAME_MAX 64
#define VARIANT_FLAGS_MAX 512

typedef enum { VARIANT_HAKMEM, VARIANT_PEER } variant_kind;

typedef struct {
    char name[VARIANT_NAME_MAX];
    variant_kind kind;
    char flags[VARIANT_FLAGS_MAX]; /* hakmem: "A=1 B=2"; peer: library path or "" for system */
    char description[160];         /* trailing "# comment" of the conf line */
} variant_def;

typedef struct {
    variant_def *defs;
    int count;
} variant_table;

/* Loads a conf file. On a syntax error returns -1 with "variants.conf:LINE: reason" in err. */
int variants_load(const char *path, variant_table *out, char *err, size_t errlen);
void variants_free(variant_table *t);
const variant_def *variants_find(const variant_table *t, const char *name);

typedef struct {
    char spec[160]; /* as typed */
    char rev[96];   /* "" = the current work tree (HEAD plus local changes) */
    const variant_def *def;
} variant_spec;

/* Resolves a spec against the table and git (a REV must name a commit). Returns -1 with a
 * message such as "unknown variant 'fastpth' (known: baseline, fastpath, ...)" or
 * "revision 'HEAD~999' does not exist" in err. */
int variant_spec_parse(const char *text, const variant_table *t, variant_spec *out, char *err,
                       size_t errlen);

#endif
