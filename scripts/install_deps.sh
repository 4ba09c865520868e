#!/usr/bin/env bash
# Installs every Debian package hakmem needs. As root it runs apt-get (update only when
# something is missing); otherwise it prints the exact command and exits 1.
set -euo pipefail

packages=(
  gcc g++ make git python3 perl procps
  python3-scipy                   # known answers for the statistics (analysis/tests)
  libsqlite3-dev sqlite3          # results store
  libpq-dev postgresql            # the store on a PostgreSQL server (libpq); the tests start one
  libjansson-dev                  # JSON documents (hakbench export, compare, sessions)
  libcmark-gfm-dev libcmark-gfm-extensions-dev  # markdown to HTML (hakbench site)
  chromium                        # the site's browser test (headless)
  libcmocka-dev                   # unit test framework
  gnuplot-nox                     # report plots
  hyperfine                       # whole-program workloads (app_*)
  linux-perf valgrind             # counters, instruction counts
  libjemalloc-dev libmimalloc-dev libgoogle-perftools-dev   # peer allocators
  libtbbmalloc2                   # peer allocator (libtbbmalloc_proxy.so.2)
  redis-server redis-tools lua5.4 # whole-program workloads app_redis, app_lua
  # fuzzers: clang -fsanitize=fuzzer needs the runtimes (only recommended by clang-14);
  # llvm-14 brings llvm-symbolizer, so sanitizer stacks name functions and lines
  clang-14 libclang-rt-14-dev llvm-14
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#packages[@]} packages present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "deps: missing packages: ${missing[*]}" >&2
  echo "deps: run as root:  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
