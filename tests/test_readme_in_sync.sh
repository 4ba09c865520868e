#!/usr/bin/env bash
# README.md's generated parts match their sources, and every allocator variable is documented.
set -u
pass=0 fail=0
check() {
  if eval "$2"; then echo "ok - $1"; pass=$((pass + 1)); else echo "not ok - $1"; fail=$((fail + 1)); fi
}

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
cp README.md "$tmp"
scripts/sync_readme.sh "$tmp"
check "README.md is in sync (run scripts/sync_readme.sh)" "diff -u README.md '$tmp'"

for var in $(sed -n 's/^\([A-Z_0-9]*\) *?=.*/\1/p' allocator/defaults.mk); do
  default=$(sed -n "s/^$var *?= *//p" allocator/defaults.mk)
  check "allocator/README.md documents $var with default $default" \
    "grep -q '^| \`$var\` | $default |' allocator/README.md"
done
check "the seed command is documented verbatim" \
  "grep -qF 'make clean; make BOX_REFACTOR_DEFAULT=1 TINY_FAST_PATH_DEFAULT=0 larson_hakmem' README.md"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
