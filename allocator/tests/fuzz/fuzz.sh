#!/usr/bin/env bash
# Runs the libFuzzer targets built by allocator/tests/fuzz/build.mk (from the repository root).
#   fuzz.sh replay [TARGET...]        every committed input (corpus/<t>/, regress/<t>/) once
#   fuzz.sh run SECONDS [TARGET...]   fuzz each target SECONDS, starting from its committed
#                                     inputs; new inputs go to $FUZZ_WORK/<t> (default
#                                     build/fuzz/work, kept between runs), findings to
#                                     build/fuzz/findings/<t>/, logs to $FUZZ_LOGS/<t>-run.log
#                                     (default build/fuzz)
# TARGET: seq, mt, diff (default all). One result line per target (exec/s and libFuzzer's
# cov:/ft: for runs), then "N passed, N failed"; exits 1 on any finding.
set -u
here=allocator/tests/fuzz
mode=${1:?usage: fuzz.sh replay|run [SECONDS] [TARGET...]}
shift
seconds=0
if [ "$mode" = run ]; then
  seconds=${1:?usage: fuzz.sh run SECONDS [TARGET...]}
  shift
fi
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(seq mt diff)
work=${FUZZ_WORK:-build/fuzz/work}
# Logs per target and mode; make test's bounded run keeps its own (FUZZ_LOGS), so a
# `make fuzz` running meanwhile does not write into the same files.
logs=${FUZZ_LOGS:-build/fuzz}
# Inputs above 2 KiB decode to no more operations (FZ_MAX_OPS); 20 s is far above any input's
# time (a slow input is a finding); the RSS limit is well above the decoder's live-bytes cap.
fuzz_opts=(-max_len=2048 -timeout=20 -rss_limit_mb=2048 -print_final_stats=1)
passed=0
failed=0

for t in "${targets[@]}"; do
  bin=build/fuzz/fuzz_$t
  findings=build/fuzz/findings/$t
  log=$logs/$t-$mode.log
  mkdir -p "$findings" "$work/$t" "$logs"
  inputs=()
  for d in "$here/corpus/$t" "$here/regress/$t"; do
    [ -d "$d" ] && inputs+=("$d")
  done
  if [ "$mode" = replay ]; then
    files=()
    for d in "${inputs[@]}"; do
      for f in "$d"/*; do [ -f "$f" ] && files+=("$f"); done
    done
    "$bin" "${fuzz_opts[@]}" "${files[@]}" >"$log" 2>&1
    rc=$?
    summary="${#files[@]} committed inputs"
  else
    "$bin" "${fuzz_opts[@]}" -max_total_time="$seconds" -artifact_prefix="$findings/" \
      "$work/$t" "${inputs[@]}" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    # -a: libFuzzer's log quotes dictionary entries, binary bytes included.
    cov=$(grep -aoE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
    summary="${seconds}s, ${execs:-?} execs, ${rate:-?} exec/s, ${cov:-no coverage line}"
  fi
  if [ $rc -eq 0 ]; then
    echo "PASS fuzz_$t: $summary"
    passed=$((passed + 1))
    continue
  fi
  failed=$((failed + 1))
  echo "FAIL fuzz_$t (exit $rc): $summary; log: $log"
  grep -aE '^(fuzz|differential|hakmem|==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)' "$log" |
    head -20 | sed 's/^/  | /'
  crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
  if [ -n "$crash" ]; then
    echo "  minimize: $bin -minimize_crash=1 -runs=20000 -exact_artifact_path=$crash.min $crash"
    echo "  then keep it: cp $crash.min $here/regress/$t/<what-it-breaks> (see $here/README.md)"
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
