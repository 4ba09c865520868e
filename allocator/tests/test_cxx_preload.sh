#!/usr/bin/env bash
# test-timeout: 120
# C++ under LD_PRELOAD=./libhakmem.so: new/delete (plain, array, sized, aligned, nothrow; every
# form libhakmem.so's own), the new_handler and std::bad_alloc, and std containers across
# threads (build/tests/allocator/cxx_churn, from cxx_churn.cpp) must pass their own checks and
# print exactly what they print under glibc.
set -u
cd "$(dirname "$0")/../.." || exit 2
. allocator/tests/preload_lib.sh

preload_takes_effect
same_output_under_preload cxx_new_delete_and_containers build/tests/allocator/cxx_churn
finish
