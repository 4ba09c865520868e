# shellcheck shell=bash
# Shared by the workload test scripts (sourced, run from the repo root): case counting, the
# quick command line and required RESULT fields of every workload, and the RESULT-line check.
# Each script ends with finish, which prints "N passed, N failed" and sets the exit status.

WL_BIN=build/workloads
# shellcheck disable=SC2034  # used by the scripts that source this file
WL_SHIM=build/workloads/tests/libcorrupt_shim.so
WORKLOADS="larson random_mixed tiny_hot producer_consumer thread_churn mid_large_mt
           fragmentation realloc_grow aligned thread_storm xthread_free false_share sized_delete
           large_reuse small_loop"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
not_ok() { failed=$((failed + 1)); echo "FAIL $*"; }
# expect DESCRIPTION COMMAND...: one case, passed when COMMAND succeeds.
expect() {
  local what=$1
  shift
  if "$@"; then ok "$what"; else not_ok "$what"; fi
}
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

# Arguments sized for a fraction of a second each.
declare -A QUICK=(
  [larson]="0.2 8 128 256 10 1 2"
  [random_mixed]="--cycles 200000 --ws 1024 --seed 7"
  [tiny_hot]="--iters 2000000 --batch 4"
  [producer_consumer]="--producers 2 --consumers 1 --items 200000 --seed 7"
  [thread_churn]="--threads 2 --generations 20 --objects 200 --seed 7"
  [mid_large_mt]="--threads 2 --iters 1000 --seed 7"
  [fragmentation]="--objects 20000 --seed 7"
  [realloc_grow]="--buffers 1000 --seed 7"
  [aligned]="--iters 100000 --seed 7"
  [thread_storm]="--threads 3 --rounds 2 --allocs 500 --seed 7"
  [xthread_free]="--workers 2 --seconds 0.2 --seed 7"
  [false_share]="--threads 2 --rounds 200"
  [sized_delete]="0.2 8 128 256 10 1 2"
  [large_reuse]="--iters 12 --blocks 4 --min 1M --max 4M --seed 7"
  [small_loop]="--iters 400000 --mixed 200000 --seed 7"
)

# Workload-specific RESULT fields each must print (besides workload ops seconds ops_per_sec).
declare -A FIELDS=(
  [larson]="threads allocs frees live_blocks threads_created"
  [random_mixed]="ws min_size max_size seed bytes"
  [tiny_hot]="size batch"
  [producer_consumer]="producers consumers items seed bytes"
  [thread_churn]="threads generations objects seed threads_created"
  [mid_large_mt]="threads iters seed bytes"
  [fragmentation]="objects seed rss_peak_kb live_bytes rss_kb rss_over_live rss_after_free_kb"
  [realloc_grow]="buffers max_size seed moved bytes"
  [aligned]="max_size seed bytes"
  [thread_storm]="threads rounds allocs transfers seed threads_created reallocs large_blocks bytes"
  [xthread_free]="workers size batches seed run_seconds batches_freed left_over"
  [false_share]="threads rounds objects size writes remote_frees"
  [sized_delete]="threads allocs frees live_blocks threads_created"
  [large_reuse]="threads iters blocks min_size max_size seed bytes"
  [small_loop]="size live max_size seed fixed_ns mixed_ns bytes"
  [app_redis]="requests small_rps medium_rps large_rps server_peak_rss_kb jemalloc"
)

# field LINE KEY: the value of KEY=... in a RESULT line (empty when absent).
field() {
  local tok
  for tok in $1; do
    if [[ $tok == "$2="* ]]; then
      echo "${tok#*=}"
      return
    fi
  done
}

