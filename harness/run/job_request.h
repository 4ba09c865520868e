/* What a job of the queue asks for, checked against the repository's own conf files at the
 * job's revision (harness/spec/variants.conf and workloads.conf as that commit has them), by
 * `hakbench enqueue` before it queues the job and by the worker before it runs it. Nothing of a
 * job reaches a shell or git's option parser: a revision is a full sha that must name a commit
 * of the repository, a variant or workload must be defined in those files, and what runs is
 * what the files say. A worker's operator may name other conf files (--variants-conf,
 * --workloads-conf): the queue never does. */
#ifndef HAKBENCH_JOB_REQUEST_H
#define HAKBENCH_JOB_REQUEST_H

#include <limits.h>
#include <stddef.h>

typedef struct {
    char revision[41];
    char variants_conf[PATH_MAX], workloads_conf[PATH_MAX]; /* the files the session reads */
    char variants_shown[PATH_MAX + 64], workloads_shown[PATH_MAX + 64]; /* as messages name
                                                     them: "harness/spec/... at 1a2b3c4d5e6f" */
    char variants[1024], workloads[1024]; /* comma-separated, canonical: NAME or SHA@NAME */
} job_request;

/* Starts a request at revision (a full sha that names a commit): the conf files are the given
 * ones, or those of the commit, written into dir. 0, or -1 with the reason in err. */
int job_request_at(job_request *r, const char *revision, const char *variants_conf,
                   const char *workloads_conf, const char *dir, char *err, size_t errlen);

/* Removes what job_request_at wrote into dir, and dir. */
void job_request_remove(const char *dir);

/* Checks the comma-separated variant specs and workload names against the conf files and
 * writes them canonical into r: REV@NAME with REV a full sha, a bare REV as SHA@default, 'all'
 * workloads as their names. exact 1 (a worker, reading the queue): every revision must already
 * be a full sha. 0, or -1 with the reason in err ("unknown variant 'x' (not in
 * harness/spec/variants.conf at 1a2b3c4d5e6f)"). */
int job_request_names(job_request *r, const char *variants, const char *workloads, int exact,
                      char *err, size_t errlen);

#endif
