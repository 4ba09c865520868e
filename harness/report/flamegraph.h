/* A differential flame graph as SVG (after Brendan Gregg's difffolded): every call path of B's
 * profile as a box, callers below callees, as wide as B's inclusive share of its samples;
 * coloured by how that share moved from A: red grew, blue shrank, white stayed. Paths gone in B
 * have no width (the function table lists them). Each box's <title> gives A's and B's shares.
 * Deterministic: the same profiles give the same bytes. */
#ifndef HAKBENCH_FLAMEGRAPH_H
#define HAKBENCH_FLAMEGRAPH_H

#include "analysis/profile_diff.h"

/* Writes the SVG to path. 0, or -1 when it cannot be written. */
int flamegraph_write_svg(const char *path, const char *title, const profile_diff *d);

#endif