# check_result NAME STDOUT_FILE: prints nothing and returns 0 when the file holds exactly one
# valid RESULT line for NAME with every required field; otherwise prints why and returns 1.
check_result() {
  local name=$1 out=$2 n line tok key
  n=$(grep -c '^RESULT ' "$out")
  if [ "$n" -ne 1 ]; then
    echo "  expected exactly one RESULT line, found $n"
    return 1
  fi
  line=$(grep '^RESULT ' "$out")
  for tok in ${line#RESULT }; do
    if ! [[ $tok =~ ^[a-z_]+=[^=[:space:]]+$ ]]; then
      echo "  malformed field '$tok' in: $line"
      return 1
    fi
  done
  if [ "$(field "$line" workload)" != "$name" ]; then
    echo "  workload= is not $name: $line"
    return 1
  fi
  if ! [[ $(field "$line" ops) =~ ^[1-9][0-9]*$ ]]; then
    echo "  ops= is not a positive integer: $line"
    return 1
  fi
  for key in seconds ops_per_sec; do
    if ! [[ $(field "$line" "$key") =~ ^[0-9]+\.[0-9]+$ ]]; then
      echo "  $key= is not a decimal number: $line"
      return 1
    fi
  done
  for key in ${FIELDS[$name]}; do
    if ! [[ $(field "$line" "$key") =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
      echo "  missing or non-numeric $key=: $line"
      return 1
    fi
  done
}

# run_workload NAME PRELOAD ARGS...: runs build/workloads/NAME (under LD_PRELOAD=PRELOAD when
# non-empty) with a time limit; stdout in $TMP/out, stderr in $TMP/err; returns its exit code.
run_workload() {
  local name=$1 preload=$2
  shift 2
  if [ -n "$preload" ]; then
    timeout 60 env LD_PRELOAD="$preload" "$WL_BIN/$name" "$@" >"$TMP/out" 2>"$TMP/err"
  else
    timeout 60 "$WL_BIN/$name" "$@" >"$TMP/out" 2>"$TMP/err"
  fi
}

require_workloads() {
  local w
  for w in $WORKLOADS; do
    if [ ! -x "$WL_BIN/$w" ]; then
      not_ok "$WL_BIN/$w is missing: build it with 'make workloads'"
      finish
      exit 1
    fi
  done
}

# check_fragmentation LINE: RSS must hold the live bytes, and the peak is at least the RSS.
check_fragmentation() {
  local line=$1 rss peak live
  rss=$(field "$line" rss_kb)
  peak=$(field "$line" rss_peak_kb)
  live=$(field "$line" live_bytes)
  if [ $((rss * 1024)) -lt "$live" ] || [ "$peak" -lt "$rss" ]; then
    echo "  inconsistent memory figures: rss_kb=$rss rss_peak_kb=$peak live_bytes=$live"
    return 1
  fi
}

# check_larson LINE THREADS CHUNKS: allocations = frees + live blocks, every block live at the
# end, at least one thread per worker.
check_larson() {
  local line=$1 threads=$2 chunks=$3 allocs frees live created
  allocs=$(field "$line" allocs)
  frees=$(field "$line" frees)
  live=$(field "$line" live_blocks)
  created=$(field "$line" threads_created)
  if [ "$allocs" -ne $((frees + live)) ]; then
    echo "  allocs=$allocs != frees=$frees + live_blocks=$live"
    return 1
  fi
  if [ "$live" -ne $((threads * chunks)) ]; then
    echo "  live_blocks=$live, expected threads x chunks = $((threads * chunks))"
    return 1
  fi
  if [ "$created" -lt "$threads" ]; then
    echo "  threads_created=$created < threads=$threads"
    return 1
  fi
}

# run_suite PRELOAD LABEL: every workload once with its quick arguments.
run_suite() {
  local preload=$1 label=$2 w rc line
  for w in $WORKLOADS; do
    # shellcheck disable=SC2086
    run_workload "$w" "$preload" ${QUICK[$w]}
    rc=$?
    if [ $rc -ne 0 ]; then
      not_ok "$label: $w ${QUICK[$w]} exited $rc"
      tail -5 "$TMP/err" | sed 's/^/  | /'
      continue
    fi
    if grep -q 'cannot be preloaded' "$TMP/err"; then
      not_ok "$label: $w: the dynamic loader refused $preload"
      head -2 "$TMP/err" | sed 's/^/  | /'
      continue
    fi
    if ! check_result "$w" "$TMP/out"; then
      not_ok "$label: $w prints a valid RESULT line"
      continue
    fi
    line=$(grep '^RESULT ' "$TMP/out")
    case $w in
      fragmentation) check_fragmentation "$line" || { not_ok "$label: $w memory figures"; continue; } ;;
      larson | sized_delete)
        check_larson "$line" 2 256 || { not_ok "$label: $w counts"; continue; } ;;
    esac
    ok "$label: $w prints a valid RESULT line"
  done
}

# run_apps PRELOAD LABEL SIZE: the whole-program workloads, at SIZE full or quick (the
# command lines of harness/spec/workloads.conf), finish and print their summary line.
run_apps() {
  local preload=$1 label=$2 size=$3 py_args="" sql=workloads/apps/insert_query.sql rows=20000
  local gcc_src=build/workloads/apps/gcc_full.c lua_rounds=5 lua_sum=2328524 requests=8000
  if [ "$size" = quick ]; then
    py_args=--quick sql=workloads/apps/insert_query_quick.sql rows=5000
    gcc_src=build/workloads/apps/gcc_quick.c lua_rounds=1 lua_sum=465701 requests=1500
  fi
  # shellcheck disable=SC2086
  if timeout 60 env ${preload:+LD_PRELOAD=$preload} python3 workloads/apps/alloc_heavy.py \
      $py_args >"$TMP/out" 2>"$TMP/err" && grep -q '^alloc_heavy.py: rounds=' "$TMP/out" &&
      ! grep -q 'cannot be preloaded' "$TMP/err"; then
    ok "$label: app_python (alloc_heavy.py $py_args) runs"
  else
    not_ok "$label: app_python (alloc_heavy.py $py_args) runs"
    tail -5 "$TMP/err" | sed 's/^/  | /'
  fi
  if timeout 60 env ${preload:+LD_PRELOAD=$preload} sqlite3 :memory: <"$sql" >"$TMP/out" \
      2>"$TMP/err" && grep -q "^insert_query.sql: customers=$rows " "$TMP/out" &&
      ! grep -q 'cannot be preloaded' "$TMP/err"; then
    ok "$label: app_sqlite ($sql) runs"
  else
    not_ok "$label: app_sqlite ($sql) runs"
    tail -5 "$TMP/err" | sed 's/^/  | /'
  fi
  # The compiler's object file defines the generated dispatcher: gcc really compiled it all.
  if timeout 120 env ${preload:+LD_PRELOAD=$preload} gcc -O2 -c "$gcc_src" -o "$TMP/gcc.o" \
      2>"$TMP/err" && nm "$TMP/gcc.o" | grep -q ' T dispatch$' &&
      ! grep -q 'cannot be preloaded' "$TMP/err"; then
    ok "$label: app_gcc (gcc -O2 -c $gcc_src) compiles"
  else
    not_ok "$label: app_gcc (gcc -O2 -c $gcc_src) compiles"
    tail -5 "$TMP/err" | sed 's/^/  | /'
  fi
  # The Lua script's checksum is fixed: a wrong result means a broken run.
  if timeout 60 env ${preload:+LD_PRELOAD=$preload} lua5.4 workloads/apps/alloc_heavy.lua \
      "$lua_rounds" >"$TMP/out" 2>"$TMP/err" &&
      grep -qx "alloc_heavy.lua: rounds=$lua_rounds checksum=$lua_sum" "$TMP/out" &&
      ! grep -q 'cannot be preloaded' "$TMP/err"; then
    ok "$label: app_lua (alloc_heavy.lua $lua_rounds) gives its checksum"
  else
    not_ok "$label: app_lua (alloc_heavy.lua $lua_rounds) gives checksum $lua_sum"
    cat "$TMP/out" | sed 's/^/  | /'
    tail -5 "$TMP/err" | sed 's/^/  | /'
  fi
  # app_redis: a valid RESULT line, the server ran on the preload (not jemalloc), and neither
  # a server nor its directory is left behind.
  local line
  mkdir -p "$TMP/redis"
  if TMPDIR=$TMP/redis timeout 120 env ${preload:+LD_PRELOAD=$preload} \
      workloads/apps/redis_bench.sh --requests "$requests" >"$TMP/out" 2>"$TMP/err" &&
      check_result app_redis "$TMP/out" &&
      line=$(grep '^RESULT ' "$TMP/out") && [ "$(field "$line" jemalloc)" = 0 ] &&
      [ "$(field "$line" ops)" -eq $((20 * requests)) ]; then
    ok "$label: app_redis (redis_bench.sh --requests $requests) runs on the preload"
  else
    not_ok "$label: app_redis (redis_bench.sh --requests $requests) runs on the preload"
    cat "$TMP/out" | sed 's/^/  | /'
    tail -5 "$TMP/err" | sed 's/^/  | /'
  fi
  expect "$label: app_redis leaves no server behind" no_redis_left
}

# no_redis_left: no redis-server of a redis_bench.sh run in $TMP/redis is left, nor its
# directory.
no_redis_left() {
  ! pgrep -f "redis-server unixsocket:$TMP/redis/" >/dev/null &&
    [ -z "$(ls -A "$TMP/redis")" ]
}
