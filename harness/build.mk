# hakbench: every harness/*.c is part of it; harness/tests/test_*.c are cmocka unit tests linked
# with everything but main.c; harness/tests/test_*.sh are end-to-end tests.
HARNESS_CFLAGS := $(CFLAGS_COMMON) -Iharness -I$(BUILD)/harness
HARNESS_LIBS := -lsqlite3 -lm
HARNESS_SRCS := $(filter-out harness/main.c,$(wildcard harness/*.c))
HARNESS_HDRS := $(wildcard harness/*.h)
HARNESS_OBJS := $(patsubst harness/%.c,$(BUILD)/harness/%.o,$(HARNESS_SRCS)) $(BUILD)/harness/schema_sql.o

all: hakbench

# The schema travels inside the binary as a C string made from schema.sql.
$(BUILD)/harness/schema_sql.c: harness/schema.sql
	@mkdir -p $(@D)
	@{ echo '/* generated from harness/schema.sql */'; echo 'const char hakbench_schema_sql[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$$/\\n"/' $<; echo ';'; } > $@

$(BUILD)/harness/%.o: $(BUILD)/harness/%.c
	$(CC) $(HARNESS_CFLAGS) -c -o $@ $<

$(BUILD)/harness/%.o: harness/%.c $(HARNESS_HDRS)
	@mkdir -p $(@D)
	$(CC) $(HARNESS_CFLAGS) -c -o $@ $<

hakbench: $(BUILD)/harness/main.o $(HARNESS_OBJS)
	$(CC) $(CFLAGS_COMMON) -o $@ $^ $(HARNESS_LIBS)

HARNESS_TESTS := $(patsubst harness/tests/%.c,$(BUILD)/tests/harness/%,$(sort $(wildcard harness/tests/test_*.c)))
$(BUILD)/tests/harness/%: harness/tests/%.c $(HARNESS_OBJS) $(HARNESS_HDRS)
	@mkdir -p $(@D)
	$(CC) $(HARNESS_CFLAGS) -o $@ $< $(HARNESS_OBJS) -lcmocka $(HARNESS_LIBS)

TEST_BINS += $(HARNESS_TESTS)
TEST_SCRIPTS += $(sort $(wildcard harness/tests/test_*.sh))

# A fake workload for the executor and end-to-end tests (every outcome on demand).
HARNESS_FAKE := $(BUILD)/tests/harness/fake_workload
$(HARNESS_FAKE): harness/tests/fake_workload.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -o $@ $<
# It is no test itself: the unit tests and the scripts use it, so `make test` builds it first.
$(HARNESS_TESTS): $(HARNESS_FAKE)
test-build: $(HARNESS_FAKE)
