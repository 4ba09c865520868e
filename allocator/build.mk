# The allocator: allocator/src/*.c -> $(ALLOC_DIR)/libhakmem.so (LD_PRELOAD) and libhakmem.a
# (linked into *_hakmem binaries). $(ALLOC_DIR) depends on the variant variables, so changing
# one rebuilds into a fresh directory and nothing leaks between flag sets.
ALLOC_SRCS := $(sort $(wildcard allocator/src/*.c))
ALLOC_HDRS := $(wildcard allocator/src/*.h allocator/src/*.inc allocator/include/*.h)
# -ffile-prefix-map: the debug info names sources relative to the checkout, so a revision built in
# its own worktree gives the same bytes as another revision with the same code (bisect takes a
# commit whose library is byte-identical to the good one's for good without measuring it).
ALLOC_CFLAGS := $(CFLAGS_COMMON) -fPIC -fvisibility=hidden -ftls-model=initial-exec \
  -fno-builtin-malloc -fno-builtin-free -fno-builtin-calloc -fno-builtin-realloc \
  -ffile-prefix-map=$(CURDIR)=. -Iallocator/include -Iallocator/src $(ALLOC_DEFS)
ALLOC_OBJS := $(patsubst allocator/src/%.c,$(ALLOC_DIR)/%.o,$(ALLOC_SRCS))

all: libhakmem.so larson_hakmem

$(ALLOC_DIR)/%.o: allocator/src/%.c $(ALLOC_HDRS) allocator/defaults.mk allocator/build.mk
	@mkdir -p $(@D)
	$(CC) $(ALLOC_CFLAGS) -c -o $@ $<

# -Bsymbolic-functions: calls into hak_* bind inside the library, not via the PLT.
$(ALLOC_DIR)/libhakmem.so: $(ALLOC_OBJS)
	$(CC) -shared -pthread -Wl,-Bsymbolic-functions -o $@ $^

$(ALLOC_DIR)/libhakmem.a: $(ALLOC_OBJS)
	rm -f $@ && ar rcs $@ $^

# The names users type are copies of the current flag set's outputs.
libhakmem.so: $(ALLOC_DIR)/libhakmem.so FORCE
	@cmp -s $< $@ || { cp $< $@.tmp && mv -f $@.tmp $@; }

.PHONY: alloc-lib-path
alloc-lib-path: $(ALLOC_DIR)/libhakmem.so
	@echo $(abspath $<)

# Test flavors of the library, each in its own directory with fixed extra flags:
#   $(BUILD)/alloc-<flavor>/libhakmem.a
#   debug: HAKMEM_BUILD_RELEASE=0 (assertions, double-free checks), overrides malloc
#   asan:  debug + AddressSanitizer/UBSan, exports only hak_* (sanitizers own malloc)
#   tsan:  ThreadSanitizer, exports only hak_*
#   secure: HAKMEM_SECURE=3 (every mitigation), secure1 and secure2: levels 1 and 2; they
#          override malloc
ALLOC_DEBUG_DEFS := $(subst -DHAKMEM_BUILD_RELEASE=$(HAKMEM_BUILD_RELEASE),-DHAKMEM_BUILD_RELEASE=0,$(ALLOC_DEFS))
ALLOC_SECURE_DEFS = $(filter-out -DHAKMEM_SECURE=%,$(ALLOC_DEFS)) -DHAKMEM_SECURE=$(1)
# $(call alloc_flavor,NAME,FLAGS[,COMPILER]): COMPILER defaults to $(CC).
define alloc_flavor
$(BUILD)/alloc-$(1)/%.o: allocator/src/%.c $(ALLOC_HDRS) allocator/defaults.mk allocator/build.mk
	@mkdir -p $$(@D)
	$(or $(3),$(CC)) $(filter-out $(ALLOC_DEFS),$(ALLOC_CFLAGS)) $(2) -c -o $$@ $$<
$(BUILD)/alloc-$(1)/libhakmem.a: $(patsubst allocator/src/%.c,$(BUILD)/alloc-$(1)/%.o,$(ALLOC_SRCS))
	rm -f $$@ && ar rcs $$@ $$^
endef
SAN_ASAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
SAN_TSAN := -fsanitize=thread
$(eval $(call alloc_flavor,debug,$(ALLOC_DEBUG_DEFS)))
$(eval $(call alloc_flavor,asan,$(ALLOC_DEBUG_DEFS) -DHAKMEM_NO_OVERRIDE $(SAN_ASAN)))
$(eval $(call alloc_flavor,tsan,$(ALLOC_DEFS) -DHAKMEM_NO_OVERRIDE $(SAN_TSAN)))
$(eval $(call alloc_flavor,secure,$(call ALLOC_SECURE_DEFS,3)))
$(eval $(call alloc_flavor,secure1,$(call ALLOC_SECURE_DEFS,1)))
$(eval $(call alloc_flavor,secure2,$(call ALLOC_SECURE_DEFS,2)))
