# Allocator tests: each allocator/tests/test_*.c is written once and built for one or more
# library flavors, as build/tests/allocator/<test>[_<flavor>]:
#   (none)  $(ALLOC_DIR)/libhakmem.a linked statically: the libc names are hakmem's (release)
#   debug   $(BUILD)/alloc-debug/libhakmem.a: HAKMEM_BUILD_RELEASE=0 checks, libc names
#   asan    $(BUILD)/alloc-asan/libhakmem.a + ASan/UBSan, hak_* names (-DT_USE_HAK)
#   tsan    $(BUILD)/alloc-tsan/libhakmem.a + TSan, hak_* names
#   secure  $(BUILD)/alloc-secure/libhakmem.a: HAKMEM_SECURE=3 (every mitigation), libc names
#   secure1, secure2  HAKMEM_SECURE=1 (those that leave blocks alone), 2 (all but the fill)
#   preload glibc-linked, re-executes itself under LD_PRELOAD=./libhakmem.so (t_preload_self)
#   counters, counters_preload   like rel and preload, with HAKMEM_COUNTERS=1 (the build the
#           harness's counters runs use): $(BUILD)/alloc-counters/libhakmem.{a,so}
#   unit    like rel, compiled with the allocator's internal headers (tests of one layer)
#   glibc   no hakmem at all: validates the tests themselves (make alloc-tests-glibc, not in
#           make test); where glibc differs from the spec they fail there by design
#           (glibc's own free() messages, aligned_alloc alignment checks, arena trimming)
# Scripts allocator/tests/test_*.sh run real programs and a C++ program under LD_PRELOAD.
ALLOC_TEST_DIR := $(BUILD)/tests/allocator
ALLOC_TEST_SUPPORT := $(addprefix allocator/tests/,t_pattern.c t_child.c t_flavor.c)
ALLOC_TEST_HDRS := allocator/tests/t_alloc.h allocator/include/hakmem.h
ALLOC_TEST_CFLAGS := $(CFLAGS_COMMON) -Iallocator/include -Iallocator/tests \
  -fno-builtin-malloc -fno-builtin-calloc -fno-builtin-realloc -fno-builtin-free \
  -fno-builtin-aligned_alloc -DT_PURGE_DELAY_MS=$(PURGE_DELAY_MS)

ALLOC_TEST_FLAGS_rel := -DT_EXPECT_HAKMEM -DT_LINKS_HAKMEM
ALLOC_TEST_LIB_rel := $(ALLOC_DIR)/libhakmem.a
ALLOC_TEST_FLAGS_debug := -DT_EXPECT_HAKMEM -DT_LINKS_HAKMEM -DT_DEBUG_CHECKS
ALLOC_TEST_LIB_debug := $(BUILD)/alloc-debug/libhakmem.a
ALLOC_TEST_FLAGS_asan := -DT_USE_HAK -DT_LINKS_HAKMEM $(SAN_ASAN)
ALLOC_TEST_LIB_asan := $(BUILD)/alloc-asan/libhakmem.a
ALLOC_TEST_FLAGS_tsan := -DT_USE_HAK -DT_LINKS_HAKMEM $(SAN_TSAN)
ALLOC_TEST_LIB_tsan := $(BUILD)/alloc-tsan/libhakmem.a
ALLOC_TEST_FLAGS_secure := -DT_EXPECT_HAKMEM -DT_LINKS_HAKMEM -DT_SECURE_LEVEL=3
ALLOC_TEST_LIB_secure := $(BUILD)/alloc-secure/libhakmem.a
ALLOC_TEST_FLAGS_secure1 := -DT_EXPECT_HAKMEM -DT_LINKS_HAKMEM -DT_SECURE_LEVEL=1
ALLOC_TEST_LIB_secure1 := $(BUILD)/alloc-secure1/libhakmem.a
ALLOC_TEST_FLAGS_secure2 := -DT_EXPECT_HAKMEM -DT_LINKS_HAKMEM -DT_SECURE_LEVEL=2
ALLOC_TEST_LIB_secure2 := $(BUILD)/alloc-secure2/libhakmem.a
ALLOC_TEST_FLAGS_preload := -DT_EXPECT_HAKMEM -DT_PRELOAD_LIB='"$(abspath libhakmem.so)"'
ALLOC_TEST_LIB_preload :=
ALLOC_TEST_DEP_preload := libhakmem.so
ALLOC_TEST_FLAGS_counters := -DT_EXPECT_HAKMEM -DT_LINKS_HAKMEM
ALLOC_TEST_LIB_counters := $(BUILD)/alloc-counters/libhakmem.a
ALLOC_TEST_FLAGS_counters_preload := -DT_EXPECT_HAKMEM \
  -DT_PRELOAD_LIB='"$(abspath $(BUILD)/alloc-counters/libhakmem.so)"'
