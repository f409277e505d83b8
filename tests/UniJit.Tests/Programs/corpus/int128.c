// 128-bit integer math: multiply, divide and remainder (libgcc's __divti3/__udivti3), shifts, printing.
#include <stdio.h>
#include <stdint.h>
#include <string.h>
typedef unsigned __int128 u128;
typedef __int128 i128;
static void put_u128(u128 v, char *out) {
    char buf[48]; int n = 0;
    do { buf[n++] = (char)('0' + (int)(v % 10)); v /= 10; } while (v);
    for (int i = 0; i < n; i++) out[i] = buf[n - 1 - i];
    out[n] = 0;
}
static void put_i128(i128 v, char *out) {
    if (v < 0) { out[0] = '-'; put_u128((u128)0 - (u128)v, out + 1); }
    else put_u128((u128)v, out);
}
static uint64_t s = 88172645463325252ull;
static uint64_t rnd(void) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s; }
int main(void) {
    char a[64], b[64], c[64], d[64];
    u128 f = 1;
    for (int i = 1; i <= 34; i++) { f *= (u128)i; put_u128(f, a); printf("%d! = %s\n", i, a); }
    u128 x = ((u128)0xfedcba9876543210ull << 64) | 0x0123456789abcdefull;
    for (int sh = 0; sh < 128; sh += 9) {
        put_u128(x << sh, a); put_u128(x >> sh, b); put_i128((i128)x >> sh, c);
        printf("sh %3d: %s %s %s\n", sh, a, b, c);
    }
    for (int i = 0; i < 200; i++) {
        u128 n = ((u128)rnd() << 64) | rnd();
        u128 m = (i % 3 == 0) ? (u128)(rnd() >> (i % 60)) + 1 : (((u128)(rnd() >> (i % 64)) << 64) | rnd()) + 1;
        i128 sn = (i128)n, sm = (i128)m;
        if (i & 1) sm = -sm;
        put_u128(n / m, a); put_u128(n % m, b); put_i128(sn / sm, c); put_i128(sn % sm, d);
        printf("%3d q=%s r=%s sq=%s sr=%s\n", i, a, b, c, d);
        if (n / m * m + n % m != n) { printf("identity broken\n"); return 1; }
    }
    i128 big = (i128)(((u128)1 << 127) - 1);
    put_i128(big, a); put_i128(-big - 1, b);
    printf("max %s\nmin %s\n", a, b);
    printf("clz %d ctz %d\n", __builtin_clzll((uint64_t)(x >> 64)), __builtin_ctzll((uint64_t)x));
    return 0;
}
