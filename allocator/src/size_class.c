/* size_class.c: the class tables (see size_class.h for the rationale). Calls nothing. */
#include "size_class.h"

#define S16(i) (16u * (i))
#define Q(b) (5u << ((b)-2)), (6u << ((b)-2)), (7u << ((b)-2)), (8u << ((b)-2))
const uint32_t hak_class_size[HAK_NCLASS] = {
    S16(1), S16(2), S16(3), S16(4), S16(5), S16(6), S16(7),
    S16(8), Q(7),   Q(8),   Q(9),   Q(10),  Q(11),  Q(12),
};
#undef Q
#undef S16

/* Index (size + 15) / 16 for size 0..1024, filled to match hak_class_size. */
#define T4(c) c, c, c, c
#define T2(c) c, c
const uint8_t hak_tiny_class_of[HAK_TINY_MAX / 16 + 1] = {
    0,      0,      1,      2,      3,      4,      5,      6,      7, /* 0..128 */
    T2(8),  T2(9),  T2(10), T2(11),                                    /* 129..256 */
    T4(12), T4(13), T4(14), T4(15),                                    /* 257..512 */
    T4(16), T4(16), T4(17), T4(17), T4(18), T4(18), T4(19), T4(19),    /* 513..1024 */
};
#undef T4
#undef T2

uint16_t hak_class_cap[HAK_NCLASS];
uint16_t hak_class_batch[HAK_NCLASS];

void hak_size_class_init(void)
{
    for (unsigned c = 0; c < HAK_NCLASS; c++) {
        bool mid = c >= HAK_TINY_NCLASS;
        size_t cap =
            (mid ? HAK_TCACHE_MID_CLASS_BYTES : HAK_TCACHE_CLASS_BYTES) / hak_class_size[c];
        if (cap > TCACHE_CAPACITY) cap = TCACHE_CAPACITY;
        if (cap < (mid ? 1u : 2u)) cap = mid ? 1 : 2;
        size_t batch = REFILL_BATCH < cap ? REFILL_BATCH : cap / 2;
        hak_class_cap[c] = (uint16_t)cap;
        hak_class_batch[c] = (uint16_t)(batch ? batch : 1);
    }
}
