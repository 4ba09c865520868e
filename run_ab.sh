#!/usr/bin/env bash
# run_ab.sh: the A/B entry point. Builds what is needed, measures variant B against variant A
# with hakbench's decision procedure (interleaved blocks in looks, Hodges-Lehmann changes with
# exact rank intervals, Holm across the workloads: docs/statistics.md), writes a markdown
# report with plots and prints the report's path as the last line.
#
# Exit status: 0 no regression, 1 a regression, a memory regression or a failed run (crash,
# oom, ...) of A or B, 2 could not compare (bad arguments, unknown variant, missing revision,
# build failure, unwritable report path).
set -uo pipefail

usage() {
  cat <<'USAGE'
usage: ./run_ab.sh [options] [A] [B]

Compares allocator variant B against A and writes a markdown report (with gnuplot plots
beside it): verdict, TL;DR, per-workload results with their intervals, memory, where the
time goes (profiles, flame graphs), the allocator counters that moved most, failures, ranked
next steps, reproduce commands, environment.
The verdicts come from hakbench's decision procedure (docs/statistics.md): blocks of A and B
in looks of --runs blocks, at most 3 looks; a workload stops at the first look that decides
it; the workloads form one Holm family. `make calibrate` measures its false-positive rate and
power on this machine.

  A, B               variant specs as hakbench takes them: NAME (harness/spec/variants.conf),
                     REV (the default build at a git revision) or REV@NAME, e.g.
                     baseline, HEAD~3@fastpath, mimalloc.  Defaults: A=baseline B=fastpath
                     (both at the current work tree).
  --quick            a smoke run: three workloads, looks of 6 blocks: about a minute
  --full             the workloads' full arguments (1-2 s a run) instead of the short ones
                     (0.2-0.5 s) the default uses: slower, for changes the short runs miss
  --workloads LIST   comma-separated workloads (default: larson,random_mixed,tiny_hot,
                     mid_large_mt,fragmentation; with --quick: larson,tiny_hot,random_mixed);
                     'all' for every one
  --runs N           blocks per look (default 10, 6 with --quick)
  --looks K          looks at most (default 3)
  --db PATH          results database (default results/hakmem.db)
  --out FILE         the report (default reports/ab-<UTC timestamp>-<A>-vs-<B>.md)
  --mem-limit MB     memory cap of each run; above it the run is killed and recorded as
                     'oom' (default 256 MB with the short arguments, so that a leak shows
                     within the short runs: they peak below 30 MB; hakbench's 2048 with --full)
  --no-profile       skip the profiles: by default A and B are profiled after the measured
                     runs on every workload where they are not equivalent (perf record with
                     call graphs, callgrind on single-threaded workloads: about 5-30 s each)
  --peers            also run glibc (system), jemalloc, mimalloc, tcmalloc and tbbmalloc in
                     the first look (references: no further looks); the report adds a table of
                     every workload as ratios to glibc
  -h, --help         this text

Exit status: 0 no regression, 1 a regression, memory regression or failed run found, 2 could
not compare.
Examples:
  ./run_ab.sh                          # does the tiny fast path pay? (under 5 minutes)
  ./run_ab.sh --quick baseline slow5   # a one-minute smoke comparison
  ./run_ab.sh HEAD~1 HEAD              # the last commit against its parent
USAGE
}

die() { # exit 2 with a message: the comparison could not be made
  echo "run_ab: $*" >&2
  exit 2
}

quick=0 full=0 runs="" looks="" workloads="" mem_limit="" db=results/hakmem.db out="" peers=0
profile=1
specs=()
while [ $# -gt 0 ]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --quick) quick=1 ;;
    --full) full=1 ;;
    --peers) peers=1 ;;
    --no-profile) profile=0 ;;
    --runs|--looks|--workloads|--db|--out|--mem-limit)
      [ $# -ge 2 ] || die "$1 needs a value (see --help)"
      case $1 in
        --runs) runs=$2 ;;
        --looks) looks=$2 ;;
        --mem-limit) mem_limit=$2 ;;
        --workloads) workloads=$2 ;;
        --db) db=$2 ;;
        --out) out=$2 ;;
      esac
      shift ;;
    --runs=*) runs=${1#*=} ;;
    --looks=*) looks=${1#*=} ;;
    --mem-limit=*) mem_limit=${1#*=} ;;
    --workloads=*) workloads=${1#*=} ;;
    --db=*) db=${1#*=} ;;
    --out=*) out=${1#*=} ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) specs+=("$1") ;;
  esac
  shift
done
# Everything runs from the repository root; paths typed relative to another folder keep
# pointing where the user meant.
here=$PWD
cd "$(dirname "$0")" || die "cannot enter the repository folder"
if [ "$PWD" != "$here" ]; then
  [ -z "$out" ] || [[ $out == /* ]] || out=$here/$out
  [[ $db == /* ]] || [ "$db" = results/hakmem.db ] || db=$here/$db
fi
[ ${#specs[@]} -le 2 ] || die "at most two variants (A and B), got ${#specs[@]}: ${specs[*]}"
A=${specs[0]:-baseline}
B=${specs[1]:-fastpath}
[ "$A" != "$B" ] || die "A and B are the same variant ('$A'): compare two different ones"
if [ -n "$runs" ] && ! [[ $runs =~ ^[1-9][0-9]*$ ]]; then
  die "--runs wants a positive number of runs, got '$runs'"
fi
if [ -n "$looks" ] && ! [[ $looks =~ ^[1-9][0-9]*$ ]]; then
  die "--looks wants a positive number of looks, got '$looks'"
fi
[ $quick -eq 1 ] && [ $full -eq 1 ] && die "--quick and --full exclude each other"
if [ -n "$mem_limit" ] && ! [[ $mem_limit =~ ^[1-9][0-9]*$ ]]; then
  die "--mem-limit wants a size in MB, got '$mem_limit'"
fi
[ -n "$runs" ] && [ "$runs" -lt 3 ] && die "--runs $runs is too few for a confidence interval: use 3 or more"
# What runs: --quick and the default use the workloads' short arguments, --full the long ones.
short=$((1 - full))
if [ -z "$workloads" ]; then
  if [ $quick -eq 1 ]; then
    workloads=larson,tiny_hot,random_mixed
  else
    workloads=larson,random_mixed,tiny_hot,mid_large_mt,fragmentation
  fi
fi
[[ $workloads =~ ^[A-Za-z0-9_]+(,[A-Za-z0-9_]+)*$ ]] ||
  die "--workloads wants comma-separated names, got '$workloads'"

# The report path is checked before anything is measured: a run of minutes must not end in
# "cannot write".
if [ -z "$out" ]; then
  safe() { printf '%s' "$1" | sed 's/[^A-Za-z0-9._-]/_/g'; }
  out="reports/ab-$(date -u +%Y%m%dT%H%M%SZ)-$(safe "$A")-vs-$(safe "$B").md"
fi
case $out in */) die "--out '$out' is a folder; give a file name such as $out/report.md" ;; esac
out_dir=$(dirname "$out")
[ "$out_dir" != reports ] || mkdir -p reports
[ -d "$out_dir" ] || die "the report folder '$out_dir' does not exist (create it or choose another --out)"
[ ! -d "$out" ] || die "--out '$out' is a folder; give a file name"
# A real write, not [ -w ]: root passes -w on read-only and pseudo file systems.
existed=0
[ -e "$out" ] && existed=1
( : >>"$out" ) 2>/dev/null || die "cannot write the report '$out' (choose another --out)"
[ $existed -eq 1 ] || rm -f "$out"
db_dir=$(dirname "$db")
[ "$db_dir" != results ] || mkdir -p results
[ -d "$db_dir" ] || die "the database folder '$db_dir' does not exist (create it or choose another --db)"

# Setup: Debian packages (quietly, only when something is missing), then the build.
mkdir -p build
if ! make --no-print-directory -s deps >build/run_ab-deps.log 2>&1; then
  sed 's/^/  /' build/run_ab-deps.log >&2
  die "required Debian packages are missing: run 'make deps' as root (or the apt-get line above), then try again"
fi
echo "run_ab: building (log: build/run_ab-make.log)" >&2
if ! make -j2 all >build/run_ab-make.log 2>&1; then
  tail -n 20 build/run_ab-make.log | sed 's/^/  /' >&2
  die "the build failed (full log: build/run_ab-make.log); fix it and run again"
fi

variants="$A,$B"
if [ $peers -eq 1 ]; then
  for p in system jemalloc mimalloc tcmalloc tbbmalloc; do
    [ "$p" = "$A" ] || [ "$p" = "$B" ] || variants="$variants,$p"
  done
fi
run_args=(run --variants "$variants" --workloads "$workloads" --db "$db")
[ $short -eq 1 ] && run_args+=(--quick)
[ $profile -eq 1 ] && run_args+=(--profile)
# Blocks per look: the procedure's default (10; the calibrated one, `make calibrate`), 6 for
# the smoke run.
[ -z "$runs" ] && [ $quick -eq 1 ] && runs=6
[ -n "$runs" ] && run_args+=(--runs "$runs")
[ -n "$looks" ] && run_args+=(--looks "$looks")
[ -z "$mem_limit" ] && [ $short -eq 1 ] && mem_limit=256
[ -n "$mem_limit" ] && run_args+=(--mem-limit "$mem_limit")

echo "run_ab: ./hakbench ${run_args[*]}" >&2
run_out=$(./hakbench "${run_args[@]}")
run_rc=$?
session=$(printf '%s\n' "$run_out" | sed -n 's/^session \([0-9][0-9]*\)$/\1/p' | tail -n 1)
if [ -z "$session" ]; then
  die "hakbench run could not compare '$A' with '$B' (exit $run_rc; its message is above)"
fi

report_args=(report --session "$session" --db "$db" --out "$out" --a "$A" --b "$B")
[ $peers -eq 1 ] && report_args+=(--peers)
./hakbench "${report_args[@]}" >/dev/null
report_rc=$?
[ $report_rc -le 1 ] || die "hakbench report failed for session $session (exit $report_rc)"
# hakbench run exits 1 when runs failed (crashes, OOM kills: results the report judges) and 2
# when it could not measure, e.g. a variant that did not build (the report shows its log).
if [ $run_rc -ge 2 ]; then
  echo "run_ab: hakbench run ended with exit $run_rc: A or B could not be measured" >&2
  echo "$out"
  exit 2
fi
case $report_rc in
  0) echo "run_ab: no regression of $B against $A (session $session)" >&2 ;;
  1) echo "run_ab: $B regressed or failed against $A (session $session); see the report" >&2 ;;
esac
echo "$out"
exit $report_rc
