#!/bin/sh
# One step of `git bisect run`: is the checked-out commit slower than a good reference?
# Builds the allocator of the current checkout (HEAD@VARIANT, through hakbench's cached
# worktree builds), runs the workload interleaved against the good reference in one session with
# the decision procedure's looks, and decides as `hakbench bisect` does (docs/statistics.md):
# regression or failure bad; equivalent, below delta or an improvement good; still inconclusive
# after the last look skip; a library byte for byte the reference's good without runs.
# Everything it knows comes from hakbench's exit codes and its JSON (no SQL here). Exit status,
# as git bisect run expects: 0 good, 1 bad (slower, crashed, out of memory), 125 skip (this
# commit does not build, or could not be decided), 128 abort the bisect (the harness could not
# measure, or the reference does not build).
#
# git checks out old commits while bisecting, which may lack this script or hakbench, so copy
# both out first:
#   cp harness/builds/bisect_step.sh hakbench /tmp/
#   git bisect start --first-parent BAD GOOD
#   git bisect run /tmp/bisect_step.sh --good GOOD --hakbench /tmp/hakbench [--quick]
#   git bisect reset
set -u

usage() {
    cat <<'USAGE'
usage: bisect_step.sh --good REV [--workloads W] [--variants NAME] [--delta PCT] [--quick]
                      [--runs N] [--db PATH] [--hakbench PATH]
  --good REV        the good reference commit (or $BISECT_GOOD)
  --workloads W     one workload, default larson ($BISECT_WORKLOAD); --workload too
  --variants NAME   one hakmem variant of harness/spec/variants.conf, default 'default'
                    ($BISECT_VARIANT); --variant too
  --delta PCT       the smallest regression sought, in percent, default 2 ($BISECT_THRESHOLD);
                    --threshold too
  --quick           quick workload arguments ($BISECT_QUICK=1)
  --runs N          blocks per look, default hakbench's ($BISECT_RUNS)
  --db PATH         results database, default results/hakmem.db ($BISECT_DB)
  --hakbench PATH   the hakbench binary, default ./hakbench ($HAKBENCH)
Exit: 0 good, 1 bad, 125 skip (does not build, or undecided), 128 abort (could not measure).
USAGE
}

good=${BISECT_GOOD:-}
workload=${BISECT_WORKLOAD:-larson}
variant=${BISECT_VARIANT:-default}
threshold=${BISECT_THRESHOLD:-2}
quick=${BISECT_QUICK:-0}
runs=${BISECT_RUNS:-}
db=${BISECT_DB:-results/hakmem.db}
hakbench=${HAKBENCH:-./hakbench}
while [ $# -gt 0 ]; do
    case $1 in
    --good) good=$2; shift 2 ;;
    --workloads | --workload) workload=$2; shift 2 ;;
    --variants | --variant) variant=$2; shift 2 ;;
    --delta | --threshold) threshold=$2; shift 2 ;;
    --quick) quick=1; shift ;;
    --runs) runs=$2; shift 2 ;;
    --db) db=$2; shift 2 ;;
    --hakbench) hakbench=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "bisect_step.sh: unknown argument '$1'" >&2; usage >&2; exit 128 ;;
    esac
done
abort() {
    echo "bisect_step.sh: $*" >&2
    exit 128
}
[ -n "$good" ] || abort "--good REV is required (the commit without the regression)"
[ -x "$hakbench" ] || abort "no hakbench at '$hakbench' (give --hakbench PATH, copied out of the tree)"
case $threshold in '' | *[!0-9.]*) abort "--delta takes a percentage, e.g. 5" ;; esac
case $workload in '' | *[!A-Za-z0-9_-]*) abort "--workloads takes one workload name, not '$workload'" ;; esac
case $variant in '' | *[!A-Za-z0-9_.-]*) abort "'$variant' is not a variant name" ;; esac
case $hakbench in /*) ;; *) hakbench=$(pwd)/$hakbench ;; esac
case $db in /*) ;; *) db=$(pwd)/$db ;; esac
top=$(git rev-parse --show-toplevel) || abort "not in a git repository"
cd "$top" || abort "cannot enter $top"
rev=$(git rev-parse --verify HEAD) || abort "no HEAD"
ref=$(git rev-parse --verify --quiet "$good^{commit}") || abort "'$good' names no commit"
quick_opt=
[ "$quick" = 1 ] && quick_opt=--quick

ref_lib=$("$hakbench" build "$ref@$variant" --db "$db" -q) ||
    abort "the good reference $ref does not build as $variant (or the database failed)"
# hakbench build: exit 1 means the commit does not build (recorded as build-failed), 2 that the
# harness could not try. It prints the library's path.
rev_lib=$("$hakbench" build "$rev@$variant" --db "$db" -q 2> /dev/null)
case $? in
0) ;;
1)
    echo "bisect_step.sh: $rev does not build: skip" >&2
    exit 125
    ;;
*) abort "building $rev failed for another reason than the build itself" ;;
esac
[ "$rev" = "$ref" ] && exit 0
# A library byte for byte the reference's runs the same code (the commit changes something else).
if cmp -s "$ref_lib" "$rev_lib"; then
    echo "bisect_step.sh: $rev: same library as $ref, good without runs" >&2
    exit 0
fi

# Exit 1 means runs failed (the commit crashes, runs out of memory): a result compare judges.
out=$("$hakbench" run --variants "$ref@$variant,$rev@$variant" --workloads "$workload" \
    ${runs:+--runs "$runs"} --delta "$threshold" $quick_opt --no-counters --db "$db" -q)
[ $? -le 1 ] || abort "hakbench run failed"
session=$(printf '%s\n' "$out" | sed -n 's/^session \([0-9][0-9]*\)$/\1/p' | tail -n 1)
[ -n "$session" ] || abort "hakbench run printed no session id"
json=$("$hakbench" compare "$ref@$variant" "$rev@$variant" --session "$session" \
    --workloads "$workload" --db "$db" --format json)
[ $? -le 1 ] || abort "hakbench compare failed on session $session"
# A field of the workload's comparison (hakbench-compare/2), parsed as JSON.
field() {
    printf '%s' "$json" | python3 -c 'import json, sys
c = json.load(sys.stdin)["comparisons"][0][sys.argv[1]]
print("" if c is None else c)' "$1"
}
verdict=$(field verdict)
change=$(field change)
failed_a=$(field failed_a)
[ -n "$verdict" ] || abort "no verdict for $workload in session $session"
[ "${failed_a:-0}" = 0 ] || abort "the good reference failed runs in session $session: cannot judge"
echo "bisect_step.sh: $rev: $verdict, change $change (session $session)" >&2
case $verdict in
regression | failed) exit 1 ;;
equivalent | improvement | changed-below-delta) exit 0 ;;
esac
# Inconclusive after the last look: this commit cannot be told good or bad; never take it
# for good.
exit 125
