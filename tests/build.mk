# Repository-wide tests (tests/*.sh): checks that span several layers.
TEST_SCRIPTS += $(sort $(wildcard tests/test_*.sh))
