/* variants.conf parsing and variant specs. A peer's bare library name is resolved here, once,
 * so that builds and reports record the exact file that was preloaded. */
#include "spec/variants.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spec/conf.h"
#include "util/subprocess.h"

#if defined(__x86_64__)
#define MULTIARCH "x86_64-linux-gnu"
#elif defined(__aarch64__)
#define MULTIARCH "aarch64-linux-gnu"
#else
#define MULTIARCH "unknown-linux-gnu"
#endif

static const char *const library_dirs[] = {"/usr/lib/" MULTIARCH, "/lib/" MULTIARCH,
                                           "/usr/local/lib", "/usr/lib", "/lib"};

/* Where the allocator's make variables are declared; variants may only set those. */
#define DEFAULTS_MK "allocator/defaults.mk"

static int valid_name(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.') return 0;
    return 1;
}

/* 1 when VAR appears as "VAR ?=" in defaults.mk; 1 also when that file is not readable, so a
 * conf can be checked outside the repository. */
static int known_make_variable(const char *var, int len)
{
    FILE *f = fopen(DEFAULTS_MK, "r");
    if (!f) return 1;
    char line[256];
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        if (strncmp(line, var, (size_t)len) == 0) {
            const char *p = line + len;
            p += strspn(p, " \t");
            found = p[0] == '?' && p[1] == '=';
        }
    }
    fclose(f);
    return found;
}

static void resolve_library(const char *name, char *out, size_t len)
{
    snprintf(out, len, "%s", name);
    if (strchr(name, '/')) return;
    for (size_t i = 0; i < sizeof library_dirs / sizeof *library_dirs; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", library_dirs[i], name);
        if (access(path, R_OK) == 0) {
            snprintf(out, len, "%s", path);
            return;
        }
    }
}

/* Parses one non-empty line into d. Returns NULL or a reason. */
static const char *parse_line(char *line, variant_def *d, char *reason, size_t rlen)
{
    memset(d, 0, sizeof *d);
    char *hash = strchr(line, '#');
    if (hash) {
        *hash = '\0';
        char *desc = hash + 1 + strspn(hash + 1, " \t");
        desc[strcspn(desc, "\r\n")] = '\0';
        snprintf(d->description, sizeof d->description, "%s", desc);
    }
    char *save = NULL;
    char *name = strtok_r(line, " \t\r\n", &save);
    char *kind = strtok_r(NULL, " \t\r\n", &save);
    if (!kind) return "expected 'NAME KIND SETTINGS' (KIND is hakmem or peer)";
    if (!valid_name(name) || strlen(name) >= VARIANT_NAME_MAX || strchr(name, '@')) {
        snprintf(reason, rlen, "bad variant name '%s' (letters, digits, '_', '-', '.')", name);
        return reason;
    }
    snprintf(d->name, sizeof d->name, "%s", name);
    char *tok;
    if (strcmp(kind, "hakmem") == 0) {
        d->kind = VARIANT_HAKMEM;
        size_t used = 0;
        while ((tok = strtok_r(NULL, " \t\r\n", &save))) {
            char *eq = strchr(tok, '=');
            int vlen = eq ? (int)(eq - tok) : 0;
            int ok = eq && vlen > 0 && eq[1];
            for (int i = 0; ok && i < vlen; i++)
                ok = isupper((unsigned char)tok[i]) || isdigit((unsigned char)tok[i]) ||
                     tok[i] == '_';
            if (!ok) {
                snprintf(reason, rlen, "expected VAR=VALUE, got '%s'", tok);
                return reason;
            }
            if (!known_make_variable(tok, vlen)) {
                snprintf(reason, rlen, "unknown make variable '%.*s' (not in %s)", vlen, tok,
                         DEFAULTS_MK);
                return reason;
            }
            size_t n = strlen(tok);
            if (used + n + 2 > sizeof d->flags) return "too many settings";
            if (used) d->flags[used++] = ' ';
            memcpy(d->flags + used, tok, n + 1);
            used += n;
        }
    } else if (strcmp(kind, "peer") == 0) {
        d->kind = VARIANT_PEER;
        char *lib = strtok_r(NULL, " \t\r\n", &save);
        if (!lib)
            return "a peer needs a library (a .so path or name) or '-' for the system allocator";
        if (strtok_r(NULL, " \t\r\n", &save)) return "a peer takes exactly one library";
        if (strcmp(lib, "-") != 0) resolve_library(lib, d->flags, sizeof d->flags);
    } else {
        snprintf(reason, rlen, "unknown kind '%s' (expected hakmem or peer)", kind);
        return reason;
    }
    return NULL;
}

