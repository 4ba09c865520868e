/* The outputs of `hakbench compare`: the comparisons of two variants (analysis/compare.h) as a
 * text table (comparison_text.c) or a JSON document, hakbench-compare/2 (comparison_json.c). */
#ifndef HAKBENCH_COMPARISON_H
#define HAKBENCH_COMPARISON_H

#include <stdint.h>
#include <stdio.h>

#include "analysis/compare.h"
#include "store/machines.h"

typedef struct {
    int64_t session_a, session_b; /* A's runs and B's; the same session when interleaved */
    const char *a, *b;            /* specs */
    const char *metric;           /* time | instructions */
    int machines;                 /* fingerprints behind the two sessions (2 only with --force) */
    const machine_info *machine;  /* B's session's: the machine the numbers are of */
    const comparison *cmp;        /* one per workload */
    int n;
} comparison_view;

void comparison_write_text(FILE *f, const comparison_view *v);
/* 0, or -1 on a write error. */
int comparison_write_json(FILE *f, const comparison_view *v);

#endif
