# Workload tests (included by the top Makefile): shell scripts run from the repo root, sharing
# workloads/tests/lib.sh, plus the heap-corrupting LD_PRELOAD shim that the corruption test
# uses to prove the workloads' content checks work. The shim is a test artifact only.
WL_SHIM := $(BUILD)/workloads/tests/libcorrupt_shim.so
TEST_SCRIPTS += $(sort $(wildcard workloads/tests/test_*.sh))

.PHONY: workload-tests
workload-tests: workloads $(WL_SHIM)
test-build: workload-tests

$(WL_SHIM): workloads/tests/corrupt_shim.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -fPIC -shared -o $@ $< -ldl
