// C++ allocation through the allocator under test: new/delete, new[]/delete[], sized delete,
// over-aligned new (alignas types and std::align_val_t up to 1 MiB), nothrow new, the
// new_handler and std::bad_alloc on a request nothing can serve, and std::vector /
// std::string / std::map churn across threads. Prints deterministic results (identical under
// any correct allocator) and exits 1 on the first wrong one.
// When LD_PRELOAD names libhakmem.so, it also fails unless the library is really mapped and
// every form of operator new and delete is the library's own (not libstdc++'s over malloc).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fstream>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <thread>
#include <vector>

namespace
{

int failures = 0;

void check(bool ok, const char *what)
{
    if (!ok) {
        std::fprintf(stderr, "FAIL: %s\n", what);
        failures++;
    }
}

bool aligned(const void *p, std::size_t a)
{
    return reinterpret_cast<std::uintptr_t>(p) % a == 0;
}

struct Counted {
    static int live;
    int value;
    Counted() : value(42)
    {
        live++;
    }
    ~Counted()
    {
        live--;
    }
};
int Counted::live = 0;

struct alignas(64) Line {
    unsigned char bytes[64];
};

struct alignas(4096) Page {
    unsigned char bytes[4096];
};

struct Base {
    virtual ~Base() = default;
};
struct Derived : Base {
    char payload[200];
};

void plain_new_delete()
{
    int *i = new int(7);
    check(*i == 7, "new int");
    delete i;
    Counted *arr = new Counted[1000];
    check(Counted::live == 1000 && arr[999].value == 42, "new[] constructs every element");
    delete[] arr;
    check(Counted::live == 0, "delete[] destroys every element");
    Base *b = new Derived; // deleted through the base: the sized delete of Derived
    delete b;
    for (std::size_t n = 1; n <= (1u << 22); n *= 3) {
        void *p = ::operator new(n);
        std::memset(p, 0x5a, n);
        ::operator delete(p, n); // explicit sized delete
    }
    int *none = new (std::nothrow) int[16];
    check(none != nullptr, "nothrow new");
    delete[] none;
    std::printf("plain new/delete ok\n");
}

void aligned_new_delete()
{
    Line *l = new Line;
    check(aligned(l, 64), "alignas(64) new");
    delete l;
    Line *ls = new Line[33];
    check(aligned(ls, 64), "alignas(64) new[]");
    delete[] ls;
    Page *pg = new Page;
    check(aligned(pg, 4096), "alignas(4096) new");
    delete pg;
    for (std::size_t a = 16; a <= (1u << 20); a *= 2) {
        for (std::size_t n : {std::size_t(1), std::size_t(1000), std::size_t(70000)}) {
            void *p = ::operator new(n, std::align_val_t(a));
            check(aligned(p, a), "operator new(size, align_val_t)");
            std::memset(p, 1, n);
            ::operator delete(p, n, std::align_val_t(a));
        }
    }
    std::printf("aligned new/delete ok\n");
}

int handler_calls = 0;

// The standard's contract: on failure operator new calls the handler and tries again while one
// is installed. This one uninstalls itself, so the retry fails and std::bad_alloc follows.
void give_up_handler()
{
    handler_calls++;
    std::set_new_handler(nullptr);
}

void throwing_handler()
{
    throw std::bad_alloc();
}

void new_handler_and_bad_alloc()
{
    volatile std::size_t impossible = SIZE_MAX / 2;
    for (int form = 0; form < 4; form++) {
        handler_calls = 0;
        std::set_new_handler(give_up_handler);
        bool threw = false;
        try {
            void *p = form == 0   ? ::operator new(impossible)
                      : form == 1 ? ::operator new[](impossible)
                      : form == 2 ? ::operator new(impossible, std::align_val_t(64))
                                  : ::operator new[](impossible, std::align_val_t(4096));
            ::operator delete(p);
        } catch (const std::bad_alloc &) {
            threw = true;
        }
        check(threw, "operator new of an impossible size throws std::bad_alloc");
        check(handler_calls == 1, "operator new calls the new_handler once before throwing");
    }
    handler_calls = 0;
    std::set_new_handler(give_up_handler);
    check(::operator new(impossible, std::nothrow) == nullptr, "nothrow new returns nullptr");
    check(handler_calls == 1, "nothrow new calls the new_handler too");
    check(::operator new(impossible, std::align_val_t(256), std::nothrow) == nullptr,
          "aligned nothrow new returns nullptr");
    // A handler may throw std::bad_alloc itself: the nothrow forms still return nullptr.
    std::set_new_handler(throwing_handler);
    check(::operator new(impossible, std::nothrow) == nullptr,
          "nothrow new returns nullptr when the new_handler throws");
    check(::operator new[](impossible, std::align_val_t(64), std::nothrow) == nullptr,
          "aligned nothrow new[] returns nullptr when the new_handler throws");
    std::set_new_handler(nullptr);
    std::printf("new_handler and bad_alloc ok\n");
}

// Every replaceable form, by address: when hakmem is preloaded, each is defined in it.
void operators_are_the_allocators()
{
    const void *forms[] = {
        reinterpret_cast<const void *>(static_cast<void *(*)(std::size_t)>(&::operator new)),
        reinterpret_cast<const void *>(static_cast<void *(*)(std::size_t)>(&::operator new[])),
        reinterpret_cast<const void *>(
            static_cast<void *(*)(std::size_t, const std::nothrow_t &) noexcept>(&::operator new)),
        reinterpret_cast<const void *>(
            static_cast<void *(*)(std::size_t, const std::nothrow_t &) noexcept>(
                &::operator new[])),
        reinterpret_cast<const void *>(
            static_cast<void *(*)(std::size_t, std::align_val_t)>(&::operator new)),
        reinterpret_cast<const void *>(
            static_cast<void *(*)(std::size_t, std::align_val_t)>(&::operator new[])),
        reinterpret_cast<const void *>(
            static_cast<void *(*)(std::size_t, std::align_val_t, const std::nothrow_t &) noexcept>(
                &::operator new)),
        reinterpret_cast<const void *>(
            static_cast<void *(*)(std::size_t, std::align_val_t, const std::nothrow_t &) noexcept>(
                &::operator new[])),
        reinterpret_cast<const void *>(static_cast<void (*)(void *) noexcept>(&::operator delete)),
        reinterpret_cast<const void *>(
            static_cast<void (*)(void *) noexcept>(&::operator delete[])),
        reinterpret_cast<const void *>(
            static_cast<void (*)(void *, const std::nothrow_t &) noexcept>(&::operator delete)),
        reinterpret_cast<const void *>(
            static_cast<void (*)(void *, const std::nothrow_t &) noexcept>(&::operator delete[])),
        reinterpret_cast<const void *>(
            static_cast<void (*)(void *, std::size_t) noexcept>(&::operator delete)),
        reinterpret_cast<const void *>(
            static_cast<void (*)(void *, std::size_t) noexcept>(&::operator delete[])),
        reinterpret_cast<const void *>(
            static_cast<void (*)(void *, std::align_val_t) noexcept>(&::operator delete)),
        reinterpret_cast<const void *>(
            static_cast<void (*)(void *, std::align_val_t) noexcept>(&::operator delete[])),
        reinterpret_cast<const void *>(
            static_cast<void (*)(void *, std::align_val_t, const std::nothrow_t &) noexcept>(
                &::operator delete)),
        reinterpret_cast<const void *>(
            static_cast<void (*)(void *, std::align_val_t, const std::nothrow_t &) noexcept>(
                &::operator delete[])),
        reinterpret_cast<const void *>(
            static_cast<void (*)(void *, std::size_t, std::align_val_t) noexcept>(
                &::operator delete)),
        reinterpret_cast<const void *>(
            static_cast<void (*)(void *, std::size_t, std::align_val_t) noexcept>(
                &::operator delete[])),
    };
    for (const void *f : forms) {
        Dl_info info;
        bool ours = dladdr(f, &info) != 0 && info.dli_fname != nullptr &&
                    std::strstr(info.dli_fname, "libhakmem.so") != nullptr;
        check(ours, "every operator new/delete form is libhakmem.so's own");
    }
}

std::uint64_t mix(std::uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

// Deterministic container churn; returns a checksum of what the containers hold.
std::uint64_t container_churn(std::uint64_t seed)
{
    std::map<std::string, std::vector<std::uint64_t>> m;
    std::uint64_t sum = 0;
    for (std::uint64_t i = 0; i < 20000; i++) {
        std::uint64_t r = mix(seed * 1000003 + i);
        std::string key = "key-" + std::to_string(r % 2048) + std::string(r % 50, 'x');
        auto &v = m[key];
        v.push_back(r);
        if (v.size() > 64) v.erase(v.begin(), v.begin() + 32);
        if (r % 7 == 0) m.erase(key);
    }
    for (const auto &kv : m) {
        sum = mix(sum ^ kv.first.size());
        for (std::uint64_t x : kv.second)
            sum = mix(sum ^ x);
    }
    return sum;
}

void containers_across_threads()
{
    std::vector<std::uint64_t> sums(4);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; t++)
        threads.emplace_back([t, &sums] { sums[t] = container_churn(t + 1); });
    for (auto &th : threads)
        th.join();
    for (int t = 0; t < 4; t++)
        std::printf("container churn %d checksum=%016llx\n", t, (unsigned long long)sums[t]);

    // Objects made in one thread, destroyed in another (cross-thread frees).
    std::vector<std::unique_ptr<std::string>> handoff;
    std::thread maker([&handoff] {
        for (int i = 0; i < 50000; i++)
            handoff.push_back(std::make_unique<std::string>(std::string(i % 300, 'a' + i % 26)));
    });
    maker.join();
    std::size_t total = 0;
    std::thread eater([&handoff, &total] {
        for (auto &s : handoff)
            total += s->size();
        handoff.clear();
    });
    eater.join();
    std::printf("handoff total=%zu\n", total);
}

bool hakmem_mapped()
{
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line))
        if (line.find("libhakmem.so") != std::string::npos) return true;
    return false;
}

} // namespace

int main()
{
    const char *preload = std::getenv("LD_PRELOAD");
    if (preload != nullptr && std::strstr(preload, "libhakmem.so") != nullptr) {
        check(hakmem_mapped(), "libhakmem.so is mapped (LD_PRELOAD in effect)");
        operators_are_the_allocators();
    }
    plain_new_delete();
    aligned_new_delete();
    new_handler_and_bad_alloc();
    containers_across_threads();
    return failures == 0 ? 0 : 1;
}
