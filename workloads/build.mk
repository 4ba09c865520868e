# Workloads: every workloads/*.c and workloads/*.cpp is one program, built once against glibc
# into build/workloads/ and run unchanged under every variant (LD_PRELOAD). The shared code in
# workloads/common/ is an archive, so a program links only the parts it uses. larson_hakmem
# links hakmem statically; its root copy is replaced by rename, so a run in progress never sees
# a half-written file. The C++ workloads are built with sized deallocation, as C++14 and later
# compilers do by default.
WL_CFLAGS := $(CFLAGS_COMMON) -Iworkloads/common
WL_CXXFLAGS := -std=c++17 $(WARN) -O2 -g -D_GNU_SOURCE -pthread -fsized-deallocation \
               -Iworkloads/common
WL_COMMON_SRCS := $(wildcard workloads/common/*.c)
WL_COMMON_HDRS := $(wildcard workloads/common/*.h)
WL_COMMON_OBJS := $(patsubst workloads/common/%.c,$(BUILD)/workloads/common/%.o,$(WL_COMMON_SRCS))
WL_LIB := $(BUILD)/workloads/libwl.a
WL_C_NAMES := $(basename $(notdir $(wildcard workloads/*.c)))
WL_CXX_NAMES := $(basename $(notdir $(wildcard workloads/*.cpp)))
WL_NAMES := $(WL_C_NAMES) $(WL_CXX_NAMES)
WL_BINS := $(addprefix $(BUILD)/workloads/,$(WL_NAMES))

.PHONY: workloads
all: workloads
workloads: $(WL_BINS)

$(BUILD)/workloads/common/%.o: workloads/common/%.c $(WL_COMMON_HDRS)
	@mkdir -p $(@D)
	$(CC) $(WL_CFLAGS) -c -o $@ $<

$(WL_LIB): $(WL_COMMON_OBJS)
	rm -f $@
	ar rcs $@ $^

$(addprefix $(BUILD)/workloads/,$(WL_C_NAMES)): $(BUILD)/workloads/%: workloads/%.c $(WL_LIB) $(WL_COMMON_HDRS)
	@mkdir -p $(@D)
	$(CC) $(WL_CFLAGS) -o $@ $< $(WL_LIB) -lm

$(addprefix $(BUILD)/workloads/,$(WL_CXX_NAMES)): $(BUILD)/workloads/%: workloads/%.cpp $(WL_LIB) $(WL_COMMON_HDRS)
	@mkdir -p $(@D)
	$(CXX) $(WL_CXXFLAGS) -o $@ $< $(WL_LIB) -lm

$(ALLOC_DIR)/larson_hakmem: workloads/larson.c $(WL_LIB) $(WL_COMMON_HDRS) $(ALLOC_DIR)/libhakmem.a
	$(CC) $(WL_CFLAGS) -o $@ workloads/larson.c $(WL_LIB) $(ALLOC_DIR)/libhakmem.a -lm

larson_hakmem: $(ALLOC_DIR)/larson_hakmem FORCE
	@cmp -s $< $@ || { cp $< $@.tmp && mv -f $@.tmp $@; }

# app_gcc compiles generated C files (workloads/apps/gen_c_source.py): sized for a full and a
# quick run, written at build time so that nothing large is committed.
WL_GCC_SOURCES := $(BUILD)/workloads/apps/gcc_full.c $(BUILD)/workloads/apps/gcc_quick.c
workloads: $(WL_GCC_SOURCES)

$(BUILD)/workloads/apps/gcc_full.c: workloads/apps/gen_c_source.py
	@mkdir -p $(@D)
	python3 $< 80 >$@.tmp && mv -f $@.tmp $@

$(BUILD)/workloads/apps/gcc_quick.c: workloads/apps/gen_c_source.py
	@mkdir -p $(@D)
	python3 $< 16 >$@.tmp && mv -f $@.tmp $@
