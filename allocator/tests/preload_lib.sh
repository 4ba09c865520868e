# shellcheck shell=bash
# Sourced by the allocator's LD_PRELOAD test scripts. Each case runs a command twice, under
# glibc and under LD_PRELOAD=./libhakmem.so, and passes when both exit 0 with byte-identical
# stdout. Ends with finish, which prints "N passed, N failed" and sets the exit status.
# HAKMEM_LIB overrides the library under test (default: ./libhakmem.so of the repo root);
# KEEP_WORK=1 keeps the work directory (inputs and both outputs of every case) for a look.
HAKMEM_LIB=${HAKMEM_LIB:-$PWD/libhakmem.so}
CASE_TIMEOUT=${CASE_TIMEOUT:-120}
passed=0
failed=0
work=$(mktemp -d /tmp/hakmem-preload-XXXXXX)
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT

pass() {
    passed=$((passed + 1))
    echo "PASS $1"
}

fail() {
    failed=$((failed + 1))
    echo "FAIL $1: $2"
}

# same_output_under_preload NAME [--stdin FILE] CMD [ARGS...]
same_output_under_preload() {
    local name=$1 input=/dev/null rc_glibc rc_hakmem
    shift
    if [ "$1" = --stdin ]; then
        input=$2
        shift 2
    fi
    if [ ! -f "$HAKMEM_LIB" ]; then
        fail "$name" "$HAKMEM_LIB does not exist (run make libhakmem.so)"
        return
    fi
    timeout "$CASE_TIMEOUT" "$@" <"$input" >"$work/$name.glibc.out" 2>"$work/$name.glibc.err"
    rc_glibc=$?
    LD_PRELOAD=$HAKMEM_LIB timeout "$CASE_TIMEOUT" "$@" <"$input" \
        >"$work/$name.hakmem.out" 2>"$work/$name.hakmem.err"
    rc_hakmem=$?
    if [ $rc_glibc -ne 0 ]; then
        fail "$name" "exit $rc_glibc even without hakmem (the test setup is broken): $(tail -3 "$work/$name.glibc.err")"
    elif [ $rc_hakmem -ne 0 ]; then
        fail "$name" "exit $rc_hakmem under LD_PRELOAD=$HAKMEM_LIB (0 under glibc); stderr:"
        tail -15 "$work/$name.hakmem.err"
    elif ! cmp -s "$work/$name.glibc.out" "$work/$name.hakmem.out"; then
        fail "$name" "stdout differs from the glibc run:"
        diff "$work/$name.glibc.out" "$work/$name.hakmem.out" | head -20
    elif [ ! -s "$work/$name.glibc.out" ]; then
        fail "$name" "no output to compare (the test command is wrong)"
    else
        pass "$name"
    fi
}

# The library is really loaded into preloaded processes (otherwise every comparison is moot):
# cat reads its own /proc/self/maps, so the cat is the point.
# shellcheck disable=SC2002
preload_takes_effect() {
    if LD_PRELOAD=$HAKMEM_LIB cat /proc/self/maps 2>"$work/maps.err" | grep -q 'libhakmem\.so'; then
        pass preload_takes_effect
    else
        fail preload_takes_effect "libhakmem.so not mapped in a preloaded cat: $(cat "$work/maps.err")"
    fi
}

finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}
