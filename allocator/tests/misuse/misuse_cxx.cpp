// The heap-misuse suite's C++ program (README.md in this folder): mismatched new/delete forms and
// sized deletes with the wrong size. Same contract as misuse.c: `misuse_cxx CASE` commits one
// misuse and exits 0 (no observable effect), 3 (effect: a block handed out twice or overlapping
// a live one, a live block's bytes changed), or dies of a signal (the allocator stopped it);
// 1 when the case could not set itself up, 2 on usage errors. The operators are called through
// volatile pointers and the pointers laundered, so the compiler neither sees nor removes the
// mismatch; bookkeeping lives in mmap'd memory, not on the heap under test.
#include <cstdarg>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <sys/mman.h>
#include <unistd.h>

namespace
{

constexpr std::size_t KiB = 1024, MiB = 1024 * KiB;
enum { NO_EFFECT = 0, SETUP_FAILED = 1, USAGE = 2, EFFECT = 3 };

const char *case_name = "?";

void say(const char *fmt, ...)
{
    static char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int len = std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (len < 0) return;
    if (static_cast<std::size_t>(len) >= sizeof buf) len = static_cast<int>(sizeof buf) - 1;
    ssize_t w = write(2, buf, static_cast<std::size_t>(len));
    (void)w;
}

[[noreturn]] void verdict(int rc, const char *why)
{
    say("%s: %s: %s\n", case_name, rc == EFFECT ? "effect" : "no effect", why);
    _exit(rc);
}

// In the log: the misuse itself returned (a later signal came from the checks that follow).
void committed()
{
    say("%s: misuse committed\n", case_name);
}

[[noreturn]] void setup_failed(const char *what)
{
    say("%s: setup failed: %s\n", case_name, what);
    _exit(SETUP_FAILED);
}

void *xmap(std::size_t len)
{
    void *p = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) setup_failed("mmap");
    return p;
}

template <typename T> T launder(T p)
{
    T volatile v = p;
    return v;
}

void *(*volatile m_malloc)(std::size_t) = std::malloc;
void (*volatile m_free)(void *) = std::free;
void *(*volatile op_new)(std::size_t) = ::operator new;
void *(*volatile op_new_arr)(std::size_t) = ::operator new[];
void (*volatile op_delete_sized)(void *, std::size_t) = ::operator delete;
void (*volatile op_delete_arr_sized)(void *, std::size_t) = ::operator delete[];

void *xmalloc(std::size_t n)
{
    void *p = m_malloc(n);
    if (!p) setup_failed("malloc returned NULL");
    return p;
}

unsigned char pbyte(unsigned seed, std::size_t i)
{
    return static_cast<unsigned char>((i * 13u + seed * 101u + 7u) & 0x7f);
}

void pfill(void *p, std::size_t n, unsigned seed)
{
    volatile unsigned char *b = static_cast<unsigned char *>(p);
    for (std::size_t i = 0; i < n; i++)
        b[i] = pbyte(seed, i);
}

bool intact(const void *p, std::size_t n, unsigned seed)
{
    const volatile unsigned char *b = static_cast<const unsigned char *>(p);
    for (std::size_t i = 0; i < n; i++)
        if (b[i] != pbyte(seed, i)) return false;
    return true;
}

struct blk {
    char *p;
    std::size_t n;
};

// Block list in mmap'd memory; the overlap check sorts it by address (heapsort: no allocation).
struct blist {
    blk *v;
    std::size_t len = 0, cap;
    explicit blist(std::size_t c) : v(static_cast<blk *>(xmap(c * sizeof(blk)))), cap(c) {}
    void add(void *p, std::size_t n)
    {
        if (len == cap) setup_failed("block list full");
        v[len++] = blk{static_cast<char *>(p), n};
    }
    void sift(std::size_t root, std::size_t end)
    {
        for (;;) {
            std::size_t c = 2 * root + 1;
            if (c >= end) return;
            if (c + 1 < end && v[c + 1].p > v[c].p) c++;
            if (v[root].p >= v[c].p) return;
            blk t = v[root];
            v[root] = v[c];
            v[c] = t;
            root = c;
        }
    }
    bool overlap()
    {
        for (std::size_t i = len / 2; i-- > 0;)
            sift(i, len);
        for (std::size_t end = len; end > 1; end--) {
            blk t = v[0];
            v[0] = v[end - 1];
            v[end - 1] = t;
            sift(0, end - 1);
        }
        std::size_t far = 0;
        for (std::size_t i = 1; i < len; i++) {
            if (v[i].p < v[far].p + v[far].n) {
                say("%s: blocks %p (%zu B) and %p (%zu B) overlap\n", case_name,
                    static_cast<void *>(v[far].p), v[far].n, static_cast<void *>(v[i].p), v[i].n);
                return true;
            }
            if (v[i].p + v[i].n > v[far].p + v[far].n) far = i;
        }
        return false;
    }
    bool hits(const void *lo, std::size_t n) const
    {
        const char *a = static_cast<const char *>(lo), *z = a + n;
        for (std::size_t i = 0; i < len; i++)
            if (v[i].p < z && v[i].p + v[i].n > a) return true;
        return false;
    }
};