/* One conf line into the table: a definition, not given twice. */
static const char *add_line(char *line, void *ctx, char *reason, size_t rlen)
{
    variant_table *t = ctx;
    variant_def d;
    const char *why = parse_line(line, &d, reason, rlen);
    if (why) return why;
    if (variants_find(t, d.name)) {
        snprintf(reason, rlen, "variant '%s' defined twice", d.name);
        return reason;
    }
    variant_def *grown = realloc(t->defs, (size_t)(t->count + 1) * sizeof *grown);
    if (!grown) return "out of memory";
    t->defs = grown;
    t->defs[t->count++] = d;
    return NULL;
}

int variants_load(const char *path, variant_table *out, char *err, size_t errlen)
{
    out->defs = NULL;
    out->count = 0;
    if (conf_read(path, "--variants-conf", add_line, out, err, errlen) != 0) {
        variants_free(out);
        return -1;
    }
    if (out->count == 0) {
        snprintf(err, errlen, "%s: no variants defined", path);
        return -1;
    }
    return 0;
}

void variants_free(variant_table *t)
{
    free(t->defs);
    t->defs = NULL;
    t->count = 0;
}

const variant_def *variants_find(const variant_table *t, const char *name)
{
    for (int i = 0; i < t->count; i++)
        if (strcmp(t->defs[i].name, name) == 0) return &t->defs[i];
    return NULL;
}

static void known_names(const variant_table *t, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < t->count && used < len; i++)
        used += (size_t)snprintf(out + used, len - used, "%s%s", i ? ", " : "", t->defs[i].name);
}

/* Full sha of REV, or -1 when it names no commit. */
static int rev_parse(const char *rev, char *sha, size_t len)
{
    char arg[128];
    snprintf(arg, sizeof arg, "%s^{commit}", rev);
    char *argv[] = {"git", "rev-parse", "--verify", "--quiet", arg, NULL};
    if (rev[0] == '-' || subprocess_line(argv, NULL, sha, len) != 0 || strlen(sha) != 40) return -1;
    return 0;
}

int variant_spec_parse(const char *text, const variant_table *t, variant_spec *out, char *err,
                       size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!text[0] || strlen(text) >= sizeof out->spec) {
        snprintf(err, errlen, "empty or overlong variant spec '%s'", text);
        return -1;
    }
    snprintf(out->spec, sizeof out->spec, "%s", text);
    char names[512];
    known_names(t, names, sizeof names);
    const char *at = strrchr(text, '@');
    const char *name = at ? at + 1 : text;
    char rev[128] = "";
    if (at) snprintf(rev, sizeof rev, "%.*s", (int)(at - text), text);

    out->def = variants_find(t, name);
    if (!at && out->def) {
        const char *lib = out->def->flags;
        if (out->def->kind == VARIANT_PEER && lib[0] && access(lib, R_OK) != 0) {
            snprintf(err, errlen, "variant '%s': library '%s' not found (install it: make deps)",
                     name, lib);
            return -1;
        }
        return 0;
    }
    if (at && !out->def) {
        snprintf(err, errlen, "unknown variant '%s' in '%s' (known: %s)", name, text, names);
        return -1;
    }
    if (!at) {
        /* A bare word that is no variant: a revision of the default build. */
        snprintf(rev, sizeof rev, "%s", text);
        out->def = variants_find(t, "default");
        if (rev_parse(rev, out->rev, sizeof out->rev) != 0 || !out->def) {
            snprintf(err, errlen,
                     "unknown variant '%s': neither a variant (known: %s) nor a git revision", text,
                     names);
            return -1;
        }
        return 0;
    }
    if (out->def->kind == VARIANT_PEER) {
        snprintf(err, errlen, "'%s': %s is a peer allocator, it has no revisions", text, name);
        return -1;
    }
    if (!rev[0] || rev_parse(rev, out->rev, sizeof out->rev) != 0) {
        snprintf(err, errlen, "'%s': revision '%s' does not exist (try git log --oneline)", text,
                 rev);
        return -1;
    }
    return 0;
}
