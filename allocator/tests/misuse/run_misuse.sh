#!/usr/bin/env bash
# Runs the heap-misuse suite (README.md in this folder) under each allocator and prints how many
# misuses each one stopped. Builds build/misuse/misuse and build/misuse/misuse_cxx (cc and c++
# from PATH), then runs every case of both, one process each, under a 10 s timeout:
#   a signal     caught (the allocator, or memory it guarded, stopped the misuse)
#   exit 0       caught (the misuse had no observable effect)
#   exit 3       not caught: the misuse had an effect
#   timeout      "hang", not caught, counted on its own
#   other exits  "error" (the case could not set itself up), not caught, counted on its own
# Allocators are the names of harness/spec/variants.conf: peers (system = glibc with nothing
# preloaded, jemalloc, mimalloc, tcmalloc, tbbmalloc) are preloaded from the system library
# directories, skipped with a note when missing; hakmem builds (default, secure1, secure2,
# secure) are the library `make -s -j1 SETTINGS alloc-lib-path` prints (built when needed).
# Logs of every run: build/misuse/logs/<allocator>/<case>.log
set -u
cd "$(dirname "$0")/../../.." || exit 2

ALL_ALLOCATORS=system,jemalloc,mimalloc,tcmalloc,tbbmalloc,default,secure1,secure2,secure
CASE_TIMEOUT=10
OUT_DIR=build/misuse
VARIANTS=harness/spec/variants.conf
SRC_DIR=allocator/tests/misuse

usage() {
    cat <<EOF
usage: $0 [--allocators LIST] [--cases] [--out FILE] [--results FILE] [--lib NAME=PATH]...
Runs every heap-misuse case under each allocator and prints, per allocator, the cases caught
(killed by a signal, or exit 0: no effect) out of the total; hangs (${CASE_TIMEOUT} s) and errors
are counted apart and not as caught.
  --allocators LIST  comma-separated names from $VARIANTS
                     (default: $ALL_ALLOCATORS)
  --cases            also one row per case: SIGNAL name, ok (no effect), EFFECT, hang, errN
  --out FILE         also write the table(s) as markdown to FILE
  --results FILE     also write one "allocator case outcome" line per run to FILE
  --lib NAME=PATH    use the library PATH for allocator NAME (instead of building or finding it)
  --help             this text
EOF
}

allocators=$ALL_ALLOCATORS
per_case=0
out_md=
results=
declare -A lib_override=()
while [ $# -gt 0 ]; do
    case $1 in
    --allocators) allocators=${2:?--allocators needs a list}; shift 2 ;;
    --allocators=*) allocators=${1#*=}; shift ;;
    --cases) per_case=1; shift ;;
    --out) out_md=${2:?--out needs a file}; shift 2 ;;
    --out=*) out_md=${1#*=}; shift ;;
    --results) results=${2:?--results needs a file}; shift 2 ;;
    --results=*) results=${1#*=}; shift ;;
    --lib)
        [[ ${2:-} == *=* ]] || { echo "run_misuse: --lib needs NAME=PATH" >&2; exit 2; }
        lib_override[${2%%=*}]=${2#*=}
        shift 2
        ;;
    --help | -h) usage; exit 0 ;;
    *) echo "run_misuse: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done

# ---- build the two programs (into a temporary name: a concurrent run never sees half a file)
CFLAGS_MISUSE=(-std=c11 -Wall -Wextra -O1 -g -fno-builtin -U_FORTIFY_SOURCE -pthread)
CXXFLAGS_MISUSE=(-std=c++17 -Wall -Wextra -O1 -g -fno-builtin -U_FORTIFY_SOURCE -pthread
    -fsized-deallocation) # clang 14 does not declare the sized deletes without it
