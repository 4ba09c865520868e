#!/usr/bin/env bash
# test-timeout: 300
# FAULT_DELAY_NS with FAULT_DELAY_EVERY: the spin happens on every N-th malloc of a thread only.
# With a 200 ms spin every 1000th malloc, tiny_hot (one malloc per iteration) making 400 mallocs
# pays no spin and making 3500 pays three; a build that spun on every malloc would not finish
# within the time limit. FAULT_DELAY_NS=0 compiles no counter at all (no hak_fault_tick symbol),
# FAULT_DELAY_EVERY=0 does not build.
set -u
cd "$(dirname "$0")/../.." || exit 2
pass=0
fail=0
check() { # name, then a command that succeeds when the check holds
    name=$1
    shift
    if "$@"; then pass=$((pass + 1)); echo "ok   $name"; else fail=$((fail + 1)); echo "FAIL $name"; fi
}
lib_of() { make -s --no-print-directory "$@" alloc-lib-path 2>&1 | tail -1; }
# Wall seconds of tiny_hot with ITERS malloc/free pairs under LIB (prints 999 when it fails).
elapsed() {
    local t0 t1
    t0=$(date +%s%N)
    if ! LD_PRELOAD=$1 timeout 20 build/workloads/tiny_hot --iters "$2" --size 32 > /dev/null; then
        echo 999
        return
    fi
    t1=$(date +%s%N)
    awk -v d=$((t1 - t0)) 'BEGIN { printf "%.3f", d / 1e9 }'
}
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }

spread=$(lib_of FAULT_DELAY_NS=200000000 FAULT_DELAY_EVERY=1000)
[ -f "$spread" ] || { echo "FAIL cannot build FAULT_DELAY_NS=200000000 FAULT_DELAY_EVERY=1000: $spread"; exit 1; }
quiet=$(lib_of FAULT_DELAY_NS=0 FAULT_DELAY_EVERY=1000)
[ -f "$quiet" ] || { echo "FAIL cannot build FAULT_DELAY_NS=0 FAULT_DELAY_EVERY=1000: $quiet"; exit 1; }

few=$(elapsed "$spread" 400)
many=$(elapsed "$spread" 3500)
echo "400 mallocs: ${few} s, 3500 mallocs: ${many} s (spin 0.2 s every 1000th malloc)"
check "400 mallocs pay no 0.2 s spin" ge 0.15 "$few"
check "3500 mallocs pay about three spins (>= 0.45 s)" ge "$many" 0.45
check "3500 mallocs do not spin on every malloc (< 20 s)" ge 20 "$many"
check "FAULT_DELAY_NS=0 runs at full speed" ge 0.15 "$(elapsed "$quiet" 3500)"
check "the delayed build has its per-thread counter" eval "nm '$spread' | grep -q ' hak_fault_tick$'"
check "FAULT_DELAY_NS=0 compiles no counter" eval "! nm '$quiet' | grep -q hak_fault_tick"
out=$(make -s --no-print-directory FAULT_DELAY_EVERY=0 alloc-lib-path 2>&1)
rc=$?
check "FAULT_DELAY_EVERY=0 does not build" [ "$rc" -ne 0 ]
check "... and says why" grep -q 'FAULT_DELAY_EVERY must be in' <<<"$out"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
