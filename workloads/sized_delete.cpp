// sized_delete: Larson's server benchmark with C++ allocation: ::operator new(n) and the sized
// ::operator delete(p, n) (C++14 sized deallocation, -fsized-deallocation), the calls a C++
// program makes for its objects, on which some allocators have a faster free path. The
// benchmark (command line, warm-up, threads, output) is the core in common/wl_larson.c, shared
// with larson.c. (mimalloc-bench's larson-sized writes "delete[] p, size", a comma expression
// that ends up in the unsized delete; this program really calls the sized one.) A failed
// operator new exits 2 through the new-handler, as a failed malloc does in larson.
#include "wl_cli.h"
#include "wl_larson.h"

#include <new>

static const char usage[] =
    "usage: sized_delete SLEEP MIN MAX CHUNKS ROUNDS SEED THREADS\n"
    "\n"
    "Larson & Krishnan's server benchmark with C++ ::operator new and sized ::operator delete:\n"
    "THREADS workers each own CHUNKS blocks and repeatedly delete a random one (passing its\n"
    "size) and allocate a new one of random size in [MIN, MAX). After ROUNDS x CHUNKS\n"
    "operations a worker hands its blocks to a new thread and exits, so blocks are deleted by\n"
    "threads other than the one that allocated them.\n"
    "\n" LARSON_USAGE_ARGUMENTS "Example: sized_delete 1.5 8 1000 5000 100 4141 2\n";

static inline char *new_block(uint64_t size)
{
    return static_cast<char *>(::operator new(size));
}

static inline void delete_block(char *p, uint64_t size)
{
    ::operator delete(p, size);
}

static uint64_t churn(larson_slice *s)
{
    return larson_churn(s, new_block, delete_block);
}

int main(int argc, char **argv)
{
    std::set_new_handler([] { wl_fail("operator new failed (out of memory?)"); });
    const larson_program prog = {"sized_delete", usage, new_block, delete_block, churn};
    return larson_main(argc, argv, &prog);
}
