#!/usr/bin/env bash
# The app_redis workload: Debian's redis-server under the allocator being measured, driven by
# redis-benchmark over a Unix socket; prints the RESULT line of workloads/README.md.
#
# Usage: workloads/apps/redis_bench.sh [--requests N] [--help]
#   N requests per test (default 10000) in each of three passes with values of 16, 256 and
#   2048 bytes; tests SET GET LPUSH LPOP SADD HSET, and LRANGE_100 in the 16-byte pass (with
#   larger values it only copies replies); 16 pipelined requests per round trip, 20 clients,
#   10,000 random keys; the database is flushed between passes.
#
# The allocator applies to redis-server only: the harness runs this script with LD_PRELOAD
# set; the script re-executes itself without it and hands it to the server alone, so neither
# bash nor the redis-benchmark client runs under the allocator being measured. Without
# LD_PRELOAD the server gets glibc's malloc (libc.so.6 is preloaded, because Debian links
# redis-server with libjemalloc). The preload is checked twice: the library must define every
# allocation function redis-server imports (else the two allocators would mix and crash), and
# after the run jemalloc's own count (INFO allocator_allocated) must be near zero unless the
# preload is jemalloc itself. Either failure exits 2.
#
# ops = requests; seconds = the sum over the tests of requests / (requests/s redis-benchmark
# measured), so server start-up, flushing and shutdown are not in the figure. Other RESULT
# fields: requests, small_rps medium_rps large_rps (each pass's requests/s), the server's
# used_memory_peak_kb (INFO) and server_peak_rss_kb (VmHWM), jemalloc (1: the server ran on
# jemalloc). The server is
# started in a temporary directory (under $TMPDIR, default /tmp) and always stopped (trap),
# also when the run fails.
set -euo pipefail
trap 'echo "redis_bench: line $LINENO: a command failed (exit $?)" >&2' ERR

if [ -n "${LD_PRELOAD:-}" ]; then
  exec env -u LD_PRELOAD REDIS_BENCH_SERVER_PRELOAD="$LD_PRELOAD" bash "$0" "$@"
fi

usage() {
  sed -n '5,9p' "$0" | sed 's/^# \{0,1\}//'
}
fail() {
  echo "redis_bench: $*" >&2
  exit 2
}

