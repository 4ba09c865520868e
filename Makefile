# hakmem: the one build entry point.
#   make                 build everything (libhakmem.so, larson_hakmem, workloads, hakbench)
#   make test            install what is missing, build, run every test; ends "N passed, N failed"
#   make deps            install the Debian packages the project needs (as root)
#   make fuzz            run every allocator fuzzer FUZZ_SECONDS (allocator/tests/fuzz/README.md)
#   make clean           remove every build output
# Allocator variant variables (defaults in allocator/defaults.mk, table in allocator/README.md)
# select a separate object directory per flag set, so flags never leak between builds.

include allocator/defaults.mk

CC := gcc
CXX := g++
BUILD := build
CSTD := -std=c11
WARN := -Wall -Wextra
CFLAGS_COMMON := $(CSTD) $(WARN) -O2 -g -D_GNU_SOURCE -pthread

# Every allocator variable, in one list: defaults.mk gives each its value.
ALLOC_VARS := $(shell sed -n 's/^\([A-Z_0-9]*\) *?=.*/\1/p' allocator/defaults.mk)
ALLOC_DEFS := $(foreach v,$(ALLOC_VARS),-D$(v)=$($(v)))
ALLOC_TAG := $(shell printf '%s' '$(ALLOC_DEFS)' | md5sum | cut -c1-10)
ALLOC_DIR := $(BUILD)/alloc-$(ALLOC_TAG)

TEST_BINS :=
TEST_SCRIPTS :=

.PHONY: all clean deps test help FORCE
all:

help:
	@echo 'make                 build libhakmem.so, larson_hakmem, hakbench and the workloads'
	@echo 'make test [T=regex]  install deps, build, run the tests ("N passed, N failed")'
	@echo 'make deps            install the Debian packages the project needs (root)'
	@echo 'make fuzz [FUZZ_SECONDS=N]  run every allocator fuzzer N s (allocator/tests/fuzz/)'
	@echo 'make nightly         full suite at HEAD + reports/nightly-<date>.md'
	@echo 'make example-report  regenerate reports/examples/ from a real quick A/B run'
	@echo 'make perf-table      measure against the peers, rewrite the README table'
	@echo 'make calibrate       false-positive rate and power of the run_ab.sh default procedure'
	@echo 'make clean           remove every build output'
	@echo 'Allocator variables (defaults in allocator/defaults.mk):'
	@sed -n 's/^\([A-Z_0-9]*\) *?= *\(.*\)/  \1=\2/p' allocator/defaults.mk

include allocator/build.mk
include workloads/build.mk
include harness/build.mk
include tests/build.mk
-include allocator/tests/build.mk
-include workloads/tests/build.mk

deps:
	@scripts/install_deps.sh

test: deps
	@$(MAKE) --no-print-directory test-build
	@tests/run_tests.sh $(TEST_BINS) $(TEST_SCRIPTS)

.PHONY: test-build
test-build: all $(TEST_BINS)

clean:
	rm -rf $(BUILD) libhakmem.so hakbench larson_hakmem

FORCE:

# Reviewer-facing jobs (all run through hakbench; see README.md).
.PHONY: nightly example-report perf-table calibrate
nightly: all
	./hakbench nightly

# Regenerates the committed example report in reports/examples/ from a real quick A/B run.
example-report: all
	./run_ab.sh --quick --runs 8 --peers --db build/example.db --out reports/examples/ab-baseline-vs-fastpath.md baseline fastpath || test $$? -eq 1

# Calibrates ./run_ab.sh's default procedure on this machine: quick arguments, 3 looks of 10
# blocks, alpha 0.05, delta 2%, each workload judged as one of run_ab's five (Holm family 5);
# 30 A/A and 30 slowed trials per workload (about 40 minutes on 2 cores). CAL_TRIALS=N to change.
CAL_TRIALS ?= 30
calibrate: all
	./hakbench calibrate --workloads larson,random_mixed --quick --family 5 --small --trials $(CAL_TRIALS) --db build/calibrate.db

# Measures hakmem against the peers and rewrites the performance table in README.md.
perf-table: all
	scripts/perf_table.sh
