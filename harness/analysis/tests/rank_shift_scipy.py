#!/usr/bin/python3
"""Known answers for harness/analysis/rank_shift.c from SciPy, on vectors shared with the C code.

The vectors are drawn here (seeded), given to the C helper `rank_shift_vectors`, and every
answer is checked against SciPy's public API:
  - p against scipy.stats.wilcoxon / mannwhitneyu with method='exact';
  - the estimate against the median of the Walsh averages / pairwise differences;
  - each interval end by test inversion: SciPy's exact test rejects the shift just outside the
    end at level alpha and does not reject it just inside, which is what makes an interval
    exact (and consistent with p).
Usage: rank_shift_scipy.py PATH-TO-rank_shift_vectors (test_rank_shift_scipy.sh runs it). Prints "N passed, N failed"."""
import subprocess
import sys

import numpy as np
from scipy import stats

helper = sys.argv[1]
rng = np.random.default_rng(20261202)
cases = []  # (kind, alpha, x, y)
for n in [6, 7, 8, 10, 12, 15, 20, 25, 30, 40]:
    for shift in [0.0, 0.03, -0.08]:
        d = rng.normal(shift, 0.04, n)
        cases.append(("paired", 0.05, d, None))
for n in [9, 16]:
    cases.append(("paired", 0.01, rng.normal(0.02, 0.03, n), None))
for nx, ny in [(3, 4), (5, 5), (6, 9), (10, 10), (12, 15), (20, 20)]:
    for shift in [0.0, 0.05]:
        x = rng.normal(0, 0.04, nx)
        y = rng.normal(shift, 0.04, ny)
        cases.append(("unpaired", 0.05, x, y))


def fmt(v):
    return " ".join(repr(float(t)) for t in v)


lines = []
for kind, alpha, x, y in cases:
    if kind == "paired":
        lines.append(f"paired {alpha} {len(x)} {fmt(x)}")
    else:
        lines.append(f"unpaired {alpha} {len(x)} {fmt(x)} {len(y)} {fmt(y)}")
out = subprocess.run([helper], input="\n".join(lines) + "\n", capture_output=True, text=True,
                     check=True).stdout.split("\n")

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL  {name} {detail}")


def p_of(kind, x, y, s):
    """SciPy's exact two-sided p for the null 'shift = s'."""
    if kind == "paired":
        return stats.wilcoxon(x - s, method="exact").pvalue
    return stats.mannwhitneyu(x, y - s, method="exact", alternative="two-sided").pvalue


for i, (kind, alpha, x, y) in enumerate(cases):
    est, lo, hi, p, level = (float(t) for t in out[i].split())
    name = f"{kind} case {i} (n={len(x)}{'' if y is None else f', m={len(y)}'})"
    if kind == "paired":
        w = np.sort([(x[a] + x[b]) / 2 for a in range(len(x)) for b in range(a, len(x))])
    else:
        w = np.sort([yj - xi for xi in x for yj in y])
    check(name + " estimate", abs(est - np.median(w)) < 1e-12, f"{est} vs {np.median(w)}")
    ref = p_of(kind, x, y, 0.0)
    check(name + " p", abs(p - ref) < 1e-12, f"{p} vs scipy {ref}")
    check(name + " p <= alpha iff the interval excludes 0", (p <= alpha) == (lo > 0 or hi < 0))
    gap = np.min(np.diff(w)) / 4
    for end, sign in [(lo, 1), (hi, -1)]:
        if np.isinf(end):  # too few values for the level: no shift at all is rejected
            far = w[0] - 1 if sign > 0 else w[-1] + 1
            check(name + " no interval: even an extreme shift is kept",
                  p_of(kind, x, y, far) > alpha)
            continue
        inside = p_of(kind, x, y, end + sign * gap)
        outside = p_of(kind, x, y, end - sign * gap)
        check(name + f" interval end {end:.6f} is exact", outside <= alpha < inside,
              f"p just outside {outside}, just inside {inside}")
    check(name + " coverage >= 1 - alpha", level >= 1 - alpha - 1e-12)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