requests=10000
while [ $# -gt 0 ]; do
  case $1 in
    --requests) [ $# -ge 2 ] || fail "option '--requests' needs a value"; requests=$2; shift 2 ;;
    --requests=*) requests=${1#*=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "redis_bench: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ $requests =~ ^[1-9][0-9]{0,7}$ ]] || fail "--requests: '$requests' is not a whole number from 1 to 99999999"

server=$(command -v redis-server) || fail "redis-server is not installed (make deps)"
command -v redis-benchmark >/dev/null || fail "redis-benchmark is not installed (make deps)"
command -v redis-cli >/dev/null || fail "redis-cli is not installed (make deps)"

preload=${REDIS_BENCH_SERVER_PRELOAD:-}
[ -n "$preload" ] || preload=libc.so.6
# A bare file name is a library in the system directories, as the dynamic loader finds it.
if [[ $preload != */* ]]; then
  name=$preload
  preload=$(ldconfig -p | awk -v n="$name" '$1 == n && /x86-64/ {print $NF; exit}')
  [ -n "$preload" ] || fail "the allocator library '$name' is not in the system library directories"
fi
[ -f "$preload" ] || fail "the allocator library '$preload' does not exist"
jemalloc=$(ldd "$server" | awk '/libjemalloc/ {print $3}')
preload_real=$(readlink -f "$preload")
is_jemalloc=0
[ -n "$jemalloc" ] && [ "$preload_real" = "$(readlink -f "$jemalloc")" ] && is_jemalloc=1

# Every allocation function redis-server takes from its jemalloc must come from the preload.
defined=$(nm -D --defined-only "$preload_real" | awk '{print $3}' | sed 's/@.*//')
for f in malloc calloc realloc free malloc_usable_size; do
  grep -qx "$f" <<<"$defined" ||
    fail "$preload does not define $f, which redis-server calls: its allocator cannot be replaced"
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/redis_bench.XXXXXX")
pid=
# The server is this script's child: once it exits it stays a zombie until waited for.
server_alive() {
  [ -n "$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] &&
    kill -0 "$pid" 2>/dev/null
}
stop_server() {
  if server_alive; then
    redis-cli -s "$dir/redis.sock" shutdown nosave >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
  fi
  [ -z "$pid" ] || wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap stop_server EXIT
trap 'exit 2' INT TERM

LD_PRELOAD=$preload "$server" --port 0 --unixsocket "$dir/redis.sock" --dir "$dir" --save "" \
  --appendonly no --daemonize no --logfile "$dir/redis.log" &
pid=$!
cli() { redis-cli -s "$dir/redis.sock" "$@"; }
for _ in $(seq 200); do
  [ -S "$dir/redis.sock" ] && cli ping >/dev/null 2>&1 && break
  server_alive || { tail -5 "$dir/redis.log" >&2; fail "redis-server exited at start"; }
  sleep 0.02
done
cli ping >/dev/null 2>&1 || fail "redis-server did not answer within 4 s"

# info_field INFO NAME: a field of an INFO memory answer.
info_field() {
  tr -d '\r' <<<"$1" | awk -F: -v k="$2" '$1 == k {print $2}'
}

# RESULT keys are letters and '_' only: the requests/s of each pass by its value size.
declare -A rps_name=([16]=small_rps [256]=medium_rps [2048]=large_rps)
ops=0
total_seconds=0
rps_fields=
used_peak=0
for size in 16 256 2048; do
  tests=set,get,lpush,lpop,sadd,hset
  expect=6
  [ "$size" = 16 ] && tests=$tests,lrange_100 expect=8 # LRANGE_100 first fills a list: 2 lines
  out=$(redis-benchmark -s "$dir/redis.sock" -q --csv -n "$requests" -c 20 -P 16 -r 10000 \
    -d "$size" -t "$tests") || fail "redis-benchmark failed (with values of $size bytes)"
  tests=0
  pass_seconds=0
  while IFS=, read -r name rps _; do
    rps=${rps//\"/}
    [[ $rps =~ ^[0-9]+(\.[0-9]+)?$ ]] || continue
    tests=$((tests + 1))
    pass_seconds=$(awk -v s="$pass_seconds" -v n="$requests" -v r="$rps" 'BEGIN {printf "%.6f", s + n / r}')
  done <<<"$out"
  [ "$tests" -eq "$expect" ] || fail "redis-benchmark reported $tests tests, expected $expect: $out"
  ops=$((ops + tests * requests))
  total_seconds=$(awk -v a="$total_seconds" -v b="$pass_seconds" 'BEGIN {printf "%.6f", a + b}')
  rps_fields="$rps_fields ${rps_name[$size]}=$(awk -v n="$((tests * requests))" -v s="$pass_seconds" 'BEGIN {printf "%.1f", n / s}')"
  info=$(cli info memory)
  peak=$(info_field "$info" used_memory_peak)
  [ "$peak" -gt "$used_peak" ] && used_peak=$peak
  allocated=$(info_field "$info" allocator_allocated)
  used=$(info_field "$info" used_memory)
  cli flushall >/dev/null
done

# jemalloc's count of what it holds, against what redis counts it holds: near zero when the
# preload took over, close to it when the server runs on jemalloc.
if [ $is_jemalloc -eq 1 ]; then
  [ "$allocated" -ge $((used / 2)) ] ||
    fail "the server should run on jemalloc, but jemalloc holds $allocated of $used bytes"
else
  [ "$allocated" -lt $((used / 4)) ] ||
    fail "LD_PRELOAD=$preload did not replace redis-server's allocator (jemalloc holds $allocated of $used bytes)"
fi
server_rss=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")

awk -v ops="$ops" -v s="$total_seconds" -v rest="requests=$requests$rps_fields used_memory_peak_kb=$((used_peak / 1024)) server_peak_rss_kb=$server_rss jemalloc=$is_jemalloc" \
  'BEGIN {printf "RESULT workload=app_redis ops=%d seconds=%.6f ops_per_sec=%.1f %s\n", ops, s, ops / s, rest}'
