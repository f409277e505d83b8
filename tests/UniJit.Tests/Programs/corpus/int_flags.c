// Integer arithmetic at every width: overflow builtins (flags), shifts, rotates, bit counts,
// division by constants and variables, comparisons signed and unsigned.
#include <stdio.h>
#include <stdint.h>
#include <limits.h>
static uint64_t s = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s; }
static volatile int sink;
#define EDGE64 { 0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000u, 0xffffffffu, \
  0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull, 0x123456789abcdef0ull }
int main(void) {
    uint64_t edge[] = EDGE64;
    int ne = sizeof edge / sizeof edge[0];
    uint64_t h = 0;
    for (int i = 0; i < ne; i++)
        for (int j = 0; j < ne; j++) {
            uint64_t a = edge[i], b = edge[j];
            int64_t r64; int32_t r32; int16_t r16; int8_t r8; uint64_t u64; uint32_t u32; uint8_t u8;
            int o1 = __builtin_add_overflow((int64_t)a, (int64_t)b, &r64);
            int o2 = __builtin_sub_overflow((int32_t)a, (int32_t)b, &r32);
            int o3 = __builtin_mul_overflow((int16_t)a, (int16_t)b, &r16);
            int o4 = __builtin_add_overflow((int8_t)a, (int8_t)b, &r8);
            int o5 = __builtin_mul_overflow(a, b, &u64);
            int o6 = __builtin_sub_overflow((uint32_t)a, (uint32_t)b, &u32);
            int o7 = __builtin_add_overflow((uint8_t)a, (uint8_t)b, &u8);
            int cmp = ((int64_t)a < (int64_t)b) | (a < b) << 1 | ((int32_t)a <= (int32_t)b) << 2 |
                      ((uint16_t)a > (uint16_t)b) << 3 | ((int8_t)a >= (int8_t)b) << 4;
            printf("%016llx %016llx: %d%d%d%d%d%d%d %02x %016llx %08x %04x %02x %016llx %08x %02x\n",
                   (unsigned long long)a, (unsigned long long)b, o1, o2, o3, o4, o5, o6, o7, cmp,
                   (unsigned long long)r64, (uint32_t)r32, (uint16_t)r16, (uint8_t)r8,
                   (unsigned long long)u64, u32, u8);
        }
    for (int i = 0; i < 2000; i++) {
        uint64_t a = rnd(), b = rnd();
        unsigned c = (unsigned)(rnd() & 63);
        int64_t sa = (int64_t)a;
        h = h * 31 + (a << c) + (a >> c) + (uint64_t)(sa >> c);
        h = h * 31 + ((a << c) | (a >> ((64 - c) & 63)));
        h = h * 31 + (uint32_t)((uint32_t)a << (c & 31)) + (uint32_t)((int32_t)a >> (c & 31));
        h = h * 31 + (uint64_t)__builtin_popcountll(a) + (uint64_t)(a ? __builtin_clzll(a) : 99) + (uint64_t)(a ? __builtin_ctzll(a) : 99);
        h = h * 31 + __builtin_bswap64(a) + __builtin_bswap32((uint32_t)b) + __builtin_bswap16((uint16_t)a);
        if (b != 0) h = h * 31 + a / b + a % b;
        if ((uint32_t)b != 0) h = h * 31 + (uint32_t)a / (uint32_t)b + (uint32_t)a % (uint32_t)b;
        int64_t sb = (int64_t)b;
        if (sb != 0 && !(sa == INT64_MIN && sb == -1)) h = h * 31 + (uint64_t)(sa / sb) + (uint64_t)(sa % sb);
        int32_t ia = (int32_t)a, ib = (int32_t)(b >> 40);
        if (ib != 0 && !(ia == INT32_MIN && ib == -1)) h = h * 31 + (uint32_t)(ia / ib) + (uint32_t)(ia % ib);
        h = h * 31 + a / 7 + a % 10 + (uint64_t)(sa / 3) + (uint64_t)(sa % 1000);
        h = h * 31 + (uint64_t)((unsigned __int128)a * b >> 64) + (uint64_t)((__int128)sa * sb >> 64);
        h = h * 31 + (uint8_t)((uint8_t)a * (uint8_t)b) + (int16_t)((int16_t)a * (int16_t)b);
        h = h * 31 + (a > b ? a - b : b - a) + (sa < sb ? 1 : 0) + ((int8_t)a < (int8_t)b ? 5 : 7);
        h += (uint64_t)(a & 1 ? -sa : ~sa);
    }
    printf("hash %016llx\n", (unsigned long long)h);
    printf("INT_MIN/-1 avoided, INT64_MAX+1 wraps to %lld\n", (long long)((uint64_t)INT64_MAX + 1));
    sink = (int)h;
    return 0;
}
