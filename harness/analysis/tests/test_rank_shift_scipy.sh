#!/usr/bin/env bash
# test-timeout: 120
# rank_shift (Hodges-Lehmann shift, exact Wilcoxon / Mann-Whitney interval and p) against SciPy
# on vectors both read: rank_shift_scipy.py draws them, runs the C helper on them and checks
# every answer with Debian's python3-scipy (make deps installs it).
cd "$(dirname "$0")/../../.."
helper=build/tests/harness/analysis/rank_shift_vectors
[ -x "$helper" ] || { echo "missing $helper: run make test-build"; exit 2; }
# Debian's interpreter: the one python3-scipy belongs to, whatever else is first on PATH.
exec /usr/bin/python3 harness/analysis/tests/rank_shift_scipy.py "$helper"
