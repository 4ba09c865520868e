#!/usr/bin/env bash
# test-timeout: 300
# The heap-misuse suite as a regression test (README.md in this folder): every case that
# expected.txt lists as caught by the release library (default) or the HAKMEM_SECURE=3 library
# (secure) must still be caught: killed by a signal, or no observable effect (exit 0). A listed
# case with an effect (exit 3), a hang or an error fails. Catches not in expected.txt are listed
# (add them). The libraries are libhakmem.so's flag set (make alloc-lib-path) and
# build/alloc-secure/libhakmem.so (make builds both for make test; built here when missing).
set -u
cd "$(dirname "$0")/../../.." || exit 2
dir=allocator/tests/misuse
work=$(mktemp -d /tmp/hakmem-misuse-XXXXXX)
trap 'rm -rf "$work"' EXIT

default_lib=$(make -s --no-print-directory -j1 alloc-lib-path 2>&1 | tail -n 1)
[ -f "$default_lib" ] || { echo "FAIL cannot build the release library: $default_lib"; exit 1; }
secure_lib=build/alloc-secure/libhakmem.so
if ! make -s --no-print-directory -j1 "$secure_lib" >"$work/make.log" 2>&1; then
    echo "FAIL cannot build $secure_lib:"
    tail -n 5 "$work/make.log"
    exit 1
fi
echo "default: $default_lib"
echo "secure:  $PWD/$secure_lib"

if ! "$dir/run_misuse.sh" --allocators default,secure --lib "default=$default_lib" \
    --lib "secure=$PWD/$secure_lib" --results "$work/results" >"$work/table" 2>"$work/run.log"; then
    echo "FAIL run_misuse.sh failed:"
    tail -n 10 "$work/run.log"
    exit 1
fi
cat "$work/table"
echo

pass=0
fail=0
declare -A outcome=() listed=()
while read -r build case o; do
    outcome[$build $case]=$o
done <"$work/results"
while read -r build case rest; do
    [ -z "$build" ] || [ "${build:0:1}" = "#" ] && continue
    if [ -n "$rest" ] || { [ "$build" != default ] && [ "$build" != secure ]; }; then
        echo "FAIL expected.txt: malformed line '$build $case $rest'"
        fail=$((fail + 1))
        continue
    fi
    listed[$build $case]=1
    o=${outcome[$build $case]:-}
    if [ -z "$o" ]; then
        echo "FAIL $build $case: no such case (renamed? update expected.txt)"
        fail=$((fail + 1))
    elif [[ $o == SIG* ]] || [ "$o" = ok ]; then
        echo "ok   $build $case: $o"
        pass=$((pass + 1))
    else
        echo "FAIL $build $case: $o, was caught (log: build/misuse/logs/$build/$case.log)"
        sed 's/^/       | /' "build/misuse/logs/$build/$case.log" | tail -n 4
        fail=$((fail + 1))
    fi
done <"$dir/expected.txt"

new=()
for key in "${!outcome[@]}"; do
    o=${outcome[$key]}
    if { [[ $o == SIG* ]] || [ "$o" = ok ]; } && [ -z "${listed[$key]:-}" ]; then new+=("$key"); fi
done
if [ ${#new[@]} -gt 0 ]; then
    echo
    echo "caught now but not in expected.txt (add them):"
    printf '  %s\n' "${new[@]}" | sort
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