build() { # compiler, source, output, flags...
    local cc=$1 src=$2 out=$3
    shift 3
    if [ -x "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "$0" ]; then return 0; fi
    "$cc" "$@" -o "$out.tmp.$$" "$src" && mv -f "$out.tmp.$$" "$out"
}
mkdir -p "$OUT_DIR"
build cc "$SRC_DIR/misuse.c" "$OUT_DIR/misuse" "${CFLAGS_MISUSE[@]}" || exit 1
build c++ "$SRC_DIR/misuse_cxx.cpp" "$OUT_DIR/misuse_cxx" "${CXXFLAGS_MISUSE[@]}" || exit 1

# Every case as "program case".
mapfile -t c_cases < <("$OUT_DIR/misuse" --list)
mapfile -t cxx_cases < <("$OUT_DIR/misuse_cxx" --list)
if [ ${#c_cases[@]} -eq 0 ] || [ ${#cxx_cases[@]} -eq 0 ]; then
    echo "run_misuse: no cases listed" >&2
    exit 1
fi
cases=("${c_cases[@]}" "${cxx_cases[@]}")
declare -A prog_of=()
for c in "${c_cases[@]}"; do prog_of[$c]=$OUT_DIR/misuse; done
for c in "${cxx_cases[@]}"; do prog_of[$c]=$OUT_DIR/misuse_cxx; done
total=${#cases[@]}

# ---- the library of each allocator ("-" = nothing preloaded)
find_system_lib() {
    local d
    for d in /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu /usr/lib64 /usr/lib /usr/local/lib; do
        [ -f "$d/$1" ] && { echo "$d/$1"; return 0; }
    done
    return 1
}
# Prints the library path of allocator $1, or fails with the reason on stderr.
library_of() {
    local name=$1 line kind settings out
    if [ -n "${lib_override[$name]:-}" ]; then
        [ -f "${lib_override[$name]}" ] || { echo "${lib_override[$name]} does not exist" >&2; return 1; }
        echo "${lib_override[$name]}"
        return 0
    fi
    line=$(sed 's/#.*//' "$VARIANTS" | awk -v n="$name" '$1 == n { $1 = ""; print; exit }')
    [ -n "$line" ] || { echo "not a variant of $VARIANTS" >&2; return 1; }
    read -r kind settings <<<"$line"
    if [ "$kind" = peer ]; then
        [ "$settings" = - ] && { echo -; return 0; }
        if [[ $settings == */* ]]; then
            [ -f "$settings" ] || { echo "$settings is missing" >&2; return 1; }
            echo "$settings"
        else
            find_system_lib "$settings" || { echo "$settings is not installed" >&2; return 1; }
        fi
        return 0
    fi
    # shellcheck disable=SC2086 # the settings are separate make arguments
    out=$(make -s --no-print-directory -j1 $settings alloc-lib-path 2>&1)
    local path
    path=$(tail -n 1 <<<"$out")
    if [ "${path:0:1}" != / ] || [ ! -f "$path" ]; then
        echo "make $settings alloc-lib-path failed: $(tail -n 3 <<<"$out")" >&2
        return 1
    fi
    echo "$path"
}

# The library really is loaded into a preloaded process (grep reads its own maps).
preload_works() {
    LD_PRELOAD=$1 grep -qF "/$(basename "$1")" /proc/self/maps 2>/dev/null
}

# ---- run
# The revision the hakmem builds come from, taken before they are built.
rev=$(git rev-parse --short HEAD 2>/dev/null || echo '?')
dirty=$(git status --porcelain -- allocator/src allocator/include allocator/build.mk allocator/defaults.mk 2>/dev/null | sed -n 's/^ *[MADRC]\{1,2\} *//p' | tr '\n' ' ')
ulimit -c 0
names=()
declare -A outcome=() caught=() n_signal=() n_late=() n_none=() n_effect=() n_hang=() n_error=()
skipped=()
[ -n "$results" ] && : >"$results"
IFS=, read -r -a wanted <<<"$allocators"
for a in "${wanted[@]}"; do
    [ -n "$a" ] || continue
    if ! lib=$(library_of "$a" 2>"$OUT_DIR/.why"); then
        skipped+=("$a: $(cat "$OUT_DIR/.why")")
        echo "note: skipping $a: $(cat "$OUT_DIR/.why")" >&2
        continue
    fi
    if [ "$lib" != - ] && ! preload_works "$lib"; then
        skipped+=("$a: $lib does not preload")
        echo "note: skipping $a: $lib is not loaded by LD_PRELOAD" >&2
        continue
    fi
    echo "running $total cases under $a ($([ "$lib" = - ] && echo "nothing preloaded" || echo "$lib"))" >&2
    names+=("$a")
    logs=$OUT_DIR/logs/$a
    rm -rf "$logs"
    mkdir -p "$logs"
    caught[$a]=0 n_signal[$a]=0 n_late[$a]=0 n_none[$a]=0 n_effect[$a]=0 n_hang[$a]=0 n_error[$a]=0
    for c in "${cases[@]}"; do
        start=$(date +%s)
        # The braces' 2>/dev/null keeps bash's "Aborted" job reports off the terminal.
        {
            if [ "$lib" = - ]; then
                timeout -k 2 "$CASE_TIMEOUT" "${prog_of[$c]}" "$c" >"$logs/$c.log" 2>&1
            else
                LD_PRELOAD=$lib timeout -k 2 "$CASE_TIMEOUT" "${prog_of[$c]}" "$c" >"$logs/$c.log" 2>&1
            fi
            rc=$?
        } 2>/dev/null
        secs=$(($(date +%s) - start))
        if [ $rc -eq 124 ] || { [ $rc -eq 137 ] && [ $secs -ge $CASE_TIMEOUT ]; }; then
            o=hang; n_hang[$a]=$((n_hang[$a] + 1))
        elif [ $rc -gt 128 ] && [ $rc -lt 160 ]; then
            o=SIG$(kill -l $((rc - 128)) 2>/dev/null || echo $((rc - 128)))
            n_signal[$a]=$((n_signal[$a] + 1)); caught[$a]=$((caught[$a] + 1))
            # Stopped only after the case had seen the damage (at the frees that follow).
            if grep -q ': effect seen before the frees' "$logs/$c.log"; then
                o="$o*"; n_late[$a]=$((n_late[$a] + 1))
            fi
        elif [ $rc -eq 0 ]; then
            o=ok; n_none[$a]=$((n_none[$a] + 1)); caught[$a]=$((caught[$a] + 1))
        elif [ $rc -eq 3 ]; then
            o=EFFECT; n_effect[$a]=$((n_effect[$a] + 1))
        else
            o=err$rc; n_error[$a]=$((n_error[$a] + 1))
        fi
        echo "exit status $rc: $o" >>"$logs/$c.log"
        outcome[$a,$c]=$o
        [ -n "$results" ] && printf '%s %s %s\n' "$a" "$c" "$o" >>"$results"
    done
done
rm -f "$OUT_DIR/.why"
[ ${#names[@]} -gt 0 ] || { echo "run_misuse: no allocator to run" >&2; exit 1; }

# ---- tables (text on stdout; markdown in --out)
md=()
echo
printf '%-10s %7s %5s %7s %6s %10s %7s %5s %6s\n' allocator caught "of" signal late no-effect \
    effect hang error
md+=("| allocator | caught | of | signal | (late) | no effect | effect | hang | error |")
md+=("|---|---|---|---|---|---|---|---|---|")
for a in "${names[@]}"; do
    printf '%-10s %7d %5d %7d %6d %10d %7d %5d %6d\n' "$a" "${caught[$a]}" "$total" \
        "${n_signal[$a]}" "${n_late[$a]}" "${n_none[$a]}" "${n_effect[$a]}" "${n_hang[$a]}" \
        "${n_error[$a]}"
    md+=("| $a | ${caught[$a]} | $total | ${n_signal[$a]} | ${n_late[$a]} | ${n_none[$a]} | ${n_effect[$a]} | ${n_hang[$a]} | ${n_error[$a]} |")
done
echo "caught = signal + no-effect; late: signals that came after the case had seen the damage"
echo "(an overflow found at free, or a crash of the corrupted heap), counted as caught"
for s in "${skipped[@]}"; do
    echo "skipped $s"
    md+=("" "skipped $s")
done

if [ $per_case -eq 1 ]; then
    echo
    header=$(printf '%-28s' case)
    mdh="| case |"
    mdl="|---|"
    for a in "${names[@]}"; do
        header+=$(printf ' %-9s' "$a")
        mdh+=" $a |"
        mdl+="---|"
    done
    echo "$header"
    md+=("" "$mdh" "$mdl")
    for c in "${cases[@]}"; do
        row=$(printf '%-28s' "$c")
        mdr="| $c |"
        for a in "${names[@]}"; do
            row+=$(printf ' %-9s' "${outcome[$a,$c]}")
            o=${outcome[$a,$c]}
            mdr+=" ${o//\*/\\*} |"
        done
        echo "$row"
        md+=("$mdr")
    done
    echo "(SIGxxx, ok: caught; SIGxxx*: caught after the damage was seen; EFFECT: the misuse had an"
    echo " effect; hang: ${CASE_TIMEOUT} s timeout; errN: exit N; logs in $OUT_DIR/logs/)"
fi

if [ -n "$out_md" ]; then
    {
        echo "Heap-misuse suite, $total cases, $(date -u +%Y-%m-%d); hakmem built from the working tree at"
        echo "$rev${dirty:+ with uncommitted changes to ${dirty% }}."
        echo "Caught = killed by a signal or no observable effect (exit 0); hang and error are not caught;"
        echo "(late) and SIGxxx*: the signal came after the case had seen the damage (counted as caught)."
        echo
        printf '%s\n' "${md[@]}"
    } >"$out_md"
    echo "wrote $out_md" >&2
fi
exit 0