std::size_t spray_count(std::size_t n)
{
    std::size_t c = 8 * MiB / n;
    return c > 8192 ? 8192 : c < 8 ? 8 : c;
}

void spray(blist &l, std::size_t n)
{
    for (std::size_t i = 0, c = spray_count(n); i < c; i++)
        l.add(xmalloc(n), n);
}

const std::size_t spray_sizes[] = {8, 16, 32, 48, 64, 96, 128, 256, 1024, 4096, 8192};

// After the misuse: live blocks (in l, patterned with their index) must be intact, and sprays of
// every small class and of `extra` must not overlap them or each other.
[[noreturn]] void check_after(blist &l, std::size_t nlive, std::size_t extra)
{
    for (std::size_t i = 0; i < nlive; i++)
        if (!intact(l.v[i].p, l.v[i].n, static_cast<unsigned>(i)))
            verdict(EFFECT, "a live block's bytes changed");
    for (std::size_t s : spray_sizes) {
        for (std::size_t i = 0; i < 256; i++)
            l.add(xmalloc(s), s);
    }
    if (extra) spray(l, extra);
    if (l.overlap()) verdict(EFFECT, "malloc handed out memory of a live block, or a block twice");
    verdict(NO_EFFECT, "live blocks intact, nothing handed out twice");
}

std::size_t list_cap(std::size_t extra)
{
    return 64 + 256 * (sizeof spray_sizes / sizeof spray_sizes[0]) +
           (extra ? spray_count(extra) : 0);
}

// Live neighbours of n bytes, patterned with their index, in l (the first `count` entries).
void neighbours(blist &l, std::size_t n, std::size_t count)
{
    for (std::size_t i = 0; i < count; i++) {
        void *p = xmalloc(n);
        pfill(p, n, static_cast<unsigned>(l.len));
        l.add(p, n);
    }
}

// A type with a destructor: new D[n] stores an element count (the "array cookie") before the
// elements, so the pointer new[] returns is 8 bytes into the allocated block.
struct D {
    unsigned char bytes[16];
    ~D()
    {
        bytes[0] = 0;
    }
};

D *(*volatile new_d)() = [] { return new D; };
D *(*volatile new_d_arr)(std::size_t) = [](std::size_t n) { return new D[n]; };
void (*volatile delete_d)(D *) = [](D *p) { delete p; };
char *(*volatile new_chars)(std::size_t) = [](std::size_t n) { return new char[n]; };
void (*volatile delete_chars)(char *) = [](char *p) { delete p; };

// One block between two groups of 8 live patterned neighbours of its class `cls`, released
// the wrong way; then the neighbours and later mallocs of the class are checked.
[[noreturn]] void released_among_neighbours(std::size_t cls, void *(*alloc)(),
                                            void (*release)(void *))
{
    blist l(list_cap(cls));
    neighbours(l, cls, 8);
    void *p = alloc();
    neighbours(l, cls, 8);
    release(launder(p));
    committed();
    check_after(l, l.len, cls);
}

// new D[4] released with delete or free(): the operator gets the pointer 8 bytes into the
// block. The block counts as released (an allocator that frees it whole did right); the sprays
// are of its class, so a block handed out at the interior pointer overlaps the next neighbour.
// 72 bytes: 8 of count, 64 of elements (an 80-byte class, mostly).
void *new_d_arr4()
{
    return new_d_arr(4);
}

int new_arr_delete_dtor()
{
    released_among_neighbours(80, new_d_arr4, [](void *p) { delete_d(static_cast<D *>(p)); });
}

int new_arr_free_dtor()
{
    released_among_neighbours(80, new_d_arr4, [](void *p) { m_free(p); });
}

