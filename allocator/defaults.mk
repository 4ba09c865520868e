# Defaults of every allocator build variable, one line each (NAME ?= VALUE).
# Override on the command line: make TINY_FAST_PATH_DEFAULT=0 larson_hakmem
# The table explaining each one is in allocator/README.md.
TINY_FAST_PATH_DEFAULT ?= 1
BOX_REFACTOR_DEFAULT ?= 1
HAKMEM_BUILD_RELEASE ?= 1
HAKMEM_COUNTERS ?= 0
HAKMEM_SECURE ?= 0
TCACHE_CAPACITY ?= 256
REFILL_BATCH ?= 64
EMPTY_SUPERSLAB_KEEP ?= 2
PURGE_DELAY_MS ?= 1000
FAULT_DELAY_NS ?= 0
FAULT_DELAY_EVERY ?= 1
FAULT_LEAK ?= 0
FAULT_CRASH_AFTER ?= 0
