#!/usr/bin/env bash
# test-timeout: 180
# hakbench build at other revisions: a git worktree under build/worktrees/, the library cached
# in build/libs/<sha>-<flaghash>/ (a second build is a cache hit), the build recorded with its
# commit and library hash; a commit that does not compile is a recorded build-failed, exit 1.
# Works in a throw-away repository made from this project's sources.
source "$(dirname "$0")/../../testing/lib.sh"

repo=$tmp/repo
mkdir -p "$repo"
cp -r Makefile allocator workloads harness tests scripts "$repo"/ 2>/dev/null
rm -rf "$repo/allocator/tests" "$repo/workloads/tests"
hb=$PWD/$HAKBENCH
db=$tmp/build.db
g() { git -C "$repo" -c user.email=t@example.com -c user.name=test "$@"; }
g init -q && g add -A && g commit -qm "good" || exit 2
good=$(g rev-parse HEAD)
echo "#error broken on purpose" >>"$repo/allocator/src/$(ls "$repo/allocator/src" | grep '\.c$' | head -1)"
g commit -qam "broken" || exit 2
broken=$(g rev-parse HEAD)

lib=$(cd "$repo" && $hb build -q "$good@fastpath" --db "$db")
check "a revision builds in a worktree" [ -d "$repo/build/worktrees/$good" ]
check "the library is cached under build/libs/<sha>-<flaghash>/" \
  bash -c "[[ '$lib' == '$repo/build/libs/$good-'*/libhakmem.so ]] && [ -f '$lib' ]"
start=$(date +%s%N)
lib2=$(cd "$repo" && $hb build -q "$good@fastpath" --db "$db")
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "a second build is a cache hit (same library, no make: ${ms} ms)" \
  bash -c "[ '$lib2' = '$lib' ] && [ $ms -lt 3000 ]"
lib3=$(cd "$repo" && $hb build -q "$good@baseline" --db "$db")
check "other flags, other cache entry" bash -c "[ -f '$lib3' ] && [ '$lib3' != '$lib' ]"
check "the build is recorded with its commit, flags and library hash" \
  [ "$(q "$db" "SELECT revision = '$good' AND dirty = 0 AND flags = 'TINY_FAST_PATH_DEFAULT=1' AND length(library_hash) = 64 AND status = 'ok' FROM builds WHERE variant = 'fastpath'")" = 1 ]
check "the recorded hash is the library's sha256" \
  [ "$(q "$db" "SELECT library_hash FROM builds WHERE variant = 'fastpath'")" = "$(sha256sum "$lib" | cut -d' ' -f1)" ]

(cd "$repo" && $hb build -q "$broken@fastpath" --db "$db") >"$tmp/out" 2>"$tmp/err"
check "a commit that does not compile exits 1 (the answer: it does not build)" [ $? -eq 1 ]
check "its log tail names the error" grep -q "broken on purpose" "$tmp/err"
check "it is recorded as build-failed" \
  [ "$(q "$db" "SELECT status FROM builds WHERE revision = '$broken'")" = build-failed ]
finish
