# Workloads: every workloads/*.c is one program, built once against glibc into build/workloads/
# and run unchanged under every variant (LD_PRELOAD). larson_hakmem links hakmem statically;
# its root copy is replaced by rename, so a run in progress never sees a half-written file.
WL_CFLAGS := $(CFLAGS_COMMON) -Iworkloads/common
WL_COMMON_SRCS := $(wildcard workloads/common/*.c)
WL_COMMON_HDRS := $(wildcard workloads/common/*.h)
WL_NAMES := $(basename $(notdir $(wildcard workloads/*.c)))
WL_BINS := $(addprefix $(BUILD)/workloads/,$(WL_NAMES))

.PHONY: workloads
all: workloads
workloads: $(WL_BINS)

$(BUILD)/workloads/%: workloads/%.c $(WL_COMMON_SRCS) $(WL_COMMON_HDRS)
	@mkdir -p $(@D)
	$(CC) $(WL_CFLAGS) -o $@ $< $(WL_COMMON_SRCS) -lm

$(ALLOC_DIR)/larson_hakmem: workloads/larson.c $(WL_COMMON_SRCS) $(WL_COMMON_HDRS) $(ALLOC_DIR)/libhakmem.a
	$(CC) $(WL_CFLAGS) -o $@ workloads/larson.c $(WL_COMMON_SRCS) $(ALLOC_DIR)/libhakmem.a -lm

larson_hakmem: $(ALLOC_DIR)/larson_hakmem FORCE
	@cmp -s $< $@ || { cp $< $@.tmp && mv -f $@.tmp $@; }
