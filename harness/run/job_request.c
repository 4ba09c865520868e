/* Jobs checked against the conf files at their revision (see job_request.h). */
#include "run/job_request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spec/variants.h"
#include "spec/workload_table.h"
#include "util/revlist.h"

/* The conf file: the operator's (given), else `repo_path` as the commit has it, written to
 * dir/name. */
static int conf_at(const char *sha, const char *given, const char *repo_path, const char *dir,
                   const char *name, char *out, char *shown, char *err, size_t errlen)
{
    if (given) {
        snprintf(out, PATH_MAX, "%s", given);
        snprintf(shown, PATH_MAX + 64, "%s", given);
        return 0;
    }
    snprintf(shown, PATH_MAX + 64, "%s at %.12s", repo_path, sha);
    char *text = revlist_file_at(sha, repo_path);
    if (!text) {
        snprintf(err, errlen, "commit %.12s has no %s", sha, repo_path);
        return -1;
    }
    snprintf(out, PATH_MAX, "%s/%s", dir, name);
    FILE *f = fopen(out, "w");
    int ok = f && fputs(text, f) >= 0;
    if (f && fclose(f) != 0) ok = 0;
    free(text);
    if (!ok) snprintf(err, errlen, "cannot write %s", out);
    return ok ? 0 : -1;
}

int job_request_at(job_request *r, const char *revision, const char *variants_conf,
                   const char *workloads_conf, const char *dir, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    char sha[41];
    if (!revlist_is_sha(revision) || revlist_resolve(revision, sha) != 0 ||
        strcmp(sha, revision) != 0) {
        snprintf(err, errlen,
                 "revision '%.64s' is not a commit of this repository (a full sha is needed; "
                 "git fetch?)",
                 revision);
        return -1;
    }
    memcpy(r->revision, sha, sizeof sha);
    if (conf_at(sha, variants_conf, VARIANTS_CONF, dir, "variants.conf", r->variants_conf,
                r->variants_shown, err, errlen) != 0 ||
        conf_at(sha, workloads_conf, WORKLOADS_CONF, dir, "workloads.conf", r->workloads_conf,
                r->workloads_shown, err, errlen) != 0)
        return -1;
    return 0;
}

void job_request_remove(const char *dir)
{
    static const char *const names[] = {"variants.conf", "workloads.conf"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char path[PATH_MAX + 32];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

static int append(char *list, size_t len, const char *item)
{
    size_t used = strlen(list);
    int n = snprintf(list + used, len - used, "%s%s", used ? "," : "", item);
    return n < 0 || (size_t)n >= len - used ? -1 : 0;
}

/* One variant spec into its canonical form (see job_request_names). */
static int canonical_variant(const variant_table *vt, const char *spec, int exact, const char *conf,
                             char *out, size_t outlen, char *err, size_t errlen)
{
    const char *at = strrchr(spec, '@');
    const char *name = at ? at + 1 : spec;
    char rev[128] = "", sha[41];
    if (at) snprintf(rev, sizeof rev, "%.*s", (int)(at - spec), spec);
    const variant_def *def = variants_find(vt, name);
    if (!at && def) return snprintf(out, outlen, "%s", name) < (int)outlen ? 0 : -1;
    if (!at && exact) {
        snprintf(err, errlen, "unknown variant '%s' (not in %s)", spec, conf);
        return -1;
    }
    if (!at) {
        /* a bare revision: the default build there */
        snprintf(rev, sizeof rev, "%s", spec);
        name = "default";
        def = variants_find(vt, name);
    }
    if (!def) {
        snprintf(err, errlen, "unknown variant '%s' (not in %s)", at ? name : spec, conf);
        return -1;
    }
    if (def->kind == VARIANT_PEER) {
        snprintf(err, errlen, "'%s': %s is a peer allocator, it has no revisions", spec, name);
        return -1;
    }
    if ((exact && !revlist_is_sha(rev)) || rev[0] == '-' || revlist_resolve(rev, sha) != 0 ||
        (exact && strcmp(sha, rev) != 0)) {
        snprintf(err, errlen,
                 at ? "'%s': revision '%s' is not a commit of this repository"
                    : "unknown variant '%s' (not in %s, and no git revision)",
                 spec, at ? rev : conf);
        return -1;
    }
    snprintf(out, outlen, "%s@%s", sha, name);
    return 0;
}

int job_request_names(job_request *r, const char *variants, const char *workloads, int exact,
                      char *err, size_t errlen)
{
    variant_table vt = {0};
    workload_table wt = {0};
    const char *vconf = r->variants_shown, *wconf = r->workloads_shown;
    r->variants[0] = r->workloads[0] = '\0';
    if (variants_load(r->variants_conf, &vt, err, errlen) != 0 ||
        workloads_load(r->workloads_conf, &wt, err, errlen) != 0) {
        variants_free(&vt);
        return -1;
    }
    int rc = 0;
    char *list = strdup(variants), *save = NULL;
    for (char *v = strtok_r(list, ",", &save); rc == 0 && v; v = strtok_r(NULL, ",", &save)) {
        char spec[256];
        rc = canonical_variant(&vt, v, exact, vconf, spec, sizeof spec, err, errlen);
        if (rc == 0 && append(r->variants, sizeof r->variants, spec) != 0) {
            snprintf(err, errlen, "too many variants");
            rc = -1;
        }
    }
    free(list);
    if (rc == 0 && !exact && strcmp(workloads, "all") == 0) {
        for (int i = 0; rc == 0 && i < wt.count; i++)
            rc = append(r->workloads, sizeof r->workloads, wt.defs[i].name);
    } else {
        list = strdup(workloads);
        for (char *w = strtok_r(list, ",", &save); rc == 0 && w; w = strtok_r(NULL, ",", &save)) {
            if (!workloads_find(&wt, w)) {
                snprintf(err, errlen, "unknown workload '%s' (not in %s)", w, wconf);
                rc = -1;
            } else if (append(r->workloads, sizeof r->workloads, w) != 0) {
                snprintf(err, errlen, "too many workloads");
                rc = -1;
            }
        }
        free(list);
    }
    if (rc == 0 && (!r->variants[0] || !r->workloads[0])) {
        snprintf(err, errlen, "no variants or no workloads");
        rc = -1;
    }
    variants_free(&vt);
    workloads_free(&wt);
    return rc;
}
