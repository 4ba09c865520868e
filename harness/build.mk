# hakbench: every harness/<folder>/*.c is part of it (harness/README.md maps the folders) but
# harness/testing/ (shared test support);
# harness/<folder>/tests/test_*.c are cmocka unit tests linked with everything but cli/main.c;
# harness/<folder>/tests/test_*.sh are end-to-end tests. Headers are included by folder
# ("store/db.h"), so -Iharness is the only include path.
HARNESS_CFLAGS := $(CFLAGS_COMMON) -Iharness -I$(BUILD)/harness
HARNESS_LIBS := -lsqlite3 -ljansson -lm
HARNESS_SRCS := $(filter-out harness/cli/main.c harness/testing/%,$(wildcard harness/*/*.c))
HARNESS_HDRS := $(wildcard harness/*/*.h)
HARNESS_OBJS := $(patsubst harness/%.c,$(BUILD)/harness/%.o,$(HARNESS_SRCS)) $(BUILD)/harness/schema_sql.o

all: hakbench

# The schema travels inside the binary as a C string made from schema.sql.
$(BUILD)/harness/schema_sql.c: harness/store/schema.sql
	@mkdir -p $(@D)
	@{ echo '/* generated from harness/store/schema.sql */'; echo 'const char hakbench_schema_sql[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$$/\\n"/' $<; echo ';'; } > $@

$(BUILD)/harness/%.o: $(BUILD)/harness/%.c
	$(CC) $(HARNESS_CFLAGS) -c -o $@ $<

$(BUILD)/harness/%.o: harness/%.c $(HARNESS_HDRS)
	@mkdir -p $(@D)
	$(CC) $(HARNESS_CFLAGS) -c -o $@ $<

hakbench: $(BUILD)/harness/cli/main.o $(HARNESS_OBJS)
	$(CC) $(CFLAGS_COMMON) -o $@ $^ $(HARNESS_LIBS)

# harness/analysis/tests/test_stats.c -> build/tests/harness/analysis/test_stats
HARNESS_TEST_SRCS := $(sort $(wildcard harness/*/tests/test_*.c))
HARNESS_TESTS := $(foreach t,$(HARNESS_TEST_SRCS),$(BUILD)/tests/$(subst /tests/,/,$(t:.c=)))
define harness_test_rule
$(BUILD)/tests/$(subst /tests/,/,$(1:.c=)): $(1) $$(HARNESS_OBJS) $$(HARNESS_HDRS)
	@mkdir -p $$(@D)
	$$(CC) $$(HARNESS_CFLAGS) -o $$@ $$< $$(HARNESS_OBJS) -lcmocka $$(HARNESS_LIBS)
endef
$(foreach t,$(HARNESS_TEST_SRCS),$(eval $(call harness_test_rule,$(t))))

TEST_BINS += $(HARNESS_TESTS)
TEST_SCRIPTS += $(sort $(wildcard harness/*/tests/test_*.sh))

# A fake workload for the executor and end-to-end tests (every outcome on demand).
HARNESS_FAKE := $(BUILD)/tests/harness/fake_workload
$(HARNESS_FAKE): harness/testing/fake_workload.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -o $@ $<
# It is no test itself: the unit tests and the scripts use it, so `make test` builds it first.
$(HARNESS_TESTS): $(HARNESS_FAKE)
test-build: $(HARNESS_FAKE)
