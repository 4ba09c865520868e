#!/usr/bin/env bash
# make test: each libFuzzer target fuzzes for a bounded time from the committed corpus (about a
# minute in all); any finding fails, with the command that minimizes it (README.md).
# test-timeout: 240
FUZZ_WORK=$(mktemp -d) || exit 1
export FUZZ_WORK FUZZ_LOGS=build/fuzz/test-logs
trap 'rm -rf "$FUZZ_WORK"' EXIT
"$(dirname "$0")/fuzz.sh" run "${FUZZ_TEST_SECONDS:-20}"
