# The allocator fuzzers (allocator/tests/fuzz/README.md): libFuzzer targets built with clang,
# linked with clang-built library flavors whose code is coverage-instrumented
# (-fsanitize=fuzzer-no-link), so libFuzzer steers by the allocator's branches, not only the
# harness's:
#   $(BUILD)/alloc-fuzz-asan/libhakmem.a   debug checks + ASan + UBSan, hak_* only
#   $(BUILD)/alloc-fuzz-ubsan/libhakmem.a  release + UBSan, hak_* only (glibc keeps malloc, for
#                                          the differential target; ASan would replace it)
#   $(BUILD)/fuzz/fuzz_seq, fuzz_mt (asan flavor), fuzz_diff (ubsan flavor)
# make fuzz [FUZZ_SECONDS=N] fuzzes every target N seconds (default 60); make test replays the
# committed inputs and fuzzes each target for a bounded time (test_fuzz*.sh).
FUZZ_CC := clang-14
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := seq mt diff
FUZZ_SRCS := $(addprefix allocator/tests/fuzz/,fz_decode.c fz_exec.c fz_api.c fz_target.c) \
  allocator/tests/t_pattern.c
FUZZ_HDRS := $(wildcard allocator/tests/fuzz/*.h) $(ALLOC_TEST_HDRS)
FUZZ_CFLAGS := $(CSTD) $(WARN) -O2 -g -D_GNU_SOURCE -pthread -Iallocator/include \
  -Iallocator/tests -fno-builtin-malloc -fno-builtin-calloc -fno-builtin-realloc \
  -fno-builtin-free -fno-builtin-aligned_alloc -fno-omit-frame-pointer

FUZZ_SAN_UBSAN := -fsanitize=undefined -fno-sanitize-recover=undefined
$(eval $(call alloc_flavor,fuzz-asan,$(ALLOC_DEBUG_DEFS) -DHAKMEM_NO_OVERRIDE $(SAN_ASAN) \
  -fsanitize=fuzzer-no-link,$(FUZZ_CC)))
$(eval $(call alloc_flavor,fuzz-ubsan,$(ALLOC_DEFS) -DHAKMEM_NO_OVERRIDE $(FUZZ_SAN_UBSAN) \
  -fsanitize=fuzzer-no-link,$(FUZZ_CC)))

FUZZ_LIB_seq := $(BUILD)/alloc-fuzz-asan/libhakmem.a
FUZZ_LIB_mt := $(BUILD)/alloc-fuzz-asan/libhakmem.a
FUZZ_LIB_diff := $(BUILD)/alloc-fuzz-ubsan/libhakmem.a
FUZZ_SAN_seq := $(SAN_ASAN)
FUZZ_SAN_mt := $(SAN_ASAN)
FUZZ_SAN_diff := $(FUZZ_SAN_UBSAN)

define fuzz_target
$(FUZZ_DIR)/fuzz_$(1): $(FUZZ_SRCS) $(FUZZ_HDRS) $(FUZZ_LIB_$(1))
	@mkdir -p $$(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -DFZ_TARGET_$(shell echo $(1) | tr a-z A-Z) \
	  -fsanitize=fuzzer $(FUZZ_SAN_$(1)) -o $$@ $(FUZZ_SRCS) $(FUZZ_LIB_$(1))
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_target,$(t))))
FUZZ_BINS := $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_TARGETS))

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)
fuzz: $(FUZZ_BINS)
	allocator/tests/fuzz/fuzz.sh run $(FUZZ_SECONDS) $(FUZZ_TARGETS)

test-build: $(FUZZ_BINS)
TEST_SCRIPTS += allocator/tests/fuzz/test_fuzz_replay.sh allocator/tests/fuzz/test_fuzz.sh

# The oracle's own test (test_fz_model.c): gcc, the release library, no libFuzzer.
FUZZ_MODEL_SRCS := $(addprefix allocator/tests/fuzz/,fz_decode.c fz_exec.c fz_api.c)
$(ALLOC_TEST_DIR)/fuzz/test_fz_model: allocator/tests/fuzz/test_fz_model.c $(FUZZ_MODEL_SRCS) \
  $(ALLOC_TEST_SUPPORT) $(FUZZ_HDRS) $(ALLOC_DIR)/libhakmem.a
	@mkdir -p $(@D)
	$(CC) $(ALLOC_TEST_CFLAGS) -DFZ_INPUT_ROOT='"$(abspath allocator/tests/fuzz)"' -o $@ $< \
	  $(FUZZ_MODEL_SRCS) $(ALLOC_TEST_SUPPORT) $(ALLOC_DIR)/libhakmem.a -lcmocka
TEST_BINS += $(ALLOC_TEST_DIR)/fuzz/test_fz_model
