// C++ allocation through the allocator under test: new/delete, new[]/delete[], sized delete,
// over-aligned new (alignas types and std::align_val_t up to 1 MiB), nothrow new, and
// std::vector / std::string / std::map churn across threads. Prints deterministic results
// (identical under any correct allocator) and exits 1 on the first wrong one.
// When LD_PRELOAD names libhakmem.so, it also fails unless the library is really mapped.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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
    if (preload != nullptr && std::strstr(preload, "libhakmem.so") != nullptr)
        check(hakmem_mapped(), "libhakmem.so is mapped (LD_PRELOAD in effect)");
    plain_new_delete();
    aligned_new_delete();
    containers_across_threads();
    return failures == 0 ? 0 : 1;
}