ALLOC_TEST_LIB_counters_preload :=
ALLOC_TEST_DEP_counters_preload := $(BUILD)/alloc-counters/libhakmem.so
ALLOC_TEST_FLAGS_glibc :=
ALLOC_TEST_LIB_glibc :=
# unit: the release library driven through its internal headers (allocator/src).
ALLOC_TEST_FLAGS_unit := -DT_EXPECT_HAKMEM -DT_LINKS_HAKMEM -Iallocator/src $(ALLOC_DEFS)
ALLOC_TEST_LIB_unit := $(ALLOC_DIR)/libhakmem.a

# The per-thread counters are compiled in only with HAKMEM_COUNTERS=1; the stats tests need them.
ALLOC_COUNTERS_DEFS := $(filter-out -DHAKMEM_COUNTERS=%,$(ALLOC_DEFS)) -DHAKMEM_COUNTERS=1
ALLOC_COUNTERS_OBJS := $(patsubst allocator/src/%.c,$(BUILD)/alloc-counters/%.o,$(ALLOC_SRCS))
$(eval $(call alloc_flavor,counters,$(ALLOC_COUNTERS_DEFS)))
$(BUILD)/alloc-counters/libhakmem.so: $(ALLOC_COUNTERS_OBJS)
	$(CC) -shared -pthread -o $@ $^

# $(call alloc_test,SOURCE-NAME,FLAVOR,SUFFIX): one binary of one source for one flavor.
define alloc_test
$(ALLOC_TEST_DIR)/$(1)$(3): allocator/tests/$(1).c $(ALLOC_TEST_SUPPORT) $(ALLOC_TEST_HDRS) \
  $(ALLOC_TEST_LIB_$(2)) $(ALLOC_TEST_DEP_$(2))
	@mkdir -p $$(@D)
	$(CC) $(ALLOC_TEST_CFLAGS) $(ALLOC_TEST_FLAGS_$(2)) -o $$@ allocator/tests/$(1).c \
	  $(ALLOC_TEST_SUPPORT) $(ALLOC_TEST_LIB_$(2)) -lcmocka
ALLOC_TESTS_$(if $(filter glibc,$(2)),glibc,run) += $(ALLOC_TEST_DIR)/$(1)$(3)
endef
# $(call alloc_tests,SOURCE-NAME,FLAVORS): the flavor "rel" has no suffix.
alloc_tests = $(foreach f,$(2),$(eval $(call alloc_test,$(1),$(f),$(if $(filter rel,$(f)),,_$(f)))))

ALLOC_TESTS_run :=
ALLOC_TESTS_glibc :=
$(call alloc_tests,test_api,rel debug preload asan secure secure1 glibc)
$(call alloc_tests,test_invalid_free,rel debug secure glibc)
$(call alloc_tests,test_os_refusal,rel glibc)
$(call alloc_tests,test_stress_mt,rel counters asan tsan secure secure1 glibc)
$(call alloc_tests,test_fork,rel asan secure glibc)
$(call alloc_tests,test_thread_exit,rel asan tsan secure glibc)
$(call alloc_tests,test_ownership_mt,rel debug asan tsan secure glibc)
$(call alloc_tests,test_memory_return,rel glibc)
$(call alloc_tests,test_page_runs,rel preload asan tsan secure glibc)
$(call alloc_tests,test_stats_file,counters counters_preload)
$(call alloc_tests,test_secure,secure secure1 secure2)
$(call alloc_tests,test_segmap,unit)
$(call alloc_tests,test_remap_race,rel)
$(call alloc_tests,test_heap_pool,debug)

# The C++ program the preload script runs (glibc-linked, like any program users preload into).
$(ALLOC_TEST_DIR)/cxx_churn: allocator/tests/cxx_churn.cpp
	@mkdir -p $(@D)
	$(CXX) -std=c++17 $(WARN) -O2 -g -pthread -o $@ $<

.PHONY: alloc-tests-glibc
alloc-tests-glibc: $(ALLOC_TESTS_glibc)

test-build: $(ALLOC_TEST_DIR)/cxx_churn libhakmem.so
TEST_BINS += $(ALLOC_TESTS_run)
TEST_SCRIPTS += $(sort $(wildcard allocator/tests/test_*.sh))

# The heap-misuse suite (misuse/README.md): test_misuse.sh runs it under libhakmem.so's flag set
# and the secure flavor, preloaded; the secure objects are the ones the secure tests link.
# run_misuse.sh builds the suite's two programs itself.
$(BUILD)/alloc-secure/libhakmem.so: $(patsubst allocator/src/%.c,$(BUILD)/alloc-secure/%.o,$(ALLOC_SRCS))
	$(CC) -shared -pthread -Wl,-Bsymbolic-functions -o $@ $^
test-build: $(BUILD)/alloc-secure/libhakmem.so
TEST_SCRIPTS += allocator/tests/misuse/test_misuse.sh

# The fuzzers: allocator/tests/fuzz/ (libFuzzer targets, their corpus, make fuzz).
include allocator/tests/fuzz/build.mk
