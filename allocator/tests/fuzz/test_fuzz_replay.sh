#!/usr/bin/env bash
# make test: every committed input (seed corpus and minimized regressions) replayed once by each
# libFuzzer target (ASan+UBSan, and the differential run against glibc).
# test-timeout: 120
exec "$(dirname "$0")/fuzz.sh" replay