// new char[64] released with delete (no cookie for a type without a destructor).
int new_arr_delete_trivial()
{
    released_among_neighbours(
        64, [] { return static_cast<void *>(new_chars(64)); },
        [](void *p) { delete_chars(static_cast<char *>(p)); });
}

// new, then free().
int new_free()
{
    released_among_neighbours(
        16, [] { return static_cast<void *>(new_d()); }, [](void *p) { m_free(p); });
}

// malloc(64), then delete of a D (a sized delete of 16 bytes).
int malloc_delete()
{
    released_among_neighbours(
        64, [] { return xmalloc(64); }, [](void *p) { delete_d(static_cast<D *>(p)); });
}

int double_delete()
{
    blist l(list_cap(16));
    D *p = new_d();
    delete_d(launder(p));
    delete_d(launder(p));
    committed();
    spray(l, 16);
    if (l.overlap()) verdict(EFFECT, "a block was handed out twice");
    verdict(NO_EFFECT, "no block handed out twice");
}

int delete_stack()
{
    blist l(list_cap(0));
    alignas(64) unsigned char buf[4 * KiB];
    std::memset(buf, 0, sizeof buf);
    delete_d(launder(reinterpret_cast<D *>(buf + 2 * KiB)));
    committed();
    for (std::size_t s : spray_sizes)
        for (std::size_t i = 0; i < 256; i++)
            l.add(xmalloc(s), s);
    if (l.hits(buf, sizeof buf)) verdict(EFFECT, "malloc returned stack memory");
    verdict(NO_EFFECT, "no malloc returned the stack buffer");
}

// operator new(n) released with operator delete(p, wrong): the allocator trusting the size files
// the block under another class.
[[noreturn]] void sized_wrong(std::size_t n, std::size_t wrong, bool array)
{
    blist l(list_cap(n) + spray_count(wrong) + 32);
    neighbours(l, n, 8);
    void *p = array ? op_new_arr(n) : op_new(n);
    neighbours(l, n, 8);
    if (array)
        op_delete_arr_sized(launder(p), wrong);
    else
        op_delete_sized(launder(p), wrong);
    committed();
    spray(l, wrong);
    check_after(l, 16, n);
}

int sized_delete_larger()
{
    sized_wrong(64, 4 * KiB, false);
}

int sized_delete_smaller()
{
    sized_wrong(4 * KiB, 64, false);
}

int sized_delete_page()
{
    sized_wrong(64 * KiB, 16, false);
}

int sized_delete_large()
{
    sized_wrong(2 * MiB, 64, false);
}

int sized_delete_arr()
{
    sized_wrong(64, 8 * KiB, true);
}

struct mcase {
    const char *name;
    int (*fn)();
};

const mcase cases[] = {
    {"cxx_new_arr_delete_dtor", new_arr_delete_dtor},
    {"cxx_new_arr_free_dtor", new_arr_free_dtor},
    {"cxx_new_arr_delete_trivial", new_arr_delete_trivial},
    {"cxx_new_free", new_free},
    {"cxx_malloc_delete", malloc_delete},
    {"cxx_double_delete", double_delete},
    {"cxx_delete_stack", delete_stack},
    {"cxx_sized_delete_larger", sized_delete_larger},
    {"cxx_sized_delete_smaller", sized_delete_smaller},
    {"cxx_sized_delete_page", sized_delete_page},
    {"cxx_sized_delete_large", sized_delete_large},
    {"cxx_sized_delete_arr", sized_delete_arr},
};

void usage(std::FILE *f)
{
    std::fprintf(f,
                 "usage: misuse_cxx CASE | --list | --help\n"
                 "Commits one C++ heap misuse (mismatched new/delete, wrong sized delete) and\n"
                 "exits 0 when it had no observable effect, 3 when it had one; a signal means the\n"
                 "allocator stopped it. 1: setup failed, 2: usage. --list: the %zu cases.\n",
                 sizeof cases / sizeof cases[0]);
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 2) {
        usage(stderr);
        return USAGE;
    }
    if (std::strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return 0;
    }
    if (std::strcmp(argv[1], "--list") == 0) {
        for (const mcase &c : cases)
            std::printf("%s\n", c.name);
        return 0;
    }
    for (const mcase &c : cases)
        if (std::strcmp(argv[1], c.name) == 0) {
            case_name = c.name;
            return c.fn();
        }
    std::fprintf(stderr, "misuse_cxx: unknown case '%s' (misuse_cxx --list names them)\n", argv[1]);
    return USAGE;
}
