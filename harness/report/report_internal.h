/* Shared by the session report's writers. Calls go one way: session_markdown.c (layout,
 * evidence tables) -> session_advice.c (TL;DR, severity, ranked next steps, reproduce commands)
 * and session_profile.c (where the time goes) -> session_view.c (reading a report_data). Not for
 * other modules: they use report.h. */
#ifndef HAKBENCH_REPORT_INTERNAL_H
#define HAKBENCH_REPORT_INTERNAL_H

#include <stdio.h>

#include "report/report.h"

/* session_view.c */
const char *report_unit(const report_data *r);
const report_variant *report_a(const report_data *r);
const report_variant *report_b(const report_data *r);
const report_cell *report_cell_at(const report_data *r, int w, int v);
void report_safe_name(char *dst, size_t len, const char *src);
/* The file name of a path, for links beside the report. */
const char *report_base_name(const char *path);
/* out_path without its ".md": plots are named <stem>-<what>.png beside the report. */
void report_plot_stem(char *dst, size_t len, const char *out_path);
/* What the runs did: "were killed for exceeding the memory cap", "crashed (SIGSEGV, signal
 * 11)", ... */
void report_outcome_text(char *buf, size_t len, const report_failure *f);
/* "SIGSEGV" for 11, "signal" for one without a name here. */
const char *report_signal_name(int sig);

/* Verdicts are read through these calls only, so that the decision procedure of analysis/
 * (its comparison struct and verdicts) can change in one place. */
/* The comparison of A and B on workload w; NULL when they were not compared there. */
const comparison *report_cmp(const report_data *r, int w);
/* 1 when A and B were compared on w with verdict v. */
int report_verdict_is(const report_data *r, int w, verdict_t v);
/* 1 when compared with ok runs of both: the change and its interval mean something. */
int report_has_numbers(const report_data *r, int w);

/* A memory verdict of B against A on one workload. */
typedef struct {
    const char *what;  /* "peak RSS" | "RSS after free" */
    int regression;    /* 1: B holds more memory (a memory regression), 0: less */
    double a_kb, b_kb; /* A's and B's medians */
} report_memory;
/* The memory changes of workload w (at most 2: the regressions and improvements of its peak RSS
 * and RSS after free, by the decision procedure), as the TL;DR ranks them. */
int report_memory_verdicts(const report_data *r, int w, report_memory out[2]);

/* session_advice.c */
/* "high" (failures, or a regression of 10% or more), "medium", "low" or "none". */
const char *report_severity(const report_data *r, report_verdict v);
/* A counter change worth a headline: by this factor or more, either way. */
#define REPORT_COUNTER_NOTABLE 1.5
/* ... and, for a per-operation counter, at least this many events per operation. */
#define REPORT_COUNTER_MIN_RATE 0.001
/* Counter table rows: changes smaller than this factor are left out as noise. */
#define REPORT_COUNTER_SHOWN 1.05

/* The allocator counter with the largest notable change, from the headline workload when it
 * has one, else over all workloads; NULL when none is notable. */
void report_top_counter(const report_data *r, const report_counter **top, int *workload);

/* "refills on larson: 40× per operation (0.001 → 0.04)" or "... only in B (0 → 0.7 per
 * operation)". */
void report_write_counter_change(FILE *f, const report_counter *c, const char *workload);

/* The title's finding: the strongest change first ("+17.8% on tiny_hot, no regression",
 * "−20.3% on larson (regression)", "peak RSS 15× on larson (memory regression); 3 of 3
 * workloads failed"), or the verdict when nothing was decided. */
void report_write_headline(FILE *f, const report_data *r, report_verdict v);
void report_write_tldr(FILE *f, const report_data *r, report_verdict v);
void report_write_next_steps(FILE *f, const report_data *r, report_verdict v,
                             const report_options *o);
void report_write_reproduce(FILE *f, const report_data *r, const report_options *o);

/* session_profile.c */
/* "On tiny_hot, hak_spin (inline in hak_malloc) 0.0% → 34.5% (+34.5 pts) of the samples
 * carries the change; then ..." for a workload with profiles. */
void report_write_profile_sentence(FILE *f, const report_data *r, int w);
/* The profiles of every profiled workload: sentence, function table, chains, flame graph
 * (written beside the report; none when o is NULL), callgrind table; or why there are none. */
void report_write_profiles(FILE *f, const report_data *r, const report_options *o);

#endif
